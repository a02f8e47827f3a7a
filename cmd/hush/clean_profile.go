package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/internal/wav"
)

// cleanNoiseRange is a parsed --noise-from START:END [s].
type cleanNoiseRange struct {
	start, end float64
	text       string
}

// cleanParseNoiseRange parses START:END, each a duration such as 0.5s,
// 500ms, 1m2s or a plain number of seconds.
func cleanParseNoiseRange(s string) (cleanNoiseRange, error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(b, ":") {
		return cleanNoiseRange{}, fmt.Errorf("--noise-from %q: want START:END, such as 0s:0.5s or 2.1:3", s)
	}
	start, err := cleanParseSeconds(a)
	if err != nil {
		return cleanNoiseRange{}, fmt.Errorf("--noise-from %q: start: %v", s, err)
	}
	end, err := cleanParseSeconds(b)
	if err != nil {
		return cleanNoiseRange{}, fmt.Errorf("--noise-from %q: end: %v", s, err)
	}
	if end <= start {
		return cleanNoiseRange{}, fmt.Errorf("--noise-from %q: the end must come after the start", s)
	}
	if end-start < 0.02 {
		return cleanNoiseRange{}, fmt.Errorf("--noise-from %q: %s is too short to learn from; give at least 20ms (half a second or more is better)",
			s, cleanFormatSeconds(end-start))
	}
	return cleanNoiseRange{start: start, end: end, text: s}, nil
}

// cleanParseSeconds parses a duration such as 0.5s, 500ms or 1m2s, or a
// plain number of seconds, into seconds.
func cleanParseSeconds(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty; want a time such as 0.5s, 500ms or 1.2")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d, derr := time.ParseDuration(s)
		if derr != nil {
			return 0, fmt.Errorf("%q is not a time; write it like 0.5s, 500ms, 1m2s or 1.2 (seconds)", s)
		}
		v = d.Seconds()
	}
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q: want a time of 0 or more", s)
	}
	return v, nil
}

// cleanRangeSlack is how far past the end of the input a --noise-from
// range may end and still be taken to mean "to the end" [frames]: one
// millisecond, the precision of the times players and editors show.
func cleanRangeSlack(rate int) int64 { return int64(rate+999) / 1000 }

// cleanExactLength writes a length in frames as seconds with every digit
// it needs and the count, so that it never reads the same as a time it is
// compared with.
func cleanExactLength(frames int64, rate int) string {
	return fmt.Sprintf("%ss long (%d samples at %d Hz)", strconv.FormatFloat(float64(frames)/float64(rate), 'f', -1, 64), frames, rate)
}

// cleanFormatSeconds writes a time the way the flags accept it.
func cleanFormatSeconds(s float64) string {
	return strconv.FormatFloat(math.Round(s*1000)/1000, 'f', -1, 64) + "s"
}

// cleanNoise is a noise file given with --noise, read once for all inputs.
type cleanNoise struct {
	path    string
	samples []float32 // interleaved
	format  wav.Format
}

func cleanLoadNoise(path string) (*cleanNoise, error) {
	x, f, err := wav.ReadFile(path)
	if err != nil {
		return nil, cleanFileErr(path, err)
	}
	return &cleanNoise{path: path, samples: x, format: f}, nil
}

// cleanLearnNoise installs the noise profile that opts ask for in every
// denoiser of ch, for the input stream r (already past its header) named
// inName. It returns the input samples it had to read from r to do so (a
// --noise-from range at the start of standard input); they must be
// cleaned before the rest of r.
func cleanLearnNoise(ch *cleanChannels, r *wav.Reader, opts *cleanOptions, inName string, stdin bool) (pending []float32, err error) {
	f := r.Format()
	switch {
	case opts.noise != nil:
		n := opts.noise
		if n.format.SampleRate != f.SampleRate {
			return nil, cleanFileErr(n.path, fmt.Errorf("the noise sample is at %d Hz but %s is at %d Hz; give a noise file at the same rate, e.g. ffmpeg -i %s -ar %d noise-%d.wav",
				n.format.SampleRate, inName, f.SampleRate, n.path, f.SampleRate, f.SampleRate))
		}
		if n.format.Channels != 1 && n.format.Channels != f.Channels {
			return nil, cleanFileErr(n.path, fmt.Errorf("the noise sample has %d channels but %s has %d; give a mono noise file (used for every channel) or one with %d channels",
				n.format.Channels, inName, f.Channels, f.Channels))
		}
		return nil, ch.learn(n.samples, n.format.Channels, n.path)
	case opts.noiseFrom != nil:
		rng := opts.noiseFrom
		start := int64(math.Round(rng.start * float64(f.SampleRate)))
		end := int64(math.Round(rng.end * float64(f.SampleRate)))
		if stdin {
			if start != 0 {
				return nil, fmt.Errorf("--noise-from %s: from standard input only a range that starts at 0 can be used (the audio before it has gone by); save the input to a file first, or give --noise NOISE.wav",
					rng.text)
			}
			pending, err = cleanReadFrames(r, end, f.Channels)
			if err != nil {
				return nil, cleanFileErr(inName, err)
			}
		} else {
			seg, err := cleanReadRange(inName, start, end)
			if err != nil {
				return nil, err
			}
			if err := ch.learn(seg, f.Channels, inName); err != nil {
				return nil, err
			}
			return nil, nil
		}
		if got := int64(len(pending) / f.Channels); got < end-cleanRangeSlack(f.SampleRate) {
			return nil, cleanFileErr(inName, fmt.Errorf("--noise-from %s: the input is only %s",
				rng.text, cleanExactLength(got, f.SampleRate)))
		}
		return pending, ch.learn(pending, f.Channels, inName)
	}
	return nil, nil
}

// cleanReadRange reads frames [start, end) of the WAV file path in a pass
// of its own, so that the cleaning pass can stream from the beginning.
func cleanReadRange(path string, start, end int64) ([]float32, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, cleanFileErr(path, err)
	}
	defer fh.Close()
	r, err := wav.NewReader(fh)
	if err != nil {
		return nil, cleanFileErr(path, err)
	}
	f := r.Format()
	rate := float64(f.SampleRate)
	if n := r.Frames(); n >= 0 && n < end {
		if n < end-cleanRangeSlack(f.SampleRate) {
			return nil, cleanFileErr(path, fmt.Errorf("--noise-from %s:%s ends after the end of the file, which is %s",
				cleanFormatSeconds(float64(start)/rate), cleanFormatSeconds(float64(end)/rate), cleanExactLength(n, f.SampleRate)))
		}
		end = n // within a millisecond of the end: the user meant the end
	}
	// Skip to start in bounded steps, then read the range.
	skip := make([]float32, cleanChunkFrames*f.Channels)
	for left := start; left > 0; {
		n, err := r.ReadFloat32(skip[:min(left, cleanChunkFrames)*int64(f.Channels)])
		left -= int64(n / f.Channels)
		if err != nil && left > 0 {
			if err == io.EOF {
				return nil, cleanFileErr(path, fmt.Errorf("--noise-from: the file ends before %s", cleanFormatSeconds(float64(start)/rate)))
			}
			return nil, cleanFileErr(path, err)
		}
	}
	seg, err := cleanReadFrames(r, end-start, f.Channels)
	if err != nil {
		return nil, cleanFileErr(path, err)
	}
	if int64(len(seg)/f.Channels) < end-start-cleanRangeSlack(f.SampleRate) {
		return nil, cleanFileErr(path, fmt.Errorf("--noise-from: the file ends before %s", cleanFormatSeconds(float64(end)/rate)))
	}
	return seg, nil
}

// cleanReadFrames reads up to frames frames; fewer only at the end of r.
func cleanReadFrames(r *wav.Reader, frames int64, channels int) ([]float32, error) {
	buf := make([]float32, frames*int64(channels))
	got := 0
	for got < len(buf) {
		n, err := r.ReadFloat32(buf[got:])
		got += n
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf[:got], nil
}

// learn gives every channel's denoiser the profile of its own channel of
// the interleaved noise, or of the one channel when noise is mono.
func (c *cleanChannels) learn(noise []float32, channels int, name string) error {
	if channels == 1 && c.channels > 1 {
		spread := make([]float32, len(noise)*c.channels)
		for i, v := range noise {
			for ch := range c.channels {
				spread[i*c.channels+ch] = v
			}
		}
		noise = spread
	}
	if err := c.den.LearnNoise(noise); errors.Is(err, denoise.ErrNoiseTooShort) {
		return cleanFileErr(name, fmt.Errorf("the noise sample is too short to learn from (%d samples); give at least %v, better half a second or more",
			len(noise)/c.channels, c.den.LatencyDuration()))
	} else if err != nil {
		return cleanFileErr(name, err)
	}
	return nil
}
