// Registry benchmark (issue #4): model-versions/search with a filter over 10,000 versions, target ≤ 20 ms.
//
// A store with 100 registered models × 100 versions (two tags each, sources from 50 runs) is built through
// the RegistryStore API (journal and fsync included), then searched over HTTP against the real server code
// with a keep-alive client, the way the Python client pages through results. Each figure is the median of
// 40 requests after warm-up; the headline is a name filter (one model's 100 versions, the UI's version list).
//
// `npm run bench` calls benchRegistry(); `node --import tsx bench/registry.ts` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryStore } from '../extension/registry/registryStore';
import { startTrackingServer } from '../extension/tracking/server/trackingServer';
import { TrackingStore } from '../extension/tracking/store/trackingStore';

export interface BenchResult {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const MODELS = 100;
const VERSIONS_PER_MODEL = 100;
const RUNS = 50;
const SAMPLES = 40;
const TARGET_MS = 20;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function populate(store: TrackingStore): Promise<void> {
  const registry = new RegistryStore(store);
  const exp = await store.createExperiment('registry-bench');
  const runs: string[] = [];
  for (let r = 0; r < RUNS; r++) runs.push((await store.createRun({ experiment_id: exp })).info.run_id);
  for (let m = 0; m < MODELS; m++) {
    const name = `model-${String(m).padStart(3, '0')}`;
    await registry.createRegisteredModel(name, [{ key: 'team', value: m % 2 ? 'risk' : 'growth' }]);
    // Each call applies its op before its first await, so issuing a model's versions together is safe and
    // lets the journal group their fsyncs.
    await Promise.all(
      Array.from({ length: VERSIONS_PER_MODEL }, (_, v) =>
        registry.createModelVersion({
          name,
          source: `runs:/${runs[(m * VERSIONS_PER_MODEL + v) % RUNS]}/model`,
          tags: [
            { key: 'validation_status', value: v % 2 ? 'approved' : 'pending' },
            { key: 'dataset', value: `d${v % 7}` },
          ],
        }),
      ),
    );
  }
}

export async function benchRegistry(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-bench-registry-'));
  const results: BenchResult[] = [];
  const store = await TrackingStore.open({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
  const server = await startTrackingServer({ store, port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const t0 = performance.now();
    await populate(store);
    const buildSeconds = (performance.now() - t0) / 1000;
    results.push({ name: `registry: ${MODELS * VERSIONS_PER_MODEL} versions created (journaled)`, value: `${(MODELS * VERSIONS_PER_MODEL / buildSeconds).toFixed(0)} versions/s` });

    const runId = (new RegistryStore(store).getModelVersion('model-042', 1).run_id ?? '') as string;
    const cases: Array<{ label: string; filter: string; expect: number; headline?: boolean }> = [
      { label: "name = 'model-042'", filter: "name = 'model-042'", expect: VERSIONS_PER_MODEL, headline: true },
      { label: 'run_id = <run>', filter: `run_id = '${runId}'`, expect: (MODELS * VERSIONS_PER_MODEL) / RUNS },
      { label: "name LIKE 'model-04%' AND tags.validation_status = 'approved'", filter: "name LIKE 'model-04%' AND tags.validation_status = 'approved'", expect: 500 },
      { label: "version_number > 95 AND tags.dataset = 'd0'", filter: "version_number > 95 AND tags.dataset = 'd0'", expect: MODELS },
    ];
    for (const c of cases) {
      const path = `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(c.filter)}&max_results=10000`;
      let count = -1;
      for (let i = 0; i < 5; i++) {
        const res = await get(agent, server.port, path);
        if (res.status !== 200) throw new Error(`model-versions/search answered ${res.status}: ${res.body.slice(0, 300)}`);
        count = (JSON.parse(res.body) as { model_versions?: unknown[] }).model_versions?.length ?? 0;
      }
      if (count !== c.expect) {
        throw new Error(`model-versions/search ${c.label}: expected ${c.expect} versions, got ${count}`);
      }
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        await get(agent, server.port, path);
        times.push(performance.now() - started);
      }
      const ms = median(times);
      results.push({
        name: `model-versions/search ${c.label} (${count} of ${MODELS * VERSIONS_PER_MODEL}), HTTP`,
        value: `${ms.toFixed(2)} ms (p95 ${p95(times).toFixed(2)})`,
        target: `≤ ${TARGET_MS} ms`,
        ok: ms <= TARGET_MS,
      });
      if (c.headline) {
        // the same search inside the process: compile + query + hydrate, without HTTP and JSON
        const registry = new RegistryStore(store);
        const inProcess: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const started = performance.now();
          registry.searchModelVersions({ filter: c.filter, maxResults: 10_000 });
          inProcess.push(performance.now() - started);
        }
        results.push({ name: `model-versions/search ${c.label}, in process`, value: `${median(inProcess).toFixed(2)} ms` });
      }
    }
  } finally {
    agent.destroy();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && /bench[\\/]registry\.ts$/.test(process.argv[1])) {
  benchRegistry().then(
    (results) => {
      for (const r of results) {
        const mark = r.ok === undefined ? '' : r.ok ? '  PASS' : '  MISS';
        console.log(`${r.name.padEnd(96)} ${r.value.padStart(24)}${r.target ? `   target ${r.target}` : ''}${mark}`);
      }
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
