// webrtc_ns: WebRTC AudioProcessing noise suppression alone (0.3 API, as in
// Debian bookworm's libwebrtc-audio-processing-dev), 10 ms frames. Reads
// mono 16-bit little-endian PCM on stdin, writes the same on stdout.
//
// Usage: webrtc_ns RATE [LEVEL]   (LEVEL low|moderate|high|veryhigh, default veryhigh)
//
// Two frames of silence are fed after the input so the caller can drop the
// suppressor's delay and still get every input sample back.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <webrtc/modules/audio_processing/include/audio_processing.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s RATE [low|moderate|high|veryhigh]\n", argv[0]);
    return 2;
  }
  int rate = std::atoi(argv[1]);
  const char* name = argc > 2 ? argv[2] : "veryhigh";
  webrtc::NoiseSuppression::Level level;
  if (!std::strcmp(name, "low")) level = webrtc::NoiseSuppression::kLow;
  else if (!std::strcmp(name, "moderate")) level = webrtc::NoiseSuppression::kModerate;
  else if (!std::strcmp(name, "high")) level = webrtc::NoiseSuppression::kHigh;
  else if (!std::strcmp(name, "veryhigh")) level = webrtc::NoiseSuppression::kVeryHigh;
  else {
    std::fprintf(stderr, "webrtc_ns: unknown level %s\n", name);
    return 2;
  }
  webrtc::AudioProcessing* apm = webrtc::AudioProcessing::Create();
  if (apm->noise_suppression()->set_level(level) != 0 ||
      apm->noise_suppression()->Enable(true) != 0) {
    std::fprintf(stderr, "webrtc_ns: cannot enable noise suppression\n");
    return 1;
  }
  webrtc::StreamConfig cfg(rate, 1);
  const size_t n = cfg.num_frames();
  std::vector<short> pcm(n);
  std::vector<float> x(n);
  int tail = 2;
  for (;;) {
    size_t got = std::fread(pcm.data(), sizeof(short), n, stdin);
    if (got < n) {
      std::fill(pcm.begin() + got, pcm.end(), 0);
      if (got == 0 && tail-- <= 0) break;
    }
    for (size_t i = 0; i < n; i++) x[i] = pcm[i] / 32768.0f;
    float* ch = x.data();
    int err = apm->ProcessStream(&ch, cfg, cfg, &ch);
    if (err != webrtc::AudioProcessing::kNoError) {
      std::fprintf(stderr, "webrtc_ns: ProcessStream error %d\n", err);
      return 1;
    }
    for (size_t i = 0; i < n; i++) {
      float v = std::lrint(x[i] * 32768.0f);
      pcm[i] = (short)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    std::fwrite(pcm.data(), sizeof(short), n, stdout);
  }
  delete apm;
  return std::ferror(stdout) ? 1 : 0;
}
