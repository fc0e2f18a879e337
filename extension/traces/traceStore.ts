// MLflow 3 traces in the tracking store's database and journal. Same write path as tracking and the registry:
// validate → TraceOp with everything decided → TrackingStore.commitOp (apply in a transaction, journal, ack
// after fsync). Reads query sql.js directly and return MLflow's JSON shapes.
//
// Storage (issue 11), as MLflow's SQL store: a trace's info, tags and metadata are rows; spans sent over OTLP
// (/v1/traces, which clients use from server version 3.4 on; see SERVER_VERSION in
// tracking/server/trackingServer.ts) are rows too (logSpans), and the trace is tagged
// `mlflow.trace.spansLocation: TRACKING_STORE`; traces/get and batchGet serve them. The client also uploads
// `traces.json` to the trace's `mlflow.artifactLocation` (`<exp>/traces/<id>/artifacts/`): traces whose spans
// never came over OTLP (older clients, or a failed export) are read from there, and traces/get refuses them
// as MLflow's SQL server does.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter, MlflowError, notFound } from '../tracking/errors';
import type { SearchTracesRequest, TraceData, TraceInfo, TraceState } from '../tracking/rest/types';
import { TRACE_STATES } from '../tracking/rest/types';
import type { Pair } from '../tracking/store/operations';
import type { TrackingStore } from '../tracking/store/trackingStore';
import { safeSegments } from '../tracking/server/artifactPaths';
import { encodePageToken } from '../tracking/search/pageToken';
import { normpath } from '../projects/python/pyPath';
import type { SpanBatch, SpanRow, TraceOp } from './operations';
import { INPUTS_ATTRIBUTE, OUTPUTS_ATTRIBUTE, spanToOtlpJson, spanToTraceSpan, type SpanRecord, type StoredSpan } from './spans';
import { compileTraceSearch, RLIKE_FUNCTION, rlike } from './search';

export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const INFO_FINALIZED_METADATA = 'mlflow.trace.infoFinalized';
export const TRACE_DATA_FILE = 'traces.json';
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const SIZE_STATS_METADATA = 'mlflow.trace.sizeStats';
/** MLflow's request/response preview length on a non-Databricks tracking URI. */
const PREVIEW_MAX_LENGTH = 1000;
/** logSpans writes a large export's spans in ops of about this many bytes, yielding between them. */
const SPAN_SLICE_BYTES = 256 * 1024;
const SLICE_MS = 8;
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 8000;
const SEARCH_MAX_RESULTS = 50000;
/** Trace ids become artifact path segments: MLflow's are `tr-<hex>` (v3) or 32 hex digits (v2). */
const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;

interface SpanRowOut {
  parent_span_id: string | null;
  start_ns: string;
  content: string;
}

/** MLflow's preview of a root span's inputs or outputs: the JSON text, cut to PREVIEW_MAX_LENGTH characters. */
function truncatedPreview(text: string): string {
  const chars = Array.from(text);
  return chars.length <= PREVIEW_MAX_LENGTH ? text : `${chars.slice(0, PREVIEW_MAX_LENGTH - 3).join('')}...`;
}

/** A trace's stored spans, root spans first, then by start time (as MLflow's SQL store answers them). */
function orderSpans(rows: SpanRowOut[]): SpanRowOut[] {
  return rows.sort((a, b) => {
    const ra = a.parent_span_id === null ? 0 : 1;
    const rb = b.parent_span_id === null ? 0 : 1;
    if (ra !== rb) return ra - rb;
    const sa = BigInt(a.start_ns);
    const sb = BigInt(b.start_ns);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

interface TraceRow {
  trace_id: string;
  experiment_id: number;
  client_request_id: string | null;
  request_time: number;
  execution_time: number | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
}

/** protobuf JSON of a Timestamp: RFC 3339 in UTC with 0 or 3 fractional digits for millisecond values. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** protobuf JSON of a Duration in milliseconds: `3s`, `0.003s`, `-1.500s`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const frac = abs % 1000;
  return `${sign}${Math.floor(abs / 1000)}${frac ? `.${String(frac).padStart(3, '0')}` : ''}s`;
}

/** A protobuf JSON Timestamp → milliseconds (sub-millisecond digits dropped, as Timestamp.ToMilliseconds does). */
export function parseTimestamp(v: unknown, name: string): number {
  const m = typeof v === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(v) : null;
  const base = m ? Date.parse(`${m[1]}${m[3].toUpperCase()}`) : NaN;
  if (!m || Number.isNaN(base) || base < -62135596800000 || base > 253402300799000) {
    throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an RFC 3339 timestamp such as '2026-01-01T00:00:00.000Z'.`);
  }
  return base + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/** A protobuf JSON Duration (`0.003s`) → milliseconds, truncated toward zero. */
export function parseDuration(v: unknown, name: string): number {
  const m = typeof v === 'string' ? /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(v) : null;
  if (!m) throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a duration such as '1.5s'.`);
  const ms = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0').slice(0, 3));
  return m[1] === '-' ? -ms : ms;
}

function stringMap(v: unknown, name: string): Pair[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a map of strings.`);
  return Object.entries(v as Record<string, unknown>).map(([k, value]) => {
    if (typeof value !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}.${k}' supplied: expected a string.`);
    return [k, value];
  });
}

function optionalString(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a string.`);
  return v;
}

function traceState(v: unknown): TraceState {
  if (v === undefined || v === null) return 'STATE_UNSPECIFIED';
  if (typeof v === 'string' && (TRACE_STATES as readonly string[]).includes(v)) return v as TraceState;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TRACE_STATES.length) return TRACE_STATES[v];
  throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter 'trace.trace_info.state' supplied: expected one of ${TRACE_STATES.join(', ')}.`);
}

export function validateTraceId(v: unknown, name = 'trace_id'): string {
  if (typeof v !== 'string' || v === '') throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
  if (!TRACE_ID.test(v) || v === '.' || v === '..') throw invalidParameter(`Invalid trace ID: '${v}'`);
  return v;
}

/** MLflow's trace tag key rules (_validate_trace_tag), worded as MLflow words them. */
function validateTraceTagKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'key'. See the API docs for more information about request parameters.");
  const bad = (detail: string): never => {
    throw invalidParameter(`Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: ${detail}`);
  };
  if (!/^[/\p{L}\p{N}_.\- :]*$/u.test(key)) bad('Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).');
  const norm = normpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    bad(`Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`);
  }
  if (key.length > MAX_TAG_KEY) throw invalidParameter(`'key' exceeds the maximum length of ${MAX_TAG_KEY} characters`);
  return key;
}

export interface DeleteTracesRequest {
  experiment_id: string;
  max_timestamp_millis?: number;
  max_traces?: number;
  request_ids?: string[];
}

export class TraceStore {
  constructor(private readonly tracking: TrackingStore) {
    tracking.db.db.create_function(RLIKE_FUNCTION, rlike);
  }

  private get db() {
    return this.tracking.db;
  }

  private commit(op: TraceOp): Promise<void> {
    return this.tracking.commitOp(op);
  }

  private row(traceId: string): TraceRow | undefined {
    return this.db.get<TraceRow>('SELECT * FROM traces WHERE trace_id = ?', [traceId]);
  }

  /** Whether `traceId` is a trace of experiment `experimentId` (the artifact proxy's owner check). */
  belongsTo(experimentId: string, traceId: string): boolean {
    return this.db.get<{ experiment_id: number }>('SELECT experiment_id FROM traces WHERE trace_id = ?', [traceId])?.experiment_id?.toString() === experimentId;
  }

  // ---- writes ------------------------------------------------------------------------------------------

  /**
   * StartTraceV3 (sent once the trace has ended): stores the client's TraceInfoV3 and answers it with the
   * server's additions, the artifact location tag and `mlflow.trace.infoFinalized` metadata. The same id again
   * replaces the fields and merges tags and metadata, as MLflow's upsert does.
   */
  async startTrace(raw: unknown): Promise<TraceInfo> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidParameter("Missing value for required parameter 'trace'. See the API docs for more information about request parameters.");
    const info = raw as Record<string, unknown>;
    const id = validateTraceId(info.trace_id, 'trace.trace_info.trace_id');
    const location = info.trace_location as { mlflow_experiment?: { experiment_id?: unknown } } | undefined;
    const expId = location?.mlflow_experiment?.experiment_id;
    if (expId === undefined || expId === null || expId === '') {
      throw invalidParameter('Missing value for required parameter \'trace.trace_info.trace_location.mlflow_experiment.experiment_id\'. Traces are stored in an MLflow experiment.');
    }
    const experiment = this.tracking.getExperiment(String(expId));
    if (experiment.lifecycle_stage !== 'active') {
      throw invalidParameter(`The experiment ${experiment.experiment_id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
    }
    if (info.request_time === undefined || info.request_time === null) throw invalidParameter("Missing value for required parameter 'trace.trace_info.request_time'. See the API docs for more information about request parameters.");
    const requestTime = parseTimestamp(info.request_time, 'trace.trace_info.request_time');
    const executionTime = info.execution_duration === undefined || info.execution_duration === null ? null : parseDuration(info.execution_duration, 'trace.trace_info.execution_duration');
    const artifactLocation = `${experiment.artifact_location.replace(/\/+$/, '')}/traces/${id}/artifacts`;
    const tags: Pair[] = [...stringMap(info.tags, 'trace.trace_info.tags').filter(([k]) => k !== ARTIFACT_LOCATION_TAG), [ARTIFACT_LOCATION_TAG, artifactLocation]];
    const metadata: Pair[] = [...stringMap(info.trace_metadata, 'trace.trace_info.trace_metadata').filter(([k]) => k !== INFO_FINALIZED_METADATA), [INFO_FINALIZED_METADATA, 'true']];
    const durable = this.commit({
      t: 'trace.start',
      id,
      experimentId: Number(experiment.experiment_id),
      clientRequestId: optionalString(info.client_request_id, 'trace.trace_info.client_request_id'),
      requestTime,
      executionTime,
      state: traceState(info.state),
      requestPreview: optionalString(info.request_preview, 'trace.trace_info.request_preview'),
      responsePreview: optionalString(info.response_preview, 'trace.trace_info.response_preview'),
      tags,
      metadata,
    });
    // The answer is the trace as this write left it, as MLflow's transaction returns it: spans logged over OTLP
    // while the write is being made durable must not show up in it (their tag would tell the client that
    // traces.json is not needed).
    const answer = this.getTraceInfo(id);
    await durable;
    return answer;
  }

  async setTag(traceId: string, key: unknown, value: unknown): Promise<void> {
    const k = validateTraceTagKey(key);
    const id = validateTraceId(traceId);
    // MLflow's SQL store fails on the foreign key (BAD_REQUEST) when the trace does not exist.
    if (!this.row(id)) throw new MlflowError('BAD_REQUEST', `Trace with ID '${id}' not found.`);
    // MLflow truncates a long trace tag value rather than refusing it.
    const v = (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)).slice(0, MAX_TAG_VALUE);
    await this.commit({ t: 'trace.setTag', id, key: k, value: v });
  }

  async deleteTag(traceId: string, key: unknown): Promise<void> {
    if (typeof key !== 'string' || key === '') throw invalidParameter("Missing value for required parameter 'key'. See the API docs for more information about request parameters.");
    if (!this.db.get('SELECT 1 AS x FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, key])) {
      throw notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
    }
    await this.commit({ t: 'trace.deleteTag', id: traceId, key });
  }

  /**
   * DeleteTraces: by ids, or the oldest first up to `max_traces` among those at or before
   * `max_timestamp_millis`, within one experiment. Answers how many went. The deleted traces' artifact folders
   * (spans) are removed before the answer (asynchronously, so other requests go on meanwhile): a caller that
   * sees the answer never finds them. MLflow leaves them behind.
   */
  async deleteTraces(req: DeleteTracesRequest): Promise<number> {
    const { max_timestamp_millis: maxTs, max_traces: maxTraces, request_ids: ids } = req;
    if (maxTs === undefined && !(ids && ids.length)) throw invalidParameter('Either `max_timestamp_millis` or `trace_ids` must be specified.');
    if (maxTs && ids && ids.length) throw invalidParameter('Only one of `max_timestamp_millis` and `trace_ids` can be specified.');
    if (ids && ids.length && maxTraces !== undefined) throw invalidParameter('`max_traces` can\'t be specified if `trace_ids` is specified.');
    if (maxTraces !== undefined && maxTraces <= 0) throw invalidParameter(`\`max_traces\` must be a positive integer, received ${maxTraces}.`);
    if (!/^-?\d+$/.test(req.experiment_id)) throw invalidParameter(`Invalid experiment ID: '${req.experiment_id}'`);
    const where = ['experiment_id = ?'];
    const params: (string | number)[] = [Number(req.experiment_id)];
    // As MLflow: a max_timestamp_millis of 0 adds no bound.
    if (maxTs) {
      where.push('request_time <= ?');
      params.push(maxTs);
    }
    if (ids && ids.length) {
      where.push(`trace_id IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
    let sql = `SELECT trace_id, experiment_id FROM traces WHERE ${where.join(' AND ')} ORDER BY request_time, trace_id`;
    if (maxTraces) sql += ` LIMIT ${Math.floor(maxTraces)}`;
    const victims = this.db.all<{ trace_id: string; experiment_id: number }>(sql, params);
    if (victims.length === 0) return 0;
    const folders = victims.map((v) => this.defaultArtifactFolder(v.trace_id)).filter((f): f is string => f !== undefined);
    await this.commit({ t: 'trace.delete', ids: victims.map((v) => v.trace_id) });
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }).catch(() => undefined)));
    return victims.length;
  }

  /**
   * Spans received over OTLP, as MLflow's SQL store logs them: a trace not yet started is created from its spans
   * (in `experimentId`, the request's header), the trace's time range widens to cover them, a root span sets an
   * unfinished trace's state and the missing previews, `session.id`/`user.id` become metadata, the spans are
   * upserted and the trace is tagged `mlflow.trace.spansLocation: TRACKING_STORE`.
   * A large export is written as several ops, the spans in slices of about SPAN_SLICE_BYTES with a turn of the
   * event loop between them, then one op with every trace's changes, decided at that moment (other writes may
   * have come in between). Spans count only once that last op is in: until then (or after a crash before it) a
   * trace is not tagged and its rows are not served.
   */
  async logSpans(experimentId: string, spans: readonly SpanRecord[]): Promise<void> {
    if (spans.length === 0) return;
    const byTrace = new Map<string, SpanRecord[]>();
    for (const s of spans) {
      validateTraceId(s.traceId);
      const list = byTrace.get(s.traceId);
      if (list) list.push(s);
      else byTrace.set(s.traceId, [s]);
    }
    // As MLflow: the experiment matters (and must exist) only when a trace is created.
    if ([...byTrace.keys()].some((id) => !this.row(id))) this.tracking.getExperiment(experimentId);
    const durable: Promise<void>[] = [];
    let slice = performance.now();
    for (const [id, list] of byTrace) {
      let rows: SpanRow[] = [];
      let bytes = 0;
      for (const s of list) {
        const content = JSON.stringify(s.content);
        rows.push({ spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, status: s.status, startNs: s.startNs.toString(), endNs: s.endNs === null ? null : s.endNs.toString(), content });
        bytes += content.length;
        if (bytes >= SPAN_SLICE_BYTES) {
          durable.push(this.commit({ t: 'trace.putSpans', id, spans: rows }));
          rows = [];
          bytes = 0;
        }
        if (performance.now() - slice > SLICE_MS) {
          await new Promise((r) => setImmediate(r));
          slice = performance.now();
        }
      }
      if (rows.length) durable.push(this.commit({ t: 'trace.putSpans', id, spans: rows }));
    }
    durable.push(this.commit({ t: 'trace.logSpans', traces: [...byTrace].map(([id, list]) => this.spanBatch(id, list, experimentId)) }));
    await Promise.all(durable);
  }

  /** What arriving spans change on their trace (MLflow's log_spans phases 2 and 5), against its current row. */
  private spanBatch(id: string, list: readonly SpanRecord[], experimentId: string): SpanBatch {
    let minStart = list[0].startNs;
    let maxEnd: bigint | null = null;
    for (const s of list) {
      if (s.startNs < minStart) minStart = s.startNs;
      if (s.endNs !== null && (maxEnd === null || s.endNs > maxEnd)) maxEnd = s.endNs;
    }
    const minStartMs = Number(minStart / 1_000_000n);
    const maxEndMs = maxEnd === null ? null : Number(maxEnd / 1_000_000n);
    const root = list.find((s) => s.parentSpanId === null);
    const rootState = root ? (root.status === 'ERROR' ? 'ERROR' : 'OK') : undefined;
    const batch: SpanBatch = { id, set: {}, metadata: [], tags: [[SPANS_LOCATION_TAG, 'TRACKING_STORE']] };
    let row = this.row(id);
    if (!row) {
      const experiment = this.tracking.getExperiment(experimentId);
      const artifactLocation = `${experiment.artifact_location.replace(/\/+$/, '')}/traces/${id}/artifacts`;
      batch.create = {
        id,
        experimentId: Number(experiment.experiment_id),
        clientRequestId: null,
        requestTime: minStartMs,
        // as MLflow: an end at the epoch counts as no end
        executionTime: maxEndMs ? maxEndMs - minStartMs : null,
        state: rootState ?? 'IN_PROGRESS',
        requestPreview: null,
        responsePreview: null,
        tags: [[ARTIFACT_LOCATION_TAG, artifactLocation]],
        metadata: [],
      };
      row = { trace_id: id, experiment_id: batch.create.experimentId, client_request_id: null, request_time: minStartMs, execution_time: batch.create.executionTime, state: batch.create.state, request_preview: null, response_preview: null };
    }
    // The time range only widens: the earliest start, the latest end.
    const start = Math.min(row.request_time, minStartMs);
    if (start !== row.request_time) batch.set.requestTime = start;
    if (maxEndMs !== null) {
      const oldEnd = row.execution_time === null ? null : row.request_time + row.execution_time;
      const end = oldEnd !== null && oldEnd > maxEndMs ? oldEnd : maxEndMs;
      if (end - start !== row.execution_time) batch.set.executionTime = end - start;
    }
    if ((row.state === 'IN_PROGRESS' || row.state === 'STATE_UNSPECIFIED') && rootState) batch.set.state = rootState;
    if (root) {
      const inputs = root.content.attributes[INPUTS_ATTRIBUTE];
      const outputs = root.content.attributes[OUTPUTS_ATTRIBUTE];
      if (row.request_preview === null && inputs) batch.set.requestPreview = truncatedPreview(inputs);
      if (row.response_preview === null && outputs) batch.set.responsePreview = truncatedPreview(outputs);
    }
    const session = list.map((s) => s.content.attributes['session.id']).find((v) => v);
    if (session && !this.metadataValue(id, 'mlflow.trace.session')) batch.metadata.push(['mlflow.trace.session', session]);
    const user = list.map((s) => s.content.attributes['user.id']).find((v) => v);
    if (user && !this.metadataValue(id, 'mlflow.trace.user')) batch.metadata.push(['mlflow.trace.user', user]);
    return batch;
  }

  private metadataValue(traceId: string, key: string): string | undefined {
    return this.db.get<{ value: string }>('SELECT value FROM trace_metadata WHERE trace_id = ? AND key = ?', [traceId, key])?.value;
  }

  // ---- reads -------------------------------------------------------------------------------------------

  /** Whether the trace's spans are rows here (MLflow's `mlflow.trace.spansLocation` tag says so). */
  spansInStore(info: TraceInfo): boolean {
    return info.tags?.[SPANS_LOCATION_TAG] === 'TRACKING_STORE';
  }

  private storedSpans(traceId: string): StoredSpan[] {
    const rows = this.db.all<SpanRowOut>('SELECT parent_span_id, start_ns, content FROM spans WHERE trace_id = ?', [traceId]);
    return orderSpans(rows).map((r) => JSON.parse(r.content) as StoredSpan);
  }

  /**
   * A trace with its stored spans in MLflow's protobuf JSON (spans as OTLP JSON), or undefined when not all of
   * them are here yet (fewer than the client's size stats count) and `allowPartial` is false. Throws
   * spansNotInStore() for a trace whose spans are not rows.
   */
  traceWithSpans(info: TraceInfo, allowPartial: boolean): { trace_info: TraceInfo; spans?: Record<string, unknown>[] } | undefined {
    if (!this.spansInStore(info)) throw spansNotInStore();
    const spans = this.storedSpans(info.trace_id);
    if (!allowPartial) {
      const stats = info.trace_metadata?.[SIZE_STATS_METADATA];
      let expected: number;
      try {
        expected = stats ? Number((JSON.parse(stats) as { num_spans?: unknown }).num_spans ?? 0) : 0;
      } catch {
        expected = 0; // unreadable stats: MLflow would fail; we serve what is there
      }
      if (spans.length < expected || spans.length === 0) return undefined;
    }
    const out: { trace_info: TraceInfo; spans?: Record<string, unknown>[] } = { trace_info: info };
    if (spans.length) out.spans = spans.map(spanToOtlpJson);
    return out;
  }

  getTraceInfo(traceId: string): TraceInfo {
    if (typeof traceId !== 'string' || traceId === '') throw invalidParameter("Missing value for required parameter 'trace_id'. See the API docs for more information about request parameters.");
    const info = this.readInfos([traceId])[0];
    if (!info) throw notFound(`Trace with ID '${traceId}' not found.`);
    return info;
  }

  /** The infos of the ids that exist, in the order asked. */
  batchGetTraceInfos(traceIds: readonly string[]): TraceInfo[] {
    return this.readInfos(traceIds);
  }

  searchTraces(req: SearchTracesRequest): { traces: TraceInfo[]; next_page_token?: string } {
    if (!Array.isArray(req.locations) || req.locations.length === 0) {
      throw invalidParameter("Missing value for required parameter 'locations'. See the API docs for more information about request parameters.");
    }
    const experimentIds: number[] = [];
    for (const loc of req.locations) {
      const id = loc?.mlflow_experiment?.experiment_id;
      if (id === undefined || id === null) continue; // other location kinds hold no traces here
      if (!/^\d+$/.test(String(id))) throw invalidParameter(`Invalid experiment ID format: ${String(id)}`);
      experimentIds.push(Number(id));
    }
    const maxResults = req.max_results ?? 100;
    if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
    }
    if (maxResults > SEARCH_MAX_RESULTS) throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS}`);
    const q = compileTraceSearch({ experimentIds, filter: req.filter, orderBy: req.order_by, maxResults, pageToken: req.page_token });
    const ids = this.db.rows(q.sql, q.params).map((r) => String(r[0]));
    const out: { traces: TraceInfo[]; next_page_token?: string } = { traces: this.readInfos(ids) };
    // As MLflow: a full page always carries a token, even when nothing follows.
    if (ids.length === maxResults) out.next_page_token = encodePageToken(q.offset + maxResults);
    return out;
  }

  /** The spans kept as rows, in the TraceSpan shape; undefined when the trace has none. */
  private storedTraceData(traceId: string): TraceData | undefined {
    if (this.db.get<{ value: string }>('SELECT value FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, SPANS_LOCATION_TAG])?.value !== 'TRACKING_STORE') return undefined;
    if (!this.db.get('SELECT 1 AS x FROM spans WHERE trace_id = ? LIMIT 1', [traceId])) return undefined;
    return { spans: this.storedSpans(traceId).map(spanToTraceSpan) };
  }

  /** The spans of a trace: its rows (OTLP), else its traces.json artifact; undefined when neither is there. */
  readTraceData(traceId: string): TraceData | undefined {
    const stored = this.storedTraceData(traceId);
    if (stored) return stored;
    const file = this.traceDataPath(traceId);
    if (!file || !existsSync(file)) return undefined;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { spans?: unknown };
      return Array.isArray(parsed?.spans) ? (parsed as TraceData) : undefined;
    } catch {
      return undefined;
    }
  }

  /** readTraceData with the file read off the event loop (a trace's spans can be many megabytes). */
  async readTraceDataAsync(traceId: string): Promise<TraceData | undefined> {
    const stored = this.storedTraceData(traceId);
    if (stored) return stored;
    const file = this.traceDataPath(traceId);
    if (!file) return undefined;
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { spans?: unknown };
      return Array.isArray(parsed?.spans) ? (parsed as TraceData) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Where this server keeps a trace's traces.json, when its artifact location is one of ours. */
  traceDataPath(traceId: string): string | undefined {
    const location = this.db.get<{ value: string }>('SELECT value FROM trace_tags WHERE trace_id = ? AND key = ?', [traceId, ARTIFACT_LOCATION_TAG])?.value;
    const prefix = 'mlflow-artifacts:/';
    if (!location?.startsWith(prefix)) return undefined;
    try {
      return join(this.tracking.artifactsDir, ...safeSegments(location.slice(prefix.length).replace(/^\/+/, '')), TRACE_DATA_FILE);
    } catch {
      return undefined;
    }
  }

  /** `<artifacts>/<exp>/traces/<id>` when the trace's artifacts live there (the default location). */
  private defaultArtifactFolder(traceId: string): string | undefined {
    const file = this.traceDataPath(traceId);
    const row = this.row(traceId);
    if (!file || !row) return undefined;
    const folder = join(this.tracking.artifactsDir, String(row.experiment_id), 'traces', traceId);
    return file.startsWith(folder) ? folder : undefined;
  }

  private readInfos(ids: readonly string[]): TraceInfo[] {
    if (ids.length === 0) return [];
    const infos = new Map<string, TraceInfo>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const marks = chunk.map(() => '?').join(', ');
      for (const r of this.db.all<TraceRow>(`SELECT * FROM traces WHERE trace_id IN (${marks})`, [...chunk])) {
        const info: TraceInfo = {
          trace_id: r.trace_id,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: String(r.experiment_id) } },
          request_time: formatTimestamp(r.request_time),
          state: r.state as TraceState,
          trace_metadata: {},
          tags: {},
        };
        if (r.client_request_id !== null) info.client_request_id = r.client_request_id;
        if (r.execution_time !== null) info.execution_duration = formatDuration(r.execution_time);
        if (r.request_preview !== null) info.request_preview = r.request_preview;
        if (r.response_preview !== null) info.response_preview = r.response_preview;
        infos.set(r.trace_id, info);
      }
      for (const [table, field] of [['trace_metadata', 'trace_metadata'], ['trace_tags', 'tags']] as const) {
        for (const kv of this.db.all<{ trace_id: string; key: string; value: string }>(`SELECT trace_id, key, value FROM ${table} WHERE trace_id IN (${marks}) ORDER BY key`, [...chunk])) {
          const info = infos.get(kv.trace_id);
          if (info) info[field]![kv.key] = kv.value;
        }
      }
    }
    const seen = new Set<string>();
    const out: TraceInfo[] = [];
    for (const id of ids) {
      const info = infos.get(id);
      if (info && !seen.has(id)) {
        seen.add(id);
        out.push(info);
      }
    }
    return out;
  }
}

/**
 * traces/get and traces/batchGet for a trace whose spans are not in the database: MLflow's SQL server answers
 * INTERNAL_ERROR (500), which its Python client retries for minutes; we keep the message and answer 400.
 */
export function spansNotInStore(): MlflowError {
  return new MlflowError('BAD_REQUEST', 'Trace data not stored in tracking store');
}
