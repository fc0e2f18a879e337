// How one panel opens another (the table opens charts, compare and run pages; the model page opens runs)
// without the panels importing each other: registerPanels passes these in.
import type { SessionRef } from './panelContext';

export interface Openers {
  runsTable(session: SessionRef, experimentId: string): void;
  charts(session: SessionRef, runIds: string[]): void;
  compare(session: SessionRef, runIds: string[]): void;
  runPage(session: SessionRef, runId: string): void;
  modelPage(session: SessionRef, name: string): void;
}
