// Trace mutations (MLflow 3 tracing) as journaled ops, applied inside the tracking store's transaction exactly
// like its own ops (extension/tracking/store/operations.ts): every id, time and the set of traces a deletion
// removes are decided before the op is built, so replaying the journal rebuilds the same state.
import type { Sqlite } from '../tracking/store/sqlite';
import type { Pair } from '../tracking/store/operations';

export interface TraceRecord {
  id: string;
  experimentId: number;
  clientRequestId: string | null;
  /** Milliseconds since the epoch. */
  requestTime: number;
  /** Milliseconds; null when the client sent no duration. */
  executionTime: number | null;
  state: string;
  requestPreview: string | null;
  responsePreview: string | null;
  tags: Pair[];
  metadata: Pair[];
}

export type TraceOp =
  /** StartTraceV3: inserts the trace, or (same id again) replaces its fields and merges tags and metadata over. */
  | ({ t: 'trace.start' } & TraceRecord)
  | { t: 'trace.delete'; ids: string[] }
  | { t: 'trace.setTag'; id: string; key: string; value: string }
  | { t: 'trace.deleteTag'; id: string; key: string }
  /** Spans received over OTLP (/v1/traces), a slice at a time (TraceStore.logSpans); upserted by span id. */
  | { t: 'trace.putSpans'; id: string; spans: SpanRow[] }
  /** Then each trace's changes, decided by TraceStore.logSpans once all its spans are in. */
  | { t: 'trace.logSpans'; traces: SpanBatch[] };

/** One stored span row; times are decimal nanoseconds (64-bit). */
export interface SpanRow {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  status: string;
  startNs: string;
  endNs: string | null;
  /** The span as JSON (spans.ts StoredSpan). */
  content: string;
}

export interface SpanBatch {
  id: string;
  /** The trace did not exist: insert it first (MLflow creates the trace info from the spans). */
  create?: TraceRecord;
  /** Columns to set on the trace (only those given). */
  set: { requestTime?: number; executionTime?: number | null; state?: string; requestPreview?: string; responsePreview?: string };
  metadata: Pair[];
  tags: Pair[];
}

export function isTraceOp(op: { t: string }): op is TraceOp {
  return op.t.startsWith('trace.');
}

export function applyTraceOp(db: Sqlite, op: TraceOp): void {
  switch (op.t) {
    case 'trace.start':
      startTrace(db, op);
      return;
    case 'trace.delete':
      for (const id of op.ids) {
        db.run('DELETE FROM traces WHERE trace_id = ?', [id]);
        db.run('DELETE FROM trace_tags WHERE trace_id = ?', [id]);
        db.run('DELETE FROM trace_metadata WHERE trace_id = ?', [id]);
        db.run('DELETE FROM spans WHERE trace_id = ?', [id]);
      }
      return;
    case 'trace.putSpans':
      for (const r of op.spans) {
        db.run(
          'INSERT OR REPLACE INTO spans(trace_id, span_id, parent_span_id, name, status, start_ns, end_ns, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [op.id, r.spanId, r.parentSpanId, r.name, r.status, r.startNs, r.endNs, r.content],
        );
      }
      return;
    case 'trace.logSpans':
      for (const b of op.traces) logSpans(db, b);
      return;
    case 'trace.setTag':
      db.run('INSERT OR REPLACE INTO trace_tags(trace_id, key, value) VALUES (?, ?, ?)', [op.id, op.key, op.value]);
      return;
    case 'trace.deleteTag':
      db.run('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?', [op.id, op.key]);
      return;
  }
}

function startTrace(db: Sqlite, r: TraceRecord): void {
  db.run(
    `INSERT OR REPLACE INTO traces(trace_id, experiment_id, client_request_id, request_time, execution_time, state, request_preview, response_preview)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [r.id, r.experimentId, r.clientRequestId, r.requestTime, r.executionTime, r.state, r.requestPreview, r.responsePreview],
  );
  for (const [key, value] of r.tags) db.run('INSERT OR REPLACE INTO trace_tags(trace_id, key, value) VALUES (?, ?, ?)', [r.id, key, value]);
  for (const [key, value] of r.metadata) db.run('INSERT OR REPLACE INTO trace_metadata(trace_id, key, value) VALUES (?, ?, ?)', [r.id, key, value]);
}

const SET_COLUMNS = { requestTime: 'request_time', executionTime: 'execution_time', state: 'state', requestPreview: 'request_preview', responsePreview: 'response_preview' } as const;

function logSpans(db: Sqlite, b: SpanBatch): void {
  if (b.create) startTrace(db, b.create);
  const cols = (Object.keys(SET_COLUMNS) as (keyof typeof SET_COLUMNS)[]).filter((k) => b.set[k] !== undefined);
  if (cols.length) {
    db.run(`UPDATE traces SET ${cols.map((k) => `${SET_COLUMNS[k]} = ?`).join(', ')} WHERE trace_id = ?`, [...cols.map((k) => b.set[k] as string | number | null), b.id]);
  }
  for (const [key, value] of b.metadata) db.run('INSERT OR REPLACE INTO trace_metadata(trace_id, key, value) VALUES (?, ?, ?)', [b.id, key, value]);
  for (const [key, value] of b.tags) db.run('INSERT OR REPLACE INTO trace_tags(trace_id, key, value) VALUES (?, ?, ?)', [b.id, key, value]);
}
