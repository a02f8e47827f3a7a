// rnnoise.mjs: runs one WebAssembly build of RNNoise on frames sent on
// stdin, for bench/rnnwasm, which does the file handling, the delay and the
// alignment.
//
//   node bench/node/rnnoise.mjs BUILD
//
// BUILD is one of
//   jitsi      @jitsi/rnnoise-wasm dist/rnnoise-sync.js: RNNoise v0.2 (its
//              README: the sync build is made from release 0.2)
//   jitsi-2017 @jitsi/rnnoise-wasm dist/rnnoise.js + rnnoise.wasm: still
//              RNNoise 0.1, the 2017 model
//   shiguredo  @shiguredo/rnnoise-wasm: RNNoise v0.2
//
// Protocol, little-endian float32: each request is 481 values, a flag (1:
// start a new stream, with fresh state, at this frame; 0: go on) and 480
// samples at 48 kHz scaled to ±32768, as rnnoise_process_frame takes them.
// Each reply is 481 values: the value rnnoise_process_frame returned (its
// voice activity probability) and the 480 output samples. Replies come in
// request order; the process ends at the end of stdin.
import fs from 'node:fs';

const FRAME = 480;
const MSG = FRAME + 1;

// load returns a function that makes a fresh denoiser: an object with
// process(frame) (in place, returns the VAD value) and destroy().
async function load(build) {
	switch (build) {
		case 'jitsi':
		case 'jitsi-2017': {
			const file = build === 'jitsi' ? 'rnnoise-sync.js' : 'rnnoise.js';
			const mod = await import(`@jitsi/rnnoise-wasm/dist/${file}`);
			const opts = {};
			if (build === 'jitsi-2017') {
				// Built for browsers only, it would fetch its .wasm; hand it over.
				opts.wasmBinary = fs.readFileSync(new URL(import.meta.resolve('@jitsi/rnnoise-wasm/dist/rnnoise.wasm')));
			}
			const m = await mod.default(opts);
			const inBuf = m._malloc(FRAME * 4);
			const outBuf = m._malloc(FRAME * 4);
			return () => {
				const st = m._rnnoise_create();
				return {
					process(frame) {
						m.HEAPF32.set(frame, inBuf >> 2);
						const vad = m._rnnoise_process_frame(st, outBuf, inBuf);
						frame.set(m.HEAPF32.subarray(outBuf >> 2, (outBuf >> 2) + FRAME));
						return vad;
					},
					destroy() {
						m._rnnoise_destroy(st);
					},
				};
			};
		}
		case 'shiguredo': {
			// It refuses to start outside a browser or a worker.
			globalThis.WorkerGlobalScope ??= class WorkerGlobalScope {};
			const { Rnnoise } = await import('@shiguredo/rnnoise-wasm');
			const r = await Rnnoise.load();
			if (r.frameSize !== FRAME) {
				throw new Error(`frame size ${r.frameSize}, want ${FRAME}`);
			}
			return () => {
				const st = r.createDenoiseState();
				return { process: (frame) => st.processFrame(frame), destroy: () => st.destroy() };
			};
		}
	}
	throw new Error(`unknown build ${JSON.stringify(build)}: want jitsi, jitsi-2017 or shiguredo`);
}

let make;
try {
	make = await load(process.argv[2]);
} catch (err) {
	process.stderr.write(`rnnoise.mjs: ${err.message}\n`);
	process.exit(2);
}

const msg = new Float32Array(MSG);
const bytes = new Uint8Array(msg.buffer);
const frame = new Float32Array(FRAME);
let have = 0;
let den = null;
for await (const chunk of process.stdin) {
	const replies = [];
	let off = 0;
	while (off < chunk.length) {
		const n = Math.min(bytes.length - have, chunk.length - off);
		bytes.set(chunk.subarray(off, off + n), have);
		have += n;
		off += n;
		if (have < bytes.length) {
			break;
		}
		have = 0;
		if (msg[0] !== 0 || den === null) {
			den?.destroy();
			den = make();
		}
		frame.set(msg.subarray(1));
		const reply = new Float32Array(MSG);
		reply[0] = den.process(frame);
		reply.set(frame, 1);
		replies.push(Buffer.from(reply.buffer));
	}
	if (replies.length > 0) {
		process.stdout.write(Buffer.concat(replies));
	}
}
if (have !== 0) {
	process.stderr.write(`rnnoise.mjs: input ended inside a frame (${have} of ${bytes.length} bytes)\n`);
	process.exit(1);
}
