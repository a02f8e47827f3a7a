package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/wav"
)

// signalBuild builds the hush binary into a temporary folder, so that
// signals reach a real process.
func signalBuild(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the hush binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "hush")
	out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// signalLongFile writes a file that takes hush seconds to clean: 48 kHz,
// 8 channels (eight denoisers), 8-bit to keep it small on disk.
func signalLongFile(t *testing.T, path string, seconds int) {
	t.Helper()
	f := wav.Format{SampleRate: 48000, Channels: 8, Encoding: wav.PCM, BitsPerSample: 8}
	file, err := os.Create(path)
	require.NoError(t, err)
	defer file.Close()
	w, err := wav.NewWriter(file, f)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, f.SampleRate*f.Channels)
	for range seconds {
		for i := range x {
			x[i] = float32(0.1 * rng.NormFloat64())
		}
		require.NoError(t, w.WriteFloat32(x))
	}
	require.NoError(t, w.Close())
}

// signalWaitFor polls until cond holds, or fails after limit.
func signalWaitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
	}
}

// signalHasTemp reports whether dir holds a temporary output file.
func signalHasTemp(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".hush-tmp") {
			return true
		}
	}
	return false
}

// signalWait waits for cmd to exit after a signal and returns its exit
// code and how long it took; it fails if the exit takes longer than limit.
func signalWait(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, time.Duration) {
	t.Helper()
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), time.Since(sent)
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("hush did not exit within %v of the signal", limit)
		return 0, 0
	}
}

func TestCleanSignalsOnTheBinary(t *testing.T) {
	// One build of the binary for every case.
	bin := signalBuild(t)
	t.Run("file", func(t *testing.T) { signalFile(t, bin) })
	t.Run("folder resumes", func(t *testing.T) { signalFolderResumes(t, bin) })
	t.Run("pipe", func(t *testing.T) { signalPipe(t, bin) })
}

// signalFile interrupts the cleaning of one long file.
func signalFile(t *testing.T, bin string) {
	dir := t.TempDir()
	in := filepath.Join(dir, "long.wav")
	signalLongFile(t, in, 60)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			outDir := t.TempDir()
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "clean", in, "-o", filepath.Join(outDir, "long.wav"))
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			signalWaitFor(t, 10*time.Second, "the temporary output", func() bool { return signalHasTemp(outDir) })
			require.NoError(t, cmd.Process.Signal(sig))
			code, took := signalWait(t, cmd, 3*time.Second)
			t.Logf("%v: exit %d after %v: %q", sig, code, took, stderr.String())
			assert.Equal(t, 130, code)
			assert.Equal(t, "hush: interrupted; no output was written\n", stderr.String())
			assert.Empty(t, cleanEntries(t, outDir), "no partial or temporary file")
		})
	}
}

// signalFolderResumes checks that Ctrl-C in the middle of a folder keeps
// the finished outputs and removes the unfinished one, and that
// --skip-existing then completes the job.
func signalFolderResumes(t *testing.T, bin string) {
	in, out := t.TempDir(), t.TempDir()
	names := []string{"a.wav", "b.wav", "c.wav", "d.wav"}
	for _, n := range names {
		signalLongFile(t, filepath.Join(in, n), 4)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "clean", in, "-o", out, "--jobs", "1")
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	signalWaitFor(t, 20*time.Second, "the first finished output", func() bool {
		_, err := os.Stat(filepath.Join(out, "a.wav"))
		return err == nil && signalHasTemp(out)
	})
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	code, took := signalWait(t, cmd, 3*time.Second)
	t.Logf("exit %d after %v: %q", code, took, stderr.String())
	assert.Equal(t, 130, code)
	assert.Contains(t, stderr.String(), "Run the same command with --skip-existing to carry on.")
	done := cleanEntries(t, out)
	assert.False(t, signalHasTemp(out), "temporary files removed: %v", done)
	assert.NotEmpty(t, done)
	assert.Less(t, len(done), len(names), "interrupted before the end")
	for _, n := range done {
		y, _ := cleanReadWAV(t, filepath.Join(out, n))
		assert.Len(t, y, 4*48000*8, "%s is complete", n)
	}

	stderr.Reset()
	cmd = exec.Command(bin, "clean", in, "-o", out, "--skip-existing")
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	assert.Contains(t, stderr.String(), "skipped "+string(rune('0'+len(done))))
	assert.ElementsMatch(t, names, cleanEntries(t, out))
	for _, n := range names {
		y, _ := cleanReadWAV(t, filepath.Join(out, n))
		assert.Len(t, y, 4*48000*8, n)
	}
}

// signalPipe interrupts hush reading standard input that keeps coming (a
// live capture), that has stalled and then ends, or that has stalled for
// good (a producer that hangs): Ctrl-C stops hush and leaves nothing
// behind.
func signalPipe(t *testing.T, bin string) {
	f := wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
	for _, c := range []struct {
		name  string
		stall bool
		ends  time.Duration // after the signal, the producer closes the pipe
	}{
		{"flowing", false, time.Hour},
		{"stalled then ends", true, 500 * time.Millisecond},
		{"stalled", true, time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			outDir := t.TempDir()
			// An OS pipe, so that hush reads it directly (exec would copy
			// from an io.Pipe in a goroutine that Wait waits for).
			pr, pw, err := os.Pipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "clean", "-", "-o", filepath.Join(outDir, "live.wav"))
			cmd.Stdin, cmd.Stderr = pr, &stderr
			require.NoError(t, cmd.Start())
			_ = pr.Close() // hush holds its own copy
			fed := make(chan struct{})
			go func() {
				defer close(fed)
				w, err := wav.NewWriter(pw, f)
				if err != nil {
					return
				}
				x := make([]float32, 1600)
				for i := range x {
					x[i] = float32(i%50) / 100
				}
				for k := 0; ; k++ {
					if c.stall && k == 20 {
						return // 2 s of audio, then nothing more
					}
					if w.WriteFloat32(x) != nil {
						return // hush has gone
					}
				}
			}()
			signalWaitFor(t, 10*time.Second, "the temporary output", func() bool { return signalHasTemp(outDir) })
			if c.stall {
				<-fed
				time.Sleep(100 * time.Millisecond) // hush is now waiting for input
			}
			require.NoError(t, cmd.Process.Signal(os.Interrupt))
			closer := time.AfterFunc(c.ends, func() { _ = pw.Close() })
			code, took := signalWait(t, cmd, c.ends+3*time.Second)
			closer.Stop()
			_ = pw.Close()
			<-fed
			t.Logf("exit %d after %v: %q", code, took, stderr.String())
			assert.Equal(t, 130, code)
			assert.Equal(t, "hush: interrupted; no output was written\n", stderr.String())
			assert.Empty(t, cleanEntries(t, outDir))
		})
	}
}
