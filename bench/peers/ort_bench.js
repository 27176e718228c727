// ONNX Runtime (onnxruntime-node) latency of one model at batch 1: median of many runs after
// warm-up, one run timed at a time. Writes the output of the last run as .npy.
//
//   node ort_bench.js MODEL.onnx INPUT.npy OUTPUT.npy THREADS RUNS WARMUP
//
// The package is found through NODE_PATH (bench/peers/run.sh installs it outside the repo).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const bytes = fs.readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  if (!header.includes('\'descr\': \'<f4\'')) throw new Error(path + ': only float32 .npy');
  const shape =
      header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((s) => s.trim() !== '').map(Number);
  const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  return {shape, data};
}

function writeNpy(path, dims, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${
      dims.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([
    prefix, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  ]));
}

async function main() {
  const [model, inputPath, outputPath, threadsArg, runsArg, warmupArg] = process.argv.slice(2);
  const threads = Number(threadsArg), runs = Number(runsArg), warmup = Number(warmupArg);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const input = readNpy(inputPath);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape)};
  let result;
  for (let i = 0; i < warmup; ++i) result = await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    result = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const output = result[session.outputNames[0]];
  writeNpy(outputPath, output.dims, output.data);
  console.log(JSON.stringify({median_ms: at(0.5), p10_ms: at(0.1), p90_ms: at(0.9), runs}));
}

main().catch((e) => {
  console.error('ort_bench: error: ' + e.message.split('\n')[0]);
  process.exit(1);
});
