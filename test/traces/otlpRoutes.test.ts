// POST /v1/traces over real HTTP against the CLI server, answered as MLflow 3.11's server answers it: spans
// become rows (a trace is created from them when they come first), the trace is tagged TRACKING_STORE,
// traces/get and batchGet serve them as OTLP JSON (exact 64-bit times), an acknowledged export survives kill -9,
// TraceStore.readTraceData gives them to the views, bad requests get FastAPI's 4xx, and a multi-MB export does
// not hold up other requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient, type HttpResult } from '../support/mlflowRestClient';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { TraceStore } from '../../extension/traces/traceStore';
import type { TraceInfo } from '../../extension/tracking/rest/types';
import { encode, exportRequest, otelTraceId, type SpanSpec } from './otlpEncode';
import { TraceClient, traceId, V3 } from './traceClient';

let server: CliServer;
let rest: MlflowRestClient;
let c: TraceClient;
let exp: string;

before(async () => {
  server = await startCliServer();
  rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  c = new TraceClient(rest);
  exp = (await rest.setExperiment('otlp')).experiment_id;
});

after(async () => {
  await server?.stop();
});

const NS = 1_000_000n;
const T0 = 1796689145991604456n;

function post(body: Buffer, headers: Record<string, string> = {}, experimentId: string | null = exp): Promise<HttpResult> {
  return rest.http('POST', '/v1/traces', {
    body,
    headers: { 'Content-Type': 'application/x-protobuf', ...(experimentId === null ? {} : { 'x-mlflow-experiment-id': experimentId }), ...headers },
  });
}

/** The three spans of the Python client's usual trace: outer → inner, outer → failing (with an exception). */
function threeSpans(id: string): SpanSpec[] {
  const t = otelTraceId(id);
  const root = Buffer.from('76136beb0b567f74', 'hex');
  return [
    { traceId: t, spanId: Buffer.from('5e18a45c4b4e7ce5', 'hex'), parentSpanId: root, name: 'inner', start: T0 + 1n * NS, end: T0 + 2n * NS, attributes: { 'mlflow.spanType': 'UNKNOWN', 'mlflow.spanInputs': { x: 3 }, 'mlflow.spanOutputs': 6 }, status: { code: 1 } },
    { traceId: t, spanId: root, name: 'outer', start: T0, end: T0 + 3n * NS, attributes: { 'mlflow.spanType': 'UNKNOWN', 'mlflow.spanInputs': { x: 3 }, 'mlflow.spanOutputs': 7, 'session.id': 's-1' }, status: { code: 1 } },
    {
      traceId: t, spanId: Buffer.from('0d03c69f543d87c1', 'hex'), parentSpanId: root, name: 'failing', start: T0 + 2n * NS, end: T0 + 3n * NS - 1n,
      attributes: { 'mlflow.spanInputs': { x: 3 }, ratio: { double: 7 } },
      events: [{ name: 'exception', time: T0 + 2n * NS + 5n, attributes: { 'exception.type': 'ValueError', 'exception.message': 'boom' } }],
      status: { code: 2, message: 'ValueError: boom' },
    },
  ];
}

interface OtlpJsonSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  attributes?: { key: string; value?: Record<string, unknown> }[];
  events?: { name: string; attributes?: unknown[] }[];
  status: { code?: string; message?: string };
}

test('spans sent before StartTraceV3 create the trace; traces/get and batchGet serve them as MLflow does', async () => {
  const id = traceId(1, 0xa1);
  const res = await post(exportRequest(threeSpans(id)));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], 'application/x-protobuf');
  assert.equal(res.body.length, 0, 'an empty ExportTraceServiceResponse');

  const info = await c.get(id);
  assert.equal(info.state, 'OK', 'from the root span');
  assert.equal(info.request_time, new Date(Number(T0 / NS)).toISOString());
  assert.equal(info.execution_duration, '0.003s');
  assert.equal(info.tags!['mlflow.trace.spansLocation'], 'TRACKING_STORE');
  assert.equal(info.tags!['mlflow.artifactLocation'], `mlflow-artifacts:/${exp}/traces/${id}/artifacts`);
  assert.equal(info.request_preview, '{"x": 3}');
  assert.equal(info.response_preview, '7');
  assert.equal(info.trace_metadata!['mlflow.trace.session'], '"s-1"', "MLflow keeps the attribute's JSON text");

  const got = await c.raw('GET', `${V3}/get`, undefined, { trace_id: id, allow_partial: 'false' });
  assert.equal(got.status, 200, got.text);
  assert.ok(got.text.includes(`"start_time_unix_nano":${T0}`), 'exact 64-bit nanoseconds in the JSON text');
  const trace = got.json<{ trace: { trace_info: TraceInfo; spans: OtlpJsonSpan[] } }>().trace;
  assert.deepEqual(trace.trace_info, info);
  assert.deepEqual(trace.spans.map((s) => s.name), ['outer', 'inner', 'failing'], 'root first, then by start time');
  const [outer, inner, failing] = trace.spans;
  assert.equal(outer.trace_id, otelTraceId(id).toString('base64'));
  assert.equal(outer.parent_span_id, undefined);
  assert.equal(inner.parent_span_id, outer.span_id);
  const attr = (s: OtlpJsonSpan, k: string): unknown => s.attributes?.find((a) => a.key === k)?.value;
  assert.deepEqual(attr(outer, 'mlflow.traceRequestId'), { string_value: id });
  assert.deepEqual(attr(outer, 'mlflow.spanInputs'), { kvlist_value: { values: [{ key: 'x', value: { int_value: 3 } }] } });
  assert.deepEqual(attr(outer, 'mlflow.spanOutputs'), { int_value: 7 });
  assert.ok(got.text.includes('"double_value":7.0'), 'a float stays a float');
  assert.deepEqual(outer.status, { code: 'STATUS_CODE_OK' });
  assert.deepEqual(failing.status, { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' });
  assert.deepEqual(failing.events?.map((e) => e.name), ['exception']);

  const batch = await c.raw('GET', `${V3}/batchGet`, undefined, { trace_ids: [id, traceId(404, 0xa1)] });
  assert.equal(batch.status, 200, batch.text);
  const traces = batch.json<{ traces: { trace_info: TraceInfo; spans: OtlpJsonSpan[] }[] }>().traces;
  assert.deepEqual(traces.map((t) => [t.trace_info.trace_id, t.spans.length]), [[id, 3]]);

  // StartTraceV3 afterwards (the client's usual order is the other way round) keeps the spans' tag
  const started = await c.start({ id, experimentId: exp, time: Number(T0 / NS), durationMs: 3, name: 'outer', metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 3}' } });
  assert.equal(started.tags!['mlflow.trace.spansLocation'], 'TRACKING_STORE');
  assert.equal((await c.raw('GET', `${V3}/get`, undefined, { trace_id: id })).status, 200);
});

test('StartTraceV3 first, spans after: the time range widens, the state and previews are kept, spans upsert', async () => {
  const id = traceId(2, 0xa1);
  const ms = Number(T0 / NS);
  await c.start({ id, experimentId: exp, time: ms + 1, durationMs: 1, state: 'IN_PROGRESS' });
  const spans = threeSpans(id);
  // the children first, then (again) everything: the root span decides the state
  assert.equal((await post(exportRequest([spans[0], spans[2]]))).status, 200);
  let info = await c.get(id);
  assert.equal(info.state, 'IN_PROGRESS', 'no root span yet');
  assert.equal(info.request_time, new Date(ms + 1).toISOString(), 'the children start later than the trace');
  assert.equal(info.execution_duration, '0.002s', 'the children end at +3 ms (the trace ended at +2)');
  assert.equal((await c.raw('GET', `${V3}/get`, undefined, { trace_id: id, allow_partial: 'true' })).json<{ trace: { spans: unknown[] } }>().trace.spans.length, 2);
  assert.equal((await post(exportRequest(spans))).status, 200);
  info = await c.get(id);
  assert.equal(info.state, 'OK');
  assert.equal(info.request_time, new Date(ms).toISOString());
  assert.equal(info.execution_duration, '0.003s');
  assert.equal(info.request_preview, '{"x": 3}', "the client's preview stays");
  const all = (await c.raw('GET', `${V3}/get`, undefined, { trace_id: id })).json<{ trace: { spans: OtlpJsonSpan[] } }>().trace.spans;
  assert.equal(all.length, 3, 'the same span twice is one row');
});

test('a trace whose spans are only traces.json is refused by traces/get as MLflow refuses it; partial traces', async () => {
  const plain = traceId(3, 0xa1);
  await c.start({ id: plain, experimentId: exp, time: 1_700_000_000_000 });
  const get = await c.raw('GET', `${V3}/get`, undefined, { trace_id: plain });
  assert.equal(get.status, 400);
  assert.match(get.json<{ message: string }>().message, /Trace data not stored in tracking store/);
  assert.equal((await c.raw('GET', `${V3}/get`, undefined, { trace_id: traceId(404, 0xa1) })).status, 404);

  // the client says 5 spans, 3 arrived: batchGet leaves the trace out, get with allow_partial serves what is there
  const partial = traceId(4, 0xa1);
  await c.start({ id: partial, experimentId: exp, time: Number(T0 / NS), metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 5}' } });
  assert.equal((await post(exportRequest(threeSpans(partial)))).status, 200);
  const batch = await c.raw('GET', `${V3}/batchGet`, undefined, { trace_ids: [partial] });
  assert.deepEqual(batch.json(), {});
  const some = await c.raw('GET', `${V3}/get`, undefined, { trace_id: partial, allow_partial: 'true' });
  assert.equal(some.json<{ trace: { spans: unknown[] } }>().trace.spans.length, 3);
});

test("bad requests get FastAPI's 4xx answers as MLflow's server gives them, never a 5xx", async () => {
  const good = exportRequest(threeSpans(traceId(5, 0xa1)));
  const detail = (r: HttpResult): unknown => r.json<{ detail: unknown }>().detail;

  const noHeader = await post(good, {}, null);
  assert.equal(noHeader.status, 422);
  assert.deepEqual(detail(noHeader), [{ type: 'missing', loc: ['header', 'x-mlflow-experiment-id'], msg: 'Field required', input: null }]);

  const badType = await post(good, { 'Content-Type': 'text/plain' });
  assert.equal(badType.status, 400);
  assert.equal(detail(badType), 'Invalid Content-Type: text/plain. Expected: application/x-protobuf or application/json');

  const garbage = await post(Buffer.from([0x0a, 0x05, 0x01]));
  assert.equal(garbage.status, 400);
  assert.equal(detail(garbage), 'Invalid OpenTelemetry format');

  const empty = await post(Buffer.alloc(0));
  assert.equal(empty.status, 400);
  assert.equal(detail(empty), 'Invalid OpenTelemetry format - no spans found');

  const noSpanId = await post(exportRequest([{ traceId: otelTraceId(traceId(6, 0xa1)), spanId: Buffer.alloc(0), name: 'x', start: 1n }]));
  assert.equal(noSpanId.status, 422);
  assert.equal(detail(noSpanId), 'Cannot convert OpenTelemetry span to MLflow span');

  const noExperiment = await post(good, {}, '999999');
  assert.equal(noExperiment.status, 404);
  assert.equal(noExperiment.json<{ error_code: string }>().error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal((await c.raw('GET', `${V3}/${traceId(5, 0xa1)}`, undefined, { trace_id: traceId(5, 0xa1) })).status, 404, 'nothing stored');

  const badGzip = await post(Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' });
  assert.equal(badGzip.status, 400);
  assert.equal(detail(badGzip), 'Failed to decompress gzip payload');
  const br = await post(good, { 'Content-Encoding': 'br' });
  assert.equal(br.status, 400);
  assert.equal(detail(br), 'Unsupported Content-Encoding: br');

  // compressed bodies, as OTLP exporters send them
  assert.equal((await post(gzipSync(good), { 'Content-Encoding': 'gzip' })).status, 200);
  assert.equal((await c.get(traceId(5, 0xa1))).tags!['mlflow.trace.spansLocation'], 'TRACKING_STORE');
  assert.equal((await post(deflateRawSync(exportRequest(threeSpans(traceId(7, 0xa1)))), { 'Content-Encoding': 'DEFLATE' })).status, 200);
  assert.equal((await c.get(traceId(7, 0xa1))).state, 'OK');

  // unknown fields are fine; a request with resource spans but no span is a no-op 200
  assert.equal((await post(encode([[1, 'bytes', [[3, 'bytes', 'schema']]], [7, 'varint', 1]]))).status, 200);
  assert.equal((await rest.http('GET', '/v1/traces')).status, 405);
});

test('an acknowledged export survives kill -9; TraceStore.readTraceData returns the stored spans', async () => {
  const a = await startCliServer();
  try {
    const r = new MlflowRestClient({ trackingUri: a.url, token: a.token });
    const e = (await r.setExperiment('otlp-durable')).experiment_id;
    const id = traceId(8, 0xa1);
    const res = await r.http('POST', '/v1/traces', { body: exportRequest(threeSpans(id)), headers: { 'Content-Type': 'application/x-protobuf', 'x-mlflow-experiment-id': e } });
    assert.equal(res.status, 200);
    const before = (await r.http('GET', `${V3}/get`, { query: { trace_id: id } })).text;
    await a.kill9();

    const b = await startCliServer({ storeDir: a.storeDir });
    const rb = new MlflowRestClient({ trackingUri: b.url, token: b.token });
    assert.equal((await rb.http('GET', `${V3}/get`, { query: { trace_id: id } })).text, before, 'journal replay after kill -9');
    await b.stop({ keep: true });

    const store = await TrackingStore.open({ dir: a.storeDir, checkpointIntervalMs: 0, lock: false });
    try {
      const traces = new TraceStore(store);
      const data = traces.readTraceData(id);
      assert.deepEqual(data?.spans.map((s) => [s.name, s.parent_span_id ?? null, s.status?.code]), [
        ['outer', null, 'STATUS_CODE_OK'],
        ['inner', Buffer.from('76136beb0b567f74', 'hex').toString('base64'), 'STATUS_CODE_OK'],
        ['failing', Buffer.from('76136beb0b567f74', 'hex').toString('base64'), 'STATUS_CODE_ERROR'],
      ]);
      assert.equal(data?.spans[0].attributes?.['mlflow.spanInputs'], '{"x": 3}');
      assert.deepEqual(data?.spans[2].events?.[0].attributes, { 'exception.type': 'ValueError', 'exception.message': 'boom' });
      assert.deepEqual(await traces.readTraceDataAsync(id), data);
      // deleting the trace removes its spans
      await traces.deleteTraces({ experiment_id: e, request_ids: [id] });
      assert.equal(traces.readTraceData(id), undefined);
      assert.equal(store.db.get<{ n: number }>('SELECT count(*) AS n FROM spans WHERE trace_id = ?', [id])?.n, 0);
    } finally {
      await store.close();
    }
  } finally {
    await a.stop();
  }
});

test('a multi-MB OTLP export, slow to arrive and then decoded, does not hold up other requests', async () => {
  const id = traceId(9, 0xa1);
  const t = otelTraceId(id);
  const spans: SpanSpec[] = [];
  for (let i = 0; i < 2500; i++) {
    spans.push({
      traceId: t, spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'), parentSpanId: i ? Buffer.from('0000000000000001', 'hex') : undefined,
      name: `s${i}`, start: T0 + BigInt(i), end: T0 + BigInt(i) + NS,
      attributes: { 'mlflow.spanInputs': { text: 'x'.repeat(4000), n: i, list: [1, 2, 3] } },
    });
  }
  const body = exportRequest(spans);
  assert.ok(body.length > 8 * 1024 * 1024, `${body.length} bytes`);
  await c.start({ id: traceId(10, 0xa1), experimentId: exp, time: Date.now() });

  const url = new URL(server.url);
  let finished = false;
  const done = new Promise<number>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/traces', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp, 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      if (sent >= body.length) return void req.end();
      // the first half slowly, the rest at once: the server then decodes and stores it all
      const chunk = sent < body.length / 2 ? 512 * 1024 : body.length;
      req.write(body.subarray(sent, sent + chunk));
      sent += chunk;
      setTimeout(pump, 10);
    };
    pump();
  });
  const started = performance.now();
  let took = 0;
  void done.then(() => {
    finished = true;
    took = performance.now() - started;
  });
  const latencies: number[] = [];
  while (!finished) {
    const t0 = performance.now();
    assert.equal((await c.get(traceId(10, 0xa1))).trace_id, traceId(10, 0xa1));
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(await done, 200);
  assert.ok(latencies.length >= 5, `requests were made during the export (${latencies.length})`);
  // Relative to the export's own time, so a loaded machine slows both sides alike: decoding and storing the
  // export in one piece held every other request for all of it (3.6 s here); in slices none waits for more than
  // a small part of it.
  const worst = Math.max(...latencies);
  assert.ok(worst < Math.max(1000, took / 4), `small requests answered promptly during the export: max ${worst.toFixed(0)} ms of ${latencies.length} while it took ${took.toFixed(0)} ms`);
  const got = await c.raw('GET', `${V3}/get`, undefined, { trace_id: id, allow_partial: 'true' });
  assert.equal(got.json<{ trace: { spans: unknown[] } }>().trace.spans.length, 2500);
});
