// The runs table as data: every run of an experiment held once, filtered with MLflow's grammar, sorted by any
// column, nested runs grouped under their parents, and served to the webview one window of rows at a time —
// the webview never holds ten thousand rows, so opening, sorting and scrolling stay fast. Pure.
import type { Run, RunInfo, RunStatus } from '../tracking/rest/types';
import { runColumnsOf, type RunColumns } from '../tracking/store/runColumns';
import {
  cellExport, cellText, cellValue, columnsForKeys, NAME_COLUMN, PARENT_RUN_TAG, type CellValue, type Column, type MetricRanges,
} from './columns';
import { RunRows, type RunView } from './runRows';
import { compileFilter, type CompiledFilter } from './runFilter';
import { toCsv } from '../panels/csv';

export interface SortSpec {
  columnId: string;
  ascending: boolean;
}

/** One line of the table as the webview draws it. */
export interface RowData {
  id: string;
  depth: number;
  /** Nested runs under this one that pass the filter. */
  childCount: number;
  expanded: boolean;
  selected: boolean;
  status: RunStatus;
  cells: string[];
}

interface Line {
  run: number;
  depth: number;
  childCount: number;
}

/** Orders cell values: numbers numerically, text by code units, numeric-looking text (params) as numbers. */
export function compareValues(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const na = numericText(a);
    const nb = numericText(b);
    if (na !== undefined && nb !== undefined && na !== nb) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // Mixed: numbers before text.
  return typeof a === 'number' ? -1 : 1;
}

function numericText(s: string): number | undefined {
  if (s === '' || s.length > 40) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && /^[\s+-]*[\d.]/.test(s) ? n : undefined;
}

/** Missing values last and NaN just before them, whichever the direction (as MLflow orders runs). */
function rank(v: CellValue): number {
  if (v === undefined) return 2;
  if (typeof v === 'number' && Number.isNaN(v)) return 1;
  return 0;
}

export class RunsTableModel {
  private rows = new RunRows();
  private allColumns: Column[] = [];
  private columnsDirty = true;
  private filterText = '';
  private filterTest: CompiledFilter | undefined;
  private filterErrorText: string | undefined;
  private sortSpec: SortSpec | undefined;
  private lines: Line[] | undefined;
  private matchedCount = 0;
  private ranges: MetricRanges | undefined;
  readonly expanded = new Set<string>();
  readonly selected = new Set<string>();
  /** Bumped whenever row order or content changes, so the webview drops rows it fetched before. */
  version = 0;

  constructor(private readonly now: () => number = Date.now) {}

  // ---- data ---------------------------------------------------------------------------------------------

  /** Runs as the store's columnar read gives them (the fast open). */
  setColumns(columns: RunColumns): void {
    this.rows = new RunRows(columns);
    for (const id of [...this.selected]) if (this.rows.indexOf(id) === undefined) this.selected.delete(id);
    this.columnsDirty = true;
    this.invalidate();
  }

  setRuns(runs: readonly Run[]): void {
    this.setColumns(runColumnsOf(runs));
  }

  /** Adds new runs and replaces changed ones (live updates), keeping everything else; true when any changed. */
  upsert(runs: readonly Run[]): boolean {
    if (runs.length === 0 || !this.rows.upsert(runs)) return false;
    this.columnsDirty = true;
    this.invalidate();
    return true;
  }

  get runCount(): number {
    return this.rows.count;
  }

  /** One run as the filter and cells read it. */
  run(id: string): RunView | undefined {
    const i = this.rows.indexOf(id);
    return i === undefined ? undefined : this.rows.view(i);
  }

  /** The info of every run held, in load order. */
  infos(): RunInfo[] {
    return Array.from({ length: this.rows.count }, (_, i) => this.rows.info(i));
  }

  /** Min and max per (run, metric), for the min/max columns. */
  setRanges(ranges: MetricRanges): void {
    this.ranges = ranges;
    if (this.sortSpec && /^metric(Min|Max):/.test(this.sortSpec.columnId)) this.invalidate();
    else this.version++;
  }

  columns(): Column[] {
    if (this.columnsDirty) {
      this.allColumns = columnsForKeys(this.rows.keys());
      this.columnsDirty = false;
    }
    return this.allColumns;
  }

  // ---- filter, sort, nesting --------------------------------------------------------------------------

  /** Sets the filter; on a syntax error the previous filter stays applied and the error is returned. */
  setFilter(text: string): string | undefined {
    const compiled = compileFilter(text);
    if (!compiled.ok) {
      this.filterErrorText = compiled.error;
      return compiled.error;
    }
    this.filterText = text;
    this.filterErrorText = undefined;
    this.filterTest = compiled.clauses ? compiled.test : undefined;
    this.invalidate();
    return undefined;
  }

  get filter(): string {
    return this.filterText;
  }

  get filterError(): string | undefined {
    return this.filterErrorText;
  }

  setSort(spec: SortSpec | undefined): void {
    this.sortSpec = spec;
    this.invalidate();
  }

  get sort(): SortSpec | undefined {
    return this.sortSpec;
  }

  toggleExpanded(id: string, expanded?: boolean): void {
    const want = expanded ?? !this.expanded.has(id);
    if (want) this.expanded.add(id);
    else this.expanded.delete(id);
    this.invalidate();
  }

  private invalidate(): void {
    this.lines = undefined;
    this.version++;
  }

  /** Runs passing the filter (nested or not). */
  get matched(): number {
    this.layout();
    return this.matchedCount;
  }

  /** Rows currently shown (collapsed children excluded). */
  get rowCount(): number {
    return this.layout().length;
  }

  /** Ids of every run passing the filter, in table order with all groups expanded (for select-all, export). */
  matchedIds(): string[] {
    return this.orderedMatches().map((l) => this.rows.id(l.run));
  }

  private comparator(indices: readonly number[]): (a: number, b: number) => number {
    const spec = this.sortSpec;
    const column = spec ? this.columns().find((c) => c.id === spec.columnId) : undefined;
    const now = this.now();
    // Default order, and the tie-break of every other: newest first, then run id (MLflow's default).
    const rows = this.rows;
    const starts = new Float64Array(rows.count);
    for (let i = 0; i < rows.count; i++) starts[i] = rows.info(i).start_time ?? -Infinity;
    const tie = (a: number, b: number): number => starts[b] - starts[a] || (rows.id(a) < rows.id(b) ? -1 : 1);
    if (!column || !spec) return tie;
    // Each run's sort key read once, by row index.
    const keys = new Array<CellValue>(rows.count);
    for (const i of indices) keys[i] = cellValue(rows.at(i), column, this.ranges, now);
    const dir = spec.ascending ? 1 : -1;
    return (a, b) => {
      const ka = keys[a];
      const kb = keys[b];
      const ra = rank(ka);
      const rb = rank(kb);
      if (ra !== rb) return ra - rb;
      if (ra !== 0) return tie(a, b);
      return dir * compareValues(ka, kb) || tie(a, b);
    };
  }

  /** Filter, group, sort; `expandAll` ignores collapsed groups. */
  private build(expandAll: boolean): { lines: Line[]; matched: number } {
    const rows = this.rows;
    const matched: number[] = [];
    for (let i = 0; i < rows.count; i++) if (!this.filterTest || this.filterTest(rows.at(i))) matched.push(i);
    const ids = new Set(matched.map((i) => rows.id(i)));
    const children = new Map<string, number[]>();
    const top: number[] = [];
    for (const i of matched) {
      const parent = rows.tag(i, PARENT_RUN_TAG);
      if (parent && parent !== rows.id(i) && ids.has(parent)) {
        let list = children.get(parent);
        if (!list) children.set(parent, (list = []));
        list.push(i);
      } else top.push(i);
    }
    const cmp = this.comparator(matched);
    const lines: Line[] = [];
    const placed = new Set<number>();
    const visit = (i: number, depth: number, show: boolean): void => {
      if (placed.has(i)) return; // a parent cycle: show each run once
      placed.add(i);
      const kids = children.get(rows.id(i)) ?? [];
      if (show) lines.push({ run: i, depth, childCount: kids.length });
      if (kids.length === 0) return;
      const open = show && (expandAll || this.expanded.has(rows.id(i)));
      for (const k of kids.sort(cmp)) visit(k, depth + 1, open);
    };
    for (const i of top.sort(cmp)) visit(i, 0, true);
    // Runs only reachable through a parent cycle have no top: list them at the top level.
    for (const i of matched) if (!placed.has(i)) visit(i, 0, true);
    return { lines, matched: matched.length };
  }

  private layout(): Line[] {
    if (!this.lines) {
      const { lines, matched } = this.build(false);
      this.lines = lines;
      this.matchedCount = matched;
    }
    return this.lines;
  }

  private orderedMatches(): Line[] {
    return this.build(true).lines;
  }

  /** Rows [start, start + count) of the current layout, with the given columns' texts. */
  window(start: number, count: number, columns: readonly Column[]): RowData[] {
    const lines = this.layout();
    const now = this.now();
    const end = Math.min(lines.length, Math.max(0, start) + Math.max(0, count));
    const out: RowData[] = [];
    for (let r = Math.max(0, start); r < end; r++) {
      const line = lines[r];
      const run = this.rows.at(line.run);
      const id = run.info.run_id;
      out.push({
        id,
        depth: line.depth,
        childCount: line.childCount,
        expanded: this.expanded.has(id),
        selected: this.selected.has(id),
        status: run.info.status,
        cells: columns.map((c) => cellText(c, cellValue(run, c, this.ranges, now))),
      });
    }
    return out;
  }

  /** Index of a run's row, or -1 when it is filtered out or inside a collapsed group. */
  rowOf(id: string): number {
    return this.layout().findIndex((l) => this.rows.id(l.run) === id);
  }

  /** The filtered runs (every group expanded) as CSV, shown columns in order, exact values. */
  toCsv(columns: readonly Column[]): string {
    const now = this.now();
    const header = columns.map((c) => (c.kind === 'attr' ? c.label : `${c.kind === 'metricMin' || c.kind === 'metricMax' ? 'metrics' : `${c.kind}s`}.${c.label}`));
    const hasId = columns.some((c) => c.id === 'attr:run_id');
    const rows = this.orderedMatches().map((l) => {
      const run = this.rows.at(l.run);
      const cells = columns.map((c) => cellExport(c, cellValue(run, c, this.ranges, now)));
      return hasId ? cells : [run.info.run_id, ...cells];
    });
    return toCsv(hasId ? header : ['Run ID', ...header], rows);
  }
}

export { NAME_COLUMN };
