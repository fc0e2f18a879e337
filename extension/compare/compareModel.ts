// Run comparison as data: the runs' params, metrics and tags side by side with "differences only", and the
// geometry of the parallel-coordinates and scatter views (axes numeric or categorical, values normalised).
// Pure; the webview imports the view builders and the host builds the table.
import type { MetricSummary, Run, RunStatus } from '../tracking/rest/types';

export type FieldKind = 'attr' | 'param' | 'metric' | 'metricMin' | 'metricMax' | 'tag';
export type FieldValue = string | number | null;

export interface CompareRun {
  id: string;
  name: string;
  status: RunStatus;
  /** Colour index, stable across the views. */
  index: number;
  /** By field id (`param:lr`, `metric:loss`, `metricMin:loss`, `tag:team`, `attr:status`). */
  values: Record<string, FieldValue>;
}

export interface Field {
  id: string;
  kind: FieldKind;
  key: string;
  label: string;
}

export interface CompareRow {
  field: Field;
  values: FieldValue[];
  differs: boolean;
}

export interface CompareSection {
  title: string;
  rows: CompareRow[];
}

const SYSTEM_TAG = /^(mlflow\.|_mlflow_)/;

/** Field ids of a run: attributes, params, metrics (latest; min/max when summaries are given), tags. */
export function compareRun(run: Run, index: number, summaries?: readonly MetricSummary[]): CompareRun {
  const values: Record<string, FieldValue> = {};
  const i = run.info;
  values['attr:status'] = i.status;
  values['attr:user'] = run.data.tags?.find((t) => t.key === 'mlflow.user')?.value ?? (i.user_id || null);
  values['attr:start_time'] = i.start_time ?? null;
  values['attr:duration'] = i.start_time !== undefined && i.end_time !== undefined ? i.end_time - i.start_time : null;
  for (const p of run.data.params ?? []) values[`param:${p.key}`] = p.value;
  for (const m of run.data.metrics ?? []) values[`metric:${m.key}`] = Number(m.value);
  for (const s of summaries ?? []) {
    if (s.min !== undefined) values[`metricMin:${s.key}`] = s.min;
    if (s.max !== undefined) values[`metricMax:${s.key}`] = s.max;
  }
  for (const t of run.data.tags ?? []) values[`tag:${t.key}`] = t.value;
  return { id: i.run_id, name: i.run_name || i.run_id, status: i.status, index, values };
}

const ATTR_LABELS: Record<string, string> = { status: 'Status', user: 'User', start_time: 'Started', duration: 'Duration' };

export function fieldOf(id: string): Field {
  const at = id.indexOf(':');
  const kind = id.slice(0, at) as FieldKind;
  const key = id.slice(at + 1);
  const label = kind === 'attr' ? ATTR_LABELS[key] ?? key : kind === 'metricMin' ? `${key} (min)` : kind === 'metricMax' ? `${key} (max)` : key;
  return { id, kind, key, label };
}

/** Every field any of the runs has, by kind, keys sorted. */
export function fieldsOf(runs: readonly CompareRun[]): Field[] {
  const ids = new Set<string>();
  for (const r of runs) for (const id of Object.keys(r.values)) ids.add(id);
  const order: FieldKind[] = ['attr', 'param', 'metric', 'metricMin', 'metricMax', 'tag'];
  return [...ids]
    .map(fieldOf)
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.kind === 'attr' ? 0 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Values differ when any run's value (missing included) is not the first's; NaN equals NaN here. */
export function differs(values: readonly FieldValue[]): boolean {
  const same = (a: FieldValue, b: FieldValue): boolean => a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
  return values.some((v) => !same(v, values[0]));
}

/** The side-by-side table: one section per kind; with `diffOnly`, rows where every run agrees are dropped. */
export function compareSections(runs: readonly CompareRun[], opts: { diffOnly: boolean; minMax: boolean; systemTags: boolean }): CompareSection[] {
  const fields = fieldsOf(runs);
  const row = (f: Field): CompareRow => {
    const values = runs.map((r) => (f.id in r.values ? r.values[f.id] : null));
    return { field: f, values, differs: differs(values) };
  };
  const pick = (test: (f: Field) => boolean): CompareRow[] => fields.filter(test).map(row).filter((r) => !opts.diffOnly || r.differs);
  const sections: CompareSection[] = [
    { title: 'Attributes', rows: pick((f) => f.kind === 'attr') },
    { title: 'Parameters', rows: pick((f) => f.kind === 'param') },
    { title: 'Metrics', rows: pick((f) => f.kind === 'metric' || (opts.minMax && (f.kind === 'metricMin' || f.kind === 'metricMax'))) },
    { title: 'Tags', rows: pick((f) => f.kind === 'tag' && (opts.systemTags || !SYSTEM_TAG.test(f.key))) },
  ];
  // Metrics: latest, min and max of one key together.
  sections[2].rows.sort((a, b) => (a.field.key < b.field.key ? -1 : a.field.key > b.field.key ? 1 : kindOrder(a.field.kind) - kindOrder(b.field.kind)));
  return sections;
}

function kindOrder(k: FieldKind): number {
  return k === 'metric' ? 0 : k === 'metricMin' ? 1 : 2;
}

// ---- axes for the plots ---------------------------------------------------------------------------------------

export type Axis =
  | { kind: 'numeric'; field: Field; min: number; max: number }
  | { kind: 'categorical'; field: Field; categories: string[] };

const asNumber = (v: FieldValue): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 40) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

/** Numeric when every present value is a finite number (params logged as text included), else categorical. */
export function axisFor(field: Field, runs: readonly CompareRun[]): Axis {
  const present = runs.map((r) => r.values[field.id]).filter((v): v is string | number => v !== null && v !== undefined);
  const nums = present.map(asNumber);
  if (present.length > 0 && nums.every((n) => n !== undefined)) {
    const values = nums as number[];
    return { kind: 'numeric', field, min: Math.min(...values), max: Math.max(...values) };
  }
  const categories = [...new Set(present.map(String))].sort(new Intl.Collator(undefined, { numeric: true }).compare);
  return { kind: 'categorical', field, categories };
}

/** A run's position on an axis in [0, 1]; null when the run lacks the field (or it is not numeric). */
export function position(axis: Axis, v: FieldValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (axis.kind === 'numeric') {
    const n = asNumber(v);
    if (n === undefined) return null;
    return axis.max === axis.min ? 0.5 : (n - axis.min) / (axis.max - axis.min);
  }
  const at = axis.categories.indexOf(String(v));
  if (at < 0) return null;
  return axis.categories.length === 1 ? 0.5 : at / (axis.categories.length - 1);
}

export interface ParallelView {
  axes: Axis[];
  lines: Array<{ runId: string; index: number; name: string; positions: Array<number | null> }>;
}

/** Params (or any fields) to a chosen metric: one axis per field, the metric last; one polyline per run. */
export function parallelCoordinates(runs: readonly CompareRun[], fieldIds: readonly string[], metricId: string): ParallelView {
  const axes = [...fieldIds.filter((id) => id !== metricId), metricId].map((id) => axisFor(fieldOf(id), runs));
  return {
    axes,
    lines: runs.map((r) => ({ runId: r.id, index: r.index, name: r.name, positions: axes.map((a) => position(a, r.values[a.field.id])) })),
  };
}

/** Params that vary across the runs: the default axes of the parallel-coordinates view. */
export function varyingParams(runs: readonly CompareRun[], limit = 8): string[] {
  return fieldsOf(runs)
    .filter((f) => f.kind === 'param')
    .filter((f) => differs(runs.map((r) => r.values[f.id] ?? null)))
    .slice(0, limit)
    .map((f) => f.id);
}

export interface ScatterView {
  x: Axis;
  y: Axis;
  points: Array<{ runId: string; index: number; name: string; x: number; y: number }>;
}

/**
 * Any param or metric against any other. Numeric axes plot values; categorical ones plot the category's index
 * (the webview labels the ticks). Runs lacking either field are left out.
 */
export function scatter(runs: readonly CompareRun[], xId: string, yId: string): ScatterView {
  const x = axisFor(fieldOf(xId), runs);
  const y = axisFor(fieldOf(yId), runs);
  const coord = (a: Axis, v: FieldValue | undefined): number | undefined => {
    if (v === null || v === undefined) return undefined;
    if (a.kind === 'numeric') return asNumber(v);
    const at = a.categories.indexOf(String(v));
    return at < 0 ? undefined : at;
  };
  const points: ScatterView['points'] = [];
  for (const r of runs) {
    const px = coord(x, r.values[xId]);
    const py = coord(y, r.values[yId]);
    if (px !== undefined && py !== undefined) points.push({ runId: r.id, index: r.index, name: r.name, x: px, y: py });
  }
  return { x, y, points };
}
