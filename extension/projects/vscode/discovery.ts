// Finds the MLprojects of the workspace and reads them with the product's parser (the open editor's text
// when the file is open, so unsaved entry points show up in the task list too).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { MlprojectModel } from '../../../language-server/mlproject/model';
import { isMlprojectFileName, loadProject } from '../core/project';

export interface DiscoveredProject {
  uri: vscode.Uri;
  /** Absolute folder of the MLproject. */
  dir: string;
  folder: vscode.WorkspaceFolder;
  /** The folder relative to the workspace folder ('.' for the folder itself): the task's `project`. */
  relativeDir: string;
  /** The MLproject's `name`, else its folder's name. */
  label: string;
  model: MlprojectModel;
}

const GLOB = '**/[Mm][Ll][Pp][Rr][Oo][Jj][Ee][Cc][Tt]';
const EXCLUDE = '**/{node_modules,.git,.mlflow,.venv,venv,__pycache__}/**';

export async function readDiscovered(uri: vscode.Uri): Promise<DiscoveredProject | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || uri.scheme !== 'file' || !isMlprojectFileName(basename(uri.fsPath))) return undefined;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const dir = dirname(uri.fsPath);
  const model = loadProject(text, dir, (rel) => existsSync(rel.startsWith('/') ? rel : join(dir, rel))).model;
  return { uri, dir, folder, relativeDir: relative(folder.uri.fsPath, dir) || '.', label: model.name ?? basename(dir), model };
}

export async function discoverProjects(token?: vscode.CancellationToken): Promise<DiscoveredProject[]> {
  const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE, 500, token);
  const found = await Promise.all(uris.map((u) => readDiscovered(u).catch(() => undefined)));
  return found.filter((p): p is DiscoveredProject => p !== undefined).sort((a, b) => a.dir.localeCompare(b.dir));
}
