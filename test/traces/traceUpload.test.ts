// A trace's spans can be many megabytes. Their upload streams to disk: while a multi-MB traces.json is in
// flight, the server keeps answering small requests (trace reads, searches) promptly, and the file lands whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient } from '../support/mlflowRestClient';
import { TraceClient, traceDataJson, traceId, V3 } from './traceClient';

let server: CliServer;
let rest: MlflowRestClient;
let c: TraceClient;

before(async () => {
  server = await startCliServer();
  rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  c = new TraceClient(rest);
});

after(async () => {
  await server?.stop();
});

/** PUTs `body` in chunks every `intervalMs`; resolves with the status once the server answered. */
function slowPut(path: string, body: Buffer, chunk: number, intervalMs: number): { done: Promise<number>; sent: () => number } {
  const url = new URL(server.url);
  let sent = 0;
  const done = new Promise<number>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'PUT', path, headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    const pump = (): void => {
      if (sent >= body.length) return void req.end();
      req.write(body.subarray(sent, sent + chunk));
      sent += chunk;
      setTimeout(pump, intervalMs);
    };
    pump();
  });
  return { done, sent: () => Math.min(sent, body.length) };
}

test('small requests are answered while a multi-MB traces.json upload is in flight', async () => {
  const exp = (await rest.setExperiment('big-traces')).experiment_id;
  const info = await c.start({ id: traceId(1, 9), experimentId: exp, time: Date.now(), name: 'big' });
  const body = Buffer.from(traceDataJson(info.trace_id, 8 * 1024 * 1024));
  assert.ok(body.length > 24 * 1024 * 1024, `${body.length} bytes`);
  const path = `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${info.trace_id}/artifacts/traces.json`;
  const upload = slowPut(path, body, 256 * 1024, 15);
  let finished = false;
  void upload.done.then(() => (finished = true));

  await new Promise((r) => setTimeout(r, 200));
  const latencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    assert.equal((await c.get(info.trace_id)).trace_id, info.trace_id);
    assert.equal((await c.search([exp])).traces?.length, 1);
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(!finished && upload.sent() < body.length, `the upload was still in flight (${upload.sent()} of ${body.length} bytes sent)`);
  assert.ok(Math.max(...latencies) < 1000, `small requests answered promptly during the upload: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);

  assert.equal(await upload.done, 200);
  const back = await rest.http('GET', path);
  assert.equal(back.status, 200);
  assert.equal(back.body.length, body.length);
  assert.ok(back.body.equals(body), 'the file landed whole');
  // and a start of another trace right after is not held up either
  const t = performance.now();
  await c.start({ id: traceId(2, 9), experimentId: exp, time: Date.now() });
  assert.ok(performance.now() - t < 1000);
  assert.equal((await c.raw('GET', `${V3}/${traceId(2, 9)}`)).status, 200);
});
