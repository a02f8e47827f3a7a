//go:build !unix

package atomicfile

import "os"

// tryLock reports false: without flock a stale temporary file cannot be
// told from one in use, so none is ever removed.
func tryLock(*os.File) bool { return false }
