package vec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDot(t *testing.T) {
	for n := range 11 {
		a := make([]float32, n)
		b := make([]float32, n+2) // b may be longer
		var want float32
		for i := range a {
			a[i] = float32(i + 1)
			b[i] = float32(2*i - 3)
			want += a[i] * b[i]
		}
		assert.Equal(t, want, Dot(a, b), "n=%d", n)
	}
}
