// Where a new model version may point (model-versions/create `source`), decided by one pure function.
//
// - `runs:/<run_id>/<path>`: the run must exist; the path may not climb out of it. The version is stored with
//   the run's artifact location underneath (`<artifact_uri>/<path>`) and the run id filled in.
// - `models:/…`: resolved through the registry to the version's own location.
// - Local paths and `file:` URIs: allowed only with a run_id, and only inside that run's artifact folder
//   (after symlinks are resolved, when the caller supplies a realpath). Inside `.mlflow/artifacts` they are
//   stored as the equivalent `mlflow-artifacts:` URI, so remote clients can download them.
// - Anything else (mlflow-artifacts:, http(s), s3, …): MLflow's rule: no `..` segment, no NUL, and the URI's
//   path must be absolute and normalised, after percent-decoding as often as it changes (so `%252e%252e` and
//   an encoded `#` that hides a fragment cannot smuggle traversal through).
import { isAbsolute as isAbsoluteNative, posix, relative, resolve as resolveNative, sep } from 'node:path';
import { invalidParameter, MlflowError, notFound } from '../tracking/errors';

export interface SourceRun {
  runId: string;
  /** The run's artifact root, e.g. `mlflow-artifacts:/1/<run>/artifacts` or a local path. */
  artifactUri: string;
}

export interface SourceContext {
  /** The run with this id (active or deleted), or undefined. */
  findRun(runId: string): SourceRun | undefined;
  /** The local folder `mlflow-artifacts:/` stands for (`.mlflow/artifacts`). */
  artifactsRoot: string;
  /** Resolves a `models:/` source to the location of the version it names (throws like the resolver). */
  resolveModelUri?(uri: string): { artifactUri: string; runId?: string };
  /** Canonicalises an absolute local path (symlinks resolved, missing tails kept). Identity when absent. */
  realpath?(path: string): string;
}

export interface ValidatedSource {
  /** What get-download-uri answers. */
  storageLocation: string;
  /** The run id to store ('' when none). */
  runId: string;
}

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const MLFLOW_ARTIFACTS = 'mlflow-artifacts:';

function invalidSource(source: string, why: string): MlflowError {
  return invalidParameter(`Invalid model version source: '${source}'. ${why}`);
}

const TRAVERSAL =
  'If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.';
const LOCAL_NEEDS_RUN =
  'To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.';

/** Python's urllib.parse.unquote_plus: '+' is a space, %XX are UTF-8 bytes, malformed escapes stay as they are. */
export function unquotePlus(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** Percent-decodes until the text stops changing (bounded: each pass shortens it). */
export function decodeFully(text: string): string {
  let current = text;
  for (let i = 0; i < 64; i++) {
    const next = unquotePlus(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** True when any '/'- or '\'-separated segment of the text, raw or fully decoded, is `..`, or it holds a NUL. */
export function hasTraversal(text: string): boolean {
  for (const form of [text, decodeFully(text)]) {
    if (form.includes('\0')) return true;
    if (form.split(/[/\\]/).some((s) => s === '..')) return true;
  }
  return false;
}

function schemeOf(uri: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  // A single letter is a Windows drive (C:\models), i.e. a local path.
  if (!m || m[1].length === 1) return undefined;
  return m[1].toLowerCase();
}

/** urlparse(uri).path: after the scheme and an optional //netloc, up to '?' or '#'. */
function uriPath(uri: string): string {
  let rest = uri.slice(uri.indexOf(':') + 1);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  const end = rest.search(/[?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** A local path or a `file:` URI on this host (what MLflow's is_local_uri accepts). */
export function isLocal(source: string): boolean {
  const scheme = schemeOf(source);
  if (scheme === undefined) return !source.startsWith('\\\\');
  if (scheme !== 'file') return false;
  const m = /^file:\/\/([^/]*)/i.exec(source);
  const host = m ? m[1].toLowerCase() : '';
  return host === '' || host === 'localhost' || host === '127.0.0.1';
}

/** The filesystem path of a local source: `file:` URIs are percent-decoded, plain paths are taken as they are. */
function localPath(source: string): string {
  if (schemeOf(source) !== 'file') return source;
  let rest = source.slice('file:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '/' : rest.slice(slash);
  }
  const path = unquotePlus(rest.replace(/\+/g, '%2B'));
  // file:///C:/x → C:/x
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || isAbsoluteNative(p);
}

/** MLflow's `_validate_non_local_source_contains_relative_paths`. */
export function checkRemoteSource(source: string): void {
  const decoded = decodeFully(source);
  if (hasTraversal(source)) throw invalidSource(source, TRAVERSAL);
  const path = uriPath(decoded).replace(/\/+/g, '/').replace(/\/+$/, '');
  if (path.includes('\0')) throw invalidSource(source, TRAVERSAL);
  // MLflow compares the path with its pathlib resolution: a relative or empty path resolves against the
  // server's working directory and so never matches; '.' segments normalise away.
  if (!path.startsWith('/') || posix.normalize(path) !== path) throw invalidSource(source, TRAVERSAL);
}

/** The local folder of a run's artifact root, or undefined when its artifacts live elsewhere. */
export function localArtifactDir(artifactUri: string, artifactsRoot: string): string | undefined {
  if (artifactUri.toLowerCase().startsWith(MLFLOW_ARTIFACTS)) {
    const rel = uriPath(artifactUri).replace(/^\/+/, '').replace(/\/+$/, '');
    if (rel === '' || hasTraversal(rel)) return undefined;
    return resolveNative(artifactsRoot, ...rel.split('/'));
  }
  if (isLocal(artifactUri)) {
    const p = localPath(artifactUri);
    return isAbsolutePath(p) && !hasTraversal(p) ? resolveNative(p) : undefined;
  }
  return undefined;
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function joinUri(base: string, path: string): string {
  const b = base.replace(/\/+$/, '');
  return path === '' ? b : `${b}/${path}`;
}

function validateRunsSource(source: string, runId: string, ctx: SourceContext): ValidatedSource {
  const improper = (): MlflowError =>
    invalidParameter(`Not a proper runs:/ URI: ${source}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`);
  const rest = source.slice('runs:'.length);
  if (!rest.startsWith('/') || rest.startsWith('//') || rest.length <= 1) throw improper();
  const [id, ...pathParts] = rest.slice(1).split('/');
  if (!id) throw improper();
  if (!RUN_ID.test(id)) throw invalidParameter(`Invalid run ID: '${id}' in model version source '${source}'.`);
  if (hasTraversal(pathParts.join('/'))) throw invalidSource(source, 'The artifact path of a runs:/ URI must stay inside the run.');
  const segments = pathParts.filter((s) => s !== '');
  if (segments.some((s) => s === '.' || decodeFully(s) === '.')) throw invalidSource(source, 'The artifact path of a runs:/ URI must be normalised.');
  if (runId !== '' && runId !== id) {
    throw invalidParameter(`The run_id '${runId}' does not match the run of the model version source '${source}'.`);
  }
  const run = ctx.findRun(id);
  if (!run) throw notFound(`Run with id=${id} not found`);
  return { storageLocation: joinUri(run.artifactUri, segments.join('/')), runId: id };
}

function validateLocalSource(source: string, runId: string, ctx: SourceContext): ValidatedSource {
  if (hasTraversal(source)) throw invalidSource(source, TRAVERSAL);
  if (runId === '') throw invalidSource(source, LOCAL_NEEDS_RUN);
  const run = ctx.findRun(runId);
  if (!run) throw notFound(`Run with id=${runId} not found`);
  const path = localPath(source);
  if (hasTraversal(path) || !isAbsolutePath(path)) throw invalidSource(source, LOCAL_NEEDS_RUN);
  const runDir = localArtifactDir(run.artifactUri, ctx.artifactsRoot);
  if (runDir === undefined) throw invalidSource(source, LOCAL_NEEDS_RUN);
  const real = ctx.realpath ?? ((p: string) => p);
  const target = resolveNative(real(resolveNative(path)));
  const allowed = resolveNative(real(runDir));
  if (!inside(target, allowed)) throw invalidSource(source, LOCAL_NEEDS_RUN);
  if (!run.artifactUri.toLowerCase().startsWith(MLFLOW_ARTIFACTS)) return { storageLocation: source, runId };
  const rel = relative(allowed, target).split(sep).join('/');
  return { storageLocation: joinUri(run.artifactUri, rel), runId };
}

/**
 * Validates a model version source and decides where the version's files are. `runId` is the request's
 * run_id ('' when absent). Throws INVALID_PARAMETER_VALUE for unsafe or malformed sources and
 * RESOURCE_DOES_NOT_EXIST when a named run (or model version) does not exist.
 */
export function validateModelVersionSource(source: string, runId: string, ctx: SourceContext): ValidatedSource {
  if (typeof source !== 'string' || source === '') throw invalidParameter("Missing value for required parameter 'source'.");
  if (runId !== '' && !RUN_ID.test(runId)) throw invalidParameter(`Invalid run ID: '${runId}'`);
  if (decodeFully(source).includes('\0')) throw invalidSource(source, TRAVERSAL);
  const scheme = schemeOf(source);
  if (scheme === 'runs') return validateRunsSource(source, runId, ctx);
  if (scheme === 'models') {
    if (!ctx.resolveModelUri) throw invalidSource(source, 'models:/ sources cannot be resolved here.');
    const target = ctx.resolveModelUri(source);
    return { storageLocation: target.artifactUri, runId: runId || target.runId || '' };
  }
  if (isLocal(source)) return validateLocalSource(source, runId, ctx);
  checkRemoteSource(source);
  return { storageLocation: source, runId };
}
