package metrics

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

// all4 computes the four metrics of est against clean.
func all4(t testing.TB, clean, est []float32, rate int) [4]float64 {
	t.Helper()
	st, err := STOI(clean, est, rate)
	require.NoError(t, err)
	es, err := ESTOI(clean, est, rate)
	require.NoError(t, err)
	return [4]float64{SISDR(clean, est), SegSNR(clean, est, rate), st, es}
}

var metricNames = [4]string{"SI-SDR", "SegSNR", "STOI", "ESTOI"}

// withNoise returns s plus seeded white noise at the given SNR [dB].
func withNoise(s []float32, snr float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	noise := make([]float64, len(s))
	var ps, pn float64
	for i := range s {
		noise[i] = rng.NormFloat64()
		ps += float64(s[i]) * float64(s[i])
		pn += noise[i] * noise[i]
	}
	g := math.Sqrt(ps / pn / math.Pow(10, snr/10))
	out := make([]float32, len(s))
	for i := range s {
		out[i] = s[i] + float32(g*noise[i])
	}
	return out
}

func scaled(s []float32, g float32) []float32 {
	out := make([]float32, len(s))
	for i := range s {
		out[i] = g * s[i]
	}
	return out
}

// speechLike is a deterministic amplitude-modulated harmonic signal, a
// stand-in for speech when the recordings are absent.
func speechLike(n, rate int) []float32 {
	s := make([]float32, n)
	for i := range s {
		t := float64(i) / float64(rate)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*4*t)
		v := 0.0
		for h := 1; h <= 20; h++ {
			v += math.Sin(2*math.Pi*float64(h)*140*t+float64(h)) / float64(h)
		}
		s[i] = float32(0.2 * env * v)
	}
	return s
}

func TestIdenticalSignals(t *testing.T) {
	clean := speechLike(32000, 16000)
	m := all4(t, clean, clean, 16000)
	assert.True(t, math.IsInf(m[0], 1) || m[0] > 100, "SI-SDR %v", m[0])
	assert.Equal(t, SegSNRMax, m[1])
	assert.Greater(t, m[2], 0.999)
	assert.Greater(t, m[3], 0.999)
}

func TestSISDRKnownValue(t *testing.T) {
	// Noise made orthogonal to the zero-mean clean signal with 1/100 of its
	// energy gives exactly 20 dB, whatever the estimate's gain.
	clean := speechLike(16000, 16000)
	rng := rand.New(rand.NewPCG(7, 1))
	noise := make([]float32, len(clean))
	for i := range noise {
		noise[i] = float32(rng.NormFloat64())
	}
	var mc, mn float64
	for i := range clean {
		mc += float64(clean[i])
		mn += float64(noise[i])
	}
	mc /= float64(len(clean))
	mn /= float64(len(clean))
	c := make([]float64, len(clean))
	d := make([]float64, len(clean))
	var cc, cd float64
	for i := range clean {
		c[i] = float64(clean[i]) - mc
		d[i] = float64(noise[i]) - mn
		cc += c[i] * c[i]
		cd += c[i] * d[i]
	}
	var dd float64
	for i := range d {
		d[i] -= cd / cc * c[i]
		dd += d[i] * d[i]
	}
	g := math.Sqrt(cc / dd / 100)
	est := make([]float32, len(clean))
	for i := range est {
		est[i] = float32(3 * (float64(clean[i]) + g*d[i]))
	}
	assert.InDelta(t, 20, SISDR(clean, est), 1e-3)
	assert.True(t, math.IsNaN(SISDR(make([]float32, 10), est[:10])), "silent reference")
	assert.Panics(t, func() { SISDR(clean, est[:10]) })
}

func TestSegSNRKnownValue(t *testing.T) {
	// An error of 0.1 times the signal is 20 dB in every frame.
	clean := speechLike(16000, 16000)
	for i := range clean {
		clean[i] += 0.01 // no silent frame
	}
	assert.InDelta(t, 20, SegSNR(clean, scaled(clean, 1.1), 16000), 1e-4)
	// Clamping: a frame of pure error counts as SegSNRMin.
	assert.InDelta(t, SegSNRMin, SegSNR(make([]float32, 960), clean[:960], 16000), 1e-9)
	// Shorter than a frame: one frame.
	assert.InDelta(t, 20, SegSNR(clean[:100], scaled(clean[:100], 1.1), 16000), 1e-4)
}

func TestScaleInvariance(t *testing.T) {
	clean := speechLike(32000, 16000)
	if c, _, rate := vbdPairMaybe(t, "p232_002.wav"); c != nil {
		clean = c
		require.Equal(t, 16000, rate)
	}
	est := withNoise(clean, 20, 3)
	a := all4(t, clean, est, 16000)
	b := all4(t, clean, scaled(est, 0.5), 16000)
	assert.InDelta(t, a[0], b[0], 1e-6, "SI-SDR")
	assert.InDelta(t, a[2], b[2], 1e-6, "STOI")
	assert.InDelta(t, a[3], b[3], 1e-6, "ESTOI")
	assert.Greater(t, math.Abs(a[1]-b[1]), 0.5, "SegSNR must depend on gain: %v vs %v", a[1], b[1])
}

// vbdPairMaybe is vbdPair for tests that can run on synthetic signals too.
func vbdPairMaybe(t *testing.T, name string) (clean, noisy []float32, rate int) {
	if _, ok := testaudio.LookupSharedData(t, "dev16k/vbd_pairs"); !ok {
		return nil, nil, 0
	}
	return vbdPair(t, name)
}

func TestMonotoneInNoise(t *testing.T) {
	clean, _, rate := vbdPair(t, "p232_002.wav")
	prev := all4(t, clean, clean, rate)
	for _, snr := range []float64{20, 10, 0, -5} {
		m := all4(t, clean, withNoise(clean, snr, 42), rate)
		t.Logf("SNR %3.0f dB: SI-SDR %6.2f  SegSNR %6.2f  STOI %.3f  ESTOI %.3f", snr, m[0], m[1], m[2], m[3])
		for i := range m {
			assert.Less(t, m[i], prev[i], "%s at %v dB", metricNames[i], snr)
		}
		prev = m
	}
}

func TestMisalignmentHurts(t *testing.T) {
	clean, _, rate := vbdPair(t, "p232_013.wav")
	est := withNoise(clean, 20, 5)
	shift := rate * 20 / 1000
	late := make([]float32, len(est))
	copy(late[shift:], est)
	a := all4(t, clean, est, rate)
	b := all4(t, clean, late, rate)
	t.Logf("aligned SI-SDR %.2f STOI %.3f; 20 ms late SI-SDR %.2f STOI %.3f", a[0], a[2], b[0], b[2])
	assert.Less(t, b[0], a[0]-10, "SI-SDR")
	assert.Less(t, b[2], a[2]-0.05, "STOI")
}

// TestVBDReference cross-checks against scores measured independently on
// these 23 pairs (noisy vs clean: SI-SDR 4.08 dB, ESTOI 0.623).
func TestVBDReference(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 23 files")
	}
	names := testaudio.WAVFiles(t, filepath.Join(testaudio.SharedData(t, "dev16k/vbd_pairs"), "clean"))
	require.Len(t, names, 23)
	var sum [4]float64
	for _, n := range names {
		clean, noisy, rate := vbdPair(t, filepath.Base(n))
		m := all4(t, clean, noisy, rate)
		for i := range m {
			sum[i] += m[i] / float64(len(names))
		}
	}
	t.Logf("mean SI-SDR %.3f dB  SegSNR %.3f dB  STOI %.4f  ESTOI %.4f", sum[0], sum[1], sum[2], sum[3])
	assert.InDelta(t, 4.08, sum[0], 0.05, "SI-SDR")
	assert.InDelta(t, 0.623, sum[3], 0.01, "ESTOI")
	assert.Less(t, sum[3], sum[2], "ESTOI is below STOI for noisy speech")
}

func TestErrors(t *testing.T) {
	s := speechLike(16000, 16000)
	_, err := STOI(s, s[:100], 16000)
	assert.ErrorIs(t, err, ErrLength)
	_, err = ESTOI(s[:3000], s[:3000], 16000)
	assert.ErrorIs(t, err, ErrTooShort)
	_, err = STOI(s[:100], s[:100], 16000)
	assert.ErrorIs(t, err, ErrTooShort)
	_, err = STOI(make([]float32, 16000), s, 16000)
	assert.ErrorIs(t, err, ErrSilent)
	_, err = ESTOI(s, s, 4000)
	assert.ErrorIs(t, err, ErrRate)
}

func BenchmarkMetrics(b *testing.B) {
	const rate = 16000
	clean := speechLike(3*rate, rate)
	est := withNoise(clean, 5, 1)
	b.ReportAllocs()
	b.SetBytes(int64(4 * len(clean)))
	for b.Loop() {
		SISDR(clean, est)
		SegSNR(clean, est, rate)
		if _, err := STOI(clean, est, rate); err != nil {
			b.Fatal(err)
		}
		if _, err := ESTOI(clean, est, rate); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/3, "rtf")
}
