// Glue: the runs table of one experiment in an editor tab. Loads every run of the experiment into the pure
// RunsTableModel, answers the webview's window requests, keeps column choices per experiment, follows running
// runs, and hands selections to the charts and compare panels.
import * as vscode from 'vscode';
import type { TrackingClient } from '../client/trackingClient';
import type { Run } from '../tracking/rest/types';
import { PanelHost } from '../panels/panelHost';
import { describeError, saveFile, type PanelDeps, type SessionRef } from '../panels/panelContext';
import { safeFileName } from '../panels/html';
import type { Openers } from '../panels/openers';
import { OpenPanels } from '../panels/openPanels';
import { prefsFor, sanitisePrefs, visibleColumns, type Column, type ColumnPrefs } from './columns';
import { parseTableRequest, type ColumnInfo, type TableRequest, type TableUpdate } from './messages';
import { RunsTableModel } from './tableModel';

/**
 * Runs per read for clients without a columnar read (REST): a small first page shows rows at once, later pages
 * are larger; the host yields between pages to keep serving the webview.
 */
const FIRST_PAGE = 300;
const PAGE = 500;
/** While loading, the webview hears about new pages at most this often (each notice re-lays the table out). */
const LOAD_NOTICE_MS = 400;
const LIVE_MS = 3000;
/** Running runs re-read per tick; a larger number of running runs waits for the next full refresh. */
const MAX_LIVE_RUNS = 200;

export class RunsTablePanel {
  private static readonly open = new OpenPanels<RunsTablePanel>();

  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, experimentId: string): RunsTablePanel {
    return RunsTablePanel.open.revealOrCreate(`${session.key}|${experimentId}`, () => new RunsTablePanel(context, deps, openers, session, experimentId));
  }

  readonly host: PanelHost<TableUpdate, TableRequest>;
  private readonly model = new RunsTableModel();
  private prefs: ColumnPrefs;
  private experimentName = '';
  private loading = false;
  private loadError: string | undefined;
  private dirty = false;
  private rangesLoaded = false;
  private readonly prefsKey: string;
  /** Runs as a REST client read them, kept for their metric summaries (its min/max come from histories). */
  private readonly restRuns = new Map<string, Run>();

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly experimentId: string,
  ) {
    this.prefsKey = `mlflowWorkbench.runsTable.columns/${session.key}/${experimentId}`;
    this.prefs = sanitisePrefs(context.workspaceState.get(this.prefsKey));
    this.host = new PanelHost<TableUpdate, TableRequest>({
      viewType: 'mlflowWorkbench.runsTable',
      title: `Runs: experiment ${experimentId}`,
      bundle: 'runsTable',
      extensionUri: context.extensionUri,
      parse: parseTableRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
    this.host.track(
      deps.sessions.onDidWrite((s) => {
        if (s.key === session.key) this.dirty = true;
      }),
    );
    this.host.every(LIVE_MS, () => this.liveTick());
    void this.load();
  }

  private visible(): Column[] {
    return visibleColumns(this.model.columns(), this.prefs);
  }

  private columnInfos(): ColumnInfo[] {
    const shown = this.visible();
    const ids = new Set(shown.map((c) => c.id));
    const info = (c: Column, visible: boolean): ColumnInfo => ({ id: c.id, kind: c.kind, label: c.label, numeric: c.numeric, visible });
    return [...shown.map((c) => info(c, true)), ...this.model.columns().filter((c) => !ids.has(c.id)).map((c) => info(c, false))];
  }

  private postModel(): void {
    this.host.post({
      type: 'model',
      version: this.model.version,
      experimentName: this.experimentName,
      columns: this.columnInfos(),
      rowCount: this.model.rowCount,
      matched: this.model.matched,
      total: this.model.runCount,
      sort: this.model.sort,
      filter: this.model.filter,
      filterError: this.model.filterError,
      selected: this.model.selected.size,
      loading: this.loading,
      error: this.loadError,
    });
  }

  /** Reads every run of the experiment. */
  private async load(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    this.loadError = undefined;
    try {
      const client = this.session.client();
      try {
        const exp = await client.getExperiment(this.experimentId);
        this.experimentName = exp.name;
        this.host.title = `Runs: ${exp.name}`;
      } catch {
        this.experimentName = `experiment ${this.experimentId}`;
      }
      this.restRuns.clear();
      if (client.searchRunColumns) {
        // A store in this process: every run in one columnar read (10,000 runs in a few hundred ms).
        this.model.setColumns(await client.searchRunColumns({ experimentIds: [this.experimentId], viewType: 'ACTIVE_ONLY' }));
      } else await this.loadPages(client);
      this.rangesLoaded = false;
    } catch (err) {
      this.loadError = describeError(err);
    } finally {
      this.loading = false;
    }
    this.postModel();
    await this.loadRangesIfShown();
  }

  /** Other clients page through runs/search, showing each page as it arrives. */
  private async loadPages(client: TrackingClient): Promise<void> {
    const all: Run[] = [];
    let token: string | undefined;
    let noticed = 0;
    do {
      const page = await client.searchRuns({
        experimentIds: [this.experimentId],
        viewType: 'ACTIVE_ONLY',
        maxResults: all.length ? PAGE : FIRST_PAGE,
        pageToken: token,
      });
      all.push(...page.items);
      token = page.next_page_token;
      if (token) {
        if (Date.now() - noticed > LOAD_NOTICE_MS) {
          noticed = Date.now();
          this.model.setRuns([...all]);
          this.postModel();
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    } while (token && !this.host.isDisposed);
    this.model.setRuns(all);
    for (const run of all) this.restRuns.set(run.info.run_id, run);
  }

  /** Min/max columns cost one summary read per run: only when such a column is shown. */
  private async loadRangesIfShown(): Promise<void> {
    if (this.rangesLoaded || !this.visible().some((c) => c.kind === 'metricMin' || c.kind === 'metricMax')) return;
    this.rangesLoaded = true;
    const client = this.session.client();
    const ranges = new Map<string, Map<string, { min?: number; max?: number }>>();
    // A REST client computes ranges from the latest metrics of the run it fetched; the in-process client reads
    // them by run id.
    const runs = this.model.infos().map((info): Run => this.restRuns.get(info.run_id) ?? { info, data: {}, inputs: {} });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < runs.length && !this.host.isDisposed) {
        const run = runs[next++];
        // In-process reads never yield on their own: let the webview and the tracking server in now and then.
        if (next % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
        try {
          const summaries = await client.metricSummaries(run);
          ranges.set(run.info.run_id, new Map(summaries.map((s) => [s.key, { min: s.min, max: s.max }])));
        } catch {
          /* a run deleted meanwhile: its cells stay empty */
        }
      }
    };
    await Promise.all(Array.from({ length: client.rangedMetricReads ? 1 : 8 }, worker));
    this.model.setRanges(ranges);
    this.postModel();
  }

  /** Live updates: re-read running runs and pick up new ones, without reloading ten thousand runs. */
  private async liveTick(): Promise<void> {
    if (this.loading) return;
    const infos = this.model.infos();
    const running = infos.filter((i) => i.status === 'RUNNING' || i.status === 'SCHEDULED');
    // A window that sees every write looks only after one; others (client windows, remote servers) poll.
    if (this.session.pushesWrites() && !this.dirty) return;
    this.dirty = false;
    const client = this.session.client();
    const updated: Run[] = [];
    for (const r of running.slice(0, MAX_LIVE_RUNS)) {
      try {
        updated.push(await client.getRun(r.run_id));
      } catch {
        /* deleted meanwhile */
      }
    }
    const newest = infos.reduce((max, i) => Math.max(max, i.start_time ?? 0), 0);
    const fresh = await client.searchRuns({
      experimentIds: [this.experimentId],
      viewType: 'ACTIVE_ONLY',
      maxResults: 1000,
      filter: `attributes.start_time >= ${newest}`,
    });
    const changed = [...updated, ...fresh.items];
    if (!client.searchRunColumns) for (const run of changed) this.restRuns.set(run.info.run_id, run);
    if (this.model.upsert(changed)) this.postModel();
  }

  private async handle(m: TableRequest): Promise<void> {
    switch (m.type) {
      case 'ready': {
        if (m.state) {
          const error = this.model.setFilter(m.state.filter);
          if (error) this.model.setFilter('');
          this.model.setSort(m.state.sort);
          for (const id of m.state.expanded) this.model.toggleExpanded(id, true);
          this.model.selected.clear();
          for (const id of m.state.selected) this.model.selected.add(id);
        }
        this.postModel();
        return;
      }
      case 'rows':
        this.host.post({ type: 'rows', version: this.model.version, start: m.start, rows: this.model.window(m.start, m.count, this.visible()) });
        return;
      case 'filter': {
        const error = this.model.setFilter(m.text);
        if (error) this.host.post({ type: 'filterError', filter: m.text, error });
        else this.postModel();
        return;
      }
      case 'sort':
        this.model.setSort(m.sort);
        this.postModel();
        return;
      case 'columns':
        this.prefs = prefsFor(this.model.columns(), m.shown);
        await this.context.workspaceState.update(this.prefsKey, this.prefs);
        this.model.version++; // the cells of every row change
        this.postModel();
        await this.loadRangesIfShown();
        return;
      case 'expand':
        this.model.toggleExpanded(m.id, m.expanded);
        this.postModel();
        return;
      case 'select':
        for (const id of m.ids) {
          if (m.selected) this.model.selected.add(id);
          else this.model.selected.delete(id);
        }
        return;
      case 'selectAll': {
        this.model.selected.clear();
        const ids = m.selected ? this.model.matchedIds() : [];
        for (const id of ids) this.model.selected.add(id);
        this.host.post({ type: 'selection', ids });
        return;
      }
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
      case 'openCharts':
      case 'compare': {
        const ids = this.model.matchedIds().filter((id) => this.model.selected.has(id));
        if (ids.length === 0) {
          void vscode.window.showInformationMessage('Select runs in the table first (the checkboxes on the left).');
          return;
        }
        if (m.type === 'openCharts') this.openers.charts(this.session, ids);
        else this.openers.compare(this.session, ids);
        return;
      }
      case 'exportCsv':
        await saveFile(`${safeFileName(this.experimentName, 'runs')}-runs.csv`, this.model.toCsv(this.visible()), { CSV: ['csv'] });
        return;
      case 'refresh':
        await this.load();
        return;
    }
  }
}
