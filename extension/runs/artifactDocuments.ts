// Opening artifacts in an editor. Artifacts stored on this machine open as the real file (an MLmodel then
// gets the language server's validation with its sibling files). Others are read through the client by a
// read-only file system `mlflow-artifact:/<run id>/<path>?<folder>`, whose last path segment keeps the file
// name so language detection (MLmodel, *.json, …) works.
import * as vscode from 'vscode';
import type { TrackingClient } from '../client/trackingClient';
import type { Sessions } from '../server/sessions';
import type { Run } from '../tracking/rest/types';

export const ARTIFACT_SCHEME = 'mlflow-artifact';

export function artifactUri(sessionKey: string, runId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ARTIFACT_SCHEME, path: `/${runId}/${path}`, query: sessionKey });
}

export function loggedModelArtifactUri(sessionKey: string, modelId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ARTIFACT_SCHEME, path: `/models/${modelId}/${path}`, query: sessionKey });
}

export async function openArtifact(sessionKey: string, client: TrackingClient, run: Run, path: string): Promise<void> {
  const local = client.localArtifactPath(run, path);
  const uri = local ? vscode.Uri.file(local) : artifactUri(sessionKey, run.info.run_id, path);
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
}

export class ArtifactFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly recent = new Map<string, { at: number; bytes: Uint8Array }>();

  constructor(private readonly sessions: Sessions) {}

  private async read(uri: vscode.Uri): Promise<Uint8Array> {
    const hit = this.recent.get(uri.toString());
    // stat and readFile come in pairs: one download serves both.
    if (hit && Date.now() - hit.at < 10_000) return hit.bytes;
    const client = this.sessions.get(uri.query)?.session.client;
    const model = /^\/models\/([^/]+)\/(.+)$/.exec(uri.path);
    const match = /^\/([^/]+)\/(.+)$/.exec(uri.path);
    if (!client || !match) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      const bytes = model
        ? await client.readLoggedModelArtifact(await client.getLoggedModel(model[1]), model[2])
        : await client.readArtifact(match[1], match[2]);
      this.recent.set(uri.toString(), { at: Date.now(), bytes });
      return bytes;
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const bytes = await this.read(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: bytes.length, permissions: vscode.FilePermission.Readonly };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.read(uri);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Artifacts are read-only.');
  }

  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions('Artifacts are read-only.');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Artifacts are read-only.');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('Artifacts are read-only.');
  }
}
