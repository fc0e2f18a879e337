// What the MLflow 3 rows of the Experiments tree show: logged models (status, creation, params, metrics,
// artifacts, the registered versions they became) and traces (name, state, request time, duration). Pure.
import type { FileInfo, LoggedModel, LoggedModelMetric, LoggedModelStatus, TraceInfo, TraceState } from '../tracking/rest/types';
import { TRACE_NAME_TAG } from '../client/traceSpans';
import { duration, fileSize, metricValue, relativeTime } from '../views/format';
import { md, oneLine, type ItemSpec } from '../views/treeItemSpec';
import { baseName } from '../runs/runItems';
import { durationMs } from '../traceView/traceModel';

/** The tag MLflow 3 keeps on a logged model: the registered versions it became, as JSON. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

export type ModelPart = 'params' | 'metrics' | 'tags' | 'artifacts' | 'versions';

const STATUS: Record<LoggedModelStatus, { label: string; codicon: string; color?: string }> = {
  LOGGED_MODEL_READY: { label: 'ready', codicon: 'package', color: 'testing.iconPassed' },
  LOGGED_MODEL_PENDING: { label: 'pending', codicon: 'sync~spin', color: 'charts.blue' },
  LOGGED_MODEL_UPLOAD_FAILED: { label: 'upload failed', codicon: 'error', color: 'testing.iconFailed' },
  LOGGED_MODEL_STATUS_UNSPECIFIED: { label: 'unknown', codicon: 'package' },
};

export function modelStatusLabel(status: LoggedModelStatus | number | undefined): string {
  const s = typeof status === 'number' ? undefined : status;
  return (s && STATUS[s]?.label) ?? 'unknown';
}

/** The registered versions a logged model became: MLflow's tag (deduplicated; versions as strings) and `registrations`. */
export function modelRegistrations(model: LoggedModel): { name: string; version: string }[] {
  const found: { name: string; version: string }[] = [...(model.info.registrations ?? [])];
  const raw = model.info.tags?.find((t) => t.key === MODEL_VERSIONS_TAG)?.value;
  if (raw) {
    try {
      const list = JSON.parse(raw) as unknown;
      if (Array.isArray(list)) {
        for (const v of list) {
          if (v && typeof v === 'object' && typeof v.name === 'string' && (typeof v.version === 'string' || typeof v.version === 'number')) {
            found.push({ name: v.name, version: String(v.version) });
          }
        }
      }
    } catch {
      /* a malformed tag names no versions */
    }
  }
  const seen = new Set<string>();
  return found.filter((r) => {
    const k = `${r.name}\u0000${r.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The latest point per metric key and dataset (a model's metrics may repeat a key per dataset and step). */
export function modelMetricRows(model: LoggedModel): LoggedModelMetric[] {
  const latest = new Map<string, LoggedModelMetric>();
  for (const m of model.data?.metrics ?? []) {
    const k = `${m.key}\u0000${m.dataset_name ?? ''}\u0000${m.dataset_digest ?? ''}`;
    const prev = latest.get(k);
    if (!prev || m.step > prev.step || (m.step === prev.step && m.timestamp >= prev.timestamp)) latest.set(k, m);
  }
  return [...latest.values()].sort((a, b) => a.key.localeCompare(b.key) || (a.dataset_name ?? '').localeCompare(b.dataset_name ?? ''));
}

/** Counts of a model's child groups, in display order; empty groups are left out (artifacts always shown). */
export function modelParts(model: LoggedModel): { part: ModelPart; count: number }[] {
  const userTags = (model.info.tags ?? []).filter((t) => !t.key.startsWith('mlflow.')).length;
  const parts: { part: ModelPart; count: number }[] = [
    { part: 'params', count: model.data?.params?.length ?? 0 },
    { part: 'metrics', count: modelMetricRows(model).length },
    { part: 'tags', count: userTags },
    { part: 'versions', count: modelRegistrations(model).length },
  ];
  return [...parts.filter((p) => p.count > 0), { part: 'artifacts', count: 0 }];
}

export function loggedModelGroupItem(id: string, underRun: boolean): ItemSpec {
  return {
    id,
    label: 'Logged models',
    tooltip: underRun ? 'MLflow 3 logged models this run produced' : "MLflow 3 logged models of this experiment, newest first",
    icon: { codicon: 'layers' },
    collapsible: 'collapsed',
    contextValue: 'loggedModelGroup',
  };
}

export function loggedModelItem(id: string, model: LoggedModel, now: number): ItemSpec {
  const info = model.info;
  const status = STATUS[info.status] ?? STATUS.LOGGED_MODEL_STATUS_UNSPECIFIED;
  const versions = modelRegistrations(model);
  const lines = [
    `**${md(info.name)}** — ${status.label}`,
    `Model ID: \`${info.model_id}\``,
    `Created ${new Date(info.creation_timestamp_ms).toISOString()} (${relativeTime(info.creation_timestamp_ms, now)})`,
  ];
  if (info.source_run_id) lines.push(`Source run: \`${info.source_run_id}\``);
  if (info.model_type) lines.push(`Type: ${md(info.model_type)}`);
  if (info.status_message) lines.push(md(info.status_message));
  if (versions.length) lines.push(`Registered as ${versions.map((v) => `${md(v.name)} v${v.version}`).join(', ')}`);
  lines.push(`Artifacts: \`${info.artifact_uri}\``);
  return {
    id,
    label: info.name,
    description: [status.label, relativeTime(info.creation_timestamp_ms, now), versions.length ? `registered ×${versions.length}` : undefined].filter(Boolean).join(' · '),
    tooltip: lines.join('\n\n'),
    icon: { codicon: status.codicon, color: status.color },
    collapsible: 'collapsed',
    contextValue: 'loggedModel',
  };
}

const PARTS: Record<ModelPart, { label: string; codicon: string }> = {
  params: { label: 'Parameters', codicon: 'symbol-parameter' },
  metrics: { label: 'Metrics', codicon: 'graph-line' },
  tags: { label: 'Tags', codicon: 'tag' },
  artifacts: { label: 'Artifacts', codicon: 'files' },
  versions: { label: 'Registered versions', codicon: 'versions' },
};

export function modelPartItem(id: string, part: ModelPart, count: number): ItemSpec {
  const { label, codicon } = PARTS[part];
  return {
    id,
    label,
    description: part === 'artifacts' ? undefined : String(count),
    icon: { codicon },
    collapsible: 'collapsed',
    contextValue: `loggedModelPart.${part}`,
  };
}

export function modelMetricItem(id: string, m: LoggedModelMetric, now: number): ItemSpec {
  const dataset = m.dataset_name ? ` (${m.dataset_name})` : '';
  const lines = [`**${md(m.key)}**${md(dataset)}`, `${metricValue(m.value)} at step ${m.step} (${relativeTime(m.timestamp, now)})`];
  if (m.run_id) lines.push(`Logged by run \`${m.run_id}\``);
  return {
    id,
    label: m.key,
    description: `${metricValue(m.value)}${dataset}`,
    tooltip: lines.join('\n\n'),
    icon: { codicon: 'graph-line' },
    collapsible: 'none',
    contextValue: 'loggedModelMetric',
  };
}

export function modelArtifactItem(id: string, file: FileInfo): ItemSpec {
  const name = baseName(file.path);
  if (file.is_dir) return { id, label: name, tooltip: md(file.path), icon: { codicon: 'folder' }, collapsible: 'collapsed', contextValue: 'loggedModelArtifactDir' };
  return {
    id,
    label: name,
    description: fileSize(file.file_size),
    tooltip: md(file.path),
    fileIconFor: name,
    collapsible: 'none',
    contextValue: 'loggedModelArtifact',
    command: { command: 'mlflowWorkbench.openLoggedModelArtifact', title: 'Open Artifact' },
  };
}

export function modelVersionLinkItem(id: string, name: string, version: string): ItemSpec {
  return {
    id,
    label: `${name} v${version}`,
    tooltip: `Registered model **${md(name)}**, version ${version}. Click to open the model.`,
    icon: { codicon: 'versions' },
    collapsible: 'none',
    contextValue: 'loggedModelVersion',
    command: { command: 'mlflowWorkbench.openModelPage', title: 'Open Registered Model' },
  };
}

export function traceGroupItem(id: string): ItemSpec {
  return {
    id,
    label: 'Traces',
    tooltip: "This experiment's MLflow traces, newest first",
    icon: { codicon: 'pulse' },
    collapsible: 'collapsed',
    contextValue: 'traceGroup',
  };
}

const TRACE_ICONS: Record<TraceState, { codicon: string; color?: string }> = {
  OK: { codicon: 'pass', color: 'testing.iconPassed' },
  ERROR: { codicon: 'error', color: 'testing.iconFailed' },
  IN_PROGRESS: { codicon: 'sync~spin', color: 'charts.blue' },
  STATE_UNSPECIFIED: { codicon: 'circle-outline' },
};

export function traceName(t: TraceInfo): string {
  return t.tags?.[TRACE_NAME_TAG] || t.trace_id;
}

/** The request time as epoch ms (MLflow 3 sends RFC 3339 text; older shapes a number). */
export function traceRequestMs(t: TraceInfo): number | undefined {
  const v = t.request_time as unknown;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

export function traceItem(id: string, t: TraceInfo, now: number): ItemSpec {
  const at = traceRequestMs(t);
  const took = durationMs(t.execution_duration);
  const lines = [`**${md(traceName(t))}** — ${t.state}`, `Trace ID: \`${t.trace_id}\``];
  if (at !== undefined) lines.push(`Requested ${new Date(at).toISOString()} (${relativeTime(at, now)})${took !== undefined ? `, took ${duration(took)}` : ''}`);
  if (t.request_preview) lines.push(`Request: \`${oneLine(t.request_preview, 200).replace(/`/g, "'")}\``);
  if (t.response_preview) lines.push(`Response: \`${oneLine(t.response_preview, 200).replace(/`/g, "'")}\``);
  return {
    id,
    label: traceName(t),
    description: [at !== undefined ? relativeTime(at, now) : undefined, took !== undefined ? duration(took) : undefined].filter(Boolean).join(' · '),
    tooltip: lines.join('\n\n'),
    icon: TRACE_ICONS[t.state] ?? TRACE_ICONS.STATE_UNSPECIFIED,
    collapsible: 'none',
    contextValue: 'trace',
    command: { command: 'mlflowWorkbench.openTrace', title: 'Open Trace' },
  };
}
