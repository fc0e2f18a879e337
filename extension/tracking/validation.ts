// MLflow's validation rules and limits for tracking entities (reference §3). Messages follow MLflow's wording
// closely enough that users recognise them, in our own words.
import { invalidParameter } from './errors';

export const LIMITS = {
  keyLength: 250,
  paramValue: 6000,
  runTagValue: 8000,
  experimentTagValue: 5000,
  experimentName: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  searchMaxResults: 50000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65535,
  datasetSchema: 1048575,
  datasetProfile: 16777215,
  inputTagKey: 255,
  inputTagValue: 500,
  bulkIntervalRuns: 100,
  bulkIntervalMaxResults: 2500,
} as const;

// Python's `\w` on str patterns is Unicode-aware (letters, numbers, '_'); JS `\w` is ASCII-only even with /u.
const KEY_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

function normalisesToItself(key: string): boolean {
  if (key === '' || key === '.' || key.startsWith('..') || key.startsWith('/') || key.endsWith('/')) return false;
  const parts = key.split('/');
  return !parts.some((p) => p === '' || p === '.' || p === '..');
}

const validKeys = new Set<string>();

/** Validates a metric, param or tag key; results are memoised because ingest checks the same keys constantly. */
export function validateKey(key: unknown, what: 'metric' | 'param' | 'tag'): string {
  if (typeof key !== 'string' || key === '') throw invalidParameter(`Missing value for required parameter '${what === 'metric' ? 'metrics' : what === 'param' ? 'params' : 'tags'}[].key'.`);
  if (validKeys.has(key)) return key;
  if (!KEY_CHARS.test(key)) {
    throw invalidParameter(`Invalid ${what} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`);
  }
  if (!normalisesToItself(key)) {
    throw invalidParameter(`Invalid ${what} name: '${key}'. Names cannot be empty, begin or end with '/', contain '//' or path segments '.' or '..'.`);
  }
  if (key.length > LIMITS.keyLength) {
    throw invalidParameter(`${capital(what)} '${key.slice(0, 50)}...' had length ${key.length}, which exceeded length limit of ${LIMITS.keyLength}`);
  }
  if (validKeys.size < 100_000) validKeys.add(key);
  return key;
}

function capital(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

export function validateValueLength(value: string, limit: number, what: string, key: string): string {
  if (value.length > limit) {
    throw invalidParameter(`${what} value '${value.slice(0, 50)}...' for key '${key}' had length ${value.length}, which exceeded length limit of ${limit}`);
  }
  return value;
}

export function validateRunId(runId: unknown): string {
  if (typeof runId !== 'string' || runId === '') throw invalidParameter("Missing value for required parameter 'run_id'.");
  if (!RUN_ID.test(runId)) throw invalidParameter(`Invalid run ID: '${runId}'`);
  return runId;
}

export function validateExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidParameter(`Invalid experiment name: '${String(name ?? '')}'. Experiment name must be a non-empty string.`);
  }
  if (name.length > LIMITS.experimentName) {
    throw invalidParameter(`Experiment name '${name.slice(0, 50)}...' had length ${name.length}, which exceeded length limit of ${LIMITS.experimentName}`);
  }
  return name;
}

export function validateTimestamp(ts: unknown, what = 'timestamp'): number {
  if (typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0) {
    throw invalidParameter(`Invalid value ${JSON.stringify(ts)} for parameter '${what}': must be a non-negative integer (milliseconds).`);
  }
  return ts;
}

export function validateMetricValue(value: unknown, key: string): number {
  if (typeof value !== 'number') {
    throw invalidParameter(`Got invalid value ${JSON.stringify(value)} for metric '${key}' (timestamp=…). Please specify value as a valid double (64-bit floating point)`);
  }
  return value;
}

export function validateStep(step: unknown): number {
  if (step === undefined || step === null) return 0;
  if (typeof step !== 'number' || !Number.isInteger(step)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(step)} for parameter 'step': must be an integer.`);
  }
  return step;
}
