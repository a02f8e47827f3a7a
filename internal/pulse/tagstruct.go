//go:build linux

package pulse

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The type tags of tagstruct values.
const (
	tagString     = 't'
	tagStringNull = 'N'
	tagU32        = 'L'
	tagU8         = 'B'
	tagU64        = 'R'
	tagS64        = 'r'
	tagSampleSpec = 'a'
	tagArbitrary  = 'x'
	tagTrue       = '1'
	tagFalse      = '0'
	tagTimeval    = 'T'
	tagUsec       = 'U'
	tagChannelMap = 'm'
	tagCVolume    = 'v'
	tagPropList   = 'P'
	tagVolume     = 'V'
	tagFormatInfo = 'f'
)

// tagWriter appends tagstruct values to buf.
type tagWriter struct{ buf []byte }

func (w *tagWriter) u32(v uint32) {
	w.buf = append(w.buf, tagU32)
	w.buf = binary.BigEndian.AppendUint32(w.buf, v)
}

func (w *tagWriter) u8(v uint8) { w.buf = append(w.buf, tagU8, v) }

func (w *tagWriter) boolean(v bool) {
	if v {
		w.buf = append(w.buf, tagTrue)
	} else {
		w.buf = append(w.buf, tagFalse)
	}
}

// str writes s, or the null string when s is empty: the server reads an
// empty name as "none given".
func (w *tagWriter) str(s string) {
	if s == "" {
		w.buf = append(w.buf, tagStringNull)
		return
	}
	w.buf = append(w.buf, tagString)
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, 0)
}

func (w *tagWriter) arbitrary(b []byte) {
	w.buf = append(w.buf, tagArbitrary)
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *tagWriter) timeval(sec, usec uint32) {
	w.buf = append(w.buf, tagTimeval)
	w.buf = binary.BigEndian.AppendUint32(w.buf, sec)
	w.buf = binary.BigEndian.AppendUint32(w.buf, usec)
}

func (w *tagWriter) sampleSpec(s SampleSpec) {
	w.buf = append(w.buf, tagSampleSpec, s.Format, s.Channels)
	w.buf = binary.BigEndian.AppendUint32(w.buf, s.Rate)
}

// channelMap writes the usual map for n channels: mono, or front left
// and right, then the auxiliary positions.
func (w *tagWriter) channelMap(n uint8) {
	w.buf = append(w.buf, tagChannelMap, n)
	for i := range n {
		w.buf = append(w.buf, channelPosition(n, i))
	}
}

// cvolume writes n channels at full (unchanged) volume.
func (w *tagWriter) cvolume(n uint8) {
	w.buf = append(w.buf, tagCVolume, n)
	for range n {
		w.buf = binary.BigEndian.AppendUint32(w.buf, volumeNorm)
	}
}

// propList writes the properties; string values go with their NUL, as
// the server stores them.
func (w *tagWriter) propList(props map[string]string) {
	w.buf = append(w.buf, tagPropList)
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v := props[k]
		w.str(k)
		w.u32(uint32(len(v) + 1))
		w.buf = append(w.buf, tagArbitrary)
		w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(v)+1))
		w.buf = append(w.buf, v...)
		w.buf = append(w.buf, 0)
	}
	w.buf = append(w.buf, tagStringNull)
}

const volumeNorm = 0x10000

// channelPosition is PulseAudio's position code for channel i of n.
func channelPosition(n, i uint8) uint8 {
	const mono, frontLeft, aux0 = 0, 1, 12
	switch {
	case n == 1:
		return mono
	case i < 2:
		return frontLeft + i
	}
	return aux0 + i - 2
}

// tagReader reads tagstruct values from buf. The first malformed value
// sets err; later reads then return zero values, so a parser checks err
// once at the end.
type tagReader struct {
	buf []byte
	err error
}

func (r *tagReader) fail(want string) {
	if r.err == nil {
		got := "the end of the packet"
		if len(r.buf) > 0 {
			got = fmt.Sprintf("tag %q", r.buf[0])
		}
		r.err = fmt.Errorf("%w: want %s, got %s", errProtocol, want, got)
	}
	r.buf = nil
}

// take returns the n bytes after tag, or nil after a mismatch.
func (r *tagReader) take(tag byte, n int, want string) []byte {
	if r.err != nil || len(r.buf) < 1+n || r.buf[0] != tag {
		r.fail(want)
		return nil
	}
	b := r.buf[1 : 1+n]
	r.buf = r.buf[1+n:]
	return b
}

func (r *tagReader) u32() uint32 {
	if b := r.take(tagU32, 4, "a u32"); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *tagReader) u8() uint8 {
	if b := r.take(tagU8, 1, "a u8"); b != nil {
		return b[0]
	}
	return 0
}

func (r *tagReader) u64(tag byte) uint64 {
	if b := r.take(tag, 8, "a 64-bit value"); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (r *tagReader) usec() uint64 { return r.u64(tagUsec) }

func (r *tagReader) s64() int64 { return int64(r.u64(tagS64)) }

func (r *tagReader) volume() uint32 {
	if b := r.take(tagVolume, 4, "a volume"); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *tagReader) boolean() bool {
	if r.err == nil && len(r.buf) > 0 && (r.buf[0] == tagTrue || r.buf[0] == tagFalse) {
		v := r.buf[0] == tagTrue
		r.buf = r.buf[1:]
		return v
	}
	r.fail("a boolean")
	return false
}

func (r *tagReader) str() string {
	if r.err == nil && len(r.buf) > 0 && r.buf[0] == tagStringNull {
		r.buf = r.buf[1:]
		return ""
	}
	if r.err != nil || len(r.buf) < 2 || r.buf[0] != tagString {
		r.fail("a string")
		return ""
	}
	for i := 1; i < len(r.buf); i++ {
		if r.buf[i] == 0 {
			s := string(r.buf[1:i])
			r.buf = r.buf[i+1:]
			return s
		}
	}
	r.fail("a NUL-terminated string")
	return ""
}

func (r *tagReader) arbitrary() []byte {
	if r.err != nil || len(r.buf) < 5 || r.buf[0] != tagArbitrary {
		r.fail("arbitrary bytes")
		return nil
	}
	n := int(binary.BigEndian.Uint32(r.buf[1:5]))
	if len(r.buf) < 5+n {
		r.fail("arbitrary bytes")
		return nil
	}
	b := r.buf[5 : 5+n]
	r.buf = r.buf[5+n:]
	return b
}

func (r *tagReader) timeval() time.Time {
	if b := r.take(tagTimeval, 8, "a timeval"); b != nil {
		sec, usec := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		return time.Unix(int64(sec), int64(usec)*1000)
	}
	return time.Time{}
}

func (r *tagReader) sampleSpec() SampleSpec {
	if b := r.take(tagSampleSpec, 6, "a sample spec"); b != nil {
		return SampleSpec{Format: b[0], Channels: b[1], Rate: binary.BigEndian.Uint32(b[2:])}
	}
	return SampleSpec{}
}

// lengthPrefixed skips a value of tag whose first byte counts items of
// size bytes each (a channel map, a volume).
func (r *tagReader) lengthPrefixed(tag byte, size int, want string) {
	if r.err != nil || len(r.buf) < 2 || r.buf[0] != tag {
		r.fail(want)
		return
	}
	r.take(tag, 1+int(r.buf[1])*size, want)
}

func (r *tagReader) channelMap() { r.lengthPrefixed(tagChannelMap, 1, "a channel map") }

func (r *tagReader) cvolume() { r.lengthPrefixed(tagCVolume, 4, "a channel volume") }

// propList reads the properties as strings (values lose their NUL).
func (r *tagReader) propList() map[string]string {
	if r.take(tagPropList, 0, "a property list"); r.err != nil {
		return nil
	}
	props := map[string]string{}
	for r.err == nil {
		if len(r.buf) > 0 && r.buf[0] == tagStringNull {
			r.buf = r.buf[1:]
			return props
		}
		k := r.str()
		n := r.u32()
		v := r.arbitrary()
		if uint32(len(v)) != n {
			r.fail("a property value of the length announced")
		}
		if len(v) > 0 && v[len(v)-1] == 0 {
			v = v[:len(v)-1]
		}
		props[k] = string(v)
	}
	return nil
}

// formatInfo skips one format: its encoding and properties.
func (r *tagReader) formatInfo() {
	r.take(tagFormatInfo, 0, "a format info")
	r.u8()
	r.propList()
}
