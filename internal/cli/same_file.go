package cli

import (
	"errors"
	"io/fs"
	"os"
)

// SameFile reports whether the paths a and b name the same existing file,
// following symbolic links and hard links (os.SameFile). A path that does
// not exist is not the same as anything.
func SameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, ignoreNotExist(err)
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, ignoreNotExist(err)
	}
	return os.SameFile(fa, fb), nil
}

// StatOf returns the FileInfo behind v when v is a file (such as os.Stdin
// or os.Stdout), and nil otherwise: it lets a command notice that a
// redirected standard stream is one of its named files.
func StatOf(v any) fs.FileInfo {
	s, ok := v.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return nil
	}
	fi, err := s.Stat()
	if err != nil {
		return nil
	}
	return fi
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
