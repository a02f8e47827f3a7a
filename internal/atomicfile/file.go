package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is an output file that becomes visible under its final name
// only when Commit succeeds: it is written to a temporary file in the same
// directory (so the final rename cannot cross file systems) and renamed at
// the end. Readers never see a partial file, and a failed or interrupted
// command leaves nothing behind once Abort has run.
//
// File is an io.WriteSeeker, so writers that patch headers at the end
// (WAV sizes) can do so.
type File struct {
	f         *os.File
	lock      *os.File // holds the lock that marks the temporary file in use; nil if none
	path      string
	overwrite bool
	direct    bool // path is a device or FIFO, written in place
	done      bool
}

// Create starts writing the file path. Unless overwrite is set it
// fails with ErrExists when path already exists, before anything is written,
// and checks again in Commit.
//
// A path that names an existing device or FIFO (/dev/null, /dev/stdout, a
// named pipe) is opened and written directly: renaming a file over it would
// replace the device node, and there is no file there to lose.
func Create(path string, overwrite bool) (*File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &File{f: f, path: path, direct: true}, nil
	}
	if !overwrite {
		if err := checkAbsent(path); err != nil {
			return nil, err
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// A dot name keeps the temporary file out of globs and listings of
	// finished outputs; the suffix makes a leftover (after kill -9) easy to
	// recognise.
	f, err := os.CreateTemp(dir, "."+base+".*"+tempSuffix)
	if err != nil {
		return nil, err
	}
	// The lock tells RemoveStale that the file is in use. It is taken
	// on a descriptor of its own so that it outlives closing f, up to the
	// rename.
	lock, err := os.Open(f.Name())
	if err == nil && !tryLock(lock) {
		_ = lock.Close()
		lock = nil
	}
	return &File{f: f, lock: lock, path: path, overwrite: overwrite}, nil
}

func checkAbsent(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%w: %s", ErrExists, path)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return err
	}
}

// Name returns the final path of the file.
func (a *File) Name() string { return a.path }

// TempName returns the path of the temporary file being written.
func (a *File) TempName() string { return a.f.Name() }

// Write writes to the temporary file.
func (a *File) Write(p []byte) (int, error) { return a.f.Write(p) }

// Seek moves within the temporary file.
func (a *File) Seek(offset int64, whence int) (int64, error) {
	return a.f.Seek(offset, whence)
}

// Commit flushes the data to disk and renames the temporary file to the
// final path. Every step's error is returned (a full disk often shows up
// only at Sync or Close); on error the temporary file is removed. Commit
// after Commit or Abort is an error.
func (a *File) Commit() error {
	if a.done {
		return fmt.Errorf("atomicfile: %s: commit of a finished file", a.path)
	}
	a.done = true
	err := a.finish()
	if err != nil && !a.direct {
		_ = os.Remove(a.f.Name())
	}
	a.unlock()
	return err
}

func (a *File) unlock() {
	if a.lock != nil {
		_ = a.lock.Close()
		a.lock = nil
	}
}

func (a *File) finish() error {
	if a.direct {
		return a.f.Close()
	}
	if err := a.f.Sync(); err != nil {
		_ = a.f.Close()
		return err
	}
	if err := a.f.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); an output should get the
	// usual mode, or keep the mode of the file it replaces.
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(a.path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.Chmod(a.f.Name(), mode); err != nil {
		return err
	}
	if !a.overwrite {
		// Someone may have created the file while we were writing; the
		// window between this check and the rename is accepted.
		if err := checkAbsent(a.path); err != nil {
			return err
		}
	}
	return os.Rename(a.f.Name(), a.path)
}

// Abort closes and removes the temporary file. It does nothing after Commit
// or a previous Abort, so it can be deferred right after Create.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	_ = a.f.Close()
	if !a.direct {
		_ = os.Remove(a.f.Name())
	}
	a.unlock()
}
