package metrics

// This file fixes the package's API so that other packages can be written
// against it while it is being implemented. The implementer replaces it.

// SISDR returns the scale-invariant signal-to-distortion ratio [dB] of est
// against the reference clean (Le Roux et al. 2019). Both are the same length.
func SISDR(clean, est []float32) float64 { panic("unimplemented") }

// SegSNR returns the mean segmental SNR [dB] over 30 ms frames, each frame
// clamped to [-10, 35] dB.
func SegSNR(clean, est []float32, sampleRate int) float64 { panic("unimplemented") }

// STOI returns the short-time objective intelligibility (Taal et al. 2011).
func STOI(clean, est []float32, sampleRate int) (float64, error) { panic("unimplemented") }

// ESTOI returns the extended STOI (Jensen & Taal 2016).
func ESTOI(clean, est []float32, sampleRate int) (float64, error) { panic("unimplemented") }
