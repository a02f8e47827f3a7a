package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/hushaudio/hush/internal/atomicfile"
	"github.com/hushaudio/hush/internal/cli"
)

// Folder runs at scale: sharding across machines, temporary files left by
// killed runs, output folders that stop working, and records of failures.

// cleanShard is a parsed --shard K/N: this run cleans the inputs whose
// index in the sorted list is K-1 modulo N.
type cleanShard struct{ k, n int }

func (s cleanShard) String() string { return fmt.Sprintf("%d/%d", s.k, s.n) }

// cleanParseShard parses K/N with 1 <= K <= N.
func cleanParseShard(s string) (cleanShard, error) {
	a, b, ok := strings.Cut(s, "/")
	k, errK := strconv.Atoi(a)
	n, errN := strconv.Atoi(b)
	switch {
	case !ok || errK != nil || errN != nil:
		return cleanShard{}, fmt.Errorf("--shard %q: want K/N, such as 1/4 for the first of four shards", s)
	case n < 1:
		return cleanShard{}, fmt.Errorf("--shard %q: want at least one shard", s)
	case k == 0:
		return cleanShard{}, fmt.Errorf("--shard %q: shards are numbered from 1 to N; from a 0-based index such as JOB_COMPLETION_INDEX give $((INDEX+1))/%d", s, n)
	case k < 1 || k > n:
		return cleanShard{}, fmt.Errorf("--shard %q: want K from 1 to %d", s, n)
	}
	return cleanShard{k: k, n: n}, nil
}

// cleanCheckBatchFlags checks -o and --shard and returns a usage message,
// or "" when they are fine.
func cleanCheckBatchFlags(opts *cleanOptions, set map[string]bool, shard string) string {
	if msg := cleanCheckOutputName(opts.out); msg != "" {
		return msg
	}
	if set["shard"] {
		s, err := cleanParseShard(shard)
		if err != nil {
			return err.Error()
		}
		opts.shard = &s
	}
	return ""
}

// cleanInput is one entry of an input folder.
type cleanInput struct {
	name string
	size int64
	err  error // why it cannot be cleaned (a dangling link, not a file); nil if it can
}

// cleanListWAVs returns the .wav entries of dir (any letter case, not
// hidden), sorted by name (byte order, the same on every machine), with
// symbolic links followed. Folders are left out; other entries that are
// not regular files, such as a link to a missing file, are listed with the
// reason.
func cleanListWAVs(dir string) ([]cleanInput, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	var inputs []cleanInput
	for _, e := range entries {
		if !strings.EqualFold(filepath.Ext(e.Name()), ".wav") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		in := cleanInput{name: e.Name()}
		fi, err := os.Stat(path)
		switch {
		case err != nil && e.Type()&os.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			in.err = cleanFileErr(path, fmt.Errorf("skipped: a symbolic link to %s, which cannot be opened (%w)", target, errors.Unwrap(err)))
		case err != nil:
			in.err = cleanFileErr(path, err)
		case fi.IsDir():
			continue // subfolders are not cleaned, whatever their name
		case !fi.Mode().IsRegular():
			in.err = cleanFileErr(path, errors.New("skipped: not a regular file"))
		default:
			in.size = fi.Size()
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

// take returns the inputs that belong to the shard: every n-th of the
// sorted list, starting at the k-th. Neighbours in name order often have
// similar lengths, so dealing them out in turn balances the shards.
func (s cleanShard) take(inputs []cleanInput) []cleanInput {
	var mine []cleanInput
	for i := s.k - 1; i < len(inputs); i += s.n {
		mine = append(mine, inputs[i])
	}
	return mine
}

// cleanRemoveStale removes the temporary files that killed runs left in
// dir (for the final name base only, when set) and says so.
func cleanRemoveStale(dir, base string, opts *cleanOptions, status *cli.Status) {
	removed, err := atomicfile.RemoveStale(dir, base)
	if len(removed) > 0 && !opts.quiet {
		s := "s"
		if len(removed) == 1 {
			s = ""
		}
		status.Printf("hush: %s: removed %d temporary file%s left by an interrupted run: %s",
			dir, len(removed), s, strings.Join(removed, ", "))
	}
	if err != nil {
		status.Printf("hush: %s: warning: could not remove a stale temporary file: %v", dir, err)
	}
}

// cleanProbeOutputDir checks that a file can be created in dir, so that a
// read-only or forbidden folder is reported once, before any work.
func cleanProbeOutputDir(dir string) error {
	f, err := atomicfile.Create(filepath.Join(dir, ".hush-write-test"), true)
	if err != nil {
		return err
	}
	f.Abort()
	return nil
}

// cleanOutputUnusable reports whether err, from writing the output out,
// means that nothing more can be written into its folder: the disk or
// quota is full, the file system read-only, the folder gone or forbidden.
func cleanOutputUnusable(err error, out string) bool {
	var fe *cleanFileError
	if !errors.As(err, &fe) || fe.path != out {
		return false // an input's error, or not about a file
	}
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EACCES, syscall.EPERM, syscall.ENOENT, syscall.ENOTDIR, syscall.EIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// cleanFailure is the --json record of a file that could not be cleaned.
type cleanFailure struct {
	Input  string `json:"input"`
	Output string `json:"output"`
	Error  string `json:"error"`
}

// cleanReportFailure writes the --json record of a failed file, if --json
// was given.
func cleanReportFailure(opts *cleanOptions, in, out string, err error) {
	if opts.reports == nil {
		return
	}
	if werr := opts.reports.write(&cleanFailure{Input: in, Output: out, Error: err.Error()}); werr != nil {
		opts.status.Printf("hush: writing the --json report: %v", werr)
	}
}

// cleanErrnoText returns the system's words for the error behind err (such
// as "no space left on device"), without the paths and operations around
// them.
func cleanErrnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}
