// Latest/min/max/count per metric for servers that only have MLflow's standard routes: computed from each
// metric's history, and cached until the metric's latest point changes (so live refresh stays cheap).
import type { Metric, MetricSummary, Run } from '../tracking/rest/types';

export function wireNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** Summary of one history; the latest point is the run's (MLflow's max by step, timestamp, value). */
export function summarise(latest: Metric, history: Metric[]): MetricSummary {
  let min: number | undefined;
  let max: number | undefined;
  for (const point of history) {
    const v = wireNumber(point.value);
    if (Number.isNaN(v)) continue;
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  const out: MetricSummary = { ...latest, value: wireNumber(latest.value), count: history.length };
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  return out;
}

const signature = (m: Metric): string => `${m.step}|${m.timestamp}|${String(m.value)}`;

export class HistorySummaryCache {
  private readonly cache = new Map<string, { signature: string; summary: MetricSummary }>();

  constructor(private readonly fetchHistory: (runId: string, key: string) => Promise<Metric[]>) {}

  async summaries(run: Run): Promise<MetricSummary[]> {
    const latest = run.data.metrics ?? [];
    const out = await Promise.all(
      latest.map(async (m) => {
        const cacheKey = `${run.info.run_id}\u0000${m.key}`;
        const hit = this.cache.get(cacheKey);
        if (hit && hit.signature === signature(m)) return hit.summary;
        const summary = summarise(m, await this.fetchHistory(run.info.run_id, m.key));
        this.cache.set(cacheKey, { signature: signature(m), summary });
        return summary;
      }),
    );
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
