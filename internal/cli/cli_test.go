package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	require.NoError(t, os.WriteFile(a, []byte("x"), 0o600))
	b := filepath.Join(dir, "b.wav")
	require.NoError(t, os.WriteFile(b, []byte("x"), 0o600))
	link := filepath.Join(dir, "link.wav")
	require.NoError(t, os.Symlink(a, link))
	hard := filepath.Join(dir, "hard.wav")
	require.NoError(t, os.Link(a, hard))

	for _, tc := range []struct {
		x, y string
		want bool
	}{
		{a, a, true},
		{a, filepath.Join(dir, ".", "a.wav"), true},
		{a, link, true},
		{a, hard, true},
		{a, b, false},
		{a, filepath.Join(dir, "missing.wav"), false},
	} {
		got, err := SameFile(tc.x, tc.y)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s vs %s", tc.x, tc.y)
	}
}

func TestStatOf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fi := StatOf(f)
	require.NotNil(t, fi)
	want, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(want, fi))
	assert.Nil(t, StatOf(&bytes.Buffer{}))
}

func TestShowProgressOnlyOnTerminal(t *testing.T) {
	assert.False(t, ShowProgress(&bytes.Buffer{}, false))
	f, err := os.CreateTemp(t.TempDir(), "log")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, IsTerminal(f), "a regular file is not a terminal")
	assert.False(t, ShowProgress(f, true))
}

func TestStatusDrawsOnlyWhenShown(t *testing.T) {
	var quiet bytes.Buffer
	s := NewStatus(&quiet, false)
	s.StartBytes(100, "work")
	_, err := io.Copy(io.Discard, s.Reader(strings.NewReader(strings.Repeat("x", 100))))
	require.NoError(t, err)
	s.Printf("a message")
	s.Finish()
	assert.Equal(t, "a message\n", quiet.String(), "no bar, only the message")

	var shown bytes.Buffer
	s = NewStatus(&shown, true)
	s.StartBytes(1000, "work")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, _ = io.Copy(io.Discard, s.Reader(strings.NewReader(strings.Repeat("x", 100))))
			s.Printf("done\n")
		})
	}
	wg.Wait()
	s.Finish()
	assert.Contains(t, shown.String(), "work")
	assert.Equal(t, 4, strings.Count(shown.String(), "done\n"))
}
