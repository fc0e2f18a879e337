// The one contract between the registered-model host (extension/modelPage/modelPagePanel.ts) and its webview
// (webviews/modelPage/main.ts). The host checks every incoming message with parseModelPageRequest. Pure.
import { isRecord, isString, messageType } from '../panels/guards';
import type { MlmodelSummary } from '../runPage/mlmodelSummary';
import type { AuditLine, VersionRow } from './modelPageModel';

export interface ModelPageData {
  name: string;
  description: string;
  created?: number;
  updated?: number;
  tags: Array<{ key: string; value: string }>;
  aliases: Array<{ alias: string; version: string }>;
  versions: VersionRow[];
}

export type ModelPageUpdate =
  | { type: 'model'; model?: ModelPageData; error?: string }
  /** The audit trail; `unavailable` when the server has no audit route (a plain MLflow server). */
  | { type: 'audit'; lines: AuditLine[]; unavailable?: string; error?: string }
  | { type: 'signature'; version: string; summary?: MlmodelSummary; error?: string }
  | { type: 'saved'; target: string; error?: string };

export type ModelPageRequest =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'saveModelDescription'; text: string }
  | { type: 'saveVersionDescription'; version: string; text: string }
  | { type: 'signature'; version: string }
  | { type: 'openRun'; id: string }
  /** The logged model (MLflow 3) a version came from. */
  | { type: 'openLoggedModel'; id: string };

export const MAX_DESCRIPTION = 100_000;

export function parseModelPageRequest(m: unknown): ModelPageRequest | undefined {
  const type = messageType(m, ['ready', 'refresh', 'saveModelDescription', 'saveVersionDescription', 'signature', 'openRun', 'openLoggedModel'] as const);
  if (!type || !isRecord(m)) return undefined;
  switch (type) {
    case 'saveModelDescription':
      return isString(m.text, MAX_DESCRIPTION) ? { type, text: m.text } : undefined;
    case 'saveVersionDescription':
      return isString(m.version, 20) && /^\d+$/.test(m.version) && isString(m.text, MAX_DESCRIPTION) ? { type, version: m.version, text: m.text } : undefined;
    case 'signature':
      return isString(m.version, 20) && /^\d+$/.test(m.version) ? { type, version: m.version } : undefined;
    case 'openRun':
    case 'openLoggedModel':
      return isString(m.id, 200) && m.id !== '' ? { type, id: m.id } : undefined;
    default:
      return { type };
  }
}

export interface ModelPageViewState {
  selected?: string;
}
