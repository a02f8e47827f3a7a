package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tempSuffix ends the name of every temporary file Create makes:
// "." + final name + "." + random digits + tempSuffix.
const tempSuffix = ".hush-tmp"

// newbornAge is how long an empty temporary file is left alone even when
// unlocked: its creator may be between creating and locking it.
const newbornAge = 10 * time.Second

// tempBase returns the final name a temporary file of Create's was
// made for, and false for any other name.
func tempBase(name string) (string, bool) {
	rest, ok := strings.CutSuffix(name, tempSuffix)
	if !ok || !strings.HasPrefix(rest, ".") {
		return "", false
	}
	dot := strings.LastIndexByte(rest, '.')
	digits := rest[dot+1:]
	if dot <= 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	return rest[1:dot], true
}

// RemoveStale removes the temporary files that Create left in
// dir when a run was killed before it could remove them (SIGKILL, a crash,
// a power cut), and returns their names. With base set, only the
// temporary files for the final name base are considered.
//
// Only regular files named the way Create names them are touched,
// and only when stale: Create holds a lock (flock) on each of its
// temporary files until it is renamed or removed, so the files of a run
// still going (another shard writing into the same folder, on this machine
// or on another over NFS) are left alone. Where locks are not supported
// nothing is removed. The error reports files that could not be removed;
// a folder that cannot be listed (or does not exist yet) is no error.
func RemoveStale(dir, base string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil // a folder that cannot be listed holds nothing we could remove
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		b, ok := tempBase(e.Name())
		if !ok || (base != "" && b != base) || !e.Type().IsRegular() {
			continue
		}
		gone, err := removeIfStale(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
		}
		if gone {
			removed = append(removed, e.Name())
		}
	}
	return removed, errors.Join(errs...)
}

// removeIfStale removes the temporary file path if no process holds its
// lock.
func removeIfStale(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // finished or removed meanwhile
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if !tryLock(f) {
		return false, nil // in use, or locks unsupported: leave it
	}
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	if fi.Size() == 0 && time.Since(fi.ModTime()) < newbornAge {
		return false, nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}
