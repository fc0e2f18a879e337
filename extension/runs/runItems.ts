// What run rows and their children show: status icons, relative start, duration, notes; params, metrics
// (latest, min, max), tags and artifacts; and how nested runs hang under their parents. Pure.
import type { FileInfo, MetricSummary, Run, RunStatus } from '../tracking/rest/types';
import { duration, fileSize, metricValue, relativeTime } from '../views/format';
import { md, oneLine, type ItemSpec } from '../views/treeItemSpec';

export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const RUN_NOTE_TAG = 'mlflow.note.content';
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
export type RunGroup = 'params' | 'metrics' | 'tags' | 'systemTags' | 'artifacts';

const STATUS_ICONS: Record<RunStatus, { codicon: string; color?: string }> = {
  RUNNING: { codicon: 'sync~spin', color: 'charts.blue' },
  SCHEDULED: { codicon: 'clock', color: 'charts.yellow' },
  FINISHED: { codicon: 'pass', color: 'testing.iconPassed' },
  FAILED: { codicon: 'error', color: 'testing.iconFailed' },
  KILLED: { codicon: 'circle-slash', color: 'charts.orange' },
};

export function runTag(run: Run, key: string): string | undefined {
  return run.data.tags?.find((t) => t.key === key)?.value;
}

export function isSystemTag(key: string): boolean {
  return key.startsWith('mlflow.') || key.startsWith('_mlflow_');
}

/** Start relative to now, and how long the run took (or has been running). */
export function runTiming(run: Run, now: number): { started?: string; took?: string } {
  const { start_time: start, end_time: end, status } = run.info;
  if (start === undefined) return {};
  const finishedAt = end ?? (status === 'RUNNING' ? now : undefined);
  return { started: relativeTime(start, now), took: finishedAt === undefined ? undefined : duration(finishedAt - start) };
}

export function runItem(id: string, run: Run, now: number, childCount?: number): ItemSpec {
  const info = run.info;
  const deleted = info.lifecycle_stage === 'deleted';
  const { started, took } = runTiming(run, now);
  const description = [started, took, childCount ? `${childCount} nested` : undefined, deleted ? 'deleted' : undefined].filter(Boolean).join(' · ');
  const note = runTag(run, RUN_NOTE_TAG);
  const lines = [
    `**${md(info.run_name || info.run_id)}** — ${info.status}${deleted ? ' *(deleted)*' : ''}`,
    `Run ID: \`${info.run_id}\``,
  ];
  if (info.start_time !== undefined) lines.push(`Started ${new Date(info.start_time).toISOString()} (${started})${took ? `, took ${took}` : ''}`);
  const user = runTag(run, 'mlflow.user') || info.user_id;
  if (user) lines.push(`User: ${md(user)}`);
  const source = runTag(run, 'mlflow.source.name');
  if (source) lines.push(`Source: \`${source}\``);
  const parent = runTag(run, PARENT_RUN_TAG);
  if (parent) lines.push(`Parent run: \`${parent}\``);
  if (note) lines.push('---', note);
  const icon = deleted ? { codicon: 'trash', color: 'disabledForeground' } : STATUS_ICONS[info.status] ?? { codicon: 'circle-outline' };
  return {
    id,
    label: info.run_name || info.run_id,
    description,
    tooltip: lines.join('\n\n'),
    icon,
    collapsible: 'collapsed',
    contextValue: deleted ? 'run.deleted' : 'run',
  };
}

const GROUPS: Record<RunGroup, { label: string; codicon: string }> = {
  params: { label: 'Parameters', codicon: 'symbol-parameter' },
  metrics: { label: 'Metrics', codicon: 'graph-line' },
  tags: { label: 'Tags', codicon: 'tag' },
  systemTags: { label: 'System tags', codicon: 'gear' },
  artifacts: { label: 'Artifacts', codicon: 'files' },
};

export function runGroupItem(id: string, group: RunGroup, count: number): ItemSpec {
  const { label, codicon } = GROUPS[group];
  const unknownCount = group === 'artifacts';
  return {
    id,
    label,
    description: unknownCount ? undefined : count === 0 ? 'none' : String(count),
    icon: { codicon },
    collapsible: unknownCount || count > 0 ? 'collapsed' : 'none',
    contextValue: `runGroup.${group}`,
  };
}

/** The groups under a run, with counts from the run's own data. */
export function runGroups(run: Run): { group: RunGroup; count: number }[] {
  const tags = run.data.tags ?? [];
  return [
    { group: 'params', count: run.data.params?.length ?? 0 },
    { group: 'metrics', count: run.data.metrics?.length ?? 0 },
    { group: 'tags', count: tags.filter((t) => !isSystemTag(t.key)).length + (tags.some((t) => isSystemTag(t.key)) ? 1 : 0) },
    { group: 'artifacts', count: 0 },
  ];
}

export function paramItem(id: string, key: string, value: string): ItemSpec {
  return { id, label: key, description: oneLine(value), tooltip: `**${md(key)}**\n\n\`\`\`\n${value}\n\`\`\``, icon: { codicon: 'symbol-parameter' }, collapsible: 'none', contextValue: 'param' };
}

export function metricDescription(s: MetricSummary): string {
  const parts = [metricValue(s.value)];
  if (s.min !== undefined && s.max !== undefined && s.count > 1) parts.push(`min ${metricValue(s.min)}`, `max ${metricValue(s.max)}`);
  return parts.join(' · ');
}

export function metricItem(id: string, s: MetricSummary, now: number): ItemSpec {
  const lines = [
    `**${md(s.key)}**`,
    `Latest: ${metricValue(s.value)} at step ${s.step} (${relativeTime(s.timestamp, now)})`,
  ];
  if (s.min !== undefined) lines.push(`Min: ${metricValue(s.min)}`);
  if (s.max !== undefined) lines.push(`Max: ${metricValue(s.max)}`);
  lines.push(`${s.count} point${s.count === 1 ? '' : 's'}`);
  return { id, label: s.key, description: metricDescription(s), tooltip: lines.join('\n\n'), icon: { codicon: 'graph-line' }, collapsible: 'none', contextValue: 'metric' };
}

export function tagItem(id: string, key: string, value: string): ItemSpec {
  return {
    id,
    label: key,
    description: oneLine(value),
    tooltip: `**${md(key)}**\n\n\`\`\`\n${value.length > 2000 ? `${value.slice(0, 2000)}…` : value}\n\`\`\``,
    icon: { codicon: isSystemTag(key) ? 'gear' : 'tag' },
    collapsible: 'none',
    contextValue: isSystemTag(key) ? 'tag.system' : 'tag',
  };
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function artifactItem(id: string, file: FileInfo, holdsModel: boolean): ItemSpec {
  const name = baseName(file.path);
  if (file.is_dir) {
    return {
      id,
      label: name,
      description: holdsModel ? 'MLflow model' : undefined,
      tooltip: holdsModel ? `**${md(file.path)}** — an MLflow model (holds an MLmodel). Register it from the context menu.` : md(file.path),
      icon: { codicon: holdsModel ? 'package' : 'folder' },
      collapsible: 'collapsed',
      contextValue: holdsModel ? 'artifactDir.model' : 'artifactDir',
    };
  }
  return {
    id,
    label: name,
    description: fileSize(file.file_size),
    tooltip: md(file.path),
    fileIconFor: name,
    collapsible: 'none',
    contextValue: name === 'MLmodel' ? 'artifactFile.mlmodel' : 'artifactFile',
    command: { command: 'mlflowWorkbench.openArtifact', title: 'Open Artifact' },
  };
}

/** Directories first, then files, each by name. */
export function sortArtifacts(files: FileInfo[]): FileInfo[] {
  return [...files].sort((a, b) => (a.is_dir === b.is_dir ? a.path.localeCompare(b.path) : a.is_dir ? -1 : 1));
}

/** Artifact paths recorded by log-model: each is a folder holding an MLmodel. */
export function loggedModelPaths(run: Run): Set<string> {
  const raw = runTag(run, LOGGED_MODELS_TAG);
  const out = new Set<string>();
  if (!raw) return out;
  try {
    const list = JSON.parse(raw) as unknown;
    if (Array.isArray(list)) for (const m of list) if (m && typeof m.artifact_path === 'string') out.add(m.artifact_path);
  } catch {
    /* a malformed tag is just not a hint */
  }
  return out;
}

/**
 * Runs to list at experiment level: those whose parent is not in the same list (the parent shows them
 * nested). Also counts each parent's children in the list.
 */
export function topLevelRuns(runs: Run[]): { top: Run[]; childCounts: Map<string, number> } {
  const ids = new Set(runs.map((r) => r.info.run_id));
  const childCounts = new Map<string, number>();
  const top: Run[] = [];
  for (const run of runs) {
    const parent = runTag(run, PARENT_RUN_TAG);
    if (parent && ids.has(parent) && parent !== run.info.run_id) childCounts.set(parent, (childCounts.get(parent) ?? 0) + 1);
    else top.push(run);
  }
  return { top, childCounts };
}
