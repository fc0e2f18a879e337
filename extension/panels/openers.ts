// How one panel opens another (the table opens charts, compare and run pages; the model page opens runs; the tree opens traces)
// without the panels importing each other: registerPanels passes these in.
import type { SessionRef } from './panelContext';

export interface Openers {
  runsTable(session: SessionRef, experimentId: string): void;
  charts(session: SessionRef, runIds: string[]): void;
  compare(session: SessionRef, runIds: string[]): void;
  runPage(session: SessionRef, runId: string): void;
  modelPage(session: SessionRef, name: string): void;
  traceView(session: SessionRef, traceId: string): void;
}
