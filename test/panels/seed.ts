// Deterministic data for the panel suites, the e2e spec and the benchmark, written through the store's own
// write path (validate → journal → fsync): a wide experiment (many runs, 50 data columns, nested runs), long
// metric histories with spikes, a run whose every logged string is an XSS probe, artifacts of every preview
// kind, and a registered model whose version points at a logged MLmodel.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { RegistryStore } from '../../extension/registry/registryStore';
import type { KeyValue, MetricInput } from '../../extension/tracking/rest/types';
import type { TrackingStore } from '../../extension/tracking/store/trackingStore';

export const T0 = 1_700_000_000_000;
export const XSS = '<img src=x onerror=alert(1)>';
export const WIDE_PARAMS = 20;
export const WIDE_METRICS = 25;
export const WIDE_TAGS = 5;

/** Deterministic noise in [-0.5, 0.5). */
export function noise(i: number, seed = 1): number {
  const s = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}

/** acc of wide run i: distinct per run so sorts and filters have exact answers. */
export const wideAcc = (i: number): number => (i % 1000) / 1000 + i / 1e7;

/**
 * `runs` runs in a new experiment, each with 20 params, 25 metrics and 5 tags (50 data columns); every 50th
 * run is a parent of the two runs after it. Returns the experiment id.
 */
export async function seedWide(store: TrackingStore, name: string, runs: number): Promise<string> {
  const exp = await store.createExperiment(name);
  const pending: Promise<unknown>[] = [];
  const CHUNK = 500;
  for (let from = 0; from < runs; from += CHUNK) {
    // Runs are created a chunk at a time (their commits share fsyncs); a parent exists before its children.
    const indices = Array.from({ length: Math.min(CHUNK, runs - from) }, (_, k) => from + k);
    const parents = new Map<number, string>();
    const tagsOf = (i: number): KeyValue[] => Array.from({ length: WIDE_TAGS }, (_, t) => ({ key: `t${t}`, value: `tag-${t}-${i % (t + 2)}` }));
    for (const i of indices.filter((x) => x % 50 === 0)) {
      parents.set(i, (await store.createRun({ experiment_id: exp, run_name: `run-${String(i).padStart(5, '0')}`, start_time: T0 + i * 1000, tags: tagsOf(i) })).info.run_id);
    }
    const ids = await Promise.all(
      indices.map(async (i) => {
        if (parents.has(i)) return parents.get(i)!;
        const tags = tagsOf(i);
        const parent = i % 50 === 1 || i % 50 === 2 ? parents.get(i - (i % 50)) : undefined;
        if (parent) tags.push({ key: 'mlflow.parentRunId', value: parent });
        return (await store.createRun({ experiment_id: exp, run_name: `run-${String(i).padStart(5, '0')}`, start_time: T0 + i * 1000, tags })).info.run_id;
      }),
    );
    indices.forEach((i, k) => {
      const id = ids[k];
      const params: KeyValue[] = Array.from({ length: WIDE_PARAMS }, (_, p) => ({ key: `p${String(p).padStart(2, '0')}`, value: p === 0 ? 'constant' : String((i * (p + 3)) % (97 + p)) }));
      const metrics: MetricInput[] = Array.from({ length: WIDE_METRICS }, (_, m) => ({
        key: m === 0 ? 'acc' : m === 1 ? 'loss' : `m${String(m).padStart(2, '0')}`,
        value: m === 0 ? wideAcc(i) : m === 1 ? 1 - wideAcc(i) : noise(i, m),
        timestamp: T0 + i * 1000,
        step: 0,
      }));
      pending.push(store.logBatch({ run_id: id, params, metrics }));
      pending.push(store.updateRun({ run_id: id, status: 'FINISHED', end_time: T0 + i * 1000 + 60_000 + (i % 600) * 1000 }));
    });
    await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return exp;
}

/** Logs `n` points of `key` in batches of 1000: sinusoid plus noise, one upward spike at `spikeAt`. */
export async function logLongMetric(store: TrackingStore, runId: string, key: string, n: number, spikeAt: number, seed = 1): Promise<void> {
  const pending: Promise<void>[] = [];
  for (let start = 0; start < n; start += 1000) {
    const metrics: MetricInput[] = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      metrics.push({ key, value: i === spikeAt ? 50 : Math.sin(i / 5000) + noise(i, seed) * 0.2, timestamp: T0 + i * 100, step: i });
    }
    pending.push(store.logBatch({ run_id: runId, metrics }));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    env:
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    python_version: 3.11.4
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.3.0
mlflow_version: 2.9.2
model_uuid: 0f1e2d3c4b5a69788796a5b4c3d2e1f0
run_id: RUN_ID
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type": "double", "name": "petal width (cm)", "required": true}, {"type": "string", "name": "${XSS.replace(/"/g, '\\"')}", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-01-02 03:04:05.123456'
`;

/** A valid 2×2 RGB PNG (red, green / blue, white), encoded here so the fixture needs no binary file. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer): number => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export interface Demo {
  experimentId: string;
  longRuns: string[];
  xssRun: string;
  modelName: string;
}

/** Where the store keeps a run's artifacts (artifact URI mlflow-artifacts:/<exp>/<run>/artifacts). */
export function artifactDir(store: TrackingStore, experimentId: string, runId: string): string {
  return join(store.artifactsDir, experimentId, runId, 'artifacts');
}

/**
 * The demo experiment: `long` runs with an `n`-point 'loss' (spike at a known step each) and differing params,
 * an XSS probe run, artifacts of every preview kind on the first long run, and a registered model.
 */
export async function seedDemo(store: TrackingStore, opts: { long: number; points: number; name?: string }): Promise<Demo> {
  const experimentId = await store.createExperiment(opts.name ?? 'panels-demo');
  const longRuns: string[] = [];
  for (let r = 0; r < opts.long; r++) {
    const run = await store.createRun({ experiment_id: experimentId, run_name: `long-${r}`, start_time: T0, tags: [{ key: 'team', value: 'vision' }] });
    const id = run.info.run_id;
    longRuns.push(id);
    await store.logBatch({
      run_id: id,
      params: [
        { key: 'lr', value: String(0.01 * (r + 1)) },
        { key: 'optimizer', value: r % 2 ? 'sgd' : 'adam' },
        { key: 'same', value: 'identical' },
      ],
    });
    await logLongMetric(store, id, 'loss', opts.points, Math.floor(opts.points * (0.3 + 0.05 * r)), r + 1);
    await store.logBatch({ run_id: id, metrics: [{ key: 'final_acc', value: 0.8 + r / 100, timestamp: T0, step: 0 }] });
    await store.updateRun({ run_id: id, status: 'FINISHED', end_time: T0 + opts.points * 100 });
  }
  const xss = await store.createRun({
    experiment_id: experimentId,
    run_name: XSS,
    start_time: T0 + 1,
    tags: [
      // MLflow's key rules forbid < and > in keys: the probe goes into every value, name and text a run can hold.
      { key: 'xss', value: XSS },
      { key: 'mlflow.note.content', value: `# ${XSS}\n\n<script>alert(1)</script> and [click](javascript:alert(1)) and **bold** ${XSS}` },
      { key: 'mlflow.source.name', value: XSS },
    ],
  });
  await store.logBatch({
    run_id: xss.info.run_id,
    params: [{ key: 'xss', value: XSS }, { key: 'lr', value: XSS }],
    metrics: [{ key: 'loss', value: 0.5, timestamp: T0, step: 0 }],
  });
  await store.updateRun({ run_id: xss.info.run_id, status: 'FINISHED', end_time: T0 + 5000 });
  // Artifacts of every preview kind, written where the store serves them from.
  const dir = artifactDir(store, experimentId, longRuns[0]);
  mkdirSync(join(dir, 'model'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'model', 'MLmodel'), MLMODEL.replace('RUN_ID', longRuns[0]));
  writeFileSync(join(dir, 'model', 'requirements.txt'), 'scikit-learn==1.3.0\n');
  writeFileSync(join(dir, 'data', 'table.csv'), `name,value\nalpha,1\n"quoted, comma",2\n${XSS},3\n`);
  writeFileSync(join(dir, 'notes.txt'), `Training notes\n${XSS}\n`);
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ acc: 0.91, [XSS]: XSS }));
  writeFileSync(join(dir, 'plot.png'), tinyPng());
  writeFileSync(join(dir, 'evil.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><script>alert(1)</script><rect width="20" height="20" fill="red"/></svg>');
  const xssDir = artifactDir(store, experimentId, xss.info.run_id);
  mkdirSync(xssDir, { recursive: true });
  writeFileSync(join(xssDir, `${XSS}.txt`), XSS); // no '/' in the probe: a legal file name
  // A registered model whose version comes from the first long run's logged model.
  const registry = new RegistryStore(store);
  const modelName = 'panel-model';
  await registry.createRegisteredModel(modelName, [{ key: 'owner', value: 'vision' }], 'Iris classifier');
  await registry.createModelVersion({ name: modelName, source: `runs:/${longRuns[0]}/model`, run_id: longRuns[0], description: 'first cut' });
  if (longRuns[1]) await registry.createModelVersion({ name: modelName, source: `runs:/${longRuns[1]}/model`, run_id: longRuns[1] });
  await registry.setRegisteredModelAlias(modelName, 'champion', '1');
  await registry.transitionModelVersionStage(modelName, '1', 'Production', false);
  return { experimentId, longRuns, xssRun: xss.info.run_id, modelName };
}
