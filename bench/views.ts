// Tree views benchmark (issue #5): "thousands of runs stay responsive". A store with 5,000 runs in one
// experiment (3 params, 2 metrics × 20 points, 2 tags each) is read through both clients, the way the
// Experiments tree reads it: the first page when an experiment expands, 1,000 runs after "load more", a live
// refresh with 1,000 runs and 5 expanded runs on screen, and building 1,000 rows. Medians of repeated runs.
//
// `npm run bench` calls benchViews(); `node --import tsx bench/views.ts` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../extension/client/inProcessRegistry';
import { RestClient } from '../extension/client/restClient';
import type { TrackingClient } from '../extension/client/trackingClient';
import { ExperimentChildren } from '../extension/experiments/experimentChildren';
import { itemFor, nodeFingerprint, nodeKey, type TrackingNode } from '../extension/experiments/trackingNodes';
import { RegistryStore } from '../extension/registry/registryStore';
import { startTrackingServer } from '../extension/tracking/server/trackingServer';
import { TrackingStore } from '../extension/tracking/store/trackingStore';
import { ChildrenCache } from '../extension/views/childrenCache';
import { PageSizes } from '../extension/views/paging';

export interface BenchResult {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const RUNS = 5000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(samples: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

async function fill(store: TrackingStore): Promise<string> {
  const exp = await store.createExperiment('bench');
  const pending: Promise<void>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await store.createRun({ experiment_id: exp, run_name: `run-${i}`, start_time: 1_700_000_000_000 + i, tags: [{ key: 'team', value: 'vision' }] });
    pending.push(
      store.logBatch({
        run_id: run.info.run_id,
        params: [{ key: 'lr', value: String(i / RUNS) }, { key: 'epochs', value: '20' }, { key: 'model', value: 'resnet' }],
        metrics: Array.from({ length: 20 }, (_, step) => [
          { key: 'loss', value: 1 / (1 + step), timestamp: 1_700_000_000_000 + step, step },
          { key: 'acc', value: step / 20, timestamp: 1_700_000_000_000 + step, step },
        ]).flat(),
      }),
    );
  }
  await Promise.all(pending);
  return exp;
}

async function figures(kind: string, client: TrackingClient, exp: string): Promise<Record<string, number>> {
  const session = { key: 'bench', name: 'bench', client };
  const lookup = { list: () => [session], get: () => session };
  const experiment = await client.getExperiment(exp);
  const expNode: TrackingNode = { kind: 'experiment', session: 'bench', experiment };
  const firstPage = await time(10, () => new ExperimentChildren(lookup, new PageSizes(), () => 'ACTIVE_ONLY').fetch(expNode));
  const pages = new PageSizes();
  for (let i = 0; i < 9; i++) pages.more(nodeKey(expNode));
  const content = new ExperimentChildren(lookup, pages, () => 'ACTIVE_ONLY');
  const thousand = await time(5, () => content.fetch(expNode));
  // What a live refresh re-fetches: the root, the experiment's 1,000 runs, and 5 expanded runs with their groups.
  const cache = new ChildrenCache<TrackingNode>({ key: nodeKey, fetch: (n) => content.fetch(n), fingerprint: nodeFingerprint });
  const roots = await cache.children(undefined);
  const shown = roots.find((n) => n.kind === 'experiment' && n.experiment.experiment_id === exp)!;
  const runs = await cache.children(shown);
  for (const run of runs.slice(0, 5)) for (const group of await cache.children(run)) await cache.children(group);
  const refresh = await time(5, () => cache.refresh());
  return {
    [`${kind}: expand an experiment (first 100 of ${RUNS} runs)`]: firstPage,
    [`${kind}: 1,000 runs loaded ("load more" ×9)`]: thousand,
    [`${kind}: live refresh, 1,000 runs + 5 expanded runs shown`]: refresh,
  };
}

export async function benchViews(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-bench-views-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0 });
  const server = await startTrackingServer({ store, token: 't' });
  try {
    const exp = await fill(store);
    const out: BenchResult[] = [];
    // Expanding must feel instant; a refresh runs up to once a second while a script logs, so it must stay
    // a small share of that second.
    const targets: Record<string, number> = { 'expand an': 50, '1,000 runs': 200, 'live refresh': 250 };
    const add = (rows: Record<string, number>, factor: number): void => {
      for (const [name, ms] of Object.entries(rows)) {
        const key = Object.keys(targets).find((k) => name.includes(k))!;
        const target = targets[key] * factor;
        out.push({ name: `Tree: ${name}`, value: `${ms.toFixed(1)} ms`, target: `≤ ${target} ms`, ok: ms <= target });
      }
    };
    add(await figures('in-process', new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store))), exp), 1);
    // A client window pays HTTP and JSON on top; it polls, so it gets twice the budget.
    add(await figures('REST client', new RestClient({ baseUri: server.url, token: 't' }), exp), 2);
    const runs = (await store.searchRuns({ experiment_ids: [exp], max_results: 1000 })).runs;
    const now = Date.now();
    const rows = await time(10, async () => runs.forEach((run) => itemFor({ kind: 'run', session: 'bench', run }, now)));
    out.push({ name: 'Tree: build 1,000 run rows (labels, icons, tooltips)', value: `${rows.toFixed(1)} ms`, target: '≤ 20 ms', ok: rows <= 20 });
    return out;
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchViews().then((rows) => {
    for (const r of rows) console.log(`${r.name.padEnd(70)} ${r.value.padStart(12)}   target ${r.target}  ${r.ok ? 'PASS' : 'MISS'}`);
  });
}
