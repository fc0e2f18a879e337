// Logged-model mutations (MLflow 3's LoggedModel entity) as journaled ops, applied inside the tracking store's
// transaction exactly like its own ops (extension/tracking/store/operations.ts): every id and time is decided
// before the op is built, so replaying the journal rebuilds the same state.
import type { Sqlite } from '../tracking/store/sqlite';

export type LoggedModelOp = { t: 'loggedModel.placeholder' };

export function isLoggedModelOp(op: { t: string }): op is LoggedModelOp {
  return op.t.startsWith('loggedModel.');
}

export function applyLoggedModelOp(_db: Sqlite, _op: LoggedModelOp): void {
  // Filled in by the logged-models work (issue 11).
}
