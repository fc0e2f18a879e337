// The runs the table holds, column by column (RunColumns: one sparse array per key), and the one way the
// filter and the cells read a run (RunView). Sorting ten thousand runs reads one array; no object per value.
// Pure.
import type { DatasetInput, Run, RunInfo } from '../tracking/rest/types';
import { emptyRunColumns, runColumnsOf, type RunColumns } from '../tracking/store/runColumns';

/** What the filter and the cells read of one run. */
export interface RunView {
  readonly info: RunInfo;
  metric(key: string): number | undefined;
  param(key: string): string | undefined;
  tag(key: string): string | undefined;
  datasetInputs(): readonly DatasetInput[];
}

const valueOf = (pairs: ReadonlyArray<{ key: string; value: string }> | undefined, key: string): string | undefined => pairs?.find((p) => p.key === key)?.value;

/** A view of a REST run (tests, single runs). */
export function viewOfRun(run: Run): RunView {
  return {
    info: run.info,
    metric: (key) => {
      const m = run.data.metrics?.find((x) => x.key === key);
      return m === undefined ? undefined : Number(m.value);
    },
    param: (key) => valueOf(run.data.params, key),
    tag: (key) => valueOf(run.data.tags, key),
    datasetInputs: () => run.inputs?.dataset_inputs ?? [],
  };
}

class RowView implements RunView {
  constructor(
    private readonly cols: RunColumns,
    public i: number,
  ) {}

  get info(): RunInfo {
    return this.cols.infos[this.i];
  }

  metric(key: string): number | undefined {
    return this.cols.metrics.get(key)?.[this.i];
  }

  param(key: string): string | undefined {
    return this.cols.params.get(key)?.[this.i];
  }

  tag(key: string): string | undefined {
    return this.cols.tags.get(key)?.[this.i];
  }

  datasetInputs(): readonly DatasetInput[] {
    return this.cols.datasets.get(this.i) ?? [];
  }
}

export class RunRows {
  private readonly index = new Map<string, number>();
  private readonly cursor: RowView;

  constructor(private readonly cols: RunColumns = emptyRunColumns()) {
    cols.infos.forEach((info, i) => this.index.set(info.run_id, i));
    this.cursor = new RowView(cols, 0);
  }

  static ofRuns(runs: readonly Run[]): RunRows {
    return new RunRows(runColumnsOf(runs));
  }

  get count(): number {
    return this.cols.infos.length;
  }

  info(i: number): RunInfo {
    return this.cols.infos[i];
  }

  id(i: number): string {
    return this.cols.infos[i].run_id;
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  /** Row i through a shared cursor: valid until the next call of `at` (loops over every row). */
  at(i: number): RunView {
    this.cursor.i = i;
    return this.cursor;
  }

  /** Row i as a view of its own. */
  view(i: number): RunView {
    return new RowView(this.cols, i);
  }

  tag(i: number, key: string): string | undefined {
    return this.cols.tags.get(key)?.[i];
  }

  keys(): { metrics: Iterable<string>; params: Iterable<string>; tags: Iterable<string> } {
    // A key whose every value was replaced away by live updates has an all-holes column: not offered.
    const live = <T>(m: Map<string, Array<T | undefined>>): string[] => [...m].filter(([, col]) => col.some((v) => v !== undefined)).map(([k]) => k);
    return { metrics: live(this.cols.metrics), params: live(this.cols.params), tags: live(this.cols.tags) };
  }

  /** Everything the table shows of row i, for change detection. */
  private signature(i: number): string {
    const entries = <T>(m: Map<string, Array<T | undefined>>): Array<[string, T]> => {
      const out: Array<[string, T]> = [];
      for (const [k, col] of m) if (col[i] !== undefined) out.push([k, col[i]]);
      return out;
    };
    return JSON.stringify([this.cols.infos[i], entries(this.cols.metrics).map(([k, v]) => [k, String(v)]), entries(this.cols.params), entries(this.cols.tags), this.cols.datasets.get(i)]);
  }

  /** Adds new runs and replaces known ones; true when anything the table shows changed. */
  upsert(runs: readonly Run[]): boolean {
    let changed = false;
    for (const run of runs) {
      let i = this.index.get(run.info.run_id);
      const before = i === undefined ? undefined : this.signature(i);
      if (i === undefined) {
        i = this.cols.infos.length;
        this.index.set(run.info.run_id, i);
        this.cols.infos.push(run.info);
      } else {
        this.cols.infos[i] = run.info;
        for (const m of [this.cols.metrics, this.cols.params, this.cols.tags] as Array<Map<string, unknown[]>>) for (const col of m.values()) delete col[i];
        this.cols.datasets.delete(i);
      }
      const one = runColumnsOf([run]);
      const put = <T>(into: Map<string, Array<T | undefined>>, from: Map<string, Array<T | undefined>>): void => {
        for (const [k, col] of from) {
          let target = into.get(k);
          if (!target) into.set(k, (target = new Array<T | undefined>(this.cols.infos.length)));
          target[i] = col[0];
        }
      };
      put(this.cols.metrics, one.metrics);
      put(this.cols.params, one.params);
      put(this.cols.tags, one.tags);
      const d = one.datasets.get(0);
      if (d) this.cols.datasets.set(i, d);
      if (before !== this.signature(i)) changed = true;
    }
    return changed;
  }

  /** A REST-shaped run for row i, for APIs that take one (only the info is exact: no metric history facts). */
  infoRun(i: number): Run {
    return { info: this.cols.infos[i], data: {}, inputs: {} };
  }
}
