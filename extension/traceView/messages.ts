// The one contract between the trace tab's host (extension/traceView/traceViewPanel.ts) and its webview
// (webviews/traceView/main.ts). The host checks every incoming message with parseTraceViewRequest. Pure.
import { isRecord, isString, messageType } from '../panels/guards';
import type { TraceViewModel } from './traceModel';

export type TraceViewUpdate =
  /** The whole trace; `error` instead when it could not be read (deleted, unreachable server). */
  | { type: 'trace'; trace?: TraceViewModel; error?: string };

export type TraceViewRequest =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Opens the run page of a run id the trace names (its metadata `mlflow.sourceRun`). */
  | { type: 'openRun'; id: string };

export function parseTraceViewRequest(m: unknown): TraceViewRequest | undefined {
  const type = messageType(m, ['ready', 'refresh', 'openRun'] as const);
  if (!type || !isRecord(m)) return undefined;
  if (type === 'openRun') return isString(m.id, 200) && m.id !== '' ? { type, id: m.id } : undefined;
  return { type };
}

export interface TraceViewViewState {
  /** The selected span's id. */
  selected?: string;
  /** Span ids whose children are folded away. */
  collapsed?: string[];
}
