package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sync"
	"time"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/internal/spectrogram"
)

// cleanReport is the --json record of one cleaned file.
type cleanReport struct {
	Input          string  `json:"input"`
	Output         string  `json:"output"`
	SampleRate     int     `json:"sample_rate"`
	Channels       int     `json:"channels"`
	DurationS      float64 `json:"duration_s"`
	ProcessingS    float64 `json:"processing_s"`
	RealTimeFactor float64 `json:"real_time_factor"`
	NoiseLevelDBFS float64 `json:"noise_level_dbfs"`
	RemovedDB      float64 `json:"removed_db"`
	SpeechFraction float64 `json:"speech_fraction"`
	NoiseProfile   string  `json:"noise_profile,omitempty"`
	Warning        string  `json:"warning,omitempty"` // e.g. a file cut short
}

// cleanReporter writes reports as JSON Lines, one whole line at a time,
// from any number of goroutines.
type cleanReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *cleanReporter) write(rep any) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err = r.w.Write(append(b, '\n'))
	return err
}

// cleanMeter measures a cleaning run for --json and --plot: it feeds each
// denoiser one 10 ms frame at a time so that the speech probability and
// noise estimate of every frame can be read.
type cleanMeter struct {
	start    time.Time
	phase    int // frames into the current 10 ms
	frames   int // frames of all channels
	speech   int // of which SpeechProbability > 0.5
	noisePow float64
	inPow    float64 // sums of squares over all channels
	outPow   float64
	channels int
	mono     []float32 // mixdown scratch for the analyzers

	in, out *spectrogram.Analyzer // nil without --plot
}

func newCleanMeter(channels, sampleRate, chunk int, plot bool) (*cleanMeter, error) {
	m := &cleanMeter{start: time.Now(), channels: channels}
	if plot {
		var err error
		if m.in, err = spectrogram.NewAnalyzer(sampleRate, plotMaxColumns); err != nil {
			return nil, err
		}
		if m.out, err = spectrogram.NewAnalyzer(sampleRate, plotMaxColumns); err != nil {
			return nil, err
		}
		m.mono = make([]float32, chunk)
	}
	return m, nil
}

// input records interleaved input samples before they are denoised.
func (m *cleanMeter) input(x []float32) {
	m.inPow += sumSquares(x)
	if m.in != nil {
		m.in.Write(mixDown(m.mono, x, m.channels))
	}
}

// output records interleaved, latency-compensated output samples.
func (m *cleanMeter) output(x []float32) {
	m.outPow += sumSquares(x)
	if m.out != nil {
		m.out.Write(mixDown(m.mono, x, m.channels))
	}
}

// process denoises src into dst with d, one 10 ms frame at a time, and
// reads every channel's speech probability and noise level after each.
func (m *cleanMeter) process(d *denoise.Denoiser, dst, src []float32) {
	hop := d.FrameSize()
	for len(src) > 0 {
		n := min(hop-m.phase, len(src)/m.channels)
		d.Process(dst[:n*m.channels], src[:n*m.channels])
		dst, src = dst[n*m.channels:], src[n*m.channels:]
		m.phase += n
		if m.phase == hop {
			m.phase = 0
			for c := range m.channels {
				m.frames++
				if d.SpeechProbability(c) > 0.5 {
					m.speech++
				}
				m.noisePow += math.Pow(10, d.NoiseLevel(c)/10)
			}
		}
	}
}

func sumSquares(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s
}

// report returns the figures for a finished run of frames frames.
func (m *cleanMeter) report(opts *cleanOptions, inName, outName string, rate, frames int) *cleanReport {
	rep := &cleanReport{
		Input:          inName,
		Output:         outName,
		SampleRate:     rate,
		Channels:       m.channels,
		DurationS:      round3(float64(frames) / float64(rate)),
		ProcessingS:    round3(time.Since(m.start).Seconds()),
		NoiseLevelDBFS: -120,
	}
	if d := float64(frames) / float64(rate); d > 0 {
		rep.RealTimeFactor = math.Round(time.Since(m.start).Seconds()/d*1e5) / 1e5
	}
	if m.frames > 0 {
		if mean := m.noisePow / float64(m.frames); mean > 0 {
			rep.NoiseLevelDBFS = round2(max(10*math.Log10(mean), -120))
		}
		rep.SpeechFraction = round3(float64(m.speech) / float64(m.frames))
	}
	// A tiny floor keeps digital silence at 0 dB instead of NaN.
	eps := 1e-20 * float64(frames*m.channels+1)
	rep.RemovedDB = round2(10 * math.Log10((m.inPow+eps)/(m.outPow+eps)))
	switch {
	case opts.noise != nil:
		rep.NoiseProfile = opts.noise.path
	case opts.noiseFrom != nil:
		rep.NoiseProfile = opts.noiseFrom.text
	}
	return rep
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// plot draws input, output and gain mask into path.
func (m *cleanMeter) plot(path string, force bool, inName string, maxAttenuation float64) error {
	in, out := m.in.Spectrogram(), m.out.Spectrogram()
	if len(in.Power) == 0 {
		return cleanFileErr(path, fmt.Errorf("%w: %s is too short for a picture", spectrogram.ErrEmpty, inName))
	}
	gain, err := spectrogram.GainDB(out, in, -maxAttenuation)
	if err != nil {
		return cleanFileErr(path, err)
	}
	name := inName
	if name != "standard input" {
		name = filepath.Base(name)
	}
	top := in.MaxDB(plotFloorDB)
	inPanel := levelPanel("input: "+name, in, top, plotRangeDB)
	outPanel := levelPanel("output: cleaned", out, top, plotRangeDB)
	gainPanel := spectrogram.Panel{
		Title:      fmt.Sprintf("gain applied (dark: removed, up to %g dB; white: kept)", maxAttenuation),
		Values:     gain,
		Duration:   inPanel.Duration,
		SampleRate: in.SampleRate,
		Min:        -maxAttenuation,
		Max:        0,
		Unit:       "gain [dB]",
		Colors:     spectrogram.GainColors(),
	}
	return writePlot(path, force, plotWidth, 3*plotPanelH, inPanel, outPanel, gainPanel)
}
