// transformers.js peer for `vitlens bench --peers`: the image-classification pipeline on the same exported model
// folder, PNG file in -> top-k out, and a bare onnxruntime-node session.run on a pre-made tensor.
// Prints one JSON line (last line of stdout). Local files only: the model folder is linked (never modified) into
// <cache>/transformersjs/<id>/{config.json,preprocessor_config.json,onnx/model.onnx}.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const a = { warmup: 5, iterations: 30, threads: os.cpus().length, kind: 'bundled' };
  for (let i = 2; i < argv.length; i += 2) {
    a[argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  a.warmup = Number(a.warmup);
  a.iterations = Number(a.iterations);
  a.threads = Number(a.threads);
  return a;
}

function stats(ms) {
  const s = [...ms].sort((x, y) => x - y);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const rank = Math.max(1, Math.ceil(0.95 * n));
  return { n, medianMs: median, p95Ms: s[rank - 1], minMs: s[0], meanMs: s.reduce((x, y) => x + y, 0) / n };
}

async function timed(fn, warmup, iterations) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return stats(out);
}

function cacheRoot() {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'vitlens');
}

function linkLayout(modelDir, id) {
  const dir = path.join(cacheRoot(), 'transformersjs', id);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const links = [['config.json', 'config.json'], ['preprocessor_config.json', 'preprocessor_config.json'],
    ['model.onnx', path.join('onnx', 'model.onnx')]];
  for (const [src, dst] of links) {
    const target = path.join(dir, dst);
    fs.rmSync(target, { force: true });
    fs.symlinkSync(path.resolve(modelDir, src), target);
  }
  return dir;
}

async function main() {
  const a = parseArgs(process.argv);
  let tf;
  try {
    tf = await import('@huggingface/transformers');
  } catch (e) {
    console.log(JSON.stringify({ runtime: 'transformers.js', error: 'cannot load @huggingface/transformers (run '
        + '`ONNXRUNTIME_NODE_INSTALL=skip npm ci` in src/bench/peers): ' + e.message }));
    return;
  }
  const { pipeline, env } = tf;
  const id = 'vitlens-' + a.modelId;
  linkLayout(a.modelDir, id);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.join(cacheRoot(), 'transformersjs');
  env.useBrowserCache = false;
  const classifier = await pipeline('image-classification', id, {
    dtype: 'fp32', device: 'cpu', local_files_only: true,
    session_options: { intraOpNumThreads: a.threads, interOpNumThreads: 1 },
  });
  const e2eOnce = () => classifier(a.image, { top_k: 5 });
  const top = await e2eOnce();
  const e2e = await timed(e2eOnce, a.warmup, a.iterations);

  // Bare forward: the model's onnxruntime-node session on a pre-made tensor, like our bare_ort.
  const image = await tf.RawImage.read(a.image);
  const { pixel_values } = await classifier.processor(image);
  const session = classifier.model.sessions.model;
  const ort = pixel_values.ort_tensor ?? pixel_values;
  const feeds = { pixel_values: ort };
  const fwd = await timed(() => session.run(feeds), a.warmup, a.iterations);
  console.log(JSON.stringify({
    runtime: 'transformers.js', version: tf.env.version, end_to_end: e2e, forward: fwd,
    top: top.map((t) => `${t.label} ${t.score.toFixed(4)}`),
    notes: `onnxruntime-node, ${a.threads} intra-op threads; forward = bare session.run`,
  }));
}

main().catch((e) => {
  console.log(JSON.stringify({ runtime: 'transformers.js', error: String(e && e.stack || e) }));
});
