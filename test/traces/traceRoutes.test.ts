// MLflow 3's trace RPCs over real HTTP against the real CLI server: StartTraceV3 / GetTraceInfoV3 shapes, the
// spans as the traces.json artifact (confined to the trace), traces/get and batchGet as MLflow's SQL server
// answers traces whose spans are not in its database, SearchTracesV3's grammar, order and paging, deletion and
// tags, and MLflow's error codes for bad input — never a 5xx.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cliServer';
import { MlflowRestClient, rawRequest } from '../support/mlflowRestClient';
import type { TraceInfo } from '../../extension/tracking/rest/types';
import { TraceClient, traceDataJson, traceId, V3 } from './traceClient';

let server: CliServer;
let c: TraceClient;
let rest: MlflowRestClient;
let exp: string;
let other: string;
let runId: string;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 250);

before(async () => {
  server = await startCliServer();
  rest = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  c = new TraceClient(rest);
  exp = (await rest.setExperiment('traces')).experiment_id;
  other = await rest.createExperiment('other-traces');
  runId = (await rest.startRun()).info.run_id;
});

after(async () => {
  assert.deepEqual(rest.calls.filter((x) => x.status >= 500), [], 'no request may be answered with a 5xx');
  await server?.stop();
});

function assertError(res: { status: number; text: string }, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: ${res.text}`);
  assert.equal(JSON.parse(res.text).error_code, code, `${what}: ${res.text}`);
}

test('StartTraceV3 answers the stored TraceInfoV3 with the artifact location and infoFinalized; GetTraceInfoV3 reads it back', async () => {
  const id = traceId(1, 1);
  const info = await c.start({ id, experimentId: exp, time: T0, durationMs: 1500, name: 'outer', metadata: { 'mlflow.sourceRun': runId }, clientRequestId: 'req-1' });
  assert.deepEqual(info, {
    trace_id: id,
    client_request_id: 'req-1',
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
    request_preview: '{"x": 3}',
    response_preview: '7',
    request_time: '2026-01-01T12:00:00.250Z',
    execution_duration: '1.500s',
    state: 'OK',
    trace_metadata: { 'mlflow.sourceRun': runId, 'mlflow.trace.infoFinalized': 'true', 'mlflow.trace_schema.version': '3' },
    tags: { 'mlflow.artifactLocation': `mlflow-artifacts:/${exp}/traces/${id}/artifacts`, 'mlflow.traceName': 'outer' },
  });
  assert.deepEqual(await c.get(id), info);
  // the UI's prefix serves the same RPC
  const ajax = await rest.http('GET', `/ajax-api/3.0/mlflow/traces/${id}`);
  assert.deepEqual(ajax.json<{ trace: { trace_info: TraceInfo } }>().trace.trace_info, info);
  // whole seconds and sub-millisecond input, as protobuf's JSON writes and Timestamp.ToMilliseconds reads them
  const id2 = traceId(2, 1);
  const body = { trace: { trace_info: { trace_id: id2, trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }, request_time: '2026-01-01T13:00:00.123456789+01:00', execution_duration: '2s', state: 'ERROR' } } };
  const info2 = (await c.ok<{ trace: { trace_info: TraceInfo } }>('POST', V3, body)).trace.trace_info;
  assert.equal(info2.request_time, '2026-01-01T12:00:00.123Z');
  assert.equal(info2.execution_duration, '2s');
  assert.equal(info2.state, 'ERROR');
  assert.equal(info2.client_request_id, undefined);
});

test('the same trace id again replaces its fields and merges tags and metadata (MLflow upserts)', async () => {
  const id = traceId(3, 1);
  await c.start({ id, experimentId: exp, time: T0, state: 'IN_PROGRESS', tags: { a: '1', b: '1' }, metadata: { m: '1' } });
  const again = await c.start({ id, experimentId: exp, time: T0 + 5, durationMs: 7, state: 'OK', tags: { b: '2' }, metadata: { n: '2' } });
  assert.equal(again.state, 'OK');
  assert.equal(again.execution_duration, '0.007s');
  assert.deepEqual(again.tags, { a: '1', b: '2', 'mlflow.artifactLocation': `mlflow-artifacts:/${exp}/traces/${id}/artifacts` });
  assert.equal(again.trace_metadata!.m, '1');
  assert.equal(again.trace_metadata!.n, '2');
});

test("the spans travel as traces.json to the trace's artifact folder, confined to an existing trace of that experiment", async () => {
  const id = traceId(4, 1);
  const info = await c.start({ id, experimentId: exp, time: T0, name: 'with-spans' });
  const json = traceDataJson(id);
  assert.equal((await c.uploadData(info, json)).status, 200);
  const back = await rest.http('GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${id}/artifacts/traces.json`);
  assert.equal(back.status, 200);
  assert.equal(back.text, json);
  assert.ok(existsSync(join(server.storeDir, 'artifacts', exp, 'traces', id, 'artifacts', 'traces.json')));

  const put = (path: string): Promise<{ status: number; text: string }> =>
    rest.http('PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`, { body: '{}', headers: { 'Content-Type': 'text/plain' } });
  assertError(await put(`${exp}/traces/${traceId(999, 1)}/artifacts/traces.json`), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown trace');
  assertError(await put(`${other}/traces/${id}/artifacts/traces.json`), 404, 'RESOURCE_DOES_NOT_EXIST', 'trace of another experiment');
  for (const path of [`${exp}/traces/${id}/../../../etc/passwd`, `${exp}/traces/${id}/artifacts/%2e%2e/%2e%2e/x`, `${exp}/traces/..%2f/x`]) {
    const res = await rawRequest(server.url, { method: 'PUT', path: `/api/2.0/mlflow-artifacts/artifacts/${path}`, headers: { Authorization: `Bearer ${server.token}` }, body: 'x' });
    assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status} ${res.text}`);
  }
});

test('traces/get and traces/batchGet: spans are never in the database here, so they answer as MLflow does for such traces', async () => {
  const id = traceId(5, 1);
  await c.start({ id, experimentId: exp, time: T0 });
  for (const partial of ['false', 'true']) {
    assertError(await c.raw('GET', `${V3}/get`, undefined, { trace_id: id, allow_partial: partial }), 400, 'BAD_REQUEST', `get allow_partial=${partial}`);
  }
  assertError(await c.raw('GET', `${V3}/get`, undefined, { trace_id: traceId(998, 1) }), 404, 'RESOURCE_DOES_NOT_EXIST', 'get of an unknown trace');
  assertError(await c.raw('GET', `${V3}/batchGet`, undefined, { trace_ids: [id] }), 400, 'BAD_REQUEST', 'batchGet');
  assert.deepEqual(await c.ok('GET', `${V3}/batchGet`, undefined, { trace_ids: [traceId(998, 1)] }), {});
  // batchGetInfos: the known ones, in the order asked
  const infos = await c.ok<{ trace_infos: TraceInfo[] }>('POST', `${V3}/batchGetInfos`, { trace_ids: [id, traceId(998, 1), traceId(1, 1)] });
  assert.deepEqual(infos.trace_infos.map((t) => t.trace_id), [id, traceId(1, 1)]);
  assert.deepEqual(await c.ok('POST', `${V3}/batchGetInfos`, { trace_ids: [traceId(997, 1)] }), {});
});

test("search: newest first, paged with MLflow's tokens (a full page always carries one), per experiment", async () => {
  const e = await rest.createExperiment('paging');
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(traceId(i, 2));
    await c.start({ id: ids[i], experimentId: e, time: T0 + (i % 3 === 0 ? 0 : i) * 1000 });
  }
  // timestamp DESC, then trace id ASC among equal times
  const expected = ids.map((id, i) => ({ id, t: i % 3 === 0 ? 0 : i })).sort((a, b) => b.t - a.t || (a.id < b.id ? -1 : 1)).map((x) => x.id);
  assert.deepEqual(await c.searchIds([e], { maxResults: 100 }), expected);
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const res = await c.search([e], { maxResults: 3, pageToken: token });
    pages.push((res.traces ?? []).map((t) => t.trace_id));
    token = res.next_page_token;
  } while (token);
  assert.deepEqual(pages, [expected.slice(0, 3), expected.slice(3, 6), expected.slice(6)]);
  const exact = await c.search([e], { maxResults: 7 });
  assert.ok(exact.next_page_token, 'a full page carries a token');
  assert.deepEqual(await c.search([e], { maxResults: 7, pageToken: exact.next_page_token }), {});
  // other experiments' traces stay out; several experiments at once
  assert.ok(!(await c.searchIds([exp])).some((id) => ids.includes(id)));
  assert.equal((await c.searchIds([exp, e])).filter((id) => ids.includes(id)).length, 7);
  assert.deepEqual(await c.search(['424242']), {});
});

test("search filter grammar: attributes, name, run_id, tags, metadata, comparators; order_by", async () => {
  const e = await rest.createExperiment('grammar');
  const id = (n: number): string => traceId(n, 3);
  await c.start({ id: id(0), experimentId: e, time: T0, durationMs: 100, name: 'alpha', state: 'OK', tags: { team: 'search' }, metadata: { 'mlflow.sourceRun': runId }, clientRequestId: 'c-0' });
  await c.start({ id: id(1), experimentId: e, time: T0 + 1000, durationMs: 2500, name: 'beta', state: 'ERROR', tags: { team: 'Ranking' } });
  await c.start({ id: id(2), experimentId: e, time: T0 + 2000, durationMs: 50, name: 'alphabet', state: 'IN_PROGRESS', metadata: { 'mlflow.user': 'carol' } });
  const q = async (filter: string, orderBy?: string[]): Promise<string[]> => (await c.searchIds([e], { filter, orderBy })).map((t) => t.slice(-1));
  assert.deepEqual(await q("status = 'OK'"), ['0']);
  assert.deepEqual(await q("attributes.status != 'OK'"), ['2', '1']);
  assert.deepEqual(await q("trace.status IN ('ERROR', 'IN_PROGRESS')"), ['2', '1']);
  assert.deepEqual(await q("status NOT IN ('ERROR')"), ['2', '0']);
  assert.deepEqual(await q("name = 'alpha'"), ['0']);
  assert.deepEqual(await q("name LIKE 'alpha%'"), ['2', '0']);
  assert.deepEqual(await q("name LIKE 'ALPHA%'"), [], 'LIKE is case-sensitive');
  assert.deepEqual(await q("name ILIKE 'ALPHA%'"), ['2', '0']);
  assert.deepEqual(await q("name RLIKE 'bet$'"), ['2']);
  assert.deepEqual(await q(`run_id = '${runId}'`), ['0']);
  assert.deepEqual(await q(`metadata.mlflow.sourceRun = '${runId}'`), ['0']);
  assert.deepEqual(await q("request_metadata.`mlflow.user` = 'carol'"), ['2']);
  assert.deepEqual(await q("tags.team = 'search'"), ['0']);
  assert.deepEqual(await q("tag.team ILIKE 'r%'"), ['1']);
  assert.deepEqual(await q("tags.team != 'search'"), ['1'], 'a trace without the tag does not match !=');
  assert.deepEqual(await q('execution_time_ms > 99'), ['1', '0']);
  assert.deepEqual(await q('execution_time >= 2500'), ['1']);
  assert.deepEqual(await q(`timestamp_ms >= ${T0 + 1000} AND timestamp < ${T0 + 2000}`), ['1']);
  assert.deepEqual(await q(`end_time_ms = ${T0 + 2050}`), ['2']);
  assert.deepEqual(await q(`request_id = '${id(1)}'`), ['1']);
  assert.deepEqual(await q("client_request_id = 'c-0'"), ['0']);
  assert.deepEqual(await q("status = 'OK' AND name = 'beta'"), []);
  assert.deepEqual(await q("span.name = 'outer'"), [], 'no span is in the database');
  assert.deepEqual(await q("feedback.correct = 'yes'"), []);
  assert.deepEqual(await q("prompt = 'p/1'"), []);
  assert.deepEqual(await q('', ['name ASC']), ['0', '2', '1']);
  assert.deepEqual(await q('', ['execution_time_ms DESC']), ['1', '0', '2']);
  assert.deepEqual(await q('', ['timestamp_ms ASC']), ['0', '1', '2']);
  assert.deepEqual(await q('', ['tags.team ASC']), ['1', '0', '2'], 'tag order, missing values last');
  assert.deepEqual(await q('', ['tags.team DESC']), ['0', '1', '2'], 'missing values last descending too');
  assert.deepEqual(await q('', ['status']), ['1', '2', '0']);
});

test('bad search requests: MLflow codes and messages, 400', async () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no locations', { max_results: 10 }, /Missing value for required parameter 'locations'/],
    ['unknown attribute', { filter: "bogus = 'x'" }, /Invalid attribute key 'bogus' specified/],
    ['unknown entity', { filter: "foo.bar = 'x'" }, /Invalid entity type 'foo'/],
    ['> on a string attribute', { filter: "status > 'x'" }, /Invalid comparator '>' not one of/],
    ['> on a tag', { filter: "tags.x > 'y'" }, /Invalid comparator '>' not one of/],
    ['IN on name (a tag)', { filter: "name IN ('a')" }, /Invalid comparator 'IN' not one of/],
    ['unquoted value', { filter: 'tags.x = y' }, /not quoted/],
    ['OR', { filter: "status = 'OK' OR status = 'ERROR'" }, /Invalid clause\(s\) in filter string/],
    ['IS NULL (refused by MLflow 3.11 in practice)', { filter: 'tags.x IS NULL' }, /Invalid clause\(s\) in filter string/],
    ['IS NOT NULL', { filter: 'metadata.m IS NOT NULL' }, /Invalid clause\(s\) in filter string/],
    ['number for a string attribute', { filter: 'status = 5' }, /support comparison with numeric values/],
    ['max_results over 500', { max_results: 501 }, /max_results/],
    ['max_results 0', { max_results: 0 }, /It must be a positive integer/],
    ['bad page token', { page_token: 'not a token' }, /Invalid page token/],
    ['bad order_by key', { order_by: ['bogus'] }, /Invalid attribute key 'bogus'/],
    ['duplicate order_by', { order_by: ['timestamp', 'timestamp_ms DESC'] }, /duplicate fields/],
    ['non-numeric experiment', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: 'abc' } }] }, /Invalid experiment ID/],
  ];
  for (const [what, fields, message] of cases) {
    const body = { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], ...fields };
    if (what === 'no locations') delete (body as Record<string, unknown>).locations;
    const res = await c.raw('POST', `${V3}/search`, body);
    assertError(res, 400, 'INVALID_PARAMETER_VALUE', what);
    assert.match(JSON.parse(res.text).message, message, what);
  }
});

test('trace tags: set, overwrite, truncate, delete (v2 and v3 paths), and their errors', async () => {
  const id = traceId(6, 1);
  await c.start({ id, experimentId: exp, time: T0 });
  assert.deepEqual(await c.ok('PATCH', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'k', value: 'v' }), {});
  await c.ok('PATCH', `${V3}/${id}/tags`, { key: 'k', value: 'v2' });
  await c.ok('PATCH', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'long', value: 'x'.repeat(9000) });
  let tags = (await c.get(id)).tags!;
  assert.equal(tags.k, 'v2');
  assert.equal(tags.long.length, 8000, 'MLflow truncates a trace tag value to 8000 characters');
  assert.deepEqual(await c.ok('DELETE', `${V3}/${id}/tags`, { key: 'k' }), {});
  await c.ok('DELETE', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'long' });
  tags = (await c.get(id)).tags!;
  assert.equal(tags.k, undefined);
  assert.equal(tags.long, undefined);
  assertError(await c.raw('DELETE', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'delete a missing tag');
  assertError(await c.raw('PATCH', `/api/2.0/mlflow/traces/${traceId(996, 1)}/tags`, { key: 'k', value: 'v' }), 400, 'BAD_REQUEST', 'tag an unknown trace');
  assertError(await c.raw('PATCH', `/api/2.0/mlflow/traces/${id}/tags`, { value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'no key');
  assertError(await c.raw('PATCH', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'a#b', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'bad key');
  assertError(await c.raw('PATCH', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'a/../b', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'key that is not its own path');
  assertError(await c.raw('POST', `/api/2.0/mlflow/traces/${id}/tags`, { key: 'k', value: 'v' }), 405, 'BAD_REQUEST', 'wrong method');
});

test('delete-traces: by ids, or oldest first by max_timestamp_millis and max_traces; artifacts go too', async () => {
  const e = await rest.createExperiment('deletion');
  const ids = Array.from({ length: 5 }, (_, i) => traceId(i, 4));
  for (let i = 0; i < 5; i++) {
    const info = await c.start({ id: ids[i], experimentId: e, time: T0 + i * 1000 });
    await c.uploadData(info, traceDataJson(ids[i]));
  }
  assert.deepEqual(await c.ok('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: e, request_ids: [ids[4], traceId(995, 4)] }), { traces_deleted: 1 });
  // ids of another experiment are not deleted through this one
  assert.deepEqual(await c.ok('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: exp, request_ids: [ids[3]] }), { traces_deleted: 0 });
  // the two oldest at or before T0 + 3000
  assert.deepEqual(await c.ok('POST', `${V3}/delete-traces`, { experiment_id: e, max_timestamp_millis: T0 + 3000, max_traces: 2 }), { traces_deleted: 2 });
  assert.deepEqual(await c.searchIds([e]), [ids[3], ids[2]]);
  assert.equal((await rest.http('GET', `/api/2.0/mlflow-artifacts/artifacts/${e}/traces/${ids[0]}/artifacts/traces.json`)).status, 404);
  const folder = (id: string): string => join(server.storeDir, 'artifacts', e, 'traces', id);
  for (let i = 0; i < 50 && existsSync(folder(ids[0])); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!existsSync(folder(ids[0])) && !existsSync(folder(ids[4])), 'the deleted traces\' folders are removed');
  assert.ok(existsSync(join(folder(ids[2]), 'artifacts', 'traces.json')), 'the others stay');
  assertError(await c.raw('GET', `${V3}/${ids[0]}`), 404, 'RESOURCE_DOES_NOT_EXIST', 'deleted trace');
  assert.deepEqual(await c.ok('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: e, max_timestamp_millis: T0 + 10_000 }), { traces_deleted: 2 });
  assert.deepEqual(await c.search([e]), {});
  const bad: Array<[string, Record<string, unknown>]> = [
    ['no criteria', { experiment_id: e }],
    ['no experiment', { request_ids: [ids[0]] }],
    ['both', { experiment_id: e, request_ids: [ids[0]], max_timestamp_millis: 5 }],
    ['max_traces with ids', { experiment_id: e, request_ids: [ids[0]], max_traces: 1 }],
    ['max_traces 0', { experiment_id: e, max_timestamp_millis: 5, max_traces: 0 }],
    ['ids not a list', { experiment_id: e, request_ids: 'x' }],
  ];
  for (const [what, body] of bad) assertError(await c.raw('POST', '/api/2.0/mlflow/traces/delete-traces', body), 400, 'INVALID_PARAMETER_VALUE', what);
});

test('malformed StartTraceV3 and reads: MLflow error codes, never a 5xx', async () => {
  const info = (over: Record<string, unknown>): Record<string, unknown> => ({
    trace: { trace_info: { trace_id: traceId(7, 1), trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }, request_time: '2026-01-01T00:00:00Z', ...over } },
  });
  const cases: Array<[string, unknown, number, string]> = [
    ['no trace', {}, 400, 'INVALID_PARAMETER_VALUE'],
    ['trace not an object', { trace: 'x' }, 400, 'INVALID_PARAMETER_VALUE'],
    ['no trace_info', { trace: {} }, 400, 'INVALID_PARAMETER_VALUE'],
    ['no trace id', info({ trace_id: undefined }), 400, 'INVALID_PARAMETER_VALUE'],
    ['trace id with a slash', info({ trace_id: 'tr-a/../b' }), 400, 'INVALID_PARAMETER_VALUE'],
    ['no location', info({ trace_location: undefined }), 400, 'INVALID_PARAMETER_VALUE'],
    ['unknown experiment', info({ trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '987654' } } }), 404, 'RESOURCE_DOES_NOT_EXIST'],
    ['bad request_time', info({ request_time: 'yesterday' }), 400, 'INVALID_PARAMETER_VALUE'],
    ['numeric request_time', info({ request_time: 5 }), 400, 'INVALID_PARAMETER_VALUE'],
    ['bad duration', info({ execution_duration: '3 seconds' }), 400, 'INVALID_PARAMETER_VALUE'],
    ['bad state', info({ state: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE'],
    ['tags not a map', info({ tags: ['a'] }), 400, 'INVALID_PARAMETER_VALUE'],
    ['metadata value not a string', info({ trace_metadata: { a: 1 } }), 400, 'INVALID_PARAMETER_VALUE'],
  ];
  for (const [what, body, status, code] of cases) assertError(await c.raw('POST', V3, body), status, code, what);
  const notJson = await rest.http('POST', V3, { body: '{not json', headers: { 'Content-Type': 'application/json' } });
  assert.ok(notJson.status === 400, notJson.text);
  // a deleted experiment takes no traces
  const gone = await rest.createExperiment('gone');
  await rest.deleteExperiment(gone);
  assertError(await c.raw('POST', V3, info({ trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: gone } } })), 400, 'INVALID_PARAMETER_VALUE', 'deleted experiment');
  assertError(await c.raw('GET', `${V3}/${traceId(994, 1)}`), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown trace');
  assertError(await c.raw('GET', `${V3}/get`), 400, 'INVALID_PARAMETER_VALUE', 'get without trace_id');
  assertError(await c.raw('GET', `${V3}/batchGet`), 400, 'INVALID_PARAMETER_VALUE', 'batchGet without ids');
  assertError(await c.raw('POST', `${V3}/batchGetInfos`, {}), 400, 'INVALID_PARAMETER_VALUE', 'batchGetInfos without ids');
  assertError(await c.raw('DELETE', V3), 405, 'BAD_REQUEST', 'wrong method on StartTraceV3');
});
