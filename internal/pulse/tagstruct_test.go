//go:build linux

package pulse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTagstructRoundTrip(t *testing.T) {
	var w tagWriter
	w.u32(0xdeadbeef)
	w.u8(7)
	w.boolean(true)
	w.boolean(false)
	w.str("hush_mic")
	w.str("") // the null string
	w.arbitrary([]byte{1, 2, 3})
	w.sampleSpec(SampleSpec{Format: FormatFloat32LE, Channels: 2, Rate: 48000})
	w.channelMap(2)
	w.cvolume(2)
	w.propList(map[string]string{"media.name": "hush live", "application.name": "hush"})
	w.timeval(1, 2)

	r := tagReader{buf: w.buf}
	assert.Equal(t, uint32(0xdeadbeef), r.u32())
	assert.Equal(t, uint8(7), r.u8())
	assert.True(t, r.boolean())
	assert.False(t, r.boolean())
	assert.Equal(t, "hush_mic", r.str())
	assert.Equal(t, "", r.str())
	assert.Equal(t, []byte{1, 2, 3}, r.arbitrary())
	assert.Equal(t, SampleSpec{Format: FormatFloat32LE, Channels: 2, Rate: 48000}, r.sampleSpec())
	r.channelMap()
	r.cvolume()
	assert.Equal(t, map[string]string{"media.name": "hush live", "application.name": "hush"}, r.propList())
	assert.Equal(t, time.Unix(1, 2000), r.timeval(), "seconds and microseconds")
	require.NoError(t, r.err)
	assert.Empty(t, r.buf, "everything written was read")
}

func TestTagstructWireFormat(t *testing.T) {
	// As PulseAudio lays them out: a tag byte, then big-endian values;
	// strings NUL-terminated; a property's value with its NUL and its
	// length twice.
	var w tagWriter
	w.u32(3)
	w.str("ab")
	w.propList(map[string]string{"k": "v"})
	assert.Equal(t, []byte{
		'L', 0, 0, 0, 3,
		't', 'a', 'b', 0,
		'P', 't', 'k', 0, 'L', 0, 0, 0, 2, 'x', 0, 0, 0, 2, 'v', 0, 'N',
	}, w.buf)
	// Channel positions: mono, then front left and right, then aux.
	assert.Equal(t, uint8(0), channelPosition(1, 0))
	assert.Equal(t, []uint8{1, 2, 12}, []uint8{channelPosition(3, 0), channelPosition(3, 1), channelPosition(3, 2)})
}

func TestTagstructMalformed(t *testing.T) {
	for name, buf := range map[string][]byte{
		"wrong tag":           {'t', 'a', 0},
		"short u32":           {'L', 0, 0},
		"unterminated string": {'t', 'a', 'b'},
		"arbitrary too long":  {'x', 0, 0, 0, 9, 1},
		"empty":               {},
	} {
		r := tagReader{buf: buf}
		r.u32()
		r.str()
		r.arbitrary()
		assert.ErrorIs(t, r.err, errProtocol, name)
		// After the first error every read is a zero value, not a panic.
		assert.Zero(t, r.u32(), name)
		assert.Empty(t, r.str(), name)
	}
}
