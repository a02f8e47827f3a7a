//go:build linux

package pulse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// protocolVersion is the version this client speaks. The server answers
// with the lower of its own and this one, which fixes the layout of every
// message; 32 (PulseAudio 12, 2018) has everything needed here and is
// spoken by every PipeWire.
const protocolVersion = 32

// controlChannel is the channel of command packets.
const controlChannel = 0xffffffff

// invalidIndex is PA_INVALID_INDEX: "none", "pick by name", "default".
const invalidIndex = 0xffffffff

// headerSize is the size of a packet header: length, channel, offset (two
// words) and flags.
const headerSize = 20

// maxPacket bounds a packet from the server, as the server bounds its own.
const maxPacket = 16 << 20

// requestTimeout bounds the wait for an answer.
const requestTimeout = 5 * time.Second

// Commands (PA_COMMAND_*).
const (
	cmdError                = 0
	cmdReply                = 2
	cmdCreatePlaybackStream = 3
	cmdDeletePlaybackStream = 4
	cmdCreateRecordStream   = 5
	cmdDeleteRecordStream   = 6
	cmdAuth                 = 8
	cmdSetClientName        = 9
	cmdGetPlaybackLatency   = 14
	cmdGetServerInfo        = 20
	cmdGetSinkInfoList      = 22
	cmdGetSourceInfoList    = 24
	cmdGetModuleInfoList    = 26
	cmdCorkPlaybackStream   = 41
	cmdSetDefaultSource     = 45
	cmdLoadModule           = 51
	cmdUnloadModule         = 52
	cmdGetRecordLatency     = 57
	cmdCorkRecordStream     = 58
	cmdRequest              = 61
	cmdOverflow             = 62
	cmdUnderflow            = 63
	cmdPlaybackStreamKilled = 64
	cmdRecordStreamKilled   = 65
	cmdStarted              = 86
)

// Options configures Dial.
type Options struct {
	// Server is the socket: a path, "unix:PATH", or "" for $PULSE_SERVER,
	// else $XDG_RUNTIME_DIR/pulse/native, else /run/user/UID/pulse/native,
	// else the system-wide /var/run/pulse/native.
	Server string
	// ClientName is how the server lists this client ("hush").
	ClientName string
	// RealTime asks for real-time scheduling of the goroutine that reads
	// the socket, which is the one that runs the record streams' handlers:
	// the audio thread. Without the privilege (RLIMIT_RTPRIO, or root) it
	// runs at normal priority; Conn.RealTime says which.
	RealTime bool
}

// Conn is a connection to a sound server. Its methods may be called from
// any goroutine.
type Conn struct {
	fd      int
	version uint32
	server  string

	writeMu sync.Mutex
	wbuf    []byte // command packets; guarded by writeMu

	mu       sync.Mutex
	nextTag  uint32
	pending  map[uint32]chan reply
	playback map[uint32]*PlaybackStream

	// records maps a record stream's channel to its stream; the read loop
	// loads it for every audio packet, so it is replaced, never changed.
	records atomic.Pointer[map[uint32]*RecordStream]

	realTime    atomic.Int32 // 0 unknown, 1 yes, 2 no
	done        chan struct{}
	err         error // why the read loop ended; set before done closes
	closeOnce   sync.Once
	closeCalled atomic.Bool
}

type reply struct {
	body []byte // the tagstruct after the command and tag
	err  error
}

// Dial connects to the sound server and authenticates. The error wraps
// ErrNoServer when nothing listens.
func Dial(opts Options) (*Conn, error) {
	path, err := serverPath(opts.Server)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("pulse: socket: %w", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%w at %s (%v): is the server running? Start it with \"pulseaudio --start\", or set PULSE_SERVER",
			ErrNoServer, path, err)
	}
	c := &Conn{
		fd:       fd,
		server:   path,
		nextTag:  1,
		pending:  map[uint32]chan reply{},
		playback: map[uint32]*PlaybackStream{},
		done:     make(chan struct{}),
	}
	c.records.Store(&map[uint32]*RecordStream{})
	// The first packet carries our credentials: a server of the same user
	// then needs no cookie.
	authReply := make(chan reply, 1)
	c.pending[0] = authReply
	if err := c.sendAuth(readCookie()); err != nil {
		unix.Close(fd)
		return nil, err
	}
	go c.readLoop(opts.RealTime)
	r, err := c.wait(0, authReply)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("pulse: authenticating with %s: %w", path, err)
	}
	c.version = min(r.u32()&0xffff, protocolVersion)
	if r.err != nil {
		c.Close()
		return nil, r.err
	}
	name := opts.ClientName
	if name == "" {
		name = filepath.Base(os.Args[0])
	}
	if _, err := c.request(cmdSetClientName, func(w *tagWriter) {
		w.propList(map[string]string{"application.name": name, "application.process.id": strconv.Itoa(os.Getpid())})
	}); err != nil {
		c.Close()
		return nil, fmt.Errorf("pulse: %w", err)
	}
	return c, nil
}

// serverPath finds the socket.
func serverPath(server string) (string, error) {
	if server == "" {
		server = os.Getenv("PULSE_SERVER")
	}
	if server != "" {
		// A list of addresses, each maybe "{machine-id}"-prefixed; the
		// first local socket is ours.
		for _, s := range strings.Fields(server) {
			if i := strings.IndexByte(s, '}'); strings.HasPrefix(s, "{") && i > 0 {
				s = s[i+1:]
			}
			s = strings.TrimPrefix(s, "unix:")
			if strings.HasPrefix(s, "/") {
				return s, nil
			}
		}
		return "", fmt.Errorf("%w: PULSE_SERVER=%q names no unix socket, and this client speaks only to local servers",
			ErrNoServer, server)
	}
	var tried []string
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		tried = append(tried, filepath.Join(dir, "pulse", "native"))
	}
	tried = append(tried, fmt.Sprintf("/run/user/%d/pulse/native", os.Getuid()), "/var/run/pulse/native")
	for _, p := range tried {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no socket at %s; is PulseAudio or pipewire-pulse running? Start it (\"pulseaudio --start\" or \"systemctl --user start pipewire-pulse\"), or set PULSE_SERVER",
		ErrNoServer, strings.Join(tried, ", "))
}

// readCookie returns the user's authentication cookie, or 256 zero bytes
// when there is none (then the credentials sent along must do).
func readCookie() []byte {
	var paths []string
	if p := os.Getenv("PULSE_COOKIE"); p != "" {
		paths = append(paths, p)
	}
	if dir := os.Getenv("XDG_CONFIG_HOME"); dir != "" {
		paths = append(paths, filepath.Join(dir, "pulse", "cookie"))
	}
	if home := os.Getenv("HOME"); home != "" {
		paths = append(paths, filepath.Join(home, ".config", "pulse", "cookie"), filepath.Join(home, ".pulse-cookie"))
	}
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) >= 256 {
			return b[:256]
		}
	}
	return make([]byte, 256)
}

// sendAuth sends the first command, with our credentials attached.
func (c *Conn) sendAuth(cookie []byte) error {
	w := tagWriter{buf: make([]byte, headerSize, 512)}
	w.u32(cmdAuth)
	w.u32(0) // tag
	w.u32(protocolVersion)
	w.arbitrary(cookie)
	finishPacket(w.buf, controlChannel)
	creds := unix.UnixCredentials(&unix.Ucred{Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())})
	n, err := unix.SendmsgN(c.fd, w.buf, creds, nil, 0)
	if err != nil {
		return fmt.Errorf("pulse: sending to %s: %w", c.server, err)
	}
	return c.writeAll(w.buf[n:])
}

// finishPacket fills in the header at the start of pkt.
func finishPacket(pkt []byte, channel uint32) {
	binary.BigEndian.PutUint32(pkt[0:], uint32(len(pkt)-headerSize))
	binary.BigEndian.PutUint32(pkt[4:], channel)
	clear(pkt[8:headerSize]) // offset and flags: none, relative seek
}

// writeAll writes b; the caller holds writeMu or is Dial.
func (c *Conn) writeAll(b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(c.fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("pulse: writing to %s: %w", c.server, err)
		}
		b = b[n:]
	}
	return nil
}

// request sends a command with the body that fill writes and waits for
// the answer.
func (c *Conn) request(cmd uint32, fill func(w *tagWriter)) (*tagReader, error) {
	c.mu.Lock()
	if c.pending == nil {
		c.mu.Unlock()
		return nil, c.closedErr()
	}
	tag := c.nextTag
	c.nextTag++
	ch := make(chan reply, 1)
	c.pending[tag] = ch
	c.mu.Unlock()

	c.writeMu.Lock()
	w := tagWriter{buf: append(c.wbuf[:0], make([]byte, headerSize)...)}
	w.u32(cmd)
	w.u32(tag)
	if fill != nil {
		fill(&w)
	}
	finishPacket(w.buf, controlChannel)
	err := c.writeAll(w.buf)
	c.wbuf = w.buf
	c.writeMu.Unlock()
	if err != nil {
		c.forget(tag)
		return nil, err
	}
	return c.wait(tag, ch)
}

func (c *Conn) forget(tag uint32) {
	c.mu.Lock()
	delete(c.pending, tag)
	c.mu.Unlock()
}

// wait waits for the answer to tag on ch.
func (c *Conn) wait(tag uint32, ch chan reply) (*tagReader, error) {
	t := time.NewTimer(requestTimeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return &tagReader{buf: r.body}, nil
	case <-t.C:
		c.forget(tag)
		return nil, fmt.Errorf("%w within %v (%s)", ErrTimeout, requestTimeout, c.server)
	case <-c.done:
		select {
		case r := <-ch: // answered just before the end
			if r.err == nil {
				return &tagReader{buf: r.body}, nil
			}
		default:
		}
		return nil, c.closedErr()
	}
}

func (c *Conn) closedErr() error {
	select {
	case <-c.done:
		if c.err != nil {
			return c.err
		}
	default:
	}
	return ErrClosed
}

// Version returns the protocol version in use.
func (c *Conn) Version() int { return int(c.version) }

// RealTime reports whether the audio goroutine got real-time scheduling;
// false until it has tried.
func (c *Conn) RealTime() bool { return c.realTime.Load() == 1 }

// Done is closed when the connection ends, by Close or by the server.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err says why the connection ended: nil while it is open.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
		return nil
	}
}

// Close ends the connection. The server then removes every stream and
// nothing else: modules loaded stay loaded.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closeCalled.Store(true)
		// Shutdown wakes the read loop, which closes the socket.
		_ = unix.Shutdown(c.fd, unix.SHUT_RDWR)
		<-c.done
	})
	return nil
}

// readLoop reads packets until the connection ends. It runs the record
// streams' handlers, so it is the audio thread: locked to its OS thread,
// reading with plain blocking system calls (the kernel wakes this thread
// itself, not the runtime's poller), and at real-time priority if asked
// and allowed.
func (c *Conn) readLoop(realTime bool) {
	// The thread is never unlocked, so it exits with the goroutine and
	// takes its scheduling class with it.
	runtime.LockOSThread()
	if realTime {
		if setRealTime() == nil {
			c.realTime.Store(1)
		} else {
			c.realTime.Store(2)
		}
	}
	err := c.readPackets()
	if err == errClosing {
		err = nil
	}
	c.mu.Lock()
	c.err = err
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{err: c.closedErrFrom(err)}
	}
	unix.Close(c.fd)
	close(c.done)
}

func (c *Conn) closedErrFrom(err error) error {
	if err == nil {
		return ErrClosed
	}
	return err
}

// setRealTime puts the calling thread in SCHED_FIFO at a low real-time
// priority: above every normal thread, below the sound server's own.
func setRealTime() error {
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Flags: unix.SCHED_FLAG_RESET_ON_FORK, Priority: 5}
	return unix.SchedSetAttr(0, &attr, 0)
}

// readPackets is the read loop proper; it returns why it stopped.
func (c *Conn) readPackets() error {
	var hdr [headerSize]byte
	buf := make([]byte, 64<<10)
	for {
		if err := c.readFull(hdr[:]); err != nil {
			return err
		}
		n := binary.BigEndian.Uint32(hdr[0:])
		channel := binary.BigEndian.Uint32(hdr[4:])
		if n > maxPacket {
			return fmt.Errorf("%w: a packet of %d bytes", errProtocol, n)
		}
		if int(n) > len(buf) {
			buf = make([]byte, n)
		}
		p := buf[:n]
		if err := c.readFull(p); err != nil {
			return err
		}
		if channel != controlChannel {
			if s := (*c.records.Load())[channel]; s != nil {
				s.deliver(p)
			}
			continue
		}
		if err := c.dispatch(p); err != nil {
			return err
		}
	}
}

// errClosing ends the read loop quietly: Close shut the socket down.
var errClosing = errors.New("closing")

// readFull reads len(b) bytes; the end of the stream is ErrClosed, or
// errClosing when Close caused it.
func (c *Conn) readFull(b []byte) error {
	for len(b) > 0 {
		n, err := unix.Read(c.fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			if c.closeCalled.Load() {
				return errClosing
			}
			if err == nil {
				return fmt.Errorf("%w: the server %s hung up", ErrClosed, c.server)
			}
			return fmt.Errorf("%w: reading from %s: %v", ErrClosed, c.server, err)
		}
		b = b[n:]
	}
	return nil
}

// dispatch handles one command packet.
func (c *Conn) dispatch(p []byte) error {
	r := tagReader{buf: p}
	cmd := r.u32()
	tag := r.u32()
	if r.err != nil {
		return r.err
	}
	switch cmd {
	case cmdReply, cmdError:
		rep := reply{body: append([]byte(nil), r.buf...)}
		if cmd == cmdError {
			code := r.u32()
			rep = reply{err: ServerError(code)}
			if r.err != nil {
				rep.err = r.err
			}
		}
		c.mu.Lock()
		ch := c.pending[tag]
		delete(c.pending, tag)
		c.mu.Unlock()
		if ch != nil {
			ch <- rep
		}
	case cmdUnderflow, cmdOverflow, cmdPlaybackStreamKilled, cmdRequest, cmdStarted:
		idx := r.u32()
		c.mu.Lock()
		s := c.playback[idx]
		c.mu.Unlock()
		if s != nil {
			var n uint32
			if cmd == cmdRequest {
				n = r.u32()
			}
			s.event(cmd, n)
		}
	case cmdRecordStreamKilled:
		idx := r.u32()
		if s := (*c.records.Load())[idx]; s != nil {
			s.killed.Store(true)
		}
	}
	return nil
}
