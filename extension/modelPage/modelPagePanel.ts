// Glue: one registered model in an editor tab — versions with aliases, stages and tags, editable descriptions,
// links to source runs, each version's signature (read from its MLmodel in the source run), and the audit
// trail. A server without a registry, or without our audit route, degrades to what it has.
import * as vscode from 'vscode';
import { isEndpointMissing } from '../client/clientError';
import type { ModelVersion } from '../client/registryTypes';
import { PanelHost } from '../panels/panelHost';
import { describeError, type PanelDeps, type SessionRef } from '../panels/panelContext';
import type { Openers } from '../panels/openers';
import { OpenPanels } from '../panels/openPanels';
import { summariseMlmodel } from '../runPage/mlmodelSummary';
import { parseModelPageRequest, type ModelPageRequest, type ModelPageUpdate } from './messages';
import { modelStatusLabel } from '../experiments/mlflow3Items';
import { auditLines, loggedModelIdOf, mlmodelPathInRun, versionRows, type VersionRow } from './modelPageModel';

const MAX_VERSIONS = 1000;

export class ModelPagePanel {
  private static readonly open = new OpenPanels<ModelPagePanel>();

  static show(context: vscode.ExtensionContext, deps: PanelDeps, openers: Openers, session: SessionRef, name: string): ModelPagePanel {
    return ModelPagePanel.open.revealOrCreate(`${session.key}|${name}`, () => new ModelPagePanel(context, deps, openers, session, name));
  }

  readonly host: PanelHost<ModelPageUpdate, ModelPageRequest>;
  private versions: ModelVersion[] = [];

  private constructor(
    context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly openers: Openers,
    private readonly session: SessionRef,
    private readonly name: string,
  ) {
    this.host = new PanelHost<ModelPageUpdate, ModelPageRequest>({
      viewType: 'mlflowWorkbench.modelPage',
      title: `Model: ${name}`,
      bundle: 'modelPage',
      extensionUri: context.extensionUri,
      parse: parseModelPageRequest,
      log: deps.log,
    });
    this.host.onMessage((m) => this.handle(m));
  }

  private async postModel(): Promise<void> {
    const registry = this.session.client().registry;
    try {
      const model = await registry.getRegisteredModel(this.name);
      const versions: ModelVersion[] = [];
      let token: string | undefined;
      do {
        const page = await registry.searchModelVersions({ name: this.name, maxResults: 200, pageToken: token });
        versions.push(...page.items);
        token = page.next_page_token;
      } while (token && versions.length < MAX_VERSIONS);
      this.versions = versions;
      this.host.post({
        type: 'model',
        model: {
          name: model.name,
          description: model.description ?? '',
          created: model.creation_timestamp,
          updated: model.last_updated_timestamp,
          tags: [...(model.tags ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1)),
          aliases: (model.aliases ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
          versions: await this.withLoggedModels(versionRows(model, versions)),
        },
      });
    } catch (err) {
      const message = isEndpointMissing(err) ? 'This tracking server has no model registry.' : describeError(err);
      this.host.post({ type: 'model', error: message });
    }
    try {
      this.host.post({ type: 'audit', lines: auditLines(await registry.audit(this.name, 1000)) });
    } catch (err) {
      if (isEndpointMissing(err)) this.host.post({ type: 'audit', lines: [], unavailable: 'This tracking server keeps no audit trail (an MLflow Workbench server does).' });
      else this.host.post({ type: 'audit', lines: [], error: describeError(err) });
    }
  }

  /** Names and statuses of the logged models versions came from (MLflow 3); one lookup per model. */
  private async withLoggedModels(rows: VersionRow[]): Promise<VersionRow[]> {
    const client = this.session.client();
    const ids = [...new Set(rows.map((r) => r.modelId).filter((x): x is string => !!x))].slice(0, 100);
    const found = new Map<string, { name: string; status: string }>();
    await Promise.all(
      ids.map(async (id) => {
        try {
          const m = await client.getLoggedModel(id);
          found.set(id, { name: m.info.name, status: modelStatusLabel(m.info.status) });
        } catch {
          /* deleted, or a server without logged models: the row keeps the bare id */
        }
      }),
    );
    return rows.map((r) => (r.modelId && found.has(r.modelId) ? { ...r, loggedModel: found.get(r.modelId) } : r));
  }

  private async signature(version: string): Promise<void> {
    const client = this.session.client();
    const v = this.versions.find((x) => String(x.version) === version);
    const modelId = v && loggedModelIdOf(v);
    if (modelId) {
      // Registered from a logged model: its MLmodel is in the model's own artifacts.
      try {
        const bytes = await client.readLoggedModelArtifact(await client.getLoggedModel(modelId), 'MLmodel');
        this.host.post({ type: 'signature', version, summary: summariseMlmodel(new TextDecoder().decode(bytes)) });
      } catch (err) {
        this.host.post({ type: 'signature', version, error: describeError(err) });
      }
      return;
    }
    try {
      if (!v?.run_id) throw new Error('This version has no source run, so its MLmodel cannot be read here.');
      const run = await client.getRun(v.run_id);
      const path = mlmodelPathInRun(v.source, v.run_id, run.info.artifact_uri);
      if (!path) throw new Error(`The model's source (${v.source ?? 'none'}) is not inside its run's artifacts.`);
      const bytes = await client.readArtifact(v.run_id, path);
      this.host.post({ type: 'signature', version, summary: summariseMlmodel(new TextDecoder().decode(bytes)) });
    } catch (err) {
      this.host.post({ type: 'signature', version, error: describeError(err) });
    }
  }

  private async handle(m: ModelPageRequest): Promise<void> {
    const registry = this.session.client().registry;
    switch (m.type) {
      case 'ready':
      case 'refresh':
        await this.postModel();
        return;
      case 'signature':
        await this.signature(m.version);
        return;
      case 'saveModelDescription':
      case 'saveVersionDescription': {
        const target = m.type === 'saveModelDescription' ? 'model' : m.version;
        try {
          if (m.type === 'saveModelDescription') await registry.updateRegisteredModel(this.name, m.text);
          else await registry.updateModelVersion(this.name, m.version, m.text);
          this.host.post({ type: 'saved', target });
          await this.postModel();
          await this.deps.refreshNow?.();
        } catch (err) {
          this.host.post({ type: 'saved', target, error: describeError(err) });
        }
        return;
      }
      case 'openRun':
        this.openers.runPage(this.session, m.id);
        return;
      case 'openLoggedModel':
        await vscode.commands.executeCommand('mlflowWorkbench.openLoggedModel', { session: this.session.key, modelId: m.id });
        return;
    }
  }
}
