// The registry's input rules (reference §6.3): model names, version numbers, stages, aliases and tags.
// Pure functions; each throws MlflowError(INVALID_PARAMETER_VALUE) with a message in MLflow's spirit.
import { invalidParameter } from '../tracking/errors';
import type { ModelVersionStage } from '../tracking/rest/types';
import { validateKey } from '../tracking/validation';

export const REGISTRY_LIMITS = {
  aliasLength: 255,
  tagValue: 100_000,
  /** registered-models/search: default and ceiling of max_results. */
  searchModelsDefault: 100,
  searchModelsMax: 1000,
  /** model-versions/search: default and ceiling of max_results. */
  searchVersionsDefault: 200_000,
  searchVersionsMax: 200_000,
} as const;

/** The stage of soft-deleted versions; never shown, never accepted from a client. */
export const STAGE_DELETED = 'Deleted_Internal';
/** Stages `archive_existing_versions` may be used with (MLflow's DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS). */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];
const CANONICAL_STAGES: ReadonlyMap<string, ModelVersionStage> = new Map([
  ['none', 'None'],
  ['staging', 'Staging'],
  ['production', 'Production'],
  ['archived', 'Archived'],
]);

/** Python's `\w` on str patterns is Unicode-aware: letters, numbers and '_'. */
const ALIAS_CHARS = /^[\p{L}\p{N}_-]*$/u;
const VERSION_ALIAS = /^[vV]\p{Nd}+$/u;
export const LATEST_ALIAS = 'latest';

/** Registered model names: non-blank, no '/' or ':', and a POSIX path that normalises to itself. */
export function validateModelName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name === '') throw invalidParameter(`Missing value for required parameter '${field}'. Registered model name cannot be empty.`);
  if (name.trim() === '') throw invalidParameter(`Invalid model name: '${name}'. Registered model name cannot be blank.`);
  if (name.includes('/') || name.includes(':')) {
    throw invalidParameter(`Invalid model name: '${name}'. Registered model names cannot contain '/' or ':'.`);
  }
  if (name.includes('\0')) throw invalidParameter('Invalid model name: registered model names cannot contain NUL characters.');
  if (name === '.' || name.startsWith('..')) {
    throw invalidParameter(`Invalid model name: '${name}'. Names may be treated as files and must not resolve to other names.`);
  }
  return name;
}

/** Model version numbers arrive as strings (or JSON numbers); like Python's int(), surrounding blanks and a sign are fine. */
export function parseVersion(version: unknown): number {
  const text = typeof version === 'number' ? String(version) : version;
  if (typeof text !== 'string' || text === '') throw invalidParameter("Missing value for required parameter 'version'.");
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalidParameter(`Model version must be an integer, got '${text}'`);
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n)) throw invalidParameter(`Model version must be an integer, got '${text}'`);
  return n;
}

/** Matches a stage case-insensitively and returns its canonical spelling. */
export function canonicalStage(stage: unknown): ModelVersionStage {
  const found = typeof stage === 'string' ? CANONICAL_STAGES.get(stage.toLowerCase()) : undefined;
  if (!found) {
    throw invalidParameter(`Invalid Model Version stage: ${String(stage)}. Value must be one of None, Staging, Production, Archived.`);
  }
  return found;
}

/** The character and length rules every alias obeys, on reads as well as writes. */
export function validateAliasName(alias: unknown): string {
  if (typeof alias !== 'string' || alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!ALIAS_CHARS.test(alias)) {
    throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  if (alias.length > REGISTRY_LIMITS.aliasLength) {
    throw invalidParameter(`Registered model alias name '${alias.slice(0, 50)}...' had length ${alias.length}, which exceeded length limit of ${REGISTRY_LIMITS.aliasLength}`);
  }
  return alias;
}

/** Names a client may not assign: `latest` (any case) and version-like `v<digits>`. */
export function validateAliasAssignable(alias: unknown): string {
  const name = validateAliasName(alias);
  if (name.toLowerCase() === LATEST_ALIAS) throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (VERSION_ALIAS.test(name)) throw invalidParameter(`Version alias name '${name}' is reserved.`);
  return name;
}

/** A registry tag: key by the tracking key rules (≤250, `^[/\w.\- :]*$`, path-unique), value ≤100,000 chars. */
export function validateRegistryTag(key: unknown, value: unknown, what: 'Registered model' | 'Model version'): [string, string] {
  const k = validateKey(key, 'tag');
  if (value === null) throw invalidParameter(`${what} tag value cannot be null (tag '${k}').`);
  const v = value === undefined ? '' : String(value);
  if (v.length > REGISTRY_LIMITS.tagValue) {
    throw invalidParameter(`${what} tag value '${v.slice(0, 50)}...' for key '${k}' had length ${v.length}, which exceeded length limit of ${REGISTRY_LIMITS.tagValue}`);
  }
  return [k, v];
}
