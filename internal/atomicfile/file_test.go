package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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

func TestFileCommitAppearsWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	f, err := Create(path, false)
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

func TestFileAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "out.wav"), false)
	require.NoError(t, err)
	_, err = f.Write([]byte("partial"))
	require.NoError(t, err)
	assert.FileExists(t, f.TempName())
	f.Abort()
	f.Abort()
	assert.Empty(t, dirNames(t, dir))
}

func TestFileRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	require.NoError(t, os.WriteFile(path, []byte("keep"), 0o600))

	_, err := Create(path, false)
	require.ErrorIs(t, err, ErrExists)

	// Created by someone else while we were writing: Commit refuses too.
	other := filepath.Join(dir, "other.wav")
	f, err := Create(other, false)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(other, []byte("theirs"), 0o600))
	require.ErrorIs(t, f.Commit(), ErrExists)
	got, err := os.ReadFile(other)
	require.NoError(t, err)
	assert.Equal(t, "theirs", string(got))
	assert.ElementsMatch(t, []string{"out.wav", "other.wav"}, dirNames(t, dir))

	// With overwrite the file is replaced and keeps its mode.
	f, err = Create(path, true)
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

func TestFileReportsMissingDirectory(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "no", "such", "out.wav"), false)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestCreateWritesDevicesInPlace(t *testing.T) {
	// Renaming a temporary file over /dev/null would replace the device
	// node (as root); it must be written directly and left a device.
	a, err := Create(os.DevNull, false)
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
