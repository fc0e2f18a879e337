// Artifacts: MLflow's proxy (/api/2.0/mlflow-artifacts/...) over plain files in `.mlflow/artifacts`, and the
// tracking API's artifacts/list. Every path is confined to its run (see artifactPaths.ts).
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { invalidParameter, MlflowError, notFound } from '../errors';
import type { FileInfo } from '../rest/types';
import type { TrackingStore } from '../store/trackingStore';
import { listLocalArtifacts, resolveConfined, safeSegments } from './artifactPaths';

const ARTIFACT_URI_PREFIX = 'mlflow-artifacts:/';

// As MLflow's server types a download: the text formats it knows (and MLmodel/MLproject) as text/plain, a few
// media types by extension, anything else as bytes.
const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml', 'xml',
  'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'MLproject',
]);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/plain', '.htm': 'text/plain', '.svg': 'text/plain', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.pdf': 'application/pdf', '.zip': 'application/zip',
};

function contentType(name: string): string {
  const ext = extname(name);
  if (TEXT_EXTENSIONS.has(ext ? ext.slice(1) : name)) return 'text/plain';
  // HTML and SVG are served as text (MLflow: text/html, image/svg+xml): a logged artifact must never run
  // script in a browser.
  return CONTENT_TYPES[ext.toLowerCase()] ?? 'application/octet-stream';
}


/**
 * Says whether `<experiment>/<kind>/<id>/` is an artifact folder of something that exists: MLflow 3 keeps a
 * logged model's files under `<exp>/models/<model_id>/artifacts/` and a trace's under `<exp>/traces/<trace_id>/`.
 */
export type ArtifactOwnerCheck = (experimentId: string, id: string) => boolean;

export class ArtifactService {
  /** Owners of artifact folders beside runs, by the second path segment (`models`, `traces`). */
  private readonly owners = new Map<string, ArtifactOwnerCheck>();

  constructor(
    private readonly store: TrackingStore,
    private readonly maxUploadBytes = 16 * 1024 ** 3,
  ) {
    mkdirSync(store.artifactsDir, { recursive: true });
  }

  /** Lets `<exp>/<kind>/<id>/…` paths through the proxy when `belongsTo(exp, id)` (run ids never equal a kind). */
  addOwner(kind: string, belongsTo: ArtifactOwnerCheck): void {
    this.owners.set(kind, belongsTo);
  }

  /** `<exp>/<run>/rest...` (or `<exp>/<kind>/<id>/rest...`) → confined location, checking the owner exists there. */
  private locate(relPath: string): { runDir: string; target: string; rest: string[] } {
    const segments = safeSegments(relPath);
    if (segments.length < 2) throw invalidParameter(`Invalid path: '${relPath}'. Artifact paths start with '<experiment_id>/<run_id>/'.`);
    const owner = this.owners.get(segments[1]);
    if (owner) {
      const [exp, kind, id, ...rest] = segments;
      if (id === undefined || !owner(exp, id)) throw notFound(`No ${kind} with id=${id ?? ''} in experiment ${exp}`);
      return { ...resolveConfined(this.store.artifactsDir, [exp, kind, id], rest), rest };
    }
    const [exp, run, ...rest] = segments;
    if (this.store.runExperiment(run) !== exp) throw notFound(`Run with id=${run} not found in experiment ${exp}`);
    return { ...resolveConfined(this.store.artifactsDir, [exp, run], rest), rest };
  }

  /** The tracking API's artifacts/list: paths relative to the run's artifact root, with the `path` prefix. */
  listRunArtifacts(runId: string, path: string | undefined): { root_uri: string; files?: FileInfo[] } {
    const info = this.store.getRunInfo(runId);
    const sub = safeSegments(path ?? '');
    const dir = this.runArtifactDir(info.artifact_uri, sub);
    const files = dir ? listLocalArtifacts(dir, sub.join('/')) : [];
    return files.length ? { root_uri: info.artifact_uri, files } : { root_uri: info.artifact_uri };
  }

  private runArtifactDir(artifactUri: string, sub: string[]): string | undefined {
    if (artifactUri.startsWith(ARTIFACT_URI_PREFIX)) {
      const segments = safeSegments(artifactUri.slice(ARTIFACT_URI_PREFIX.length));
      if (segments.length < 2) return undefined;
      return resolveConfined(this.store.artifactsDir, segments.slice(0, 2), [...segments.slice(2), ...sub]).target;
    }
    if (artifactUri.startsWith('file:')) return join(fileURLToPath(artifactUri), ...sub);
    if (isAbsolute(artifactUri)) return join(artifactUri, ...sub);
    return undefined; // a remote artifact store: nothing local to list
  }

  /** The UI's routes address artifacts by run and path instead of the proxy's `<exp>/<run>/…`. */
  private locateRunArtifact(runId: string, path: string | undefined): string {
    const info = this.store.getRunInfo(runId);
    const sub = safeSegments(path ?? '');
    if (sub.length === 0) throw invalidParameter("Missing value for required parameter 'path'.");
    const target = this.runArtifactDir(info.artifact_uri, sub);
    if (!target) throw invalidParameter(`The artifacts of run ${runId} are not stored on this server.`);
    return target;
  }

  /** GET /get-artifact?run_uuid=&path= */
  downloadRunArtifact(runId: string, path: string | undefined, res: ServerResponse): void {
    this.sendFile(this.locateRunArtifact(runId, path), res);
  }

  /** POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path= (raw body, 10 MB at most, as in MLflow) */
  async uploadRunArtifact(runId: string, path: string | undefined, req: IncomingMessage): Promise<object> {
    const target = this.locateRunArtifact(runId, path);
    mkdirSync(join(target, '..'), { recursive: true });
    await this.writeStream(target, req, 10 * 1024 * 1024);
    return {};
  }

  list(relPath: string): { files?: FileInfo[] } {
    const { target } = this.locate(relPath);
    const files = listLocalArtifacts(target, '').map((f) => ({ ...f, path: basename(f.path) }));
    return files.length ? { files } : {};
  }

  async upload(relPath: string, req: IncomingMessage): Promise<object> {
    const { target, rest } = this.locate(relPath);
    if (rest.length === 0) throw invalidParameter('Invalid path: an upload needs a file name inside the run.');
    mkdirSync(join(target, '..'), { recursive: true });
    // Re-check now that the parents exist, then write beside the target and rename: readers never see half a file.
    this.locate(relPath);
    await this.writeStream(target, req, this.maxUploadBytes);
    return {};
  }

  /** Streams a body into `<target>.<random>.part`, then renames it over the target: no half-written files. */
  private async writeStream(target: string, req: IncomingMessage, limit: number): Promise<void> {
    const part = `${target}.${randomBytes(6).toString('hex')}.part`;
    const out = createWriteStream(part, { flags: 'wx', mode: 0o644 });
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        out.destroy();
        try {
          unlinkSync(part);
        } catch {
          /* never created */
        }
        reject(err);
      };
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.unpipe(out);
          req.resume();
          fail(invalidParameter(`Artifact exceeds the upload limit of ${limit} bytes.`));
        }
      });
      req.on('error', fail);
      out.on('error', fail);
      out.on('finish', resolve);
      req.pipe(out);
    });
    renameSync(part, target);
  }

  download(relPath: string, res: ServerResponse): void {
    this.sendFile(this.locate(relPath).target, res);
  }

  private sendFile(target: string, res: ServerResponse): void {
    const st = statSync(target, { throwIfNoEntry: false });
    if (!st || !st.isFile()) throw notFound(`File not found: ${basename(target)}`);
    const name = basename(target);
    res.writeHead(200, {
      'Content-Type': contentType(name),
      'Content-Length': st.size,
      'Content-Disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(target).pipe(res);
  }

  delete(relPath: string): object {
    const { target, rest } = this.locate(relPath);
    if (rest.length === 0) throw invalidParameter("Invalid path: refusing to delete a run's whole artifact folder.");
    rmSync(target, { recursive: true, force: true });
    return {};
  }

  /** Multipart uploads need a cloud store; MLflow answers the same way for local destinations. */
  multipart(): never {
    throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for the current artifact repository');
  }
}
