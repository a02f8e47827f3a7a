package denoise

import (
	"fmt"
	"math"
)

// SetMaxAttenuation changes the strength of a running Denoiser [dB], with
// the meaning of Config.MaxAttenuation: 0 means DefaultMaxAttenuation. The
// stream goes on without a gap or a re-convergence: the change applies
// from the next 10 ms frame, and the noise estimate is kept. It allocates
// nothing for a valid value, so a real-time audio callback may call it; it
// returns an error wrapping ErrMaxAttenuation, and changes nothing, for a
// value out of range.
func (d *Denoiser) SetMaxAttenuation(db float64) error {
	if db == 0 {
		db = DefaultMaxAttenuation
	}
	if math.IsNaN(db) || db < 0 || db > MaxMaxAttenuation {
		return fmt.Errorf("%w: got %g dB, want 0..%d", ErrMaxAttenuation, db, MaxMaxAttenuation)
	}
	d.cfg.MaxAttenuation = db
	d.floor = attenuationFloor(db)
	d.gain.SetMaxAttenuation(db)
	return nil
}
