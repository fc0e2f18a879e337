// Glue: metric charts of a set of runs in an editor tab. The webview asks for each chart's view (range and
// bucket count); the host answers from the SeriesCache, shared by every charts panel on the same client so a
// second panel on the same runs opens warm. Running runs are followed while the panel is visible.
import * as vscode from 'vscode';
import type { Run } from '../tracking/rest/types';
import { PanelHost } from '../panels/panelHost';
import { describeError, saveFile, type PanelDeps, type SessionRef } from '../panels/panelContext';
import { safeFileName } from '../panels/html';
import type { Openers } from '../panels/openers';
import { toCsv } from '../panels/csv';
import { parseChartRequest, type ChartRequest, type ChartRun, type ChartUpdate, type SeriesData } from './messages';
import { seriesCacheFor, toSeriesData } from './seriesCache';

const LIVE_MS = 2000;
/** While a chart's answer takes longer than this, the runs read so far are posted ahead. */
const PARTIAL_MS = 150;

export class ChartsPanel {
  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, runIds: string[]): ChartsPanel {
    return new ChartsPanel(context, deps, openers, session, runIds);
  }

  readonly host: PanelHost<ChartUpdate, ChartRequest>;
  private runs: Run[] = [];
  private loaded: Promise<void>;
  private loadError: string | undefined;
  /** Metric keys the webview has asked for (those it shows): the live tail refreshes only these. */
  private readonly shownKeys = new Set<string>();

  private constructor(
    context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly runIds: string[],
  ) {
    this.host = new PanelHost<ChartUpdate, ChartRequest>({
      viewType: 'mlflowWorkbench.charts',
      title: `Charts: ${runIds.length} run${runIds.length === 1 ? '' : 's'}`,
      bundle: 'charts',
      extensionUri: context.extensionUri,
      parse: parseChartRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
    this.loaded = this.loadRuns();
    this.host.every(LIVE_MS, () => this.liveTick());
  }

  private async loadRuns(): Promise<void> {
    const client = this.session.client();
    const runs: Run[] = [];
    const failures: string[] = [];
    for (const id of this.runIds) {
      try {
        runs.push(await client.getRun(id));
      } catch (err) {
        failures.push(`${id}: ${describeError(err)}`);
      }
    }
    this.runs = runs;
    this.loadError = failures.length ? `Some runs could not be read:\n${failures.join('\n')}` : undefined;
    if (runs.length === 1) this.host.title = `Charts: ${runs[0].info.run_name || runs[0].info.run_id}`;
  }

  private chartRuns(): ChartRun[] {
    return this.runs.map((r, index) => ({ id: r.info.run_id, name: r.info.run_name || r.info.run_id, status: r.info.status, index }));
  }

  private keys(): string[] {
    const keys = new Set<string>();
    for (const r of this.runs) for (const m of r.data.metrics ?? []) keys.add(m.key);
    return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private async liveTick(): Promise<void> {
    await this.loaded;
    const live = this.runs.filter((r) => r.info.status === 'RUNNING' || r.info.status === 'SCHEDULED');
    if (live.length === 0) return;
    const client = this.session.client();
    const cache = seriesCacheFor(client);
    const changedKeys = new Set<string>();
    let statusChanged = false;
    const keysBefore = this.keys().join('\n');
    for (const old of live) {
      const run = await client.getRun(old.info.run_id);
      this.runs[this.runs.indexOf(old)] = run;
      if (run.info.status !== old.info.status) statusChanged = true;
      for (const key of this.shownKeys) if (await cache.refresh(run, key)) changedKeys.add(key);
    }
    if (statusChanged || keysBefore !== this.keys().join('\n')) this.postInit();
    if (changedKeys.size) this.host.post({ type: 'changed', keys: [...changedKeys] });
  }

  private postInit(): void {
    this.host.post({ type: 'init', title: this.host.panel.title, runs: this.chartRuns(), keys: this.keys(), error: this.loadError });
  }

  private async handle(m: ChartRequest): Promise<void> {
    await this.loaded;
    switch (m.type) {
      case 'ready':
        this.postInit();
        return;
      case 'view': {
        this.shownKeys.add(m.key);
        const cache = seriesCacheFor(this.session.client());
        const wanted = new Set(m.runIds);
        const series: SeriesData[] = [];
        const errors: string[] = [];
        const started = Date.now();
        let posted = started;
        for (const run of this.runs) {
          if (!wanted.has(run.info.run_id) || !run.data.metrics?.some((x) => x.key === m.key)) continue;
          try {
            series.push(toSeriesData(await cache.view(run, m.key, m.mode, m.buckets, m.range), m.mode !== 'step'));
          } catch (err) {
            errors.push(`${run.info.run_name}: ${describeError(err)}`);
          }
          // A cold read of long histories takes a while per run: show the lines read so far meanwhile.
          if (Date.now() - posted > PARTIAL_MS) {
            posted = Date.now();
            this.host.post({ type: 'series', requestId: m.requestId, key: m.key, series: [...series], partial: true });
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        this.host.post({ type: 'series', requestId: m.requestId, key: m.key, series, error: errors.length ? errors.join('\n') : undefined });
        return;
      }
      case 'exportCsv': {
        const cache = seriesCacheFor(this.session.client());
        const wanted = new Set(m.runIds);
        const rows: Array<Array<string | number>> = [];
        for (const run of this.runs) {
          if (!wanted.has(run.info.run_id) || !run.data.metrics?.some((x) => x.key === m.key)) continue;
          const p = await cache.points(run, m.key, m.mode, m.range);
          for (let i = 0; i < p.step.length; i++) rows.push([run.info.run_id, run.info.run_name, m.key, p.step[i], p.timestamp[i], p.value[i]]);
        }
        await saveFile(`${safeFileName(m.key, 'metric')}.csv`, toCsv(['run_id', 'run_name', 'key', 'step', 'timestamp', 'value'], rows), { CSV: ['csv'] });
        return;
      }
      case 'exportPng': {
        const bytes = Buffer.from(m.dataUrl.slice('data:image/png;base64,'.length), 'base64');
        await saveFile(`${safeFileName(m.key, 'metric')}.png`, bytes, { PNG: ['png'] });
        return;
      }
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
      case 'painted':
        this.deps.log.info(`charts: first paint ${m.ms.toFixed(0)} ms after the webview started`);
        return;
    }
  }
}
