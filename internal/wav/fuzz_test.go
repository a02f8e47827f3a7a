package wav

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzReader feeds arbitrary bytes to NewReader and ReadFloat32. It checks
// that nothing panics or hangs, that errors wrap ErrFormat, that the output
// is bounded by the input (every sample costs at least one byte), and that
// whatever decodes survives a write and re-read unchanged. The seed corpus
// in testdata/fuzz/FuzzReader holds valid files of every format (ours and
// ffmpeg's) and the catalogue of broken ones; regenerate it with
// WAV_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus.
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
			return
		}
		format := r.Format()
		if err := format.Validate(); err != nil {
			t.Fatalf("NewReader accepted an invalid format: %v", err)
		}
		ch := format.Channels
		dst := make([]float32, (1+len(data)%7)*ch+len(data)%ch)
		var got []float32
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("%d calls on %d bytes: not making progress", calls, len(data))
			}
			n, err := r.ReadFloat32(dst)
			if n%ch != 0 || n > len(dst) {
				t.Fatalf("ReadFloat32 returned %d samples, dst %d, %d channels", n, len(dst), ch)
			}
			got = append(got, dst[:n]...)
			if err != nil {
				break // bytes.Reader never fails, so this is io.EOF
			}
			if n == 0 {
				t.Fatal("ReadFloat32 returned (0, nil)")
			}
		}
		if len(got) > len(data) {
			t.Fatalf("%d samples out of %d bytes", len(got), len(data))
		}
		if fr := r.Frames(); fr >= 0 && int64(len(got)/ch) > fr {
			t.Fatalf("%d frames out, header announced %d", len(got)/ch, fr)
		}

		var buf bytes.Buffer
		w, err := NewWriter(&buf, format)
		if err != nil {
			t.Fatalf("NewWriter refused a format NewReader accepted: %v", err)
		}
		if err := w.WriteFloat32(got); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r2, err := NewReader(&buf)
		if err != nil {
			t.Fatalf("reading our own file: %v", err)
		}
		again := make([]float32, len(got)+ch)
		n, _ := r2.ReadFloat32(again)
		if n != len(got) {
			t.Fatalf("re-read %d samples, wrote %d", n, len(got))
		}
		for i, v := range got {
			w := again[i]
			if v != w && !(math.IsNaN(float64(v)) && math.IsNaN(float64(w))) {
				t.Fatalf("sample %d: %v written, %v read back (%v)", i, v, w, format)
			}
		}
	})
}

// fuzzSeeds returns named files for the seed corpus: valid ones in every
// format and header variant, and the broken ones of badInputs.
func fuzzSeeds(t *testing.T) map[string][]byte {
	seeds := map[string][]byte{}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, f := range allFormats() {
		for _, ch := range []int{1, 2, 6} {
			f.Channels, f.SampleRate = ch, 16000
			samples := exactSamples(rng, f, 5*ch)
			var buf bytes.Buffer
			w, err := NewWriter(&buf, f)
			require.NoError(t, err)
			require.NoError(t, w.WriteFloat32(samples))
			require.NoError(t, w.Close())
			name := fmt.Sprintf("valid_%s_%d_%dch", strings.ToLower(f.Encoding.String()), f.BitsPerSample, ch)
			seeds[name+"_streamed"] = buf.Bytes()

			path := filepath.Join(t.TempDir(), "x.wav")
			require.NoError(t, WriteFile(path, samples, f))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			seeds[name+"_sized"] = b
		}
	}
	fmt16 := chunk("fmt ", fmtBody(tagPCM, 1, 8000, 2, 16))
	seeds["valid_chunks_odd"] = riff(chunk("JUNK", make([]byte, 4)), chunk("bext", []byte("odd")), fmt16,
		chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00hush\x00")), chunk("fact", le32(3)), chunk("data", pcm16(1, -2, 3)))
	seeds["valid_ext_20in24"] = riff(chunk("fmt ", extFmtBody(tagPCM, 1, 8000, 3, 24, 20)), chunk("data", []byte{0, 0, 0x40, 0xF0, 0xFF, 0xFF}))
	seeds["valid_plain_float"] = riff(chunk("fmt ", fmtBody(tagFloat, 1, 8000, 4, 32)), chunk("data", le32(math.Float32bits(-0.5))))
	seeds["valid_u8_partial_frame"] = riff(chunk("fmt ", fmtBody(tagPCM, 2, 8000, 2, 8)), chunk("data", []byte{1, 2, 3}))
	seeds["valid_data_size_0"] = riff(fmt16, chunkSized("data", 0, pcm16(5, 6)))
	seeds["valid_data_oversized"] = riff(fmt16, chunkSized("data", 1<<20, pcm16(5, 6)))
	ds64 := append(append(make([]byte, 8), le32(4)...), make([]byte, 16)...)
	seeds["valid_rf64"] = rf64(riff(chunk("ds64", ds64), fmt16, chunkSized("data", 0xFFFFFFFF, pcm16(1, 2, 3))))
	seeds["valid_alaw_fact"] = riff(chunk("fmt ", append(fmtBody(tagALaw, 1, 8000, 1, 8), 0, 0)), chunk("fact", le32(3)), chunk("data", []byte{0xD5, 0x2A, 0xAA}))
	seeds["valid_ext_mulaw_3ch"] = riff(chunk("fmt ", extFmtBody(tagMuLaw, 3, 8000, 3, 8, 8)), chunk("data", []byte{0xFF, 0x7F, 0x80, 0x00, 0x01, 0xFE}))
	for name, limit := range map[string]int64{"valid_rf64_ours": 100, "valid_junk_reserved": maxRIFFSize} {
		path := filepath.Join(t.TempDir(), "x.wav")
		file, err := os.Create(path)
		require.NoError(t, err)
		f := Format{SampleRate: 8000, Channels: 1, Encoding: MuLaw, BitsPerSample: 8}
		w, err := newWriter(file, f, -1, limit)
		require.NoError(t, err)
		require.NoError(t, w.WriteFloat32(exactSamples(rng, f, 101)))
		require.NoError(t, w.Close())
		require.NoError(t, file.Close())
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		seeds[name] = b
	}
	var pipe bytes.Buffer
	w, err := newWriter(&pipe, Format{SampleRate: 8000, Channels: 2, Encoding: ALaw, BitsPerSample: 8}, 60, 100)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(make([]float32, 120)))
	require.NoError(t, w.Close())
	seeds["valid_rf64_announced_alaw"] = pipe.Bytes()
	for _, b := range badInputs() {
		seeds["bad_"+strings.NewReplacer(" ", "_", "-", "_", ">", "gt").Replace(b.name)] = b.file
	}
	if ffmpeg, err := exec.LookPath("ffmpeg"); err == nil {
		for _, codec := range []string{"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_f64le", "pcm_alaw", "pcm_mulaw", "adpcm_ima_wav"} {
			out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:r=8000:d=0.002",
				"-ac", "2", "-metadata", "title=hush", "-c:a", codec, "-f", "wav", "-").Output()
			require.NoError(t, err, codec)
			seeds["ffmpeg_"+codec] = out
		}
	}
	return seeds
}

// TestWriteFuzzCorpus regenerates the committed seed corpus on request.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("WAV_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set WAV_WRITE_FUZZ_CORPUS=1 to regenerate testdata/fuzz/FuzzReader")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReader")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, data := range fuzzSeeds(t) {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
}

// TestFuzzCorpusCommitted makes sure the seed corpus is there, so that
// plain go test runs FuzzReader over it.
func TestFuzzCorpusCommitted(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzReader"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 50)
}
