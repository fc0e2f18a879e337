// The one contract between the charts host (extension/charts/chartsPanel.ts) and its webview
// (webviews/charts/main.ts). The host checks every incoming message with parseChartRequest. Pure.
import { isBoolean, isFiniteNumber, isInteger, isOneOf, isRecord, isString, isStringArray, messageType } from '../panels/guards';
import type { RunStatus } from '../tracking/rest/types';
import { MAX_BUCKETS } from './downsample';
import type { XMode } from './seriesCache';

export type { XMode };
export const X_MODES: readonly XMode[] = ['step', 'wall', 'relative'];

export interface ChartRun {
  id: string;
  name: string;
  status: RunStatus;
  /** Position in the panel's run list: picks the run's colour, stable across charts. */
  index: number;
}

export interface Range {
  from: number;
  to: number;
}

/** One run's downsampled line; `step` is omitted when x already is the step. */
export interface SeriesData {
  runId: string;
  x: number[];
  y: number[];
  step?: number[];
  total: number;
  exact: boolean;
  /** The whole history's x extent; null (JSON's NaN) when the run has no plottable point. */
  extent: { min: number | null; max: number | null };
}

/** What the webview keeps across hide/show. */
export interface ChartsViewState {
  xMode: XMode;
  logY: boolean;
  smoothing: number;
  hidden: string[];
  zoom: Record<string, Range>;
  keyFilter: string;
}

// ---- extension → webview ---------------------------------------------------------------------------------

export type ChartUpdate =
  | { type: 'init'; title: string; runs: ChartRun[]; keys: string[]; error?: string }
  /**
   * A chart's lines. A first read of long histories takes a while per run, so the host may answer in steps:
   * `partial` answers carry the runs read so far; the last one has no `partial`.
   */
  | { type: 'series'; requestId: number; key: string; series: SeriesData[]; partial?: boolean; error?: string }
  /** Runs changed status (live): their charts ask again for what they show. */
  | { type: 'runs'; runs: ChartRun[] }
  /** New points arrived for these metric keys: charts showing them refetch. */
  | { type: 'changed'; keys: string[] };

// ---- webview → extension ---------------------------------------------------------------------------------

export type ChartRequest =
  | { type: 'ready' }
  | { type: 'view'; requestId: number; key: string; mode: XMode; buckets: number; runIds: string[]; range?: Range }
  | { type: 'exportCsv'; key: string; mode: XMode; runIds: string[]; range?: Range }
  | { type: 'exportPng'; key: string; dataUrl: string }
  | { type: 'openRun'; id: string }
  | { type: 'painted'; ms: number };

const TYPES = ['ready', 'view', 'exportCsv', 'exportPng', 'openRun', 'painted'] as const;

function parseRange(v: unknown): Range | undefined | null {
  if (v === undefined) return undefined;
  if (!isRecord(v) || !isFiniteNumber(v.from) || !isFiniteNumber(v.to) || v.from > v.to) return null;
  return { from: v.from, to: v.to };
}

/** PNG data URLs only, and bounded (a chart image is well under this). */
const MAX_PNG_URL = 32 * 1024 * 1024;

export function parseChartRequest(m: unknown): ChartRequest | undefined {
  const type = messageType(m, TYPES);
  if (!type || !isRecord(m)) return undefined;
  switch (type) {
    case 'ready':
      return { type };
    case 'view': {
      const range = parseRange(m.range);
      if (range === null || !isInteger(m.requestId) || !isString(m.key, 1000) || !isOneOf(m.mode, X_MODES) || !isInteger(m.buckets, 1, MAX_BUCKETS)) return undefined;
      if (!isStringArray(m.runIds, 100_000, 200)) return undefined;
      return { type, requestId: m.requestId, key: m.key, mode: m.mode, buckets: m.buckets, runIds: m.runIds, range };
    }
    case 'exportCsv': {
      const range = parseRange(m.range);
      if (range === null || !isString(m.key, 1000) || !isOneOf(m.mode, X_MODES) || !isStringArray(m.runIds, 100_000, 200)) return undefined;
      return { type, key: m.key, mode: m.mode, runIds: m.runIds, range };
    }
    case 'exportPng':
      return isString(m.key, 1000) && isString(m.dataUrl, MAX_PNG_URL) && m.dataUrl.startsWith('data:image/png;base64,') ? { type, key: m.key, dataUrl: m.dataUrl } : undefined;
    case 'openRun':
      return isString(m.id, 200) ? { type, id: m.id } : undefined;
    case 'painted':
      return isFiniteNumber(m.ms) ? { type, ms: m.ms } : undefined;
  }
}

/** A sane view state from whatever getState returned (older versions, or nothing). */
export function sanitiseChartsState(v: unknown): ChartsViewState {
  const s = isRecord(v) ? v : {};
  const zoom: Record<string, Range> = {};
  if (isRecord(s.zoom)) {
    for (const [k, r] of Object.entries(s.zoom)) {
      const range = parseRange(r);
      if (range) zoom[k] = range;
    }
  }
  return {
    xMode: isOneOf(s.xMode, X_MODES) ? s.xMode : 'step',
    logY: isBoolean(s.logY) ? s.logY : false,
    smoothing: isFiniteNumber(s.smoothing) && s.smoothing >= 0 && s.smoothing < 1 ? s.smoothing : 0,
    hidden: isStringArray(s.hidden) ? s.hidden : [],
    zoom,
    keyFilter: isString(s.keyFilter, 1000) ? s.keyFilter : '',
  };
}

/**
 * Buckets per run for one chart: the chart's pixel width, but never more than the point budget allows
 * across all the runs it overlays (four points per bucket) — the budget is on points, not on runs.
 */
export const POINT_BUDGET = 60_000;
export function bucketsFor(widthPx: number, runs: number, budget = POINT_BUDGET): number {
  const width = Math.max(16, Math.min(MAX_BUCKETS, Math.round(widthPx)));
  const perRun = Math.floor(budget / (4 * Math.max(1, runs)));
  return Math.max(16, Math.min(width, perRun));
}
