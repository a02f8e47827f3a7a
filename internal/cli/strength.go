package cli

import (
	"fmt"

	"github.com/hushaudio/hush/denoise"
)

// Strength is a named strength of the command line: a maximum
// attenuation with a name people remember.
type Strength struct {
	Name string
	DB   float64 // maximum attenuation [dB]
}

// Strengths returns the named strengths, gentlest first. This is the one
// place they are defined: "hush clean --strength", "hush live --strength"
// and its keys all use it; balanced is the library's default.
func Strengths() []Strength {
	return []Strength{
		{"gentle", 12},
		{"balanced", denoise.DefaultMaxAttenuation},
		{"aggressive", 40},
	}
}

// ParseStrength returns the maximum attenuation [dB] of the strength
// named name, or an error that lists the names.
func ParseStrength(name string) (float64, error) {
	for _, s := range Strengths() {
		if s.Name == name {
			return s.DB, nil
		}
	}
	return 0, fmt.Errorf("--strength %q: want gentle, balanced or aggressive", name)
}
