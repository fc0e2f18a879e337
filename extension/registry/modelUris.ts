// `models:/` URIs (reference §6.3), parsed and resolved by pure functions. Resolution asks a small lookup
// interface for versions, so the store, the server's download-uri route, source validation and (later) the
// extension all resolve the same way, and tests can resolve against an in-memory registry.
//
//   models:/<name>/<digits>    that version
//   models:/<name>/latest      the highest live version, whatever its stage (`latest` in any case)
//   models:/<name>/<stage>     the highest live version in that stage (stage in any case)
//   models:/<name>@<alias>     the version the alias points at (`@latest` = the highest live version)
//   models:/<id>               a logged model (MLflow 3, extension/loggedModels): its own artifact location
import { invalidParameter, notFound } from '../tracking/errors';
import type { ModelVersionStage } from '../tracking/rest/types';
import { canonicalStage, LATEST_ALIAS, validateAliasName, validateModelName } from './validation';

export type ModelRef =
  | { kind: 'version'; name: string; version: number }
  | { kind: 'latest'; name: string }
  | { kind: 'stage'; name: string; stage: string }
  | { kind: 'alias'; name: string; alias: string }
  | { kind: 'loggedModel'; modelId: string };

/** What a lookup returns for a live (not deleted) version. */
export interface VersionRecord {
  name: string;
  version: number;
  /** Where the files are: the resolved storage location, else the source. */
  artifactUri: string;
  runId?: string;
  /** Set when the URI named a logged model (`models:/m-…`): then `name` is the model's and `version` is 0. */
  modelId?: string;
}

/** The registry as the resolver sees it. Every method only ever returns live versions. */
export interface ModelVersionLookup {
  modelExists(name: string): boolean;
  version(name: string, version: number): VersionRecord | undefined;
  /** The highest live version, in the given stage when one is given. */
  latest(name: string, stage?: ModelVersionStage): VersionRecord | undefined;
  /** The version an alias points at, or undefined for an unknown alias. */
  alias(name: string, alias: string): VersionRecord | undefined;
  /** A logged model (active or deleted, as MLflow's registry finds it), or undefined. */
  loggedModel?(modelId: string): { name: string; artifactUri: string; runId?: string } | undefined;
}

export function improperModelUri(uri: string): Error {
  return invalidParameter(
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/<model_name>/<suffix>' or 'models:/<model_name>@<alias>' ` +
      "where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias. " +
      'Only one of suffix or alias can be defined at a time.',
  );
}

export function isModelsUri(uri: string): boolean {
  return /^models:/i.test(uri);
}

/** Parses a models:/ URI without looking anything up. The path is taken verbatim (no percent-decoding), as MLflow does. */
export function parseModelUri(uri: string): ModelRef {
  if (typeof uri !== 'string' || !isModelsUri(uri)) throw improperModelUri(String(uri));
  const rest = uri.slice('models:'.length);
  // `models://profile@host/...` names a remote (Databricks) registry; this server is its own registry only.
  if (rest.startsWith('//') && !rest.startsWith('///')) throw improperModelUri(uri);
  if (!rest.startsWith('/') || rest.length <= 1) throw improperModelUri(uri);
  const parts = rest.replace(/^\/+/, '').split('/');
  if (parts.length > 2 || parts[0].trim() === '') throw improperModelUri(uri);
  if (parts.length === 2) {
    const [name, suffix] = parts;
    if (suffix.trim() === '') throw improperModelUri(uri);
    if (/^\d+$/.test(suffix)) return { kind: 'version', name, version: Number(suffix) };
    if (suffix.toLowerCase() === LATEST_ALIAS) return { kind: 'latest', name };
    return { kind: 'stage', name, stage: suffix };
  }
  if (parts[0].includes('@')) {
    const at = parts[0].lastIndexOf('@');
    const name = parts[0].slice(0, at);
    const alias = parts[0].slice(at + 1);
    if (name.trim() === '' || alias.trim() === '') throw improperModelUri(uri);
    return { kind: 'alias', name, alias };
  }
  return { kind: 'loggedModel', modelId: parts[0] };
}

export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'version':
      return `models:/${ref.name}/${ref.version}`;
    case 'latest':
      return `models:/${ref.name}/latest`;
    case 'stage':
      return `models:/${ref.name}/${ref.stage}`;
    case 'alias':
      return `models:/${ref.name}@${ref.alias}`;
    case 'loggedModel':
      return `models:/${ref.modelId}`;
  }
}

function requireModel(lookup: ModelVersionLookup, name: string): void {
  validateModelName(name);
  if (!lookup.modelExists(name)) throw notFound(`Registered Model with name=${name} not found`);
}

/** Resolves a parsed reference to one live version, with MLflow's error codes (unknown alias: 400). */
export function resolveModelRef(ref: ModelRef, lookup: ModelVersionLookup): VersionRecord {
  switch (ref.kind) {
    case 'version': {
      requireModel(lookup, ref.name);
      const found = lookup.version(ref.name, ref.version);
      if (!found) throw notFound(`Model Version (name=${ref.name}, version=${ref.version}) not found`);
      return found;
    }
    case 'latest': {
      requireModel(lookup, ref.name);
      const found = lookup.latest(ref.name);
      if (!found) throw notFound(`No versions of model with name '${ref.name}' found`);
      return found;
    }
    case 'stage': {
      const stage = canonicalStage(ref.stage);
      requireModel(lookup, ref.name);
      const found = lookup.latest(ref.name, stage);
      if (!found) throw notFound(`No versions of model with name '${ref.name}' and stage '${stage}' found`);
      return found;
    }
    case 'alias': {
      validateModelName(ref.name);
      validateAliasName(ref.alias);
      if (ref.alias.toLowerCase() === LATEST_ALIAS) return resolveModelRef({ kind: 'latest', name: ref.name }, lookup);
      const found = lookup.alias(ref.name, ref.alias);
      if (!found) throw invalidParameter(`Registered model alias ${ref.alias} not found.`);
      return found;
    }
    case 'loggedModel': {
      const found = lookup.loggedModel?.(ref.modelId);
      if (!found) throw notFound(`Logged model with ID '${ref.modelId}' not found.`);
      const record: VersionRecord = { name: found.name, version: 0, artifactUri: found.artifactUri, modelId: ref.modelId };
      if (found.runId) record.runId = found.runId;
      return record;
    }
  }
}

/** The one resolver: parse, then resolve. */
export function resolveModelUri(uri: string, lookup: ModelVersionLookup): VersionRecord {
  return resolveModelRef(parseModelUri(uri), lookup);
}
