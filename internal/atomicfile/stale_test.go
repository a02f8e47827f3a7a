package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTempBase(t *testing.T) {
	for name, want := range map[string]string{
		".a.wav.123.hush-tmp":         "a.wav",
		".my.take.2.wav.9.hush-tmp":   "my.take.2.wav",
		"..hidden.wav.42.hush-tmp":    ".hidden.wav",
		".a.wav.123.hush-tmp.bak":     "",
		"a.wav.123.hush-tmp":          "",
		".a.wav.12x.hush-tmp":         "",
		".a.wav..hush-tmp":            "",
		"..1.hush-tmp":                "",
		".a.wav.123.tmp":              "",
		".interview.wav.0.hush-tmp":   "interview.wav",
		".x.wav.4294967295.hush-tmp":  "x.wav",
		".hush-tmp":                   "",
		".a.wav.123.hush-tmp.hush-tm": "",
	} {
		got, ok := tempBase(name)
		assert.Equal(t, want != "", ok, name)
		assert.Equal(t, want, got, name)
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, age time.Duration) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		old := time.Now().Add(-age)
		require.NoError(t, os.Chtimes(p, old, old))
		return p
	}
	// Left by killed runs: no one holds their lock.
	write(".a.wav.111.hush-tmp", "half a file", 0)
	write(".b.wav.222.hush-tmp", "", time.Minute) // killed before its header
	// A run still writing: Create holds the lock.
	live, err := Create(filepath.Join(dir, "c.wav"), false)
	require.NoError(t, err)
	defer live.Abort()
	_, err = live.Write([]byte("in progress"))
	require.NoError(t, err)
	// Not hush's, or not stale, or not a file: never touched.
	keep := []string{"a.wav", ".a.wav.111.hush-tmp.bak", "a.wav.111.hush-tmp", ".a.wav.x.hush-tmp", ".notes.txt"}
	for _, n := range keep {
		write(n, "user data", time.Hour)
	}
	write(".d.wav.333.hush-tmp", "", 0) // just created: its creator may not have locked it yet
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".e.wav.444.hush-tmp"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(dir, "a.wav"), filepath.Join(dir, ".f.wav.555.hush-tmp")))

	removed, err := RemoveStale(dir, "b.wav")
	require.NoError(t, err)
	assert.Equal(t, []string{".b.wav.222.hush-tmp"}, removed, "only the temporary files of b.wav")

	removed, err = RemoveStale(dir, "")
	require.NoError(t, err)
	assert.Equal(t, []string{".a.wav.111.hush-tmp"}, removed)

	left := dirNames(t, dir)
	for _, n := range append(keep, filepath.Base(live.TempName()), ".d.wav.333.hush-tmp", ".e.wav.444.hush-tmp", ".f.wav.555.hush-tmp") {
		assert.Contains(t, left, n)
	}
	assert.NotContains(t, left, ".a.wav.111.hush-tmp")
	assert.NotContains(t, left, ".b.wav.222.hush-tmp")

	// Once the run is over its lock is gone with its file.
	require.NoError(t, live.Commit())
	removed, err = RemoveStale(dir, "")
	require.NoError(t, err)
	assert.Empty(t, removed)
	assert.Contains(t, dirNames(t, dir), "c.wav")
}
