// The registered-model page's data: versions newest first with their aliases (from either place a server
// keeps them), where each version's MLmodel lives inside its source run, and the audit trail in words. Pure.
import type { ModelVersion, RegisteredModel } from '../client/registryTypes';
import type { RegistryAuditEntry } from '../tracking/rest/types';

export interface VersionRow {
  version: string;
  aliases: string[];
  stage: string;
  status: string;
  statusMessage?: string;
  created?: number;
  updated?: number;
  user?: string;
  description: string;
  source?: string;
  runId?: string;
  tags: Array<{ key: string; value: string }>;
  /** MLflow 3: the logged model this version came from, with its name and status once the host looked it up. */
  modelId?: string;
  loggedModel?: { name: string; status: string };
}

/** The logged model a version was registered from: its `model_id`, or a source `models:/m-…` naming one. */
export function loggedModelIdOf(v: Pick<ModelVersion, 'model_id' | 'source'>): string | undefined {
  if (v.model_id) return v.model_id;
  const m = /^models:\/+(m-[A-Za-z0-9]+)\/*$/.exec(v.source ?? '');
  return m?.[1];
}

export function versionRows(model: RegisteredModel, versions: readonly ModelVersion[]): VersionRow[] {
  const fromModel = new Map<string, string[]>();
  for (const a of model.aliases ?? []) fromModel.set(String(a.version), [...(fromModel.get(String(a.version)) ?? []), a.alias]);
  return [...versions]
    .sort((a, b) => Number(b.version) - Number(a.version))
    .map((v) => ({
      version: String(v.version),
      aliases: [...new Set([...(v.aliases ?? []), ...(fromModel.get(String(v.version)) ?? [])])].sort(),
      stage: v.current_stage ?? 'None',
      status: v.status ?? 'READY',
      statusMessage: v.status_message || undefined,
      created: v.creation_timestamp,
      updated: v.last_updated_timestamp,
      user: v.user_id || undefined,
      description: v.description ?? '',
      source: v.source,
      runId: v.run_id || undefined,
      tags: [...(v.tags ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1)),
      modelId: loggedModelIdOf(v),
    }));
}

/**
 * The MLmodel's path inside the source run's artifacts, when the version's source points into that run:
 * `runs:/<run>/<path>`, or the run's artifact URI followed by a path (mlflow-artifacts:/…, file:…, s3://…).
 * Undefined when the model lives elsewhere (a logged model `models:/m-…`, another store).
 */
export function mlmodelPathInRun(source: string | undefined, runId: string | undefined, artifactUri: string | undefined): string | undefined {
  if (!source || !runId) return undefined;
  const clean = (p: string): string | undefined => {
    const parts = p.split('/').filter((s) => s !== '' && s !== '.');
    if (parts.some((s) => s === '..')) return undefined;
    return [...parts, 'MLmodel'].join('/');
  };
  const runs = /^runs:\/+([^/]+)\/?(.*)$/.exec(source);
  if (runs) return runs[1] === runId ? clean(runs[2]) : undefined;
  if (artifactUri) {
    const root = artifactUri.replace(/\/+$/, '');
    if (source === root) return clean('');
    if (source.startsWith(`${root}/`)) return clean(source.slice(root.length + 1));
  }
  return undefined;
}

const ACTIONS: Record<string, string> = {
  createRegisteredModel: 'created the model',
  renameRegisteredModel: 'renamed the model',
  updateRegisteredModel: 'changed the description',
  deleteRegisteredModel: 'deleted the model',
  setRegisteredModelTag: 'set a tag',
  deleteRegisteredModelTag: 'deleted a tag',
  createModelVersion: 'registered a version',
  updateModelVersion: 'changed a version description',
  transitionModelVersionStage: 'moved a version to another stage',
  deleteModelVersion: 'deleted a version',
  setModelVersionTag: 'set a version tag',
  deleteModelVersionTag: 'deleted a version tag',
  setRegisteredModelAlias: 'set an alias',
  deleteRegisteredModelAlias: 'removed an alias',
};

export interface AuditLine {
  time: number;
  who: string;
  what: string;
  version?: string;
  /** Changed fields: name, before, after (as text). */
  changes: Array<[string, string, string]>;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Newest first, each with the fields that changed. */
export function auditLines(entries: readonly RegistryAuditEntry[]): AuditLine[] {
  return [...entries]
    .sort((a, b) => b.timestamp - a.timestamp || b.id - a.id)
    .map((e) => {
      const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])].sort();
      const changes = keys
        .map((k): [string, string, string] => [k, show(e.before?.[k]), show(e.after?.[k])])
        .filter(([, b, a]) => b !== a);
      const line: AuditLine = { time: e.timestamp, who: e.user, what: ACTIONS[e.action] ?? e.action, changes };
      if (e.version) line.version = e.version;
      return line;
    });
}
