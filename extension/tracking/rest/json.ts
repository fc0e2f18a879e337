// Response serialisation in MLflow's protobuf-JSON conventions: non-finite doubles become the strings
// "NaN"/"Infinity"/"-Infinity" (JSON.stringify would write null), and large metric lists take a fast path.
import type { Metric, MetricWithRunId } from './types';

export function jsonNumber(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function replacer(this: unknown, key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  // Protobuf JSON never emits an empty repeated field: a search with no hits is `{}`, not `{"runs":[]}`.
  if (Array.isArray(v) && v.length === 0 && key !== '' && !Array.isArray(this)) return undefined;
  return v;
}

export function toJson(body: unknown): string {
  return JSON.stringify(body, replacer);
}

/**
 * Metric lists can hold millions of points. V8's JSON.stringify fast path beats hand-built strings several
 * times over, so the replacer (needed only for NaN and ±Infinity) is used only when such a value is present.
 */
export function metricsJson(metrics: Array<Metric | MetricWithRunId>): string {
  for (let i = 0; i < metrics.length; i++) {
    if (!Number.isFinite(metrics[i].value)) return JSON.stringify(metrics, replacer);
  }
  return JSON.stringify(metrics);
}
