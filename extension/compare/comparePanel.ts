// Glue: compare two or more runs in an editor tab. Reads the runs and their metric summaries (min/max) and
// hands them to the webview, which lays out the table and the plots.
import * as vscode from 'vscode';
import { PanelHost } from '../panels/panelHost';
import { describeError, type PanelDeps, type SessionRef } from '../panels/panelContext';
import type { Openers } from '../panels/openers';
import { compareRun, type CompareRun } from './compareModel';
import { parseCompareRequest, transportable, type CompareRequest, type CompareUpdate } from './messages';

export class ComparePanel {
  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, runIds: string[]): ComparePanel {
    return new ComparePanel(context, deps, openers, session, runIds);
  }

  readonly host: PanelHost<CompareUpdate, CompareRequest>;

  private constructor(
    context: vscode.ExtensionContext,
    deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly runIds: string[],
  ) {
    this.host = new PanelHost<CompareUpdate, CompareRequest>({
      viewType: 'mlflowWorkbench.compare',
      title: `Compare ${runIds.length} runs`,
      bundle: 'compare',
      extensionUri: context.extensionUri,
      parse: parseCompareRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
  }

  private async data(): Promise<CompareUpdate> {
    const client = this.session.client();
    const runs: CompareRun[] = [];
    const failures: string[] = [];
    for (const [index, id] of this.runIds.entries()) {
      try {
        const run = await client.getRun(id);
        const summaries = await client.metricSummaries(run).catch(() => undefined);
        const c = compareRun(run, index, summaries);
        for (const k of Object.keys(c.values)) c.values[k] = transportable(c.values[k]);
        runs.push(c);
      } catch (err) {
        failures.push(`${id}: ${describeError(err)}`);
      }
    }
    return { type: 'data', title: `Compare ${runs.length} runs`, runs, error: failures.length ? `Some runs could not be read:\n${failures.join('\n')}` : undefined };
  }

  private async handle(m: CompareRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'refresh':
        this.host.post(await this.data());
        return;
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
    }
  }
}
