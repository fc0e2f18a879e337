// Glue: one run in an editor tab — facts, params, metrics with sparklines, tags, the note (rendered, editable)
// and an artifact browser with previews. Follows the run while it is running.
import * as vscode from 'vscode';
import type { Run } from '../tracking/rest/types';
import { runModelsFilter, type TrackingClient } from '../client/trackingClient';
import { loggedModelArtifactUri, openArtifact } from '../runs/artifactDocuments';
import { seriesCacheFor } from '../charts/seriesCache';
import { PanelHost } from '../panels/panelHost';
import { describeError, type PanelDeps, type SessionRef } from '../panels/panelContext';
import type { Openers } from '../panels/openers';
import { OpenPanels } from '../panels/openPanels';
import { buildPreview, previewKind, readLimit } from './artifactPreview';
import { safeHref } from './markdown';
import { MAX_NOTE, parseRunPageRequest, type RunPageRequest, type RunPageUpdate } from './messages';
import type { RunPageLoggedModel } from './messages';
import { NOTE_TAG, runPageData, runPageLoggedModel } from './runPageModel';

/** Logged models listed with their artifacts; a run producing more is rare (each listing is a request). */
const MAX_MODELS = 50;

const LIVE_MS = 3000;

export class RunPagePanel {
  private static readonly open = new OpenPanels<RunPagePanel>();

  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, runId: string): RunPagePanel {
    return RunPagePanel.open.revealOrCreate(`${session.key}|${runId}`, () => new RunPagePanel(context, deps, openers, session, runId));
  }

  readonly host: PanelHost<RunPageUpdate, RunPageRequest>;
  private run: Run | undefined;
  private lastJson = '';

  private constructor(
    context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly runId: string,
  ) {
    this.host = new PanelHost<RunPageUpdate, RunPageRequest>({
      viewType: 'mlflowWorkbench.runPage',
      title: `Run ${runId.slice(0, 8)}`,
      bundle: 'runPage',
      extensionUri: context.extensionUri,
      parse: parseRunPageRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
    this.host.every(LIVE_MS, async () => {
      if (this.run?.info.status === 'RUNNING' || this.run?.info.status === 'SCHEDULED') await this.postRun(false);
    });
  }

  private async postRun(always: boolean): Promise<void> {
    const client = this.session.client();
    try {
      const run = await client.getRun(this.runId);
      const [summaries, experiment, models] = await Promise.all([
        client.metricSummaries(run).catch(() => undefined),
        client.getExperiment(run.info.experiment_id).catch(() => undefined),
        this.loggedModels(client, run),
      ]);
      this.run = run;
      this.host.title = `Run: ${run.info.run_name || run.info.run_id}`;
      const data = runPageData(run, summaries, experiment?.name, models);
      const json = JSON.stringify(data);
      if (!always && json === this.lastJson) return;
      this.lastJson = json;
      this.host.post({ type: 'run', run: data, now: Date.now() });
    } catch (err) {
      this.host.post({ type: 'run', error: describeError(err), now: Date.now() });
    }
  }

  /** The logged models this run produced (MLflow 3), each with its top-level artifacts; none on a 2.x server. */
  private async loggedModels(client: TrackingClient, run: Run): Promise<RunPageLoggedModel[]> {
    try {
      const page = await client.searchLoggedModels({ experimentIds: [run.info.experiment_id], filter: runModelsFilter(run.info.run_id), maxResults: MAX_MODELS });
      return await Promise.all(
        page.items.map(async (model) => {
          const row = runPageLoggedModel(model);
          try {
            row.artifacts = await client.listLoggedModelArtifacts(model);
          } catch (err) {
            row.artifactsError = describeError(err);
          }
          return row;
        }),
      );
    } catch {
      return []; // the section is an extra: a failing search leaves the rest of the page as it is
    }
  }

  private async handle(m: RunPageRequest): Promise<void> {
    const client = this.session.client();
    switch (m.type) {
      case 'ready':
        await this.postRun(true);
        return;
      case 'sparklines': {
        if (!this.run) return;
        const cache = seriesCacheFor(client);
        const series: Record<string, { x: number[]; y: number[] }> = {};
        for (const key of m.keys) {
          if (!this.run.data.metrics?.some((x) => x.key === key)) continue;
          try {
            const v = await cache.view(this.run, key, 'step', m.buckets);
            series[key] = { x: v.x, y: v.y };
          } catch {
            /* a sparkline is decoration: leave it out */
          }
        }
        this.host.post({ type: 'sparklines', series });
        return;
      }
      case 'listArtifacts':
        try {
          this.host.post({ type: 'artifacts', path: m.path, files: await client.listArtifacts(this.runId, m.path || undefined) });
        } catch (err) {
          this.host.post({ type: 'artifacts', path: m.path, files: [], error: describeError(err) });
        }
        return;
      case 'preview': {
        const kind = previewKind(m.path);
        if (readLimit(kind) === undefined) {
          this.host.post({ type: 'preview', path: m.path, preview: { kind: 'binary', size: -1 } });
          return;
        }
        try {
          this.host.post({ type: 'preview', path: m.path, preview: buildPreview(m.path, await client.readArtifact(this.runId, m.path)) });
        } catch (err) {
          this.host.post({ type: 'preview', path: m.path, error: describeError(err) });
        }
        return;
      }
      case 'openArtifact':
        if (this.run) await openArtifact(this.session.key, client, this.run, m.path);
        return;
      case 'saveNote': {
        if (m.text.length > MAX_NOTE) {
          this.host.post({ type: 'noteSaved', error: `A note holds at most ${MAX_NOTE} characters (this one has ${m.text.length}).` });
          return;
        }
        try {
          await client.setRunTag(this.runId, NOTE_TAG, m.text);
          this.host.post({ type: 'noteSaved' });
          await this.postRun(true);
          await this.deps.refreshNow?.();
        } catch (err) {
          this.host.post({ type: 'noteSaved', error: describeError(err) });
        }
        return;
      }
      case 'openLink': {
        // Only web and mail links leave VS Code; the webview never navigates itself.
        const href = safeHref(m.url);
        if (href) await vscode.env.openExternal(vscode.Uri.parse(href));
        return;
      }
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
      case 'openCharts':
        this.openers.charts(this.session, [this.runId]);
        return;
      case 'openExperiment':
        if (this.run) this.openers.runsTable(this.session, this.run.info.experiment_id);
        return;
      case 'openModelVersion':
        this.openers.modelPage(this.session, m.name);
        return;
      case 'openModelArtifact':
        await vscode.commands.executeCommand('vscode.open', loggedModelArtifactUri(this.session.key, m.modelId, m.path), { preview: true });
        return;
    }
  }
}
