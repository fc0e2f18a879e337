// What the projects feature needs from the rest of the extension (the Workbench object satisfies it).
import type * as vscode from 'vscode';
import type { Sessions } from '../../server/sessions';

export interface ProjectsDeps {
  readonly sessions: Sessions;
  readonly log: vscode.LogOutputChannel;
  /** Re-fetches the trees, so a run shows up RUNNING and then finished without waiting for a poll. */
  refreshNow(): Promise<void>;
}
