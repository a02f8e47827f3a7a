package wav

// ReadMonoFile reads a whole file with ReadFile and averages its channels
// to mono. The Format is the file's own (its Channels may be more than 1).
// Like ReadFile it is meant for tests and evaluation tools.
func ReadMonoFile(path string) ([]float32, Format, error) {
	x, f, err := ReadFile(path)
	if err != nil {
		return nil, f, err
	}
	if f.Channels <= 1 {
		return x, f, nil
	}
	mono := make([]float32, len(x)/f.Channels)
	for i := range mono {
		var s float32
		for c := range f.Channels {
			s += x[i*f.Channels+c]
		}
		mono[i] = s / float32(f.Channels)
	}
	return mono, f, nil
}
