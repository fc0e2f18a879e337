// The run page's data from a run and its metric summaries: the facts MLflow keeps in system tags pulled out
// (source, commit, user, parent, note), user tags apart from system ones. Pure.
import type { LoggedModel, MetricSummary, Run } from '../tracking/rest/types';
import { modelMetricRows, modelRegistrations, modelStatusLabel } from '../experiments/mlflow3Items';
import type { RunPageData, RunPageLoggedModel, RunPageMetric } from './messages';

export const NOTE_TAG = 'mlflow.note.content';
const SYSTEM = /^(mlflow\.|_mlflow_)/;

const finiteOrText = (v: number): number | string => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** A logged model as the run page's "Logged models" section shows it (artifacts filled in by the host). */
export function runPageLoggedModel(model: LoggedModel): RunPageLoggedModel {
  const i = model.info;
  return {
    id: i.model_id,
    name: i.name,
    status: modelStatusLabel(i.status),
    created: i.creation_timestamp_ms,
    params: [...(model.data?.params ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1)),
    metrics: modelMetricRows(model).map((m) => ({ key: m.key, value: finiteOrText(Number(m.value)), step: m.step, ...(m.dataset_name ? { dataset: m.dataset_name } : {}) })),
    versions: modelRegistrations(model),
  };
}

export function runPageData(
  run: Run,
  summaries: readonly MetricSummary[] | undefined,
  experimentName?: string,
  loggedModels: readonly RunPageLoggedModel[] = [],
): RunPageData {
  const tag = (k: string): string | undefined => run.data.tags?.find((t) => t.key === k)?.value;
  const byKey = new Map((summaries ?? []).map((s) => [s.key, s]));
  const metrics: RunPageMetric[] = (run.data.metrics ?? []).map((m) => {
    const s = byKey.get(m.key);
    const out: RunPageMetric = { key: m.key, latest: finiteOrText(Number(m.value)), step: m.step };
    if (s?.min !== undefined && Number.isFinite(s.min)) out.min = s.min;
    if (s?.max !== undefined && Number.isFinite(s.max)) out.max = s.max;
    if (s) out.count = s.count;
    return out;
  });
  const i = run.info;
  return {
    id: i.run_id,
    name: i.run_name || i.run_id,
    status: i.status,
    lifecycle: i.lifecycle_stage,
    experimentId: i.experiment_id,
    experimentName,
    user: tag('mlflow.user') || i.user_id || undefined,
    start: i.start_time,
    end: i.end_time,
    source: tag('mlflow.source.name'),
    sourceType: tag('mlflow.source.type'),
    entryPoint: tag('mlflow.project.entryPoint'),
    commit: tag('mlflow.source.git.commit'),
    gitRepo: tag('mlflow.source.git.repoURL'),
    parentId: tag('mlflow.parentRunId'),
    artifactUri: i.artifact_uri,
    params: [...(run.data.params ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1)),
    metrics: metrics.sort((a, b) => (a.key < b.key ? -1 : 1)),
    tags: (run.data.tags ?? []).filter((t) => !SYSTEM.test(t.key)).sort((a, b) => (a.key < b.key ? -1 : 1)),
    systemTags: (run.data.tags ?? []).filter((t) => SYSTEM.test(t.key) && t.key !== NOTE_TAG).sort((a, b) => (a.key < b.key ? -1 : 1)),
    note: tag(NOTE_TAG) ?? '',
    datasets: (run.inputs?.dataset_inputs ?? []).map((d) => ({
      name: d.dataset.name,
      digest: d.dataset.digest,
      source: d.dataset.source,
      context: d.tags?.find((t) => t.key === 'mlflow.data.context')?.value,
    })),
    loggedModels: [...loggedModels],
  };
}
