package wav

import "fmt"

// Encoding is how samples are stored in the data chunk.
type Encoding int

const (
	// PCM is linear integer PCM (WAVE_FORMAT_PCM, or EXTENSIBLE with the PCM sub-format).
	PCM Encoding = iota + 1
	// Float is IEEE floating point (WAVE_FORMAT_IEEE_FLOAT, or EXTENSIBLE with the float sub-format).
	Float
	// ALaw is ITU-T G.711 A-law, 8 bits a sample (WAVE_FORMAT_ALAW, or
	// EXTENSIBLE with that sub-format): European telephony.
	ALaw
	// MuLaw is ITU-T G.711 µ-law, 8 bits a sample (WAVE_FORMAT_MULAW, or
	// EXTENSIBLE with that sub-format): North American and Japanese telephony.
	MuLaw
)

// String returns "PCM", "float", "A-law" or "mu-law".
func (e Encoding) String() string {
	switch e {
	case PCM:
		return "PCM"
	case Float:
		return "float"
	case ALaw:
		return "A-law"
	case MuLaw:
		return "mu-law"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Header is the form of a file's fmt chunk.
type Header int

const (
	// HeaderAuto writes WAVE_FORMAT_EXTENSIBLE where the WAVE specification
	// asks for it (more than two channels, or PCM of more than 16 bits)
	// and the plain form (WAVE_FORMAT_PCM, _IEEE_FLOAT, _ALAW, _MULAW)
	// otherwise.
	HeaderAuto Header = iota
	// HeaderPlain always writes the plain form.
	HeaderPlain
	// HeaderExtensible always writes WAVE_FORMAT_EXTENSIBLE.
	HeaderExtensible
)

// Limits on what a header may announce. They keep hostile headers from
// driving allocations and are far beyond any real speech recording.
const (
	// MaxChannels is the largest channel count accepted.
	MaxChannels = 64
	// MaxSampleRate is the largest sample rate accepted [Hz].
	MaxSampleRate = 1_000_000
)

// Format describes the audio in a WAV file.
type Format struct {
	SampleRate    int      // [Hz]
	Channels      int      // interleaved channels per frame
	Encoding      Encoding // PCM, Float, ALaw or MuLaw
	BitsPerSample int      // 8, 16, 24, 32 for PCM; 32, 64 for Float; 8 for ALaw and MuLaw

	// Header is the fmt chunk's form. A Reader sets it only where the
	// file's form differs from what HeaderAuto would write, so that a
	// Format passed from a Reader to a Writer keeps the file's form, and
	// Formats of ordinary files compare equal to the ones written by hand.
	Header Header
}

// String describes f for messages, e.g. "16000 Hz, 1 ch, 16-bit PCM".
func (f Format) String() string {
	return fmt.Sprintf("%d Hz, %d ch, %d-bit %v", f.SampleRate, f.Channels, f.BitsPerSample, f.Encoding)
}

// extensible reports whether f is written with a WAVE_FORMAT_EXTENSIBLE
// header.
func (f Format) extensible() bool {
	switch f.Header {
	case HeaderPlain:
		return false
	case HeaderExtensible:
		return true
	}
	return autoExtensible(f)
}

// autoExtensible is HeaderAuto's choice for f.
func autoExtensible(f Format) bool {
	return f.Channels > 2 || (f.Encoding == PCM && f.BitsPerSample > 16)
}

// BytesPerFrame is the size of one frame (one sample of every channel) in
// the data chunk, the WAV "block align".
func (f Format) BytesPerFrame() int { return f.Channels * f.BitsPerSample / 8 }

// Validate reports whether f can be read and written by this package; the
// error wraps ErrFormat and names the offending value.
func (f Format) Validate() error {
	if f.Channels < 1 || f.Channels > MaxChannels {
		return fmt.Errorf("%w: %d channels, want 1..%d", ErrFormat, f.Channels, MaxChannels)
	}
	if f.SampleRate < 1 || f.SampleRate > MaxSampleRate {
		return fmt.Errorf("%w: sample rate %d Hz, want 1..%d", ErrFormat, f.SampleRate, MaxSampleRate)
	}
	switch f.Encoding {
	case PCM:
		switch f.BitsPerSample {
		case 8, 16, 24, 32:
			return nil
		}
		return fmt.Errorf("%w: %d-bit PCM is not supported, want 8, 16, 24 or 32; convert with ffmpeg -i in.wav -c:a pcm_s16le out.wav",
			ErrFormat, f.BitsPerSample)
	case Float:
		switch f.BitsPerSample {
		case 32, 64:
			return nil
		}
		return fmt.Errorf("%w: %d-bit float is not supported, want 32 or 64", ErrFormat, f.BitsPerSample)
	case ALaw, MuLaw:
		if f.BitsPerSample == 8 {
			return nil
		}
		return fmt.Errorf("%w: %d-bit %v, want 8 bits", ErrFormat, f.BitsPerSample, f.Encoding)
	}
	return fmt.Errorf("%w: encoding %v, want PCM, Float, ALaw or MuLaw", ErrFormat, f.Encoding)
}

// tagOf returns the format tag of an encoding.
func tagOf(e Encoding) uint16 {
	switch e {
	case Float:
		return tagFloat
	case ALaw:
		return tagALaw
	case MuLaw:
		return tagMuLaw
	}
	return tagPCM
}

// Format tags of the fmt chunk.
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagALaw       = 0x0006
	tagMuLaw      = 0x0007
	tagExtensible = 0xFFFE
)

// guidSuffix is the part of a KSDATAFORMAT_SUBTYPE GUID that follows the
// 16-bit format tag in WAVE_FORMAT_EXTENSIBLE, as stored in the file.
var guidSuffix = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// tagName names the format tags people meet in practice, for error messages.
func tagName(tag uint16) string {
	switch tag {
	case tagFloat:
		return "float"
	case tagALaw:
		return "A-law"
	case tagMuLaw:
		return "mu-law"
	case 0x0002:
		return "Microsoft ADPCM"
	case 0x0011:
		return "IMA ADPCM"
	case 0x0031:
		return "GSM 6.10"
	case 0x0050:
		return "MPEG"
	case 0x0055:
		return "MPEG Layer 3"
	case 0x0064:
		return "G.726 ADPCM"
	case 0x0065:
		return "G.722 ADPCM"
	case 0x0092:
		return "Dolby AC-3 SPDIF"
	case 0x0161, 0x0162, 0x0163:
		return "Windows Media Audio"
	case 0x1610:
		return "AAC"
	case 0xF1AC:
		return "FLAC"
	}
	return "unknown"
}

// channelMask returns the conventional speaker layout for n channels, or 0
// ("no particular layout") where there is no common one.
func channelMask(n int) uint32 {
	switch n {
	case 1:
		return 0x4 // front centre
	case 2:
		return 0x3 // front left, front right
	case 3:
		return 0x7 // + front centre
	case 4:
		return 0x33 // front and back pairs (quad)
	case 5:
		return 0x37 // quad + front centre
	case 6:
		return 0x3F // 5.1
	case 7:
		return 0x13F // 5.1 + back centre
	case 8:
		return 0x63F // 7.1 with side pair
	}
	return 0
}
