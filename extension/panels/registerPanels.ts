// Registers the editor-tab panels (runs table, metric charts, compare, run page, registered-model page) and
// their commands. Commands accept tree nodes (context menus, multi-selection), plain `{ session, … }` objects
// (other panels, tests), or nothing (the command palette: then they ask).
import * as vscode from 'vscode';
import type { TrackingClient } from '../client/trackingClient';
import { ChartsPanel } from '../charts/chartsPanel';
import { ComparePanel } from '../compare/comparePanel';
import { ModelPagePanel } from '../modelPage/modelPagePanel';
import { RunPagePanel } from '../runPage/runPagePanel';
import { RunsTablePanel } from '../runsTable/runsTablePanel';
import { TraceViewPanel } from '../traceView/traceViewPanel';
import { describeError, sessionRef, type PanelDeps, type SessionRef } from './panelContext';
import type { Openers } from './openers';
import { registerPanelSerializers, restorableOpeners } from './panelRestore';

export type { PanelDeps } from './panelContext';

interface Loose {
  kind?: unknown;
  session?: unknown;
  experiment?: { experiment_id?: unknown };
  experimentId?: unknown;
  run?: { info?: { run_id?: unknown } };
  runId?: unknown;
  runIds?: unknown;
  model?: { name?: unknown; info?: { model_id?: unknown } };
  modelId?: unknown;
  trace?: { trace_id?: unknown };
  traceId?: unknown;
  version?: { name?: unknown; run_id?: unknown };
  name?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function runIdOf(a: Loose | undefined): string | undefined {
  return str(a?.run?.info?.run_id) ?? str(a?.runId) ?? (a?.kind === 'sourceRun' ? str(a.version?.run_id) : undefined);
}

/** Run ids from a command's arguments: (clicked node, all selected nodes) from a tree, or `{ session, runIds }`. */
function runIdsOf(args: unknown[]): { session?: string; ids: string[] } {
  const [first, many] = args as [Loose | undefined, Loose[] | undefined];
  if (Array.isArray(first?.runIds)) return { session: str(first?.session), ids: first.runIds.filter((x): x is string => typeof x === 'string') };
  const picked = Array.isArray(many) && many.length ? many : first ? [first] : [];
  // A panel reads one store: runs of the first node's workspace folder only.
  const session = str(picked[0]?.session);
  const ids = picked.filter((n) => str(n?.session) === session).map(runIdOf).filter((x): x is string => !!x);
  return { session, ids: [...new Set(ids)] };
}

export function registerPanels(context: vscode.ExtensionContext, deps: PanelDeps): vscode.Disposable[] {
  // Every panel opened through these (commands, other panels, the serializers) comes back after a reload.
  const openers: Openers = restorableOpeners({
    runsTable: (s, experimentId) => RunsTablePanel.show(context, deps, openers, s, experimentId),
    charts: (s, runIds) => ChartsPanel.show(context, deps, openers, s, runIds),
    compare: (s, runIds) => ComparePanel.show(context, deps, openers, s, runIds),
    runPage: (s, runId) => RunPagePanel.show(context, deps, openers, s, runId),
    modelPage: (s, name) => ModelPagePanel.show(context, deps, openers, s, name),
    traceView: (s, traceId) => TraceViewPanel.show(context, deps, openers, s, traceId),
  });

  /** The session a command acts on: the node's, the only one, or the user's pick. */
  async function session(key?: string): Promise<SessionRef | undefined> {
    if (key) return sessionRef(deps, key);
    const all = deps.sessions.list().filter((s) => s.session.client);
    if (all.length === 0) {
      void vscode.window.showWarningMessage('No MLflow tracking store is available: open a folder (or set a remote tracking server).');
      return undefined;
    }
    if (all.length === 1) return sessionRef(deps, all[0].key);
    const pick = await vscode.window.showQuickPick(all.map((s) => ({ label: s.name, key: s.key })), { placeHolder: 'Workspace folder' });
    return pick && sessionRef(deps, pick.key);
  }

  async function pickExperiment(client: TrackingClient): Promise<string | undefined> {
    const page = await client.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 1000 });
    const pick = await vscode.window.showQuickPick(
      page.items.map((e) => ({ label: e.name, description: `id ${e.experiment_id}`, id: e.experiment_id })),
      { placeHolder: 'Experiment' },
    );
    return pick?.id;
  }

  async function pickRuns(client: TrackingClient, many: boolean): Promise<string[]> {
    const experimentId = await pickExperiment(client);
    if (!experimentId) return [];
    const page = await client.searchRuns({ experimentIds: [experimentId], viewType: 'ACTIVE_ONLY', maxResults: 1000 });
    const items = page.items.map((r) => ({ label: r.info.run_name || r.info.run_id, description: r.info.status, detail: r.info.run_id, id: r.info.run_id }));
    if (many) return ((await vscode.window.showQuickPick(items, { placeHolder: 'Runs', canPickMany: true })) ?? []).map((p) => p.id);
    const one = await vscode.window.showQuickPick(items, { placeHolder: 'Run' });
    return one ? [one.id] : [];
  }

  const guard = (what: string, fn: (...args: unknown[]) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      try {
        await fn(...args);
      } catch (err) {
        const message = describeError(err);
        deps.log.warn(`${what}: ${message}`);
        void vscode.window.showErrorMessage(`${what} failed: ${message}`);
      }
    };

  const reg = vscode.commands.registerCommand;
  return [
    ...registerPanelSerializers(deps, openers),
    reg(
      'mlflowWorkbench.openRunsTable',
      guard('Opening the runs table', async (arg?: unknown) => {
        const a = arg as Loose | undefined;
        const s = await session(str(a?.session));
        if (!s) return;
        const id = str(a?.experiment?.experiment_id) ?? str(a?.experimentId) ?? (await pickExperiment(s.client()));
        if (id) openers.runsTable(s, id);
      }),
    ),
    reg(
      'mlflowWorkbench.openMetricCharts',
      guard('Opening metric charts', async (...args: unknown[]) => {
        const { session: key, ids } = runIdsOf(args);
        const s = await session(key);
        if (!s) return;
        const runIds = ids.length ? ids : await pickRuns(s.client(), true);
        if (runIds.length) openers.charts(s, runIds);
      }),
    ),
    reg(
      'mlflowWorkbench.compareRuns',
      guard('Comparing runs', async (...args: unknown[]) => {
        const { session: key, ids } = runIdsOf(args);
        const s = await session(key);
        if (!s) return;
        const runIds = ids.length >= 2 ? ids : await pickRuns(s.client(), true);
        if (runIds.length >= 2) openers.compare(s, runIds);
        else if (runIds.length) void vscode.window.showInformationMessage('Pick at least two runs to compare.');
      }),
    ),
    reg(
      'mlflowWorkbench.openRunPage',
      guard('Opening the run', async (arg?: unknown) => {
        const a = arg as Loose | undefined;
        const s = await session(str(a?.session));
        if (!s) return;
        const id = runIdOf(a) ?? (await pickRuns(s.client(), false))[0];
        if (id) openers.runPage(s, id);
      }),
    ),
    reg(
      'mlflowWorkbench.openModelPage',
      guard('Opening the registered model', async (arg?: unknown) => {
        const a = arg as Loose | undefined;
        const s = await session(str(a?.session));
        if (!s) return;
        let name = str(a?.model?.name) ?? str(a?.version?.name) ?? str(a?.name);
        if (!name) {
          const page = await s.client().registry.searchRegisteredModels({ maxResults: 1000 });
          name = (await vscode.window.showQuickPick(page.items.map((m) => m.name), { placeHolder: 'Registered model' })) ?? undefined;
        }
        if (name) openers.modelPage(s, name);
      }),
    ),
    reg(
      'mlflowWorkbench.openTrace',
      guard('Opening the trace', async (arg?: unknown) => {
        const a = arg as Loose | undefined;
        const s = await session(str(a?.session));
        if (!s) return;
        let id = str(a?.trace?.trace_id) ?? str(a?.traceId);
        if (!id) {
          const experimentId = await pickExperiment(s.client());
          if (!experimentId) return;
          const page = await s.client().searchTraces({ experimentId, maxResults: 200 });
          const pick = await vscode.window.showQuickPick(
            page.items.map((t) => ({ label: t.tags?.['mlflow.traceName'] || t.trace_id, description: `${t.state} · ${t.request_time}`, detail: t.trace_id, id: t.trace_id })),
            { placeHolder: page.items.length ? 'Trace' : 'This experiment has no traces' },
          );
          id = pick?.id;
        }
        if (id) openers.traceView(s, id);
      }),
    ),
    reg(
      'mlflowWorkbench.openLoggedModel',
      guard('Opening the logged model', async (arg?: unknown) => {
        const a = arg as Loose | undefined;
        const s = await session(str(a?.session));
        if (!s) return;
        let id = str(a?.model?.info?.model_id) ?? str(a?.modelId);
        if (!id) {
          const experimentId = await pickExperiment(s.client());
          if (!experimentId) return;
          const page = await s.client().searchLoggedModels({ experimentIds: [experimentId], maxResults: 200 });
          const pick = await vscode.window.showQuickPick(
            page.items.map((m) => ({ label: m.info.name, description: m.info.status.replace(/^LOGGED_MODEL_/, '').toLowerCase(), detail: m.info.model_id, id: m.info.model_id })),
            { placeHolder: page.items.length ? 'Logged model' : 'This experiment has no logged models' },
          );
          id = pick?.id;
        }
        if (!id) return;
        // A logged model is shown where it was produced: its run's page lists it with params, metrics,
        // artifacts and registered versions. One logged without a run opens as its JSON.
        const model = await s.client().getLoggedModel(id);
        if (model.info.source_run_id) {
          openers.runPage(s, model.info.source_run_id);
          return;
        }
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(model, null, 2) });
        await vscode.window.showTextDocument(doc, { preview: true });
      }),
    ),
  ];
}
