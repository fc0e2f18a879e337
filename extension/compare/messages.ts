// The one contract between the compare host (extension/compare/comparePanel.ts) and its webview
// (webviews/compare/main.ts). The webview builds the table and the plots from the runs with compareModel.ts,
// so toggling "differences only" or choosing axes needs no round trip. Pure.
import { isBoolean, isOneOf, isRecord, isString, isStringArray, messageType } from '../panels/guards';
import type { CompareRun, FieldValue } from './compareModel';

export type CompareTab = 'table' | 'parallel' | 'scatter';
export const COMPARE_TABS: readonly CompareTab[] = ['table', 'parallel', 'scatter'];

export interface CompareViewState {
  tab: CompareTab;
  diffOnly: boolean;
  minMax: boolean;
  systemTags: boolean;
  parallelFields?: string[];
  parallelMetric?: string;
  scatterX?: string;
  scatterY?: string;
}

export type CompareUpdate = { type: 'data'; title: string; runs: CompareRun[]; error?: string };

export type CompareRequest = { type: 'ready' } | { type: 'openRun'; id: string } | { type: 'refresh' };

export function parseCompareRequest(m: unknown): CompareRequest | undefined {
  const type = messageType(m, ['ready', 'openRun', 'refresh'] as const);
  if (!type || !isRecord(m)) return undefined;
  if (type === 'openRun') return isString(m.id, 200) ? { type, id: m.id } : undefined;
  return { type };
}

export function sanitiseCompareState(v: unknown): CompareViewState {
  const s = isRecord(v) ? v : {};
  const opt = (x: unknown): string | undefined => (isString(x, 2000) ? x : undefined);
  return {
    tab: isOneOf(s.tab, COMPARE_TABS) ? s.tab : 'table',
    diffOnly: isBoolean(s.diffOnly) ? s.diffOnly : false,
    minMax: isBoolean(s.minMax) ? s.minMax : false,
    systemTags: isBoolean(s.systemTags) ? s.systemTags : false,
    parallelFields: isStringArray(s.parallelFields, 100, 2000) ? s.parallelFields : undefined,
    parallelMetric: opt(s.parallelMetric),
    scatterX: opt(s.scatterX),
    scatterY: opt(s.scatterY),
  };
}

/** JSON has no NaN or ±Infinity: such values travel as the strings MLflow uses. */
export function transportable(value: FieldValue): FieldValue {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}
