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
  | { t: 'trace.deleteTag'; id: string; key: string };

export function isTraceOp(op: { t: string }): op is TraceOp {
  return op.t.startsWith('trace.');
}

export function applyTraceOp(db: Sqlite, op: TraceOp): void {
  switch (op.t) {
    case 'trace.start': {
      db.run(
        `INSERT OR REPLACE INTO traces(trace_id, experiment_id, client_request_id, request_time, execution_time, state, request_preview, response_preview)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [op.id, op.experimentId, op.clientRequestId, op.requestTime, op.executionTime, op.state, op.requestPreview, op.responsePreview],
      );
      for (const [key, value] of op.tags) db.run('INSERT OR REPLACE INTO trace_tags(trace_id, key, value) VALUES (?, ?, ?)', [op.id, key, value]);
      for (const [key, value] of op.metadata) db.run('INSERT OR REPLACE INTO trace_metadata(trace_id, key, value) VALUES (?, ?, ?)', [op.id, key, value]);
      return;
    }
    case 'trace.delete':
      for (const id of op.ids) {
        db.run('DELETE FROM traces WHERE trace_id = ?', [id]);
        db.run('DELETE FROM trace_tags WHERE trace_id = ?', [id]);
        db.run('DELETE FROM trace_metadata WHERE trace_id = ?', [id]);
      }
      return;
    case 'trace.setTag':
      db.run('INSERT OR REPLACE INTO trace_tags(trace_id, key, value) VALUES (?, ?, ?)', [op.id, op.key, op.value]);
      return;
    case 'trace.deleteTag':
      db.run('DELETE FROM trace_tags WHERE trace_id = ? AND key = ?', [op.id, op.key]);
      return;
  }
}
