// The status bar item: the tracking server's state and URI; clicking it offers the server actions.
import * as vscode from 'vscode';
import { statusPresentation } from './sessionState';
import type { Sessions } from './sessions';

export function createStatusBar(sessions: Sessions): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlflowWorkbench.server', vscode.StatusBarAlignment.Left, 50);
  item.name = 'MLflow Tracking Server';
  item.command = 'mlflowWorkbench.serverActions';
  const update = (): void => {
    const primary = sessions.primary();
    if (!primary) {
      item.hide();
      return;
    }
    const many = sessions.list().length > 1;
    const { text, tooltip, warning } = statusPresentation(primary.session.state, many ? primary.name : undefined);
    item.text = text;
    const others = many
      ? sessions
          .list()
          .filter((s) => s !== primary)
          .map((s) => `\n\n${statusPresentation(s.session.state, s.name).tooltip}`)
          .join('')
      : '';
    item.tooltip = new vscode.MarkdownString(`${tooltip}${others}\n\n*Click for tracking server actions*`);
    item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  update();
  return vscode.Disposable.from(
    item,
    sessions.onDidChangeState(update),
    sessions.onDidChangeSessions(update),
    vscode.window.onDidChangeActiveTextEditor(update),
  );
}
