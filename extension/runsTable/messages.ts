// The one contract between the runs-table host (extension/runsTable/runsTablePanel.ts) and its webview
// (webviews/runsTable/main.ts). Both sides import these types; the host checks every incoming message with
// parseTableRequest before acting on it. Pure.
import type { RowData, SortSpec } from './tableModel';
import { isBoolean, isInteger, isRecord, isString, isStringArray, messageType } from '../panels/guards';
import type { ColumnKind } from './columns';

export type { RowData, SortSpec };

export interface ColumnInfo {
  id: string;
  kind: ColumnKind;
  label: string;
  numeric: boolean;
  visible: boolean;
}

/** What the webview keeps with getState/setState and hands back on `ready` after being hidden and shown. */
export interface TableViewState {
  filter: string;
  sort?: SortSpec;
  expanded: string[];
  selected: string[];
  scrollTop: number;
}

// ---- extension → webview ---------------------------------------------------------------------------------

export type TableUpdate =
  /** Everything about the table except its rows; the webview then asks for the rows it shows. */
  | {
      type: 'model';
      version: number;
      experimentName: string;
      /** Every column, in display order for the visible ones, natural order for the rest. */
      columns: ColumnInfo[];
      rowCount: number;
      matched: number;
      total: number;
      sort?: SortSpec;
      filter: string;
      filterError?: string;
      selected: number;
      loading: boolean;
      /** A problem loading runs (the table shows what it has). */
      error?: string;
    }
  | { type: 'rows'; version: number; start: number; rows: RowData[] }
  /** The filter box's verdict without re-layout (the text did not parse; the previous filter stays applied). */
  | { type: 'filterError'; filter: string; error?: string }
  /** Replaces the webview's selection (select all matching runs, or none). */
  | { type: 'selection'; ids: string[] };

// ---- webview → extension ---------------------------------------------------------------------------------

export type TableRequest =
  | { type: 'ready'; state?: TableViewState }
  | { type: 'rows'; version: number; start: number; count: number }
  | { type: 'filter'; text: string }
  | { type: 'sort'; sort?: SortSpec }
  | { type: 'columns'; shown: string[] }
  | { type: 'expand'; id: string; expanded: boolean }
  | { type: 'select'; ids: string[]; selected: boolean }
  | { type: 'selectAll'; selected: boolean }
  | { type: 'openRun'; id: string }
  | { type: 'openCharts' }
  | { type: 'compare' }
  | { type: 'exportCsv' }
  | { type: 'refresh' };

const TYPES = ['ready', 'rows', 'filter', 'sort', 'columns', 'expand', 'select', 'selectAll', 'openRun', 'openCharts', 'compare', 'exportCsv', 'refresh'] as const;

/** Largest window of rows one request may ask for: the webview's viewport plus overscan. */
export const MAX_WINDOW = 500;

function parseSort(v: unknown): SortSpec | undefined | null {
  if (v === undefined) return undefined;
  if (!isRecord(v) || !isString(v.columnId, 2000) || !isBoolean(v.ascending)) return null;
  return { columnId: v.columnId, ascending: v.ascending };
}

function parseState(v: unknown): TableViewState | undefined {
  if (!isRecord(v)) return undefined;
  const sort = parseSort(v.sort);
  return {
    filter: isString(v.filter, 10_000) ? v.filter : '',
    sort: sort ?? undefined,
    expanded: isStringArray(v.expanded) ? v.expanded : [],
    selected: isStringArray(v.selected) ? v.selected : [],
    scrollTop: isInteger(v.scrollTop, 0, 1e9) ? v.scrollTop : 0,
  };
}

/** The message when well-formed, else undefined (ignored by the host). */
export function parseTableRequest(m: unknown): TableRequest | undefined {
  const type = messageType(m, TYPES);
  if (!type || !isRecord(m)) return undefined;
  switch (type) {
    case 'ready':
      return { type, state: parseState(m.state) };
    case 'rows':
      return isInteger(m.version) && isInteger(m.start) && isInteger(m.count, 0, MAX_WINDOW) ? { type, version: m.version, start: m.start, count: m.count } : undefined;
    case 'filter':
      return isString(m.text, 10_000) ? { type, text: m.text } : undefined;
    case 'sort': {
      const sort = parseSort(m.sort);
      return sort === null ? undefined : { type, sort };
    }
    case 'columns':
      return isStringArray(m.shown) ? { type, shown: m.shown } : undefined;
    case 'expand':
      return isString(m.id, 200) && isBoolean(m.expanded) ? { type, id: m.id, expanded: m.expanded } : undefined;
    case 'select':
      return isStringArray(m.ids, 1_000_000, 200) && isBoolean(m.selected) ? { type, ids: m.ids, selected: m.selected } : undefined;
    case 'selectAll':
      return isBoolean(m.selected) ? { type, selected: m.selected } : undefined;
    case 'openRun':
      return isString(m.id, 200) ? { type, id: m.id } : undefined;
    case 'openCharts':
    case 'compare':
    case 'exportCsv':
    case 'refresh':
      return { type };
  }
}
