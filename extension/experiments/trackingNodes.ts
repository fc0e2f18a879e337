// The Experiments tree as plain data: node kinds, their stable keys, and what each row shows. Pure.
import type { Experiment, FileInfo, LoggedModel, LoggedModelMetric, MetricSummary, Run, TraceInfo } from '../tracking/rest/types';
import { relativeTime } from '../views/format';
import { md, type ItemSpec } from '../views/treeItemSpec';
import { artifactItem, metricItem, paramItem, runGroupItem, runItem, tagItem, type RunGroup } from '../runs/runItems';
import {
  loggedModelGroupItem, loggedModelItem, modelArtifactItem, modelMetricItem, modelPartItem, modelVersionLinkItem, traceGroupItem, traceItem,
  type ModelPart,
} from './mlflow3Items';

export const NOTE_TAG = 'mlflow.note.content';

export type TrackingNode =
  | { kind: 'folder'; session: string; name: string }
  | { kind: 'experiment'; session: string; experiment: Experiment }
  | { kind: 'run'; session: string; run: Run; childCount?: number }
  | { kind: 'runGroup'; session: string; run: Run; group: RunGroup; count: number }
  | { kind: 'param'; session: string; runId: string; key: string; value: string }
  | { kind: 'metric'; session: string; runId: string; summary: MetricSummary }
  | { kind: 'tag'; session: string; runId: string; key: string; value: string }
  | { kind: 'artifact'; session: string; run: Run; file: FileInfo; holdsModel: boolean }
  // MLflow 3: logged models (of an experiment, or of the run that produced them) and an experiment's traces.
  | { kind: 'loggedModelGroup'; session: string; experimentId: string; runId?: string }
  | { kind: 'loggedModel'; session: string; model: LoggedModel; runId?: string }
  | { kind: 'loggedModelPart'; session: string; model: LoggedModel; part: ModelPart; count: number; runId?: string }
  | { kind: 'modelMetric'; session: string; modelId: string; metric: LoggedModelMetric }
  | { kind: 'modelArtifact'; session: string; model: LoggedModel; file: FileInfo; runId?: string }
  | { kind: 'modelVersionLink'; session: string; modelId: string; name: string; version: string }
  | { kind: 'traceGroup'; session: string; experimentId: string }
  | { kind: 'trace'; session: string; trace: TraceInfo }
  | { kind: 'more'; session: string; listKey: string; label: string }
  | { kind: 'message'; session: string; parentKey: string; text: string; detail?: string; icon?: string };

export function nodeKey(node: TrackingNode | undefined): string {
  if (!node) return 'root';
  switch (node.kind) {
    case 'folder':
      return `f|${node.session}`;
    case 'experiment':
      return `e|${node.session}|${node.experiment.experiment_id}`;
    case 'run':
      return `r|${node.session}|${node.run.info.run_id}`;
    case 'runGroup':
      return `g|${node.session}|${node.run.info.run_id}|${node.group}`;
    case 'param':
      return `p|${node.session}|${node.runId}|${node.key}`;
    case 'metric':
      return `m|${node.session}|${node.runId}|${node.summary.key}`;
    case 'tag':
      return `t|${node.session}|${node.runId}|${node.key}`;
    case 'artifact':
      return `a|${node.session}|${node.run.info.run_id}|${node.file.path}`;
    case 'loggedModelGroup':
      return node.runId ? `lmg|${node.session}|r|${node.runId}` : `lmg|${node.session}|e|${node.experimentId}`;
    case 'loggedModel':
      // The same model shows under its experiment and under its run: distinct rows.
      return `lm|${node.session}|${node.runId ?? ''}|${node.model.info.model_id}`;
    case 'loggedModelPart':
      return `lmp|${node.session}|${node.runId ?? ''}|${node.model.info.model_id}|${node.part}`;
    case 'modelMetric':
      return `lmm|${node.session}|${node.modelId}|${node.metric.key}|${node.metric.dataset_name ?? ''}|${node.metric.dataset_digest ?? ''}`;
    case 'modelArtifact':
      return `lma|${node.session}|${node.runId ?? ''}|${node.model.info.model_id}|${node.file.path}`;
    case 'modelVersionLink':
      return `lmv|${node.session}|${node.modelId}|${node.name}|${node.version}`;
    case 'traceGroup':
      return `tg|${node.session}|${node.experimentId}`;
    case 'trace':
      return `tr|${node.session}|${node.trace.trace_id}`;
    case 'more':
      return `more|${node.listKey}`;
    case 'message':
      return `msg|${node.parentKey}|${node.text}`;
  }
}

/** Everything a row depends on: a change here re-renders it. */
export function nodeFingerprint(node: TrackingNode): string {
  return `${nodeKey(node)}\u0000${JSON.stringify(node)}`;
}

export function tagValue(tags: { key: string; value: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

export function experimentItem(session: string, exp: Experiment, now: number): ItemSpec {
  const deleted = exp.lifecycle_stage === 'deleted';
  const note = tagValue(exp.tags, NOTE_TAG);
  const lines = [
    `**${md(exp.name)}**${deleted ? ' *(deleted)*' : ''}`,
    '',
    `Experiment ID: \`${exp.experiment_id}\``,
    `Created ${relativeTime(exp.creation_time, now)}`,
    `Artifacts: \`${exp.artifact_location}\``,
  ];
  if (note) lines.push('', '---', '', note);
  return {
    id: nodeKey({ kind: 'experiment', session, experiment: exp }),
    label: exp.name,
    description: deleted ? 'deleted' : undefined,
    tooltip: lines.join('\n\n'),
    icon: { codicon: deleted ? 'trash' : 'beaker', color: deleted ? 'disabledForeground' : undefined },
    collapsible: 'collapsed',
    contextValue: deleted ? 'experiment.deleted' : 'experiment',
  };
}

export function itemFor(node: TrackingNode, now: number): ItemSpec {
  switch (node.kind) {
    case 'folder':
      return { id: nodeKey(node), label: node.name, icon: { codicon: 'root-folder' }, collapsible: 'expanded', contextValue: 'folder' };
    case 'experiment':
      return experimentItem(node.session, node.experiment, now);
    case 'run':
      return runItem(nodeKey(node), node.run, now, node.childCount);
    case 'runGroup':
      return runGroupItem(nodeKey(node), node.group, node.count);
    case 'param':
      return paramItem(nodeKey(node), node.key, node.value);
    case 'metric':
      return metricItem(nodeKey(node), node.summary, now);
    case 'tag':
      return tagItem(nodeKey(node), node.key, node.value);
    case 'artifact':
      return artifactItem(nodeKey(node), node.file, node.holdsModel);
    case 'loggedModelGroup':
      return loggedModelGroupItem(nodeKey(node), node.runId !== undefined);
    case 'loggedModel':
      return loggedModelItem(nodeKey(node), node.model, now);
    case 'loggedModelPart':
      return modelPartItem(nodeKey(node), node.part, node.count);
    case 'modelMetric':
      return modelMetricItem(nodeKey(node), node.metric, now);
    case 'modelArtifact':
      return modelArtifactItem(nodeKey(node), node.file);
    case 'modelVersionLink':
      return modelVersionLinkItem(nodeKey(node), node.name, node.version);
    case 'traceGroup':
      return traceGroupItem(nodeKey(node));
    case 'trace':
      return traceItem(nodeKey(node), node.trace, now);
    case 'more':
      return {
        id: nodeKey(node),
        label: node.label,
        icon: { codicon: 'ellipsis' },
        collapsible: 'none',
        contextValue: 'more',
        command: { command: 'mlflowWorkbench.loadMore', title: node.label, arguments: [node] },
      };
    case 'message':
      return {
        id: nodeKey(node),
        label: node.text,
        tooltip: node.detail,
        icon: { codicon: node.icon ?? 'info' },
        collapsible: 'none',
        contextValue: 'message',
      };
  }
}
