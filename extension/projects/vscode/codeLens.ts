// "Run" and "Run with parameters…" above each entry point of an MLproject editor (read by the product's
// parser from the editor's text, so new entry points get their lenses as they are typed).
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadProject } from '../core/project';
import { RUN_COMMAND, RUN_NOW_COMMAND, type RunTarget } from './runEntryPoint';

export class EntryPointCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** Trust changes what the lenses offer. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    const dir = dirname(document.uri.fsPath);
    const model = loadProject(document.getText(), dir, (rel) => existsSync(rel.startsWith('/') ? rel : join(dir, rel))).model;
    const lenses: vscode.CodeLens[] = [];
    for (const ep of model.entryPoints) {
      const start = document.positionAt(ep.nameSpan.start);
      const range = new vscode.Range(start, start);
      const target: RunTarget = { uri: document.uri.toString(), entryPoint: ep.name };
      if (!vscode.workspace.isTrusted) {
        lenses.push(new vscode.CodeLens(range, { title: '$(shield) Running needs a trusted workspace', command: 'workbench.trust.manage', tooltip: 'Entry points run code from this workspace: trust it to run them.' }));
        continue;
      }
      lenses.push(
        new vscode.CodeLens(range, { title: '$(play) Run', command: RUN_NOW_COMMAND, arguments: [target], tooltip: `Run ${ep.name} with the last values (or the defaults)` }),
        new vscode.CodeLens(range, { title: 'Run with parameters…', command: RUN_COMMAND, arguments: [target], tooltip: `Choose parameters, environment and experiment, then run ${ep.name}` }),
      );
    }
    return lenses;
  }
}
