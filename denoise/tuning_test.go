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
	"github.com/hushaudio/hush/internal/metrics"
)

// TestTuning explores the inner constants on the development data. It runs
// only when HUSH_TUNE is set, to "name=value ..." settings separated by ";"
// (an empty setting is the defaults), e.g.
//
//	HUSH_TUNE='; ddAlpha=0.95; xiMinDB=-20' HUSH_TUNE_MIX=/tmp/devmix go test ./denoise -run Tuning -v
//
// HUSH_TUNE_MIX names a mixture set made by "hush mix" to score as well
// (a relative path is taken from the repository's root).
//
// Besides the constants, a setting may name diagnostics: "noisy" scores
// the input; "oracle" gives the classical stage the true noise spectrum;
// "bandOracle" replaces the network's band gains with the ideal ones from
// the clean speech (the most a better network could give with this gain
// law), "bandOracleNoise" corrects only the network's gains that leave
// noise (lowers them to the ideal) and "bandOracleSpeech" only those that
// cut speech (raises them); "warm" runs each file twice and scores the
// second pass, to show what the start-up costs. "hiPow=p hiBand=b" raises
// the network's gains from band b up to the power p, and "bandSmooth=a"
// smooths them over time with a one-pole filter of pole a.
func TestTuning(t *testing.T) {
	spec, ok := os.LookupEnv("HUSH_TUNE")
	if !ok {
		t.Skip("set HUSH_TUNE to explore tuning")
	}
	type pair struct{ clean, noisy []float32 }
	load := func(dir string) []pair {
		var ps []pair
		for _, f := range wavFiles(t, filepath.Join(dir, "noisy")) {
			x, _ := readMono(t, f)
			c, _ := readMono(t, filepath.Join(dir, "clean", filepath.Base(f)))
			if _, err := metrics.STOI(c, x, 16000); err != nil {
				continue // too little speech to score
			}
			ps = append(ps, pair{c, x})
		}
		require.NotEmpty(t, ps, "no scorable noisy/clean pairs under %s", dir)
		return ps
	}
	sets := map[string][]pair{"vbd": load(filepath.Join(sharedData, "dev16k/vbd_pairs"))}
	if m := os.Getenv("HUSH_TUNE_MIX"); m != "" {
		if !filepath.IsAbs(m) { // as given from the repository's root
			m = filepath.Join("..", m)
		}
		sets["mix"] = load(m)
	}
	var cleanFiles [][]float32
	for _, sub := range []string{"cmu_arctic", "asterisk_en_Allison_F", "asterisk_it_Carlo_M"} {
		all := wavFiles(t, filepath.Join(sharedData, "dev16k/clean", sub))
		for i := 0; i < len(all); i += 4 {
			x, _ := readMono(t, all[i])
			cleanFiles = append(cleanFiles, x)
		}
	}
	for _, setting := range strings.Split(spec, ";") {
		tun := defaultTuning()
		var hookScale func([]float32)
		var mkGainHook []func() func([]float32)
		hiPow, hiBand := float32(1), learnedBands
		var bandSmooth float32
		cfg := Config{SampleRate: 16000}
		for _, kv := range strings.Fields(setting) {
			name, val, _ := strings.Cut(kv, "=")
			if name == "noisy" || name == "warm" || name == "oracle" || strings.HasPrefix(name, "bandOracle") {
				continue
			}
			v, err := strconv.ParseFloat(val, 64)
			require.NoError(t, err, kv)
			switch name {
			case "ddAlpha":
				tun.ddAlpha = float32(v)
			case "xiMinDB":
				tun.xiMinDB = float32(v)
			case "maxAbsence":
				tun.maxAbsence = float32(v)
			case "sppPriorDB":
				tun.sppPriorDB = float32(v)
			case "sppSmooth":
				tun.sppSmooth = float32(v)
			case "noiseScale":
				noiseScale := float32(v)
				hookScale = func(n []float32) {
					for k := range n {
						n[k] *= noiseScale
					}
				}
			case "ceiling":
				tun.ceiling = float32(v)
			case "release":
				beta := float32(v)
				mkGainHook = append(mkGainHook, func() func([]float32) {
					var prev []float32
					return func(g []float32) {
						if prev == nil {
							prev = make([]float32, len(g))
						}
						for k := range g {
							g[k] = max(g[k], beta*prev[k])
							prev[k] = g[k]
						}
					}
				})
			case "fsmooth":
				w := float32(v)
				mkGainHook = append(mkGainHook, func() func([]float32) {
					var tmp []float32
					return func(g []float32) {
						if tmp == nil {
							tmp = make([]float32, len(g))
						}
						copy(tmp, g)
						for k := 1; k < len(g)-1; k++ {
							g[k] = (1-2*w)*tmp[k] + w*(tmp[k-1]+tmp[k+1])
						}
					}
				})
			case "hold":
				tun.release = float32(v)
			case "noiseWeight":
				tun.noiseWeight = float32(v)
			case "speechFloor":
				tun.speechFloor = float32(v)
			case "maxAtt":
				cfg.MaxAttenuation = v
			case "boost":
				tun.learnedBoost = float32(v)
			case "gate":
				tun.learnedGate = float32(v)
			case "netExp":
				tun.learnedNetExp = float32(v)
			case "classicExp":
				tun.learnedClassicExp = float32(v)
			case "hiPow": // exponent of the network's gains from band hiBand up
				hiPow = float32(v)
			case "hiBand":
				hiBand = int(v)
			case "bandSmooth": // one-pole smoothing of the network's band gains
				bandSmooth = float32(v)
			case "mode": // 1 learned, 2 classic
				cfg.Mode = Mode(v)
			default:
				t.Fatalf("unknown tuning %q", name)
			}
		}
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
						d, err := newTuned(cfg, tun)
						if err != nil {
							panic(err)
						}
						y := p.noisy
						d.noiseHook = hookScale
						var hooks []func([]float32)
						for _, mk := range mkGainHook {
							hooks = append(hooks, mk())
						}
						if len(hooks) > 0 {
							d.gainHook = func(g []float32) {
								for _, h := range hooks {
									h(g)
								}
							}
						}
						if strings.Contains(setting, "oracle") {
							// The true noise's smoothed spectrum, frame by frame.
							noise := make([]float32, len(p.noisy))
							for i := range noise {
								noise[i] = p.noisy[i] - p.clean[i]
							}
							st, _ := dsp.NewSTFT(d.size)
							frame := make([]float32, d.size)
							spec := make([]complex64, st.Bins())
							smooth := make([]float32, st.Bins())
							pos := -d.size + d.hop
							d.noiseHook = func(est []float32) {
								for i := range frame {
									j := pos + i
									frame[i] = 0
									if j >= 0 && j < len(noise) {
										frame[i] = noise[j]
									}
								}
								pos += d.hop
								st.Analyze(spec, frame)
								for k, c := range spec {
									pw := real(c)*real(c) + imag(c)*imag(c)
									smooth[k] = max(0.8*smooth[k]+0.2*pw, 1e-12)
								}
								d.groups.Pool(est, smooth)
							}
						}
						if strings.Contains(setting, "bandOracle") {
							d.netHook = bandOracle(d, p.clean, setting)
						}
						if hiPow != 1 || bandSmooth != 0 {
							prev := make([]float32, learnedBands)
							oracle := d.netHook // edits apply after an oracle's, if any
							d.netHook = func(l *learnedStage) {
								if oracle != nil {
									oracle(l)
								}
								for b := hiBand; b < learnedBands; b++ {
									l.state.Gains[b] = pow01(l.state.Gains[b], hiPow)
								}
								for b, g := range l.state.Gains {
									prev[b] = bandSmooth*prev[b] + (1-bandSmooth)*g
									l.state.Gains[b] = prev[b]
								}
							}
						}
						switch {
						case strings.Contains(setting, "warm"):
							// The file twice, scoring the second pass: the
							// Denoiser starts it converged.
							twice := append(slices.Clone(p.noisy), p.noisy...)
							y = processAll(t, d, twice, []int{4096})[len(p.noisy):]
						case !strings.Contains(setting, "noisy"):
							y = processAll(t, d, p.noisy, []int{4096})
						}
						stoi, err1 := metrics.STOI(p.clean, y, 16000)
						estoi, err2 := metrics.ESTOI(p.clean, y, 16000)
						if err1 != nil || err2 != nil {
							panic(fmt.Sprint(err1, err2))
						}
						s := scores{metrics.SISDR(p.clean, y), metrics.SegSNR(p.clean, y, 16000), stoi, estoi}
						mu.Lock()
						sum.sisdr += s.sisdr
						sum.segsnr += s.segsnr
						sum.stoi += s.stoi
						sum.estoi += s.estoi
						mu.Unlock()
					}
				})
			}
			for _, p := range ps {
				work <- p
			}
			close(work)
			wg.Wait()
			n := float64(len(ps))
			line += fmt.Sprintf(" | %s %5.2f %5.2f %.3f %.3f", name, sum.sisdr/n, sum.segsnr/n, sum.stoi/n, sum.estoi/n)
		}
		var cleanMean float64
		worst := 1000.0
		for _, x := range cleanFiles {
			d, _ := newTuned(cfg, tun)
			s := metrics.SISDR(x, processAll(t, d, x, []int{4096}))
			cleanMean += s / float64(len(cleanFiles))
			worst = min(worst, s)
		}
		line += fmt.Sprintf(" | clean %.1f worst %.1f", cleanMean, worst)
		t.Log(line)
	}
}

// bandOracle returns a hook that replaces, or corrects as setting says, the
// network's band gains with the ideal gains of d's frames, computed from
// clean, the speech part of the stream d is given.
func bandOracle(d *Denoiser, clean []float32, setting string) func(*learnedStage) {
	st, err := dsp.NewSTFT(d.size)
	if err != nil {
		panic(err)
	}
	spec := make([]complex64, st.Bins())
	power := make([]float32, st.Bins())
	cleanBands := make([]float32, learnedBands)
	// The Denoiser's first window is hop zeros then the first hop samples
	// (as in TrainingFrames), so clean is padded the same way. With
	// lookahead the network's first steps gain no frame yet, and later
	// ones the frame before, with that frame's noisy band powers.
	padded := make([]float32, d.size-d.hop+len(clean)+d.size)
	copy(padded[d.size-d.hop:], clean)
	frame := -d.learned.lookahead()
	prevPower := make([]float32, learnedBands)
	gainedPower := make([]float32, learnedBands)
	return func(l *learnedStage) {
		bandPower := l.bandPower
		if d.learned.lookahead() > 0 {
			copy(gainedPower, prevPower)
			copy(prevPower, l.bandPower)
			bandPower = gainedPower
		}
		if frame < 0 {
			frame++
			return
		}
		st.Analyze(spec, padded[frame*d.hop:frame*d.hop+d.size])
		frame++
		for k, c := range spec {
			power[k] = real(c)*real(c) + imag(c)*imag(c)
		}
		l.bands.Pool(cleanBands, power)
		for b, e := range cleanBands {
			ideal := float32(1)
			if n := bandPower[b]; n > 0 {
				ideal = min(1, float32(math.Sqrt(float64(e/n))))
			}
			net := l.state.Gains[b]
			switch {
			case strings.Contains(setting, "bandOracleNoise"):
				l.state.Gains[b] = min(net, ideal)
			case strings.Contains(setting, "bandOracleSpeech"):
				l.state.Gains[b] = max(net, ideal)
			default:
				l.state.Gains[b] = ideal
			}
		}
	}
}
