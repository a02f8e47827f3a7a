package denoise

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/learned"
	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/testaudio"
)

// TestTuning explores the stages' constants on the development data. It
// runs only when HUSH_TUNE is set, to "name=value ..." settings separated
// by ";" (an empty setting is the defaults), e.g.
//
//	HUSH_TUNE='; ddAlpha=0.95; xiMinDB=-20' HUSH_TUNE_MIX=/tmp/devmix go test ./denoise -run Tuning -v
//
// HUSH_TUNE_MIX names a mixture set made by "hush mix" to score as well
// (a relative path is taken from the repository's root).
//
// Every setting reaches a stage through the stage interfaces: constants
// are set on the stages New would make, and diagnostics wrap them.
// "noisy" scores the input; "oracle" gives the classical stage the true
// noise spectrum; "bandOracle" replaces the network's band gains with the
// ideal ones from the clean speech (the most a better network could give
// with this gain law), "bandOracleNoise" corrects only the network's gains
// that leave noise (lowers them to the ideal) and "bandOracleSpeech" only
// those that cut speech (raises them); "warm" runs each file twice and
// scores the second pass, to show what the start-up costs. "hiPow=p
// hiBand=b" raises the network's gains from band b up to the power p, and
// "bandSmooth=a" smooths them over time with a one-pole filter of pole a;
// "release=b" holds bin gains up by b per frame and "fsmooth=w" smooths
// them across frequency; "noiseScale=s" scales the noise estimate.
func TestTuning(t *testing.T) {
	spec, ok := os.LookupEnv("HUSH_TUNE")
	if !ok {
		t.Skip("set HUSH_TUNE to explore tuning")
	}
	type pair struct{ clean, noisy []float32 }
	load := func(dir string) []pair {
		var ps []pair
		for _, f := range testaudio.WAVFiles(t, filepath.Join(dir, "noisy")) {
			x, _ := testaudio.ReadMono(t, f)
			c, _ := testaudio.ReadMono(t, filepath.Join(dir, "clean", filepath.Base(f)))
			if _, err := metrics.STOI(c, x, 16000); err != nil {
				continue // too little speech to score
			}
			ps = append(ps, pair{c, x})
		}
		require.NotEmpty(t, ps, "no scorable noisy/clean pairs under %s", dir)
		return ps
	}
	sets := map[string][]pair{"vbd": load(testaudio.SharedData(t, "dev16k/vbd_pairs"))}
	if m := os.Getenv("HUSH_TUNE_MIX"); m != "" {
		if !filepath.IsAbs(m) {
			m = filepath.Join(testaudio.RepoRoot(t), m)
		}
		sets["mix"] = load(m)
	}
	var cleanFiles [][]float32
	for _, sub := range []string{"cmu_arctic", "asterisk_en_Allison_F", "asterisk_it_Carlo_M"} {
		all := testaudio.WAVFiles(t, testaudio.SharedData(t, "dev16k/clean/"+sub))
		for i := 0; i < len(all); i += 4 {
			x, _ := testaudio.ReadMono(t, all[i])
			cleanFiles = append(cleanFiles, x)
		}
	}
	for _, setting := range strings.Split(spec, ";") {
		tun := parseTuning(t, setting)
		line := fmt.Sprintf("%-40s", setting)
		for _, name := range []string{"vbd", "mix"} {
			ps, ok := sets[name]
			if !ok {
				continue
			}
			var mu sync.Mutex
			var sum scores
			var wg sync.WaitGroup
			work := make(chan pair)
			for range 2 {
				wg.Go(func() {
					for p := range work {
						d, err := newWith(tun.cfg, tun.stages(p.noisy, p.clean))
						if err != nil {
							panic(err)
						}
						y := p.noisy
						switch {
						case tun.warm:
							// The file twice, scoring the second pass: the
							// Denoiser starts it converged.
							twice := append(slices.Clone(p.noisy), p.noisy...)
							y = processAll(t, d, twice, []int{4096})[len(p.noisy):]
						case !tun.noisy:
							y = processAll(t, d, p.noisy, []int{4096})
						}
						s := score(t, p.clean, y, 16000)
						mu.Lock()
						sum.add(s, float64(len(ps)))
						mu.Unlock()
					}
				})
			}
			for _, p := range ps {
				work <- p
			}
			close(work)
			wg.Wait()
			line += fmt.Sprintf(" | %s %5.2f %5.2f %.3f %.3f", name, sum.sisdr, sum.segsnr, sum.stoi, sum.estoi)
		}
		var cleanMean float64
		worst := 1000.0
		for _, x := range cleanFiles {
			d, err := newWith(tun.cfg, tun.stages(x, x))
			require.NoError(t, err)
			s := metrics.SISDR(x, processAll(t, d, x, []int{4096}))
			cleanMean += s / float64(len(cleanFiles))
			worst = min(worst, s)
		}
		line += fmt.Sprintf(" | clean %.1f worst %.1f", cleanMean, worst)
		t.Log(line)
	}
}

// tuning is one parsed setting of TestTuning.
type tuning struct {
	cfg                 Config
	noisy, warm, oracle bool
	bandOracle          string // "", "bandOracle", "bandOracleNoise" or "bandOracleSpeech"
	constants           map[string]float64
	noiseScale          float32
	release, fsmooth    float32
	hiPow, bandSmooth   float32
	hiBand              int
}

func parseTuning(t *testing.T, setting string) tuning {
	tun := tuning{cfg: Config{SampleRate: 16000}, constants: map[string]float64{}, noiseScale: 1, hiPow: 1, hiBand: learned.Bands}
	for _, kv := range strings.Fields(setting) {
		name, val, _ := strings.Cut(kv, "=")
		switch {
		case name == "noisy":
			tun.noisy = true
			continue
		case name == "warm":
			tun.warm = true
			continue
		case name == "oracle":
			tun.oracle = true
			continue
		case strings.HasPrefix(name, "bandOracle"):
			tun.bandOracle = name
			continue
		}
		v, err := strconv.ParseFloat(val, 64)
		require.NoError(t, err, kv)
		switch name {
		case "ddAlpha", "xiMinDB", "maxAbsence", "sppPriorDB", "sppSmooth", "ceiling", "hold",
			"noiseWeight", "speechFloor", "boost", "gate", "netExp", "classicExp":
			tun.constants[name] = v
		case "maxAtt":
			tun.cfg.MaxAttenuation = v
		case "mode": // 1 learned, 2 classic
			tun.cfg.Mode = Mode(v)
		case "noiseScale":
			tun.noiseScale = float32(v)
		case "release":
			tun.release = float32(v)
		case "fsmooth":
			tun.fsmooth = float32(v)
		case "hiPow":
			tun.hiPow = float32(v)
		case "hiBand":
			tun.hiBand = int(v)
		case "bandSmooth":
			tun.bandSmooth = float32(v)
		default:
			t.Fatalf("unknown tuning %q", name)
		}
	}
	return tun
}

// stages returns the stages of tun for one stream whose noisy input and
// clean speech are given (for the oracles).
func (tun tuning) stages(noisy, clean []float32) stages {
	return func(cfg Config, g *dsp.Grid) (dsp.NoiseEstimator, dsp.GainRule, error) {
		spp := dsp.NewSPPNoiseEstimator(g.Groups.Len())
		var classic *dsp.ClassicGain
		var gain dsp.GainRule
		var lg *learned.Gain
		if cfg.Mode == ModeClassic {
			classic = dsp.NewClassicGain(g, cfg.MaxAttenuation)
			gain = classic
		} else {
			model, err := learned.NewModel()
			if err != nil {
				return nil, nil, err
			}
			if tun.bandOracle != "" || tun.hiPow != 1 || tun.bandSmooth != 0 {
				model = &editedModel{Model: model, edit: tun.bandEdit(g, noisy, clean)}
			}
			lg = learned.NewGain(g, cfg.MaxAttenuation, model)
			classic, gain = lg.Classic(), lg
		}
		for name, v := range tun.constants {
			f := float32(v)
			switch name {
			case "ddAlpha":
				classic.OMLSA.DecisionDirected = f
			case "xiMinDB":
				classic.OMLSA.MinPriorSNR = float32(math.Pow(10, v/10))
			case "maxAbsence":
				classic.OMLSA.MaxAbsence = f
			case "hold":
				classic.OMLSA.PresenceRelease = f
			case "noiseWeight":
				classic.OMLSA.NoiseWeight = f
			case "speechFloor":
				classic.OMLSA.SpeechFloorRatio = f
			case "sppPriorDB":
				spp.PriorSNR = float32(math.Pow(10, v/10))
			case "sppSmooth":
				spp.Smoothing = f
			case "ceiling":
				spp.CeilingFactor = f
			case "boost", "gate", "netExp", "classicExp":
				if lg == nil {
					return nil, nil, fmt.Errorf("%s needs the learned mode", name)
				}
				switch name {
				case "boost":
					lg.Boost = f
				case "gate":
					lg.Gate = f
				case "netExp":
					lg.NetExp = f
				default:
					lg.ClassicExp = f
				}
			}
		}
		var noise dsp.NoiseEstimator = spp
		if tun.noiseScale != 1 {
			noise = &scaledNoise{NoiseEstimator: noise, scale: tun.noiseScale}
		}
		if tun.oracle {
			noise = newOracleNoise(g, noisy, clean)
		}
		if tun.release != 0 || tun.fsmooth != 0 {
			gain = &editedGains{GainRule: gain, release: tun.release, fsmooth: tun.fsmooth}
		}
		return noise, gain, nil
	}
}

// scaledNoise scales the estimate of the noise estimator it wraps.
type scaledNoise struct {
	dsp.NoiseEstimator
	scale  float32
	scaled []float32
}

func (s *scaledNoise) Noise() []float32 {
	n := s.NoiseEstimator.Noise()
	if s.scaled == nil {
		s.scaled = make([]float32, len(n))
	}
	for k, v := range n {
		s.scaled[k] = v * s.scale
	}
	return s.scaled
}

// oracleNoise is the true noise's smoothed spectrum, frame by frame,
// pooled into groups.
type oracleNoise struct {
	g      *dsp.Grid
	stft   *dsp.STFT
	noise  []float32 // noisy − clean
	pos    int       // first sample of the next window
	frame  []float32
	spec   []complex64
	smooth []float32
	est    []float32
}

func newOracleNoise(g *dsp.Grid, noisy, clean []float32) *oracleNoise {
	st, _ := dsp.NewSTFT(g.Size)
	o := &oracleNoise{g: g, stft: st, noise: make([]float32, len(noisy)), pos: -g.Size + g.Hop,
		frame: make([]float32, g.Size), spec: make([]complex64, g.Bins()),
		smooth: make([]float32, g.Bins()), est: make([]float32, g.Groups.Len())}
	for i := range o.noise {
		o.noise[i] = noisy[i] - clean[i]
	}
	return o
}

func (o *oracleNoise) Update([]float32) {
	for i := range o.frame {
		o.frame[i] = 0
		if j := o.pos + i; j >= 0 && j < len(o.noise) {
			o.frame[i] = o.noise[j]
		}
	}
	o.pos += o.g.Hop
	o.stft.Analyze(o.spec, o.frame)
	for k, c := range o.spec {
		pw := real(c)*real(c) + imag(c)*imag(c)
		o.smooth[k] = max(0.8*o.smooth[k]+0.2*pw, 1e-12)
	}
	o.g.Groups.Pool(o.est, o.smooth)
}
func (o *oracleNoise) Noise() []float32   { return o.est }
func (o *oracleNoise) SetNoise([]float32) {}
func (o *oracleNoise) Reset()             { o.pos = -o.g.Size + o.g.Hop }

// editedGains edits the bin gains of the rule it wraps: a per-frame hold
// (release) and smoothing across frequency (fsmooth).
type editedGains struct {
	dsp.GainRule
	release, fsmooth float32
	prev, tmp        []float32
}

func (e *editedGains) Gains(dst []float32, f *dsp.Frame) {
	e.GainRule.Gains(dst, f)
	if e.prev == nil {
		e.prev, e.tmp = make([]float32, len(dst)), make([]float32, len(dst))
	}
	if w := e.fsmooth; w != 0 {
		copy(e.tmp, dst)
		for k := 1; k < len(dst)-1; k++ {
			dst[k] = (1-2*w)*e.tmp[k] + w*(e.tmp[k-1]+e.tmp[k+1])
		}
	}
	if b := e.release; b != 0 {
		for k := range dst {
			dst[k] = max(dst[k], b*e.prev[k])
			e.prev[k] = dst[k]
		}
	}
}

// editedModel edits the band gains of the model it wraps after each step.
type editedModel struct {
	learned.Model
	edit func(gains []float32)
}

func (m *editedModel) Step(features []float32) {
	m.Model.Step(features)
	m.edit(m.Model.Gains())
}

// bandEdit returns the band-gain edit of tun for a stream: the band
// oracle (from the noisy and clean band powers of each frame, computed
// here on the chain's frame grid), then hiPow and bandSmooth.
func (tun tuning) bandEdit(g *dsp.Grid, noisy, clean []float32) func([]float32) {
	st, _ := dsp.NewSTFT(g.Size)
	bands := learned.NewFeatures(g).Bands()
	spec := make([]complex64, g.Bins())
	power := make([]float32, g.Bins())
	pad := func(x []float32) []float32 { // the chain's first window is Hop zeros then Hop samples
		p := make([]float32, g.Size-g.Hop+len(x)+g.Size)
		copy(p[g.Size-g.Hop:], x)
		return p
	}
	pn, pc := pad(noisy), pad(clean)
	bandPower := func(dst, x []float32, frame int) {
		st.Analyze(spec, x[frame*g.Hop:frame*g.Hop+g.Size])
		for k, c := range spec {
			power[k] = real(c)*real(c) + imag(c)*imag(c)
		}
		bands.Pool(dst, power)
	}
	noisyBands, cleanBands := make([]float32, learned.Bands), make([]float32, learned.Bands)
	prev := make([]float32, learned.Bands)
	frame := 0
	return func(gains []float32) {
		if tun.bandOracle != "" {
			bandPower(noisyBands, pn, frame)
			bandPower(cleanBands, pc, frame)
			for b, e := range cleanBands {
				ideal := float32(1)
				if n := noisyBands[b]; n > 0 {
					ideal = min(1, float32(math.Sqrt(float64(e/n))))
				}
				switch tun.bandOracle {
				case "bandOracleNoise":
					gains[b] = min(gains[b], ideal)
				case "bandOracleSpeech":
					gains[b] = max(gains[b], ideal)
				default:
					gains[b] = ideal
				}
			}
		}
		frame++
		for b := tun.hiBand; b < len(gains); b++ {
			gains[b] = float32(math.Pow(float64(gains[b]), float64(tun.hiPow)))
		}
		if tun.bandSmooth != 0 {
			for b, v := range gains {
				prev[b] = tun.bandSmooth*prev[b] + (1-tun.bandSmooth)*v
				gains[b] = prev[b]
			}
		}
	}
}
