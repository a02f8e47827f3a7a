package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicFileCommitAppearsWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	f, err := CreateAtomic(path, false)
	require.NoError(t, err)
	defer f.Abort()
	_, err = f.Write([]byte("hello world"))
	require.NoError(t, err)
	_, statErr := os.Stat(path)
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "the final name must not exist before Commit")
	_, err = f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	_, err = f.Write([]byte("HELLO"))
	require.NoError(t, err)
	require.NoError(t, f.Commit())
	f.Abort() // no effect after Commit

	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "HELLO world", string(got))
	assert.Equal(t, []string{"out.wav"}, dirNames(t, dir), "no temporary file left")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	assert.Error(t, f.Commit(), "a second Commit is a misuse")
}

func TestAtomicFileAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := CreateAtomic(filepath.Join(dir, "out.wav"), false)
	require.NoError(t, err)
	_, err = f.Write([]byte("partial"))
	require.NoError(t, err)
	assert.FileExists(t, f.TempName())
	f.Abort()
	f.Abort()
	assert.Empty(t, dirNames(t, dir))
}

func TestAtomicFileRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	require.NoError(t, os.WriteFile(path, []byte("keep"), 0o600))

	_, err := CreateAtomic(path, false)
	require.ErrorIs(t, err, ErrExists)

	// Created by someone else while we were writing: Commit refuses too.
	other := filepath.Join(dir, "other.wav")
	f, err := CreateAtomic(other, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(other, []byte("theirs"), 0o600))
	require.ErrorIs(t, f.Commit(), ErrExists)
	got, err := os.ReadFile(other)
	require.NoError(t, err)
	assert.Equal(t, "theirs", string(got))
	assert.ElementsMatch(t, []string{"out.wav", "other.wav"}, dirNames(t, dir))

	// With overwrite the file is replaced and keeps its mode.
	f, err = CreateAtomic(path, true)
	require.NoError(t, err)
	_, err = f.Write([]byte("new"))
	require.NoError(t, err)
	require.NoError(t, f.Commit())
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestAtomicFileReportsMissingDirectory(t *testing.T) {
	_, err := CreateAtomic(filepath.Join(t.TempDir(), "no", "such", "out.wav"), false)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

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

func TestCreateAtomicWritesDevicesInPlace(t *testing.T) {
	// Renaming a temporary file over /dev/null would replace the device
	// node (as root); it must be written directly and left a device.
	a, err := CreateAtomic(os.DevNull, false)
	require.NoError(t, err)
	_, err = a.Write([]byte("discarded"))
	require.NoError(t, err)
	require.NoError(t, a.Commit())
	fi, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeDevice, "%s must still be a device", os.DevNull)
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(os.DevNull), ".null.*"))
	assert.Empty(t, leftovers)
}
