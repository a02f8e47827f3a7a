package denoise

import "github.com/hushaudio/hush/internal/nn"

// tuning holds the algorithm's inner constants. They are not part of the
// API: the defaults were chosen by measurement on the development data
// (the VoiceBank pairs and the mixture set of bench/, with TestTuning), and
// tests vary them to explore.
type tuning struct {
	ddAlpha     float32 // decision-directed weight of the previous frame
	xiMinDB     float32 // lower bound of the a priori SNR [dB]
	maxAbsence  float32 // cap of the a priori speech-absence probability
	sppPriorDB  float32 // typical speech SNR assumed by the noise tracker [dB]
	sppSmooth   float32 // noise tracker averaging constant per frame
	speechFloor float32 // floor in speech frames, as a fraction of the floor in dB
	ceiling     float32 // noise ceiling over the minimum statistic (0: off)
	noiseWeight float32 // the gain rule's view of the noise, relative to the tracked level
	release     float32 // per-frame hold of the frame speech presence that sets the floor

	learnedNetExp     float32 // the learned stage's gain law: exponent of the network's band gains
	learnedClassicExp float32 // and of the classical bin gains
	learnedGate       float32 // learned gains are scaled by the speech probability to this power
	learnedBoost      float32 // learned gains are scaled by this and limited to 1

	net *nn.GainNet // tests only: a network other than the embedded one
}

func defaultTuning() tuning {
	return tuning{
		ddAlpha:     0.93,
		xiMinDB:     -25,
		maxAbsence:  0.95,
		sppPriorDB:  15,
		sppSmooth:   0.8,
		speechFloor: 0.5,
		ceiling:     4,
		noiseWeight: 0.61, // of the unbiased estimate: the rule under-subtracts by 2 dB
		release:     0.93,

		learnedNetExp:     1,
		learnedClassicExp: 0.5,
		learnedGate:       0.7,
		learnedBoost:      1.55,
	}
}
