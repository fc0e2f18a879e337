// Test support for the panel suites: a real TrackingStore on a temp folder, served by the real tracking server,
// with both real clients (in-process and REST) over it. Metrics are logged through the store's normal write path.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../../extension/client/inProcessClient';
import { InProcessRegistryClient } from '../../extension/client/inProcessRegistry';
import { RestClient } from '../../extension/client/restClient';
import type { TrackingClient } from '../../extension/client/trackingClient';
import { RegistryStore } from '../../extension/registry/registryStore';
import type { KeyValue } from '../../extension/tracking/rest/types';
import { startTrackingServer, type RunningServer } from '../../extension/tracking/server/trackingServer';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';

export interface StoreFixture {
  store: TrackingStore;
  dir: string;
  inProcess: InProcessClient;
  /** Started on demand: most suites need only the in-process client. */
  rest(): Promise<TrackingClient>;
  /**
   * A REST client of the same store behind a real HTTP proxy that answers our /api/2.0/mlflow-workbench/
   * routes with a bare 404, as a plain MLflow server does: the clients' fallbacks to full histories.
   */
  plainMlflow(): Promise<TrackingClient>;
  close(): Promise<void>;
}

export async function openStore(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-panels-'));
  const store = await TrackingStore.open({ dir, checkpointIntervalMs: 0, lock: false });
  let server: RunningServer | undefined;
  let proxy: Server | undefined;
  const token = 'panel-token';
  return {
    store,
    dir,
    inProcess: new InProcessClient(store, new InProcessRegistryClient(new RegistryStore(store))),
    async rest() {
      server ??= await startTrackingServer({ store, token });
      return new RestClient({ baseUri: server.url, token });
    },
    async plainMlflow() {
      server ??= await startTrackingServer({ store, token });
      const target = new URL(server.url);
      if (!proxy) {
        proxy = createServer((req, res) => {
          if ((req.url ?? '').includes('/mlflow-workbench/')) {
            res.writeHead(404, { 'Content-Type': 'text/html' });
            return void res.end('<!doctype html><title>404 Not Found</title>');
          }
          const headers = { ...req.headers, host: target.host };
          const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          });
          req.pipe(fwd);
        });
        await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
      }
      return new RestClient({ baseUri: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`, token });
    },
    async close() {
      await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
      await server?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = 1_700_000_000_000;

/** Logs `n` points of one metric (steps 0..n-1 unless `step` says otherwise) in batches of 1000. */
export async function logSeries(
  store: TrackingStore,
  runId: string,
  key: string,
  n: number,
  value: (i: number) => number,
  opts: { step?: (i: number) => number; time?: (i: number) => number; from?: number } = {},
): Promise<void> {
  const pending: Promise<void>[] = [];
  const from = opts.from ?? 0;
  for (let start = from; start < from + n; start += 1000) {
    const metrics = [];
    for (let i = start; i < Math.min(from + n, start + 1000); i++) {
      metrics.push({ key, value: value(i), timestamp: opts.time ? opts.time(i) : T0 + i * 10, step: opts.step ? opts.step(i) : i });
    }
    pending.push(store.logBatch({ run_id: runId, metrics }));
  }
  await Promise.all(pending);
}

export async function createRun(
  store: TrackingStore,
  experimentId: string,
  name: string,
  opts: { params?: Record<string, string>; tags?: Record<string, string>; metrics?: Record<string, number>; start?: number; status?: 'FINISHED' | 'RUNNING' | 'FAILED' } = {},
): Promise<string> {
  const tags: KeyValue[] = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value }));
  const run = await store.createRun({ experiment_id: experimentId, run_name: name, start_time: opts.start ?? T0, tags });
  const id = run.info.run_id;
  const params = Object.entries(opts.params ?? {}).map(([key, value]) => ({ key, value }));
  const metrics = Object.entries(opts.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: T0, step: 0 }));
  if (params.length || metrics.length) await store.logBatch({ run_id: id, params, metrics });
  if (opts.status && opts.status !== 'RUNNING') await store.updateRun({ run_id: id, status: opts.status, end_time: (opts.start ?? T0) + 60_000 });
  return id;
}

/** Deterministic noise in [-0.5, 0.5). */
export function noise(i: number, seed = 1): number {
  const s = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}
