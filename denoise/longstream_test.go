package denoise

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/testaudio"
)

// longLoop returns a speech+noise mixture and its clean speech at 16 kHz
// to be looped: the VoiceBank+DEMAND pair in testdata, so that the test
// measures the same real recording in a bare clone as beside the shared
// data.
func longLoop(t testing.TB) (noisy, clean []float32) {
	noisy, _ = testaudio.ReadMono(t, testaudio.Testdata(t, "noisy_example.wav"))
	clean, _ = testaudio.ReadMono(t, testaudio.Testdata(t, "clean_example.wav"))
	return noisy, clean
}

// longResult is what longRun measured.
type longResult struct {
	earlyLoop, lastLoop   []float32 // output for loop longEarlyLoop and the last loop
	firstSISDR, lastSISDR float64   // over the first and last minute [dB]
	secondSISDR           float64   // over the second minute [dB]
	middleSISDR           float64   // over the minute that starts halfway [dB]
	firstRMS, lastRMS     float64   // level of the first and last minute
	allocBytes            uint64    // allocated while streaming
	sliceRTF              []float64 // real-time factor per tenth of the stream (benchmark only)
}

// longEarlyLoop is the loop whose output is compared with the last one's:
// from a cold start, the output of successive loops converges within
// five loops (some 12 s) to a difference 60 dB below the output, where it
// stays (the state's minimum-search windows do not all repeat with the
// loop).
const longEarlyLoop = 5

// longRun feeds one 16 kHz Denoiser `seconds` of the looped mixture in
// 10 ms chunks, generating the input on the fly, and measures the first and
// last minute of its latency-aligned output against the looped clean
// speech. The stream ends on a whole loop so that the last loop is
// complete.
func longRun(t testing.TB, seconds int, timeSlices bool) longResult {
	const rate = 16000
	noisy, clean := longLoop(t)
	// A whole number of the noise tracker's minimum-search windows (64
	// frames) per loop, so that a converged state repeats exactly with the
	// input.
	period := len(noisy) / (64 * 160) * (64 * 160)
	d, err := New(Config{SampleRate: rate})
	require.NoError(t, err)
	hop, lat := d.FrameSize(), d.Latency()
	loops := seconds * rate / period
	require.Greater(t, loops, longEarlyLoop+1)
	total := loops*period + lat           // the output of the last loop comes Latency() later
	minute := 60 * rate / period * period // whole loops
	require.Positive(t, minute)
	require.LessOrEqual(t, 3*minute, total)

	// Output positions, in input time (output index - Latency()).
	res := longResult{earlyLoop: make([]float32, period), lastLoop: make([]float32, period)}
	firstMin, secondMin, lastMin := make([]float32, minute), make([]float32, minute), make([]float32, minute)
	middleMin := make([]float32, minute)
	lastMinStart := loops*period - minute
	middleMinStart := loops / 2 * period
	lastLoopStart := (loops - 1) * period

	in, out := make([]float32, hop), make([]float32, hop)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sliceLen := total / 10
	sliceStart := time.Now()
	for pos := 0; pos < total; pos += hop {
		n := min(hop, total-pos)
		for i := range n {
			in[i] = noisy[(pos+i)%period]
		}
		d.Process(out[:n], in[:n])
		for i, v := range out[:n] {
			j := pos + i - lat // the input sample this output belongs to
			switch {
			case j < 0:
			case j < minute:
				firstMin[j] = v
			case j < 2*minute:
				secondMin[j-minute] = v
			}
			if j >= longEarlyLoop*period && j < (longEarlyLoop+1)*period {
				res.earlyLoop[j-longEarlyLoop*period] = v
			}
			if j >= lastMinStart && j < lastMinStart+minute {
				lastMin[j-lastMinStart] = v
			}
			if j >= middleMinStart && j < middleMinStart+minute {
				middleMin[j-middleMinStart] = v
			}
			if j >= lastLoopStart && j < lastLoopStart+period {
				res.lastLoop[j-lastLoopStart] = v
			}
		}
		if timeSlices && (pos+n)/sliceLen != pos/sliceLen {
			res.sliceRTF = append(res.sliceRTF, time.Since(sliceStart).Seconds()/(float64(sliceLen)/rate))
			sliceStart = time.Now()
		}
	}
	runtime.ReadMemStats(&after)
	res.allocBytes = after.TotalAlloc - before.TotalAlloc

	ref := make([]float32, minute)
	for i := range ref {
		ref[i] = clean[i%period] // both minutes start on a loop boundary
	}
	res.firstSISDR, res.lastSISDR = metrics.SISDR(ref, firstMin), metrics.SISDR(ref, lastMin)
	res.secondSISDR, res.middleSISDR = metrics.SISDR(ref, secondMin), metrics.SISDR(ref, middleMin)
	res.firstRMS, res.lastRMS = longRMS(firstMin), longRMS(lastMin)
	return res
}

func longRMS(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(x)))
}

func longDB(x float64) float64 { return 20 * math.Log10(x) }

func TestLongStreamStaysTheSame(t *testing.T) {
	// 20 minutes of looped noisy speech through one Denoiser: it allocates
	// nothing while streaming, the output of the last loop is that of an
	// early one (the state converged and does not drift), and quality and
	// level of the last minute equal those of the first (less the cold
	// start's fraction of a dB), of the second (less the network state's
	// slow settling: 0.044 dB from the second minute to the eighth, after
	// which the SI-SDR held to 0.001 dB up to 30 minutes in runs of 3 to
	// 30 minutes) and, in the full run, of the minute halfway.
	minutes := 20
	if testing.Short() {
		minutes = 3
	}
	r := longRun(t, minutes*60, false)
	t.Logf("%d min: SI-SDR first minute %.3f dB, second %.3f dB, halfway %.4f dB, last %.4f dB; level first %.3f dBFS, last %.3f dBFS; %d bytes allocated",
		minutes, r.firstSISDR, r.secondSISDR, r.middleSISDR, r.lastSISDR, longDB(r.firstRMS), longDB(r.lastRMS), r.allocBytes)
	assert.Less(t, r.allocBytes, uint64(16<<10), "streaming must not allocate (the runtime may, a little)")
	assert.InDelta(t, r.firstSISDR, r.lastSISDR, 0.5, "SI-SDR of the first and last minute [dB]")
	assert.InDelta(t, r.secondSISDR, r.lastSISDR, 0.1, "SI-SDR of the second and last minute [dB]")
	if !testing.Short() {
		assert.InDelta(t, r.middleSISDR, r.lastSISDR, 0.005, "SI-SDR of the minute halfway and the last [dB]")
	}
	assert.InDelta(t, longDB(r.firstRMS), longDB(r.lastRMS), 0.1, "level of the first and last minute [dB]")

	var diff, ref float64
	for i := range r.earlyLoop {
		e := float64(r.lastLoop[i] - r.earlyLoop[i])
		diff += e * e
		ref += float64(r.earlyLoop[i]) * float64(r.earlyLoop[i])
	}
	db := 10 * math.Log10(diff/ref+1e-30)
	t.Logf("last loop vs loop %d: difference %.1f dB below the output", longEarlyLoop, -db)
	// Not bit-identical: the noise tracker's minimum-search windows (0.64 s)
	// fall differently on each loop.
	assert.Less(t, db, -40.0, "the same input gives the same output after %d minutes", minutes)
}

// BenchmarkLongStream streams HUSH_LONG_HOURS hours (default 1) of looped
// noisy speech through one 16 kHz Denoiser per iteration; run it with
// -benchtime=1x. It reports the real-time factor of the first and last
// tenth of the stream (a per-frame cost that grows would show as
// rtf-last > rtf-first), the SI-SDR of the first and last minute, and
// the bytes allocated while streaming.
func BenchmarkLongStream(b *testing.B) {
	hours := 1.0
	if s := os.Getenv("HUSH_LONG_HOURS"); s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil || h <= 0 {
			b.Fatalf("HUSH_LONG_HOURS=%q: want a positive number of hours", s)
		}
		hours = h
	}
	b.Run(fmt.Sprintf("%gh", hours), func(b *testing.B) {
		var r longResult
		for b.Loop() {
			r = longRun(b, int(hours*3600), true)
		}
		b.ReportMetric(r.sliceRTF[0], "rtf-first")
		b.ReportMetric(r.sliceRTF[len(r.sliceRTF)-1], "rtf-last")
		b.ReportMetric(r.firstSISDR, "dB-SI-SDR-first")
		b.ReportMetric(r.lastSISDR, "dB-SI-SDR-last")
		b.ReportMetric(float64(r.allocBytes), "B-allocated")
	})
}
