// The Experiments tree's content, without VS Code: what each node's children are, fetched through the folder
// session's client (paged, nested runs under parents, model folders among artifacts). experimentsTree.ts
// caches and renders it.
import { toClientError } from '../client/clientError';
import type { TrackingClient } from '../client/trackingClient';
import { page, quoteFilterValue, runModelsFilter } from '../client/trackingClient';
import type { LoggedModel, Run, ViewType } from '../tracking/rest/types';
import { fetchUpTo, type PageSizes } from '../views/paging';
import {
  baseName, isSystemTag, loggedModelPaths, PARENT_RUN_TAG, runGroups, sortArtifacts, topLevelRuns,
} from '../runs/runItems';
import type { SessionLookup, SessionRef } from '../views/sessionRef';
import { modelMetricRows, modelParts, modelRegistrations } from './mlflow3Items';
import { nodeKey, type TrackingNode } from './trackingNodes';

const DEFAULT_EXPERIMENT_ID = '0';
/** Directories listed per level to find MLmodel folders; beyond that only log-model hints mark them. */
const MODEL_PROBE_LIMIT = 25;
/** traces/search answers at most 500 per request on MLflow 3; smaller pages keep each answer quick. */
const TRACE_REQUEST = 100;

type Node<K extends TrackingNode['kind']> = Extract<TrackingNode, { kind: K }>;

export class ExperimentChildren {
  constructor(
    private readonly sessions: SessionLookup,
    private readonly pages: PageSizes,
    private readonly viewType: () => ViewType,
  ) {}

  async fetch(node: TrackingNode | undefined): Promise<TrackingNode[]> {
    const sessionKey = node ? node.session : undefined;
    try {
      if (!node) return await this.roots();
      const s = this.sessions.get(sessionKey!);
      const client = s?.client;
      if (!s || !client) return [];
      switch (node.kind) {
        case 'folder':
          return await this.experiments(s, client, false);
        case 'experiment':
          return await this.runs(s.key, client, node);
        case 'run':
          return await this.runChildren(s.key, client, node);
        case 'runGroup':
          return await this.groupChildren(s.key, client, node);
        case 'artifact':
          return await this.artifacts(s.key, client, node.run, node.file.path);
        case 'loggedModelGroup':
          return await this.loggedModels(s.key, client, node);
        case 'loggedModel':
          return this.modelChildren(node);
        case 'loggedModelPart':
          return await this.modelPart(s.key, client, node);
        case 'modelArtifact':
          return await this.modelArtifacts(s.key, client, node.model, node.file.path, node.runId);
        case 'traceGroup':
          return await this.traces(s.key, client, node);
        default:
          return [];
      }
    } catch (err) {
      const e = toClientError(err);
      return [{ kind: 'message', session: sessionKey ?? '', parentKey: nodeKey(node), text: `Cannot load: ${e.message}`, detail: e.code, icon: 'error' }];
    }
  }

  private async roots(): Promise<TrackingNode[]> {
    const all = this.sessions.list();
    if (all.length > 1) return all.map((s) => ({ kind: 'folder', session: s.key, name: s.name }));
    const s = all[0];
    if (!s?.client) return []; // welcome views explain starting/error/no folder
    return this.experiments(s, s.client, true);
  }

  private async experiments(s: SessionRef, client: TrackingClient, atRoot: boolean): Promise<TrackingNode[]> {
    const listKey = `experiments|${s.key}`;
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.searchExperiments({ viewType: this.viewType(), maxResults, pageToken }),
    );
    // A fresh store holds only the empty Default experiment: show the welcome view instead.
    if (items.length === 1 && items[0].experiment_id === DEFAULT_EXPERIMENT_ID) {
      const runs = await client.searchRuns({ experimentIds: [DEFAULT_EXPERIMENT_ID], viewType: this.viewType(), maxResults: 1 });
      if (runs.items.length === 0) {
        return atRoot ? [] : [{ kind: 'message', session: s.key, parentKey: listKey, text: 'No runs yet' }];
      }
    }
    const nodes: TrackingNode[] = items.map((experiment) => ({ kind: 'experiment', session: s.key, experiment }));
    if (hasMore) nodes.push({ kind: 'more', session: s.key, listKey, label: 'Load more experiments…' });
    return nodes;
  }

  private async runs(session: string, client: TrackingClient, node: Extract<TrackingNode, { kind: 'experiment' }>): Promise<TrackingNode[]> {
    const listKey = nodeKey(node);
    const id = node.experiment.experiment_id;
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.searchRuns({ experimentIds: [id], viewType: this.viewType(), maxResults, pageToken }),
    );
    const { top, childCounts } = topLevelRuns(items);
    const nodes: TrackingNode[] = top.map((run) => ({ kind: 'run', session, run, childCount: childCounts.get(run.info.run_id) }));
    if (hasMore) nodes.push({ kind: 'more', session, listKey, label: 'Load more runs…' });
    // MLflow 3's groups, only when the experiment has some (a 2.x server or an older store has none).
    // They are extras: a failure to list them never hides the runs.
    const [models, traces] = await Promise.all([
      client.searchLoggedModels({ experimentIds: [id], maxResults: 1 }).catch(() => page([], undefined)),
      client.searchTraces({ experimentId: id, maxResults: 1 }).catch(() => page([], undefined)),
    ]);
    const groups: TrackingNode[] = [];
    if (models.items.length) groups.push({ kind: 'loggedModelGroup', session, experimentId: id });
    if (traces.items.length) groups.push({ kind: 'traceGroup', session, experimentId: id });
    if (nodes.length === 0 && groups.length) return groups;
    nodes.unshift(...groups);
    if (nodes.length === 0) {
      nodes.push({
        kind: 'message',
        session,
        parentKey: listKey,
        text: 'No runs yet: run a training script in a terminal',
        detail: 'New integrated terminals have MLFLOW_TRACKING_URI set, so `mlflow.start_run()` logs here.',
      });
    }
    return nodes;
  }

  private async runChildren(session: string, client: TrackingClient, node: Extract<TrackingNode, { kind: 'run' }>): Promise<TrackingNode[]> {
    const run = node.run;
    const listKey = nodeKey(node);
    // Nested runs: asked for by tag, so they show under their parent whatever page they are on.
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.searchRuns({
        experimentIds: [run.info.experiment_id],
        filter: `tags.${PARENT_RUN_TAG} = ${quoteFilterValue(run.info.run_id)}`,
        viewType: this.viewType(),
        maxResults,
        pageToken,
      }),
    );
    const children: TrackingNode[] = items.filter((r) => r.info.run_id !== run.info.run_id).map((child) => ({ kind: 'run', session, run: child }));
    if (hasMore) children.push({ kind: 'more', session, listKey, label: 'Load more nested runs…' });
    for (const { group, count } of runGroups(run)) children.push({ kind: 'runGroup', session, run, group, count });
    // The logged models this run produced (MLflow 3): their source_run_id names it.
    const produced = (run.outputs?.model_outputs?.length ?? 0) > 0
      || (await client.searchLoggedModels({ experimentIds: [run.info.experiment_id], filter: runModelsFilter(run.info.run_id), maxResults: 1 }).catch(() => page([], undefined))).items.length > 0;
    if (produced) children.push({ kind: 'loggedModelGroup', session, experimentId: run.info.experiment_id, runId: run.info.run_id });
    return children;
  }

  private async loggedModels(session: string, client: TrackingClient, node: Node<'loggedModelGroup'>): Promise<TrackingNode[]> {
    const listKey = nodeKey(node);
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.searchLoggedModels({
        experimentIds: [node.experimentId],
        filter: node.runId ? runModelsFilter(node.runId) : undefined,
        maxResults,
        pageToken,
      }),
    );
    const nodes: TrackingNode[] = items.map((model) => ({ kind: 'loggedModel', session, model, runId: node.runId }));
    if (hasMore) nodes.push({ kind: 'more', session, listKey, label: 'Load more logged models…' });
    if (nodes.length === 0) nodes.push({ kind: 'message', session, parentKey: listKey, text: 'No logged models' });
    return nodes;
  }

  private modelChildren(node: Node<'loggedModel'>): TrackingNode[] {
    return modelParts(node.model).map(({ part, count }) => ({ kind: 'loggedModelPart', session: node.session, model: node.model, part, count, runId: node.runId }));
  }

  private async modelPart(session: string, client: TrackingClient, node: Node<'loggedModelPart'>): Promise<TrackingNode[]> {
    const model = node.model;
    const modelId = model.info.model_id;
    switch (node.part) {
      case 'params':
        return [...(model.data?.params ?? [])]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((p) => ({ kind: 'param', session, runId: modelId, key: p.key, value: p.value }));
      case 'metrics':
        return modelMetricRows(model).map((metric) => ({ kind: 'modelMetric', session, modelId, metric }));
      case 'tags':
        return (model.info.tags ?? [])
          .filter((t) => !t.key.startsWith('mlflow.'))
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((t) => ({ kind: 'tag', session, runId: modelId, key: t.key, value: t.value }));
      case 'versions':
        return modelRegistrations(model).map((r) => ({ kind: 'modelVersionLink', session, modelId, name: r.name, version: r.version }));
      case 'artifacts':
        return this.modelArtifacts(session, client, model, '', node.runId);
    }
  }

  private async modelArtifacts(session: string, client: TrackingClient, model: LoggedModel, path: string, runId: string | undefined): Promise<TrackingNode[]> {
    const files = sortArtifacts(await client.listLoggedModelArtifacts(model, path));
    if (files.length === 0) {
      return [{ kind: 'message', session, parentKey: `${runId ?? ''}|${model.info.model_id}|${path}`, text: path ? 'Empty folder' : 'No artifacts' }];
    }
    return files.map((file) => ({ kind: 'modelArtifact', session, model, file, runId }));
  }

  private async traces(session: string, client: TrackingClient, node: Node<'traceGroup'>): Promise<TrackingNode[]> {
    const listKey = nodeKey(node);
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.searchTraces({ experimentId: node.experimentId, maxResults: Math.min(maxResults, TRACE_REQUEST), pageToken }),
    );
    const nodes: TrackingNode[] = items.map((trace) => ({ kind: 'trace', session, trace }));
    if (hasMore) nodes.push({ kind: 'more', session, listKey, label: 'Load more traces…' });
    if (nodes.length === 0) nodes.push({ kind: 'message', session, parentKey: listKey, text: 'No traces' });
    return nodes;
  }

  private async groupChildren(session: string, client: TrackingClient, node: Extract<TrackingNode, { kind: 'runGroup' }>): Promise<TrackingNode[]> {
    const run = node.run;
    const runId = run.info.run_id;
    switch (node.group) {
      case 'params':
        return [...(run.data.params ?? [])]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((p) => ({ kind: 'param', session, runId, key: p.key, value: p.value }));
      case 'metrics':
        return (await client.metricSummaries(run)).map((summary) => ({ kind: 'metric', session, runId, summary }));
      case 'tags': {
        const tags = run.data.tags ?? [];
        const user: TrackingNode[] = tags
          .filter((t) => !isSystemTag(t.key))
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((t) => ({ kind: 'tag', session, runId, key: t.key, value: t.value }));
        const system = tags.filter((t) => isSystemTag(t.key)).length;
        if (system) user.push({ kind: 'runGroup', session, run, group: 'systemTags', count: system });
        return user;
      }
      case 'systemTags':
        return (run.data.tags ?? [])
          .filter((t) => isSystemTag(t.key))
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((t) => ({ kind: 'tag', session, runId, key: t.key, value: t.value }));
      case 'artifacts':
        return this.artifacts(session, client, run, '');
    }
  }

  private async artifacts(session: string, client: TrackingClient, run: Run, path: string): Promise<TrackingNode[]> {
    const files = sortArtifacts(await client.listArtifacts(run.info.run_id, path));
    const hinted = loggedModelPaths(run);
    const probed = new Set<string>();
    const dirs = files.filter((f) => f.is_dir && !hinted.has(f.path)).slice(0, MODEL_PROBE_LIMIT);
    await Promise.all(
      dirs.map(async (d) => {
        const inside = await client.listArtifacts(run.info.run_id, d.path).catch(() => []);
        if (inside.some((f) => !f.is_dir && baseName(f.path) === 'MLmodel')) probed.add(d.path);
      }),
    );
    if (files.length === 0) {
      return [{ kind: 'message', session, parentKey: `${run.info.run_id}|${path}`, text: path ? 'Empty folder' : 'No artifacts' }];
    }
    return files.map((file) => ({ kind: 'artifact', session, run, file, holdsModel: file.is_dir && (hinted.has(file.path) || probed.has(file.path)) }));
  }
}
