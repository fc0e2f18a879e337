// ItemSpec → vscode.TreeItem: the only place tree rows meet the VS Code API.
import * as vscode from 'vscode';
import type { ItemSpec } from './treeItemSpec';

const STATES = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(spec: ItemSpec, node: unknown): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, STATES[spec.collapsible]);
  item.id = spec.id;
  item.description = spec.description;
  item.contextValue = spec.contextValue;
  if (spec.tooltip) item.tooltip = new vscode.MarkdownString(spec.tooltip);
  if (spec.fileIconFor) {
    // A file-ish URI lets the file icon theme pick the icon by name; it is never opened.
    item.resourceUri = vscode.Uri.from({ scheme: 'mlflow-artifact-icon', path: `/${spec.fileIconFor}` });
    item.iconPath = vscode.ThemeIcon.File;
  } else if (spec.icon) {
    item.iconPath = new vscode.ThemeIcon(spec.icon.codicon, spec.icon.color ? new vscode.ThemeColor(spec.icon.color) : undefined);
  }
  if (spec.command) item.command = { ...spec.command, arguments: spec.command.arguments ?? [node] };
  return item;
}
