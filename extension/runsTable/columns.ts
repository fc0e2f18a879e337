// The runs table's columns: which exist for a set of runs (attributes, then every param, metric and tag key),
// what each cell holds (a sortable value and the text shown), and how a user's choice of shown columns and
// their order (kept per experiment) applies to columns that come and go as runs log new keys. Pure.
import type { Run } from '../tracking/rest/types';
import type { RunView } from './runRows';
import { duration, metricValue } from '../views/format';

export type ColumnKind = 'attr' | 'param' | 'metric' | 'metricMin' | 'metricMax' | 'tag';
export type AttrKey = 'name' | 'status' | 'start_time' | 'end_time' | 'duration' | 'user' | 'source' | 'commit' | 'run_id' | 'parent';

export interface Column {
  /** Stable id: `<kind>:<key>`, e.g. `metric:loss`, `attr:start_time`. */
  id: string;
  kind: ColumnKind;
  key: string;
  /** Header text (the key itself for params, metrics and tags: the group shows the kind). */
  label: string;
  numeric: boolean;
}

export interface ColumnPrefs {
  /** Column ids in the order the user arranged them; others follow in their natural order. */
  order: string[];
  /** Column ids the user hid. */
  hidden: string[];
  /** Column ids the user showed that are hidden by default (min/max, tags, some attributes). */
  shown: string[];
}

export const EMPTY_PREFS: ColumnPrefs = { order: [], hidden: [], shown: [] };

export const PARENT_RUN_TAG = 'mlflow.parentRunId';
const SOURCE_TAG = 'mlflow.source.name';
const COMMIT_TAG = 'mlflow.source.git.commit';
const USER_TAG = 'mlflow.user';

const ATTRIBUTES: Array<{ key: AttrKey; label: string; numeric: boolean; hidden?: boolean }> = [
  { key: 'name', label: 'Run Name', numeric: false },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'start_time', label: 'Created', numeric: true },
  { key: 'duration', label: 'Duration', numeric: true },
  { key: 'user', label: 'User', numeric: false },
  { key: 'source', label: 'Source', numeric: false },
  { key: 'commit', label: 'Git Commit', numeric: false, hidden: true },
  { key: 'end_time', label: 'Ended', numeric: true, hidden: true },
  { key: 'run_id', label: 'Run ID', numeric: false, hidden: true },
  { key: 'parent', label: 'Parent Run', numeric: false, hidden: true },
];

/** The name column is the row's handle (selection, nesting, link): always shown, always first. */
export const NAME_COLUMN = 'attr:name';

const KIND_ORDER: ColumnKind[] = ['attr', 'metric', 'metricMin', 'metricMax', 'param', 'tag'];

export function columnId(kind: ColumnKind, key: string): string {
  return `${kind}:${key}`;
}

/** Hidden until the user asks: min/max variants, tags, and the less used attributes. */
export function hiddenByDefault(c: Column): boolean {
  if (c.kind === 'metricMin' || c.kind === 'metricMax' || c.kind === 'tag') return true;
  if (c.kind === 'attr') return ATTRIBUTES.find((a) => a.key === c.key)?.hidden === true;
  return false;
}

/** Every column the runs offer, in natural order: attributes, metrics (latest, min, max), params, tags. */
export function availableColumns(runs: readonly Run[]): Column[] {
  const keys = (list: (r: Run) => Array<{ key: string }> | undefined): string[] => runs.flatMap((r) => (list(r) ?? []).map((x) => x.key));
  return columnsForKeys({ metrics: keys((r) => r.data.metrics), params: keys((r) => r.data.params), tags: keys((r) => r.data.tags) });
}

/** The columns for these metric, param and tag keys (repeats allowed), in natural order. */
export function columnsForKeys(keys: { metrics: Iterable<string>; params: Iterable<string>; tags: Iterable<string> }): Column[] {
  const params = new Set(keys.params);
  const metrics = new Set(keys.metrics);
  const tags = new Set(keys.tags);
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Column[] = ATTRIBUTES.map((a) => ({ id: columnId('attr', a.key), kind: 'attr', key: a.key, label: a.label, numeric: a.numeric }));
  const metricKeys = sorted(metrics);
  for (const k of metricKeys) out.push({ id: columnId('metric', k), kind: 'metric', key: k, label: k, numeric: true });
  for (const k of metricKeys) out.push({ id: columnId('metricMin', k), kind: 'metricMin', key: k, label: `${k} (min)`, numeric: true });
  for (const k of metricKeys) out.push({ id: columnId('metricMax', k), kind: 'metricMax', key: k, label: `${k} (max)`, numeric: true });
  for (const k of sorted(params)) out.push({ id: columnId('param', k), kind: 'param', key: k, label: k, numeric: false });
  for (const k of sorted(tags)) out.push({ id: columnId('tag', k), kind: 'tag', key: k, label: k, numeric: false });
  return out;
}

/**
 * The shown columns in display order: name first; then the user's order; columns the user never placed keep
 * their natural position after those. Hidden-by-default columns need an explicit show.
 */
export function visibleColumns(all: readonly Column[], prefs: ColumnPrefs): Column[] {
  const hidden = new Set(prefs.hidden);
  const shown = new Set(prefs.shown);
  const rank = new Map(prefs.order.map((id, i) => [id, i]));
  const natural = new Map(all.map((c, i) => [c.id, i]));
  const visible = all.filter((c) => c.id === NAME_COLUMN || (!hidden.has(c.id) && (!hiddenByDefault(c) || shown.has(c.id))));
  return visible.sort((a, b) => {
    if (a.id === NAME_COLUMN) return -1;
    if (b.id === NAME_COLUMN) return 1;
    const ra = rank.get(a.id);
    const rb = rank.get(b.id);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return natural.get(a.id)! - natural.get(b.id)!;
  });
}

/** Applies a user's arrangement from the column chooser: exactly these shown, in this order. */
export function prefsFor(all: readonly Column[], shownInOrder: readonly string[]): ColumnPrefs {
  const want = new Set(shownInOrder);
  const hidden: string[] = [];
  const shown: string[] = [];
  for (const c of all) {
    if (c.id === NAME_COLUMN) continue;
    if (!want.has(c.id) && !hiddenByDefault(c)) hidden.push(c.id);
    if (want.has(c.id) && hiddenByDefault(c)) shown.push(c.id);
  }
  return { order: shownInOrder.filter((id) => id !== NAME_COLUMN), hidden, shown };
}

/** Validates prefs read back from storage (they may be from an older version or hand-edited). */
export function sanitisePrefs(value: unknown): ColumnPrefs {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 10_000) : []);
  if (!value || typeof value !== 'object') return EMPTY_PREFS;
  const v = value as Record<string, unknown>;
  return { order: list(v.order), hidden: list(v.hidden), shown: list(v.shown) };
}

export function kindRank(kind: ColumnKind): number {
  return KIND_ORDER.indexOf(kind);
}

// ---- cell values ----------------------------------------------------------------------------------------------

/** Per run, what min/max columns read (filled lazily: they cost a query per run). */
export type MetricRanges = ReadonlyMap<string, ReadonlyMap<string, { min?: number; max?: number }>>;

export type CellValue = string | number | undefined;

const tagOf = (run: RunView, key: string): string | undefined => run.tag(key);

/** The value a cell sorts and filters by; undefined when the run lacks it. */
export function cellValue(run: RunView, c: Column, ranges?: MetricRanges, now = Date.now()): CellValue {
  switch (c.kind) {
    case 'param':
      return run.param(c.key);
    case 'tag':
      return run.tag(c.key);
    case 'metric':
      return run.metric(c.key);
    case 'metricMin':
      return ranges?.get(run.info.run_id)?.get(c.key)?.min;
    case 'metricMax':
      return ranges?.get(run.info.run_id)?.get(c.key)?.max;
    case 'attr':
      return attrValue(run, c.key as AttrKey, now);
  }
}

function attrValue(run: RunView, key: AttrKey, now: number): CellValue {
  const i = run.info;
  switch (key) {
    case 'name':
      return i.run_name || i.run_id;
    case 'status':
      return i.status;
    case 'start_time':
      return i.start_time;
    case 'end_time':
      return i.end_time;
    case 'duration': {
      if (i.start_time === undefined) return undefined;
      const end = i.end_time ?? (i.status === 'RUNNING' ? now : undefined);
      return end === undefined ? undefined : end - i.start_time;
    }
    case 'user':
      return tagOf(run, USER_TAG) || i.user_id || undefined;
    case 'source':
      return tagOf(run, SOURCE_TAG);
    case 'commit':
      return tagOf(run, COMMIT_TAG);
    case 'run_id':
      return i.run_id;
    case 'parent':
      return tagOf(run, PARENT_RUN_TAG);
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Local date and time, "2024-05-01 13:04:05": sortable as text and unambiguous. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The text a cell shows. */
export function cellText(c: Column, v: CellValue): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (c.kind === 'attr') {
    if (c.key === 'start_time' || c.key === 'end_time') return formatTime(v);
    if (c.key === 'duration') return duration(v);
  }
  return metricValue(v);
}

/** The exact value for exports: numbers in full precision, times as ISO 8601. */
export function cellExport(c: Column, v: CellValue): string | number | undefined {
  if (typeof v === 'number' && c.kind === 'attr' && (c.key === 'start_time' || c.key === 'end_time')) return new Date(v).toISOString();
  return v;
}
