// speex_denoise: SpeexDSP preprocessor with noise suppression on and every
// other setting at its default. Reads mono 16-bit little-endian PCM on
// stdin, writes the same on stdout.
//
// Usage: speex_denoise RATE [FRAME_MS]   (FRAME_MS 10 or 20, default 20)
//
// The output is delayed by the preprocessor's one frame; two frames of
// silence are fed after the input so the caller can drop that delay and
// still get every input sample back.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <speex/speex_preprocess.h>

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s RATE [FRAME_MS]\n", argv[0]);
		return 2;
	}
	int rate = atoi(argv[1]);
	int ms = argc > 2 ? atoi(argv[2]) : 20;
	if (rate < 8000 || rate > 48000 || (ms != 10 && ms != 20)) {
		fprintf(stderr, "speex_denoise: bad rate %d or frame %d ms\n", rate, ms);
		return 2;
	}
	int n = rate * ms / 1000;
	SpeexPreprocessState *st = speex_preprocess_state_init(n, rate);
	int on = 1;
	speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
	spx_int16_t *buf = calloc(n, sizeof *buf);
	int tail = 2; // frames of silence fed after the input
	for (;;) {
		size_t got = fread(buf, sizeof *buf, n, stdin);
		if (got < (size_t)n) {
			memset(buf + got, 0, (n - got) * sizeof *buf);
			if (got == 0 && tail-- <= 0) break;
		}
		speex_preprocess_run(st, buf);
		fwrite(buf, sizeof *buf, n, stdout);
	}
	speex_preprocess_state_destroy(st);
	free(buf);
	return ferror(stdout) ? 1 : 0;
}
