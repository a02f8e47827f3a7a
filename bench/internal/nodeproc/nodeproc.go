// Package nodeproc runs the bench's Node.js programs (bench/node) as child
// processes that take binary messages on stdin and answer on stdout: the
// DNSMOS model under onnxruntime-node and the RNNoise WebAssembly builds.
package nodeproc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Installed reports what is missing to run a program of dir (bench/node)
// that needs the npm package pkg, saying what to do about it.
func Installed(dir, pkg string) error {
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node not on PATH: install nodejs")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
		return fmt.Errorf("%s is not installed in %s: run (cd %s && ONNXRUNTIME_NODE_INSTALL=skip npm ci)", pkg, dir, dir)
	}
	return nil
}

// Process is one running Node program. Write requests to In and read the
// answers from Out; End it when done.
type Process struct {
	In  io.WriteCloser
	Out *bufio.Reader

	name   string
	cmd    *exec.Cmd
	stderr bytes.Buffer
	ended  bool
}

// Start runs node with script and args; name says what the program is in
// the errors End returns.
func Start(name, script string, args ...string) (*Process, error) {
	p := &Process{name: name, cmd: exec.Command("node", append([]string{script}, args...)...)}
	p.cmd.Stderr = &p.stderr
	var err error
	if p.In, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.Out = bufio.NewReader(out)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting node %s: %w", script, err)
	}
	return p, nil
}

// End closes the program's input and waits for it to exit. It returns nil
// if that went well and cause is nil; otherwise cause joined with how the
// program exited, naming the program and adding what it said on stderr
// (read only once it is gone: exec writes it from another goroutine until
// then). Once the program has ended, End returns cause alone: a caller
// may end a program that a failed request has ended already.
func (p *Process) End(cause error) error {
	if p.ended {
		return cause
	}
	p.ended = true
	p.In.Close()
	err := errors.Join(cause, p.cmd.Wait())
	if err == nil {
		return nil
	}
	if msg := strings.TrimSpace(p.stderr.String()); msg != "" {
		return fmt.Errorf("%s (node): %w: %s", p.name, err, msg)
	}
	return fmt.Errorf("%s (node): %w", p.name, err)
}
