package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/wav"
)

// The command on long, broken and large jobs, run as a user runs it: the
// binary, built once for all the cases below.

// binRun runs the hush binary and returns its exit code and output.
func binRun(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func TestCleanBatchOnTheBinary(t *testing.T) {
	bin := signalBuild(t)
	t.Run("G.711 in, G.711 out", func(t *testing.T) { batchG711(t, bin) })
	t.Run("killed run's temporary file removed", func(t *testing.T) { batchKilled(t, bin) })
	t.Run("file cut short", func(t *testing.T) { batchTruncated(t, bin) })
	t.Run("progress from standard input", func(t *testing.T) { batchStdinProgress(t, bin) })
	t.Run("json records failures", func(t *testing.T) { batchJSONFailures(t, bin) })
	t.Run("full output folder stops once", func(t *testing.T) { batchFullDisk(t, bin) })
	t.Run("read-only output folder", func(t *testing.T) { batchReadOnly(t, bin) })
	t.Run("dangling link reported", func(t *testing.T) { batchDangling(t, bin) })
	t.Run("other audio formats refused", func(t *testing.T) { batchOtherFormats(t, bin) })
	t.Run("version", func(t *testing.T) { batchVersion(t, bin) })
	t.Run("shards add up to one run", func(t *testing.T) { batchShards(t, bin) })
}

func batchG711(t *testing.T, bin string) {
	dir := t.TempDir()
	for _, f := range []wav.Format{
		{SampleRate: 8000, Channels: 1, Encoding: wav.ALaw, BitsPerSample: 8},
		{SampleRate: 16000, Channels: 2, Encoding: wav.MuLaw, BitsPerSample: 8},
	} {
		in := filepath.Join(dir, f.Encoding.String()+".wav")
		if sox, err := exec.LookPath("sox"); err == nil { // a file from another program
			src := cleanSynthetic(t, dir, "src.wav", wav.Format{SampleRate: f.SampleRate, Channels: f.Channels, Encoding: wav.PCM, BitsPerSample: 16}, 12000)
			enc := map[wav.Encoding]string{wav.ALaw: "a-law", wav.MuLaw: "u-law"}[f.Encoding]
			out, err := exec.Command(sox, src, "-e", enc, in).CombinedOutput()
			require.NoError(t, err, "%s", out)
		} else {
			cleanSynthetic(t, dir, filepath.Base(in), f, 12000)
		}
		out := filepath.Join(dir, "clean-"+filepath.Base(in))
		code, stdout, stderr := binRun(t, bin, "clean", in, "-o", out)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stdout+stderr)
		y, yf := cleanReadWAV(t, out)
		assert.Equal(t, f, yf, "the output keeps the input's encoding")
		assert.Len(t, y, 12000*f.Channels)
		x, _ := cleanReadWAV(t, in)
		assert.Less(t, sumSquares(y), sumSquares(x), "noise was removed")
	}
}

func batchKilled(t *testing.T, bin string) {
	// SIGKILL leaves the temporary file behind; the next run over the same
	// folder removes it and says so, then completes the job.
	in, out := t.TempDir(), t.TempDir()
	signalLongFile(t, filepath.Join(in, "long.wav"), 60)
	cmd := exec.Command(bin, "clean", in, "-o", out)
	require.NoError(t, cmd.Start())
	signalWaitFor(t, 20*time.Second, "a megabyte of temporary output", func() bool { return batchTempSize(out) > 1<<20 })
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	left := cleanEntries(t, out)
	require.Len(t, left, 1)
	require.True(t, strings.HasPrefix(left[0], ".long.wav.") && strings.HasSuffix(left[0], ".hush-tmp"), left[0])
	// Files that are not hush's temporary files are never touched.
	for _, keep := range []string{".long.wav.1.hush-tmp.bak", "notes.hush-tmp"} {
		require.NoError(t, os.WriteFile(filepath.Join(out, keep), []byte("mine"), 0o644))
	}

	code, _, stderr := binRun(t, bin, "clean", in, "-o", out, "--skip-existing")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "hush: "+out+": removed 1 temporary file left by an interrupted run: "+left[0]+"\n")
	assert.ElementsMatch(t, []string{"long.wav", ".long.wav.1.hush-tmp.bak", "notes.hush-tmp"}, cleanEntries(t, out))

	// One file: the same for the temporary files of that output.
	stale := filepath.Join(out, ".single.wav.123.hush-tmp")
	require.NoError(t, os.WriteFile(stale, []byte("half"), 0o600))
	short := cleanSynthetic(t, in, "short.wav", cleanMono16(), 1600)
	code, _, stderr = binRun(t, bin, "clean", short, "-o", filepath.Join(out, "single.wav"))
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "hush: "+out+": removed 1 temporary file left by an interrupted run: .single.wav.123.hush-tmp\n", stderr)
	assert.NoFileExists(t, stale)
}

func batchTruncated(t *testing.T, bin string) {
	dir := t.TempDir()
	full := cleanSynthetic(t, dir, "full.wav", cleanMono16(), 32000)
	b, err := os.ReadFile(full)
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.wav")
	require.NoError(t, os.WriteFile(cut, b[:44+2*16000], 0o644))
	code, _, stderr := binRun(t, bin, "clean", cut, "-o", filepath.Join(dir, "out.wav"))
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "hush: "+cut+": warning: the file is cut short: its header announces 32000 samples (2s) but it holds 16000 (1s); cleaned what is there\n", stderr)
	y, _ := cleanReadWAV(t, filepath.Join(dir, "out.wav"))
	assert.Len(t, y, 16000)

	// The --json record carries the warning too.
	code, stdout, _ := binRun(t, bin, "clean", cut, "-o", filepath.Join(dir, "out2.wav"), "--json")
	require.Equal(t, 0, code)
	reps := cleanReports(t, stdout)
	require.Len(t, reps, 1)
	assert.Contains(t, reps[0].Warning, "32000 samples (2s) but it holds 16000 (1s)")

	bare := filepath.Join(dir, "bare.wav")
	require.NoError(t, os.WriteFile(bare, b[:44], 0o644)) // header claims 64000 bytes, none follow
	code, _, stderr = binRun(t, bin, "clean", bare, "-o", filepath.Join(dir, "bare-out.wav"))
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "hush: "+bare+": warning: the file is cut short: its header announces 32000 samples (2s) but it holds 0 (0s); cleaned what is there\n", stderr)

	streamed := filepath.Join(dir, "streamed.wav") // a header with unknown size and nothing after it
	var hdr bytes.Buffer
	w, err := wav.NewWriter(&hdr, cleanMono16())
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, os.WriteFile(streamed, hdr.Bytes(), 0o644))
	code, _, stderr = binRun(t, bin, "clean", streamed, "-o", filepath.Join(dir, "streamed-out.wav"))
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "hush: "+streamed+": warning: no audio: there is a WAV header but not one sample after it; the output is empty\n", stderr)
}

func batchStdinProgress(t *testing.T, bin string) {
	// Progress is drawn only on a terminal: script(1) gives hush one.
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to run hush on a terminal")
	}
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 16000*300) // long enough for several redraws
	out := filepath.Join(dir, "out.wav")
	shell := fmt.Sprintf("%s clean - -o %s < %s", bin, out, in)
	tty, err := exec.Command(script, "-qec", shell, "/dev/null").CombinedOutput()
	require.NoError(t, err, "%s", tty)
	s := string(tty)
	assert.Contains(t, s, "standard input: 0 B read in 0:00", "drawn from the start")
	assert.Regexp(t, `standard input: [0-9.]+ [kM]B read \([0-9]+:[0-9]{2} of audio\) in [0-9]+:[0-9]{2}`, s)
	assert.True(t, strings.HasSuffix(s, "\r\x1b[K"), "the line is erased at the end: %q", s[max(0, len(s)-80):])
	y, _ := cleanReadWAV(t, out)
	assert.Len(t, y, 16000*300)
}

func batchJSONFailures(t *testing.T, bin string) {
	in, out := t.TempDir(), t.TempDir()
	cleanSynthetic(t, in, "good.wav", cleanMono16(), 4000)
	require.NoError(t, os.WriteFile(filepath.Join(in, "bad.wav"), []byte("not audio"), 0o644))
	code, stdout, stderr := binRun(t, bin, "clean", in, "-o", out, "--json")
	assert.Equal(t, 1, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 2, stdout)
	var failure cleanFailure
	var found bool
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		if _, ok := rec["error"]; ok {
			require.NoError(t, json.Unmarshal([]byte(l), &failure))
			found = true
		} else {
			assert.Equal(t, filepath.Join(in, "good.wav"), rec["input"])
		}
	}
	require.True(t, found, "a record for the failed file: %s", stdout)
	assert.Equal(t, cleanFailure{Input: filepath.Join(in, "bad.wav"), Output: filepath.Join(out, "bad.wav"),
		Error: filepath.Join(in, "bad.wav") + `: wav: unsupported or malformed file: not a WAV file (starts with "not ", want "RIFF")`}, failure)

	// One file, too.
	code, stdout, _ = binRun(t, bin, "clean", filepath.Join(in, "bad.wav"), "-o", filepath.Join(out, "x.wav"), "--json")
	assert.Equal(t, 1, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &failure))
	assert.Contains(t, failure.Error, "not a WAV file")
}

func batchFullDisk(t *testing.T, bin string) {
	// Every output lands on /dev/full (what a full disk gives): the run
	// stops at the first file and says so once, not once per file.
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	in, out := t.TempDir(), t.TempDir()
	for i := range 40 {
		name := fmt.Sprintf("f%02d.wav", i)
		cleanSynthetic(t, in, name, cleanMono16(), 1000)
		require.NoError(t, os.Symlink("/dev/full", filepath.Join(out, name)))
	}
	code, _, stderr := binRun(t, bin, "clean", in, "-o", out, "--jobs", "2")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^hush: `+out+`: cannot write into the output folder \(no space left on device\); stopped after cleaning 0 of 40 files\. `+
		`Make room or choose another folder, then run the same command with --skip-existing to carry on\.\n$`, stderr)
}

func batchReadOnly(t *testing.T, bin string) {
	if os.Geteuid() != 0 {
		t.Skip("mounts a read-only file system (root only)")
	}
	in, out := t.TempDir(), t.TempDir()
	for i := range 5 {
		cleanSynthetic(t, in, fmt.Sprintf("f%d.wav", i), cleanMono16(), 1000)
	}
	if b, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", out).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a read-only file system: %v: %s", err, b)
	}
	t.Cleanup(func() { _ = exec.Command("umount", out).Run() })
	code, _, stderr := binRun(t, bin, "clean", in, "-o", out)
	assert.Equal(t, 1, code)
	assert.Equal(t, "hush: "+out+": cannot write into the output folder: read-only file system\n", stderr)
}

func batchDangling(t *testing.T, bin string) {
	in, out := t.TempDir(), t.TempDir()
	cleanSynthetic(t, in, "good.wav", cleanMono16(), 2000)
	missing := filepath.Join(t.TempDir(), "moved-away.wav")
	require.NoError(t, os.Symlink(missing, filepath.Join(in, "broken.wav")))
	code, _, stderr := binRun(t, bin, "clean", in, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "hush: "+filepath.Join(in, "broken.wav")+": skipped: a symbolic link to "+missing+", which cannot be opened (no such file or directory)\n")
	assert.Contains(t, stderr, "cleaned 1 of 2 files into "+out+"; 1 failed: broken.wav\n")
	assert.Equal(t, []string{"good.wav"}, cleanEntries(t, out))
}

func batchOtherFormats(t *testing.T, bin string) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 1000)
	for _, name := range []string{"out.mp3", "out.FLAC", "out.m4a"} {
		code, _, stderr := binRun(t, bin, "clean", in, "-o", filepath.Join(dir, name))
		assert.Equal(t, 2, code, name)
		assert.Contains(t, stderr, "hush writes WAV files only; name the output .wav", name)
	}
	assert.Equal(t, []string{"in.wav"}, cleanEntries(t, dir))
	code, _, stderr := binRun(t, bin, "clean", in, "-o", filepath.Join(dir, "out.wave"))
	assert.Equal(t, 0, code, "other names are fine: %s", stderr)
}

func batchVersion(t *testing.T, bin string) {
	// A build of its own that records the VCS state where it can (a clone
	// with git; a git worktree or an export gives none), whatever GOFLAGS
	// says.
	vbin := filepath.Join(t.TempDir(), "hush")
	build := exec.Command(goTool(t), "build", "-buildvcs=auto", "-o", vbin, ".")
	build.Env = append(os.Environ(), "GOFLAGS=")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	info, err := exec.Command(goTool(t), "version", "-m", vbin).Output()
	require.NoError(t, err)

	code, stdout, _ := binRun(t, vbin, "--version")
	require.Equal(t, 0, code)
	assert.Regexp(t, `^hush \S+\n`, stdout)
	assert.Contains(t, stdout, "built with go")
	if _, rev, ok := strings.Cut(string(info), "vcs.revision="); ok {
		rev = strings.Fields(rev)[0]
		assert.Contains(t, stdout, "revision "+rev, "the commit the binary was built from")
	} else {
		t.Log("this build records no VCS revision (a git worktree, or no git)")
		assert.NotContains(t, stdout, "revision")
	}
	code, _, stderr := binRun(t, bin, "help", "nonsense")
	assert.Equal(t, 2, code)
	assert.Equal(t, "hush help: there is no command \"nonsense\"; the commands are "+strings.Join(commandNames(), ", ")+"\n", stderr)
}

func batchShards(t *testing.T, bin string) {
	// Three shards run one after another give exactly the files of one
	// run over the whole folder, each input cleaned by exactly one shard.
	in := t.TempDir()
	var names []string
	for i := range 7 {
		name := fmt.Sprintf("call-%d.wav", i)
		cleanSynthetic(t, in, name, cleanMono16(), 2000+500*i)
		names = append(names, name)
	}
	whole := t.TempDir()
	code, _, stderr := binRun(t, bin, "clean", in, "-o", whole)
	require.Equal(t, 0, code, stderr)

	sharded := t.TempDir()
	var seen []string
	for k := 1; k <= 3; k++ {
		code, stdout, stderr := binRun(t, bin, "clean", in, "-o", sharded, "--shard", fmt.Sprintf("%d/3", k), "--json")
		require.Equal(t, 0, code, stderr)
		reps := cleanReports(t, stdout)
		assert.Contains(t, stderr, fmt.Sprintf("shard %d/3: cleaned %d of its %d files (of 7 in the folder)", k, len(reps), len(reps)))
		for _, r := range reps {
			seen = append(seen, filepath.Base(r.Input))
		}
	}
	sort.Strings(seen)
	assert.Equal(t, names, seen, "every file cleaned by exactly one shard")
	require.ElementsMatch(t, names, cleanEntries(t, sharded))
	for _, n := range names {
		a, err := os.ReadFile(filepath.Join(whole, n))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(sharded, n))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b), "%s differs", n)
	}

	// A retried shard with --skip-existing leaves its finished files.
	code, _, stderr = binRun(t, bin, "clean", in, "-o", sharded, "--shard", "2/3", "--skip-existing")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "shard 2/3: cleaned 0 of its 2 files (of 7 in the folder) into "+sharded+"; skipped 2 whose output exists")

	for _, bad := range []string{"0/3", "4/3", "x", "1/0"} {
		code, _, stderr := binRun(t, bin, "clean", in, "-o", sharded, "--shard", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "--shard \""+bad+"\"", bad)
	}
	code, _, stderr = binRun(t, bin, "clean", filepath.Join(in, names[0]), "-o", filepath.Join(sharded, "x.wav"), "--shard", "1/2")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--shard shares out the files of a folder")
}

// batchTempSize returns the size of the temporary output in dir, or 0.
func batchTempSize(dir string) int64 {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".hush-tmp") {
			if fi, err := e.Info(); err == nil {
				return fi.Size()
			}
		}
	}
	return 0
}
