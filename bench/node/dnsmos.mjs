// dnsmos.mjs: runs the DNSMOS P.835 model (../shared/metrics/dnsmos) on
// windows of audio sent on stdin, for bench/score, which does the rest of
// the reference procedure (segmenting, polynomial mapping, averaging).
//
//   node bench/node/dnsmos.mjs MODEL.onnx
//
// Protocol, little-endian: each request is one window of 144160 float32
// samples at 16 kHz (9.01 s); each reply is three float32, the model's raw
// SIG, BAK and OVRL. Replies come in request order; the process ends at the
// end of stdin. One thread, so that the bench can run one process per core.
import * as ort from 'onnxruntime-node';

const WINDOW = 144160;
const model = process.argv[2];
if (!model) {
	process.stderr.write('usage: node dnsmos.mjs MODEL.onnx\n');
	process.exit(2);
}

let session;
try {
	session = await ort.InferenceSession.create(model, {
		intraOpNumThreads: 1,
		interOpNumThreads: 1,
		executionMode: 'sequential',
		graphOptimizationLevel: 'all',
	});
} catch (err) {
	process.stderr.write(`dnsmos.mjs: ${model}: ${err.message}\n`);
	process.exit(1);
}

const window = new Float32Array(WINDOW);
const bytes = new Uint8Array(window.buffer);
let have = 0;
for await (const chunk of process.stdin) {
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
		const out = await session.run({ input_1: new ort.Tensor('float32', window, [1, WINDOW]) });
		const raw = Float32Array.from(out[session.outputNames[0]].data);
		process.stdout.write(Buffer.from(raw.buffer));
	}
}
if (have !== 0) {
	process.stderr.write(`dnsmos.mjs: input ended inside a window (${have} of ${bytes.length} bytes)\n`);
	process.exit(1);
}
