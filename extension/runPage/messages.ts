// The one contract between the run-page host (extension/runPage/runPagePanel.ts) and its webview
// (webviews/runPage/main.ts). The host checks every incoming message with parseRunPageRequest. Pure.
import type { FileInfo, KeyValue, RunStatus } from '../tracking/rest/types';
import { isInteger, isRecord, isString, isStringArray, messageType } from '../panels/guards';
import type { Preview } from './artifactPreview';

export interface RunPageMetric {
  key: string;
  /** Latest value; non-finite values travel as strings ("NaN", "Infinity"). */
  latest: number | string;
  min?: number;
  max?: number;
  step: number;
  count?: number;
}

/** A logged model (MLflow 3) the run produced, as the run page lists it. */
export interface RunPageLoggedModel {
  id: string;
  name: string;
  /** ready, pending, upload failed, unknown. */
  status: string;
  created: number;
  params: KeyValue[];
  metrics: Array<{ key: string; value: number | string; step: number; dataset?: string }>;
  /** The registered versions it became. */
  versions: Array<{ name: string; version: string }>;
  /** Top-level files of its artifacts (undefined: not listed). */
  artifacts?: FileInfo[];
  artifactsError?: string;
}

export interface RunPageData {
  id: string;
  name: string;
  status: RunStatus;
  lifecycle: 'active' | 'deleted';
  experimentId: string;
  experimentName?: string;
  user?: string;
  start?: number;
  end?: number;
  source?: string;
  sourceType?: string;
  entryPoint?: string;
  commit?: string;
  gitRepo?: string;
  parentId?: string;
  artifactUri: string;
  params: KeyValue[];
  metrics: RunPageMetric[];
  tags: KeyValue[];
  systemTags: KeyValue[];
  note: string;
  datasets: Array<{ name: string; digest: string; context?: string; source: string }>;
  loggedModels: RunPageLoggedModel[];
}

export interface RunPageViewState {
  openDirs: string[];
  selected?: string;
  showSystemTags: boolean;
  editingNote?: string;
}

export type RunPageUpdate =
  | { type: 'run'; run?: RunPageData; error?: string; now: number }
  | { type: 'sparklines'; series: Record<string, { x: number[]; y: number[] }> }
  | { type: 'artifacts'; path: string; files: FileInfo[]; error?: string }
  | { type: 'preview'; path: string; preview?: Preview; error?: string }
  | { type: 'noteSaved'; error?: string };

export type RunPageRequest =
  | { type: 'ready' }
  | { type: 'sparklines'; keys: string[]; buckets: number }
  | { type: 'listArtifacts'; path: string }
  | { type: 'preview'; path: string }
  | { type: 'openArtifact'; path: string }
  | { type: 'saveNote'; text: string }
  | { type: 'openLink'; url: string }
  | { type: 'openRun'; id: string }
  | { type: 'openCharts' }
  | { type: 'openExperiment' }
  /** A registered version a logged model became: opens its model page. */
  | { type: 'openModelVersion'; name: string }
  | { type: 'openModelArtifact'; modelId: string; path: string };

const TYPES = [
  'ready', 'sparklines', 'listArtifacts', 'preview', 'openArtifact', 'saveNote', 'openLink', 'openRun', 'openCharts', 'openExperiment', 'openModelVersion',
  'openModelArtifact',
] as const;

/** MLflow's limit for a tag value (the note is the tag mlflow.note.content). */
export const MAX_NOTE = 8000;

export function parseRunPageRequest(m: unknown): RunPageRequest | undefined {
  const type = messageType(m, TYPES);
  if (!type || !isRecord(m)) return undefined;
  switch (type) {
    case 'sparklines':
      return isStringArray(m.keys, 500, 1000) && isInteger(m.buckets, 8, 400) ? { type, keys: m.keys, buckets: m.buckets } : undefined;
    case 'listArtifacts':
    case 'preview':
    case 'openArtifact':
      return isString(m.path, 4096) ? { type, path: m.path } : undefined;
    case 'saveNote':
      return isString(m.text, 1_000_000) ? { type, text: m.text } : undefined;
    case 'openLink':
      return isString(m.url, 8192) ? { type, url: m.url } : undefined;
    case 'openRun':
      return isString(m.id, 200) ? { type, id: m.id } : undefined;
    case 'openModelVersion':
      return isString(m.name, 1000) && m.name !== '' ? { type, name: m.name } : undefined;
    case 'openModelArtifact':
      return isString(m.modelId, 200) && m.modelId !== '' && isString(m.path, 4096) && m.path !== '' ? { type, modelId: m.modelId, path: m.path } : undefined;
    default:
      return { type };
  }
}

export function sanitiseRunPageState(v: unknown): RunPageViewState {
  const s = isRecord(v) ? v : {};
  return {
    openDirs: isStringArray(s.openDirs, 1000, 4096) ? s.openDirs : [],
    selected: isString(s.selected, 4096) ? s.selected : undefined,
    showSystemTags: s.showSystemTags === true,
    editingNote: isString(s.editingNote, 1_000_000) ? s.editingNote : undefined,
  };
}
