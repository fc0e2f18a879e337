// Response serialisation in MLflow's protobuf-JSON conventions: non-finite doubles become the strings
// "NaN"/"Infinity"/"-Infinity" (JSON.stringify would write null), and large metric lists take a fast path.
import type { Metric, MetricWithRunId } from '../rest/types';

export function jsonNumber(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

export function toJson(body: unknown): string {
  return JSON.stringify(body, replacer);
}

/** Metric lists can hold millions of points; build their JSON by hand, quoting each key only once. */
export function metricsJson(metrics: Array<Metric | MetricWithRunId>): string {
  const parts: string[] = new Array(metrics.length);
  const quoted = new Map<string, string>();
  const q = (s: string): string => {
    let r = quoted.get(s);
    if (r === undefined) quoted.set(s, (r = JSON.stringify(s)));
    return r;
  };
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i];
    const runId = (m as MetricWithRunId).run_id;
    parts[i] =
      `{"key":${q(m.key)},"value":${jsonNumber(m.value)},"timestamp":${m.timestamp},"step":${m.step}` +
      (runId === undefined ? '}' : `,"run_id":${q(runId)}}`);
  }
  return `[${parts.join(',')}]`;
}
