// Trace mutations (MLflow 3 tracing) as journaled ops, applied inside the tracking store's transaction exactly
// like its own ops (extension/tracking/store/operations.ts): every id and time is decided before the op is
// built, so replaying the journal rebuilds the same state.
import type { Sqlite } from '../tracking/store/sqlite';

export type TraceOp = { t: 'trace.placeholder' };

export function isTraceOp(op: { t: string }): op is TraceOp {
  return op.t.startsWith('trace.');
}

export function applyTraceOp(_db: Sqlite, _op: TraceOp): void {
  // Filled in by the traces work (issue 11).
}
