// Test support: MLflow 3's trace traffic as the Python client sends it (rest_store.py): StartTraceV3 with a
// TraceInfoV3 once the trace has ended, then traces.json PUT to the trace's artifact location; V3 reads as
// GET with a query string, searches and deletions as POST with a JSON body.
import type { HttpResult, MlflowRestClient } from '../support/mlflowRestClient';
import type { TraceInfo } from '../../extension/tracking/rest/types';

export const V3 = '/api/3.0/mlflow/traces';

export interface TraceSpec {
  id: string;
  experimentId: string;
  /** Milliseconds since the epoch. */
  time: number;
  durationMs?: number;
  state?: string;
  name?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, string>;
  clientRequestId?: string;
}

export function traceId(n: number, salt = 0): string {
  return `tr-${salt.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;
}

export function traceInfoBody(s: TraceSpec): Record<string, unknown> {
  const info: Record<string, unknown> = {
    trace_id: s.id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: s.experimentId } },
    request_time: new Date(s.time).toISOString(),
    state: s.state ?? 'OK',
    trace_metadata: { 'mlflow.trace_schema.version': '3', ...(s.metadata ?? {}) },
    tags: { ...(s.name ? { 'mlflow.traceName': s.name } : {}), ...(s.tags ?? {}) },
    request_preview: '{"x": 3}',
    response_preview: '7',
  };
  if (s.durationMs !== undefined) info.execution_duration = `${(s.durationMs / 1000).toFixed(3)}s`;
  if (s.clientRequestId) info.client_request_id = s.clientRequestId;
  return { trace: { trace_info: info } };
}

/** A traces.json as the Python client writes it: three spans, the last failed with an exception event. */
export function traceDataJson(id: string, padding = 0): string {
  const span = (spanId: string, parent: string | null, name: string, error = false): Record<string, unknown> => ({
    trace_id: 'B+M1XgVcIbNqa83ryP4UTg==',
    span_id: spanId,
    parent_span_id: parent,
    name,
    start_time_unix_nano: 1796689145991604000,
    end_time_unix_nano: 1796689145994654000,
    events: error ? [{ name: 'exception', time_unix_nano: 1796689145994446000, attributes: { 'exception.message': 'boom', 'exception.type': 'ValueError' } }] : [],
    status: error ? { code: 'STATUS_CODE_ERROR', message: 'ValueError: boom' } : { code: 'STATUS_CODE_OK', message: '' },
    attributes: { 'mlflow.traceRequestId': JSON.stringify(id), 'mlflow.spanType': '"UNKNOWN"', 'mlflow.spanInputs': JSON.stringify({ x: 3, pad: 'p'.repeat(padding) }) },
  });
  return JSON.stringify({ spans: [span('dhNr6wtWf3Q=', null, 'outer'), span('XhikXEtOfOU=', 'dhNr6wtWf3Q=', 'inner'), span('DQPGn1Q9h8E=', 'dhNr6wtWf3Q=', 'failing', true)] });
}

export class TraceClient {
  constructor(readonly rest: MlflowRestClient) {}

  raw(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<HttpResult> {
    return this.rest.http(method, path, { ...(body !== undefined ? { json: body } : {}), ...(query ? { query } : {}) });
  }

  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    const res = await this.raw(method, path, body, query);
    if (res.status !== 200) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 400)}`);
    return res.json<T>();
  }

  async start(spec: TraceSpec): Promise<TraceInfo> {
    return (await this.ok<{ trace: { trace_info: TraceInfo } }>('POST', V3, traceInfoBody(spec))).trace.trace_info;
  }

  async get(id: string): Promise<TraceInfo> {
    return (await this.ok<{ trace: { trace_info: TraceInfo } }>('GET', `${V3}/${id}`, undefined, { trace_id: id })).trace.trace_info;
  }

  search(experimentIds: string[], opts: { filter?: string; orderBy?: string[]; maxResults?: number; pageToken?: string } = {}): Promise<{ traces?: TraceInfo[]; next_page_token?: string }> {
    const body: Record<string, unknown> = { locations: experimentIds.map((e) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: e } })) };
    if (opts.filter !== undefined) body.filter = opts.filter;
    if (opts.orderBy) body.order_by = opts.orderBy;
    body.max_results = opts.maxResults ?? 100;
    if (opts.pageToken) body.page_token = opts.pageToken;
    return this.ok('POST', `${V3}/search`, body);
  }

  /** Every matching trace id, page by page. */
  async searchIds(experimentIds: string[], opts: { filter?: string; orderBy?: string[]; maxResults?: number } = {}): Promise<string[]> {
    const ids: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await this.search(experimentIds, { ...opts, pageToken });
      ids.push(...(res.traces ?? []).map((t) => t.trace_id));
      pageToken = res.next_page_token;
      if (!pageToken) return ids;
    }
    throw new Error('search never ended');
  }

  /** PUT of traces.json to the artifact location the server answered (`mlflow-artifacts:/<path>`). */
  uploadData(info: TraceInfo, json: string): Promise<HttpResult> {
    const location = info.tags!['mlflow.artifactLocation'];
    const path = location.replace(/^mlflow-artifacts:\//, '');
    return this.rest.http('PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}/traces.json`, { body: json, headers: { 'Content-Type': 'text/plain' } });
  }
}
