// A tree row described as plain data, so what each row shows is decided (and tested) without VS Code;
// toTreeItem.ts turns it into a vscode.TreeItem.

export interface CommandSpec {
  command: string;
  title: string;
  arguments?: unknown[];
}

export interface ItemSpec {
  /** Stable across refreshes: VS Code keeps expansion and selection by it. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon id, optionally tinted with a theme color id. */
  icon?: { codicon: string; color?: string };
  /** Show the file icon theme's icon for this file name instead of a codicon. */
  fileIconFor?: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Drives `view/item/context` menus: `when: viewItem == run`. */
  contextValue?: string;
  command?: CommandSpec;
}

/** Markdown-escapes user text (names, tag values) for tooltips. */
export function md(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

/** Shortens long single-line values for a row's description. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
