package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goTool returns the go command on PATH, and skips the test without one.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return p
}

func TestNoNetworkStackInTheCommand(t *testing.T) {
	// hush never touches the network; a package that drags in net (and
	// with it cgo for the resolver) makes the binary link libc.
	cmd := exec.Command(goTool(t), "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.True(t, slices.Contains(deps, "github.com/hushaudio/hush/denoise"), "the list is the command's")
	for _, bad := range []string{"net", "net/http", "runtime/cgo", "os/user"} {
		if slices.Contains(deps, bad) {
			t.Errorf("%s is linked into hush", bad)
		}
	}
}

func TestStaticBinary(t *testing.T) {
	// With cgo enabled, as on a developer's machine, the default build is
	// still a static binary: no dynamic loader, no shared libraries.
	if testing.Short() {
		t.Skip("builds the hush binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF binary")
	}
	bin := filepath.Join(t.TempDir(), "hush")
	cmd := exec.Command(goTool(t), "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs, "shared libraries")
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "a dynamic loader is requested")
	}
}
