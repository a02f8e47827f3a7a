package nodeproc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndTwice(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	script := filepath.Join(t.TempDir(), "fail.mjs")
	require.NoError(t, os.WriteFile(script, []byte("process.stderr.write('broken'); process.exit(3);\n"), 0o644))
	p, err := Start("test", script)
	require.NoError(t, err)
	err = p.End(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test (node)")
	assert.Contains(t, err.Error(), "broken", "what it said on stderr")
	assert.NoError(t, p.End(nil), "ended already: nothing more to report")
	cause := errors.New("a later request failed")
	assert.Equal(t, cause, p.End(cause))
}
