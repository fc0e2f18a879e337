// The runs table webview: a virtual scroller over rows the extension serves in blocks, a filter box taking
// MLflow's search grammar (errors inline), sortable headers, a column chooser, nested-run expanders, selection
// for charts and compare, CSV export. Everything shown is set as text.
import '../components/base.css';
import './runsTable.css';
import { append, el, replace, root, text } from '../components/dom.js';
import { button, setDisabled, setLabel, setValue, textField } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import type { ColumnInfo, RowData, TableRequest, TableUpdate, TableViewState } from '../../extension/runsTable/messages.js';

type Model = Extract<TableUpdate, { type: 'model' }>;

const vs = channel<TableRequest, TableUpdate, TableViewState>();
const ROW_H = 24;
const BLOCK = 100;
const OVERSCAN = 20;

const saved = vs.getState();
const state: TableViewState = saved ?? { filter: '', expanded: [], selected: [], scrollTop: 0 };
const selected = new Set(state.selected);
const expanded = new Set(state.expanded);
let model: Model | undefined;
let blocks = new Map<number, RowData[]>();
const requested = new Set<number>();
let chooserOpen = false;

function persist(): void {
  state.selected = [...selected];
  state.expanded = [...expanded];
  vs.setState(state);
}

// ---- layout ------------------------------------------------------------------------------------------------

const filterBox = textField({
  placeholder: "Filter runs: metrics.loss < 0.2 AND params.model = 'resnet'",
  ariaLabel: 'Filter runs with MLflow search syntax',
  value: state.filter,
  id: 'filter',
  onInput: (v) => scheduleFilter(v),
  onEnter: (v) => sendFilter(v),
});
filterBox.classList.add('grow');
const filterError = el('div', { class: 'error hidden', id: 'filter-error', role: 'alert' });
const summary = el('span', { class: 'muted', id: 'summary' });
const chartsBtn = button('Charts', () => vs.post({ type: 'openCharts' }), { id: 'open-charts', title: 'Open metric charts for the selected runs' });
const compareBtn = button('Compare', () => vs.post({ type: 'compare' }), { appearance: 'secondary', id: 'compare', title: 'Compare the selected runs' });
const columnsBtn = button('Columns…', () => toggleChooser(), { appearance: 'secondary', id: 'columns', title: 'Show, hide and reorder columns' });
const csvBtn = button('Export CSV', () => vs.post({ type: 'exportCsv' }), { appearance: 'secondary', id: 'export-csv', title: 'Save the filtered runs with the shown columns as CSV' });
const refreshBtn = button('Refresh', () => vs.post({ type: 'refresh' }), { appearance: 'secondary', id: 'refresh' });
const title = el('h1', { id: 'title' }, 'Runs');
const loadError = el('div', { class: 'error hidden', role: 'alert' });
const chooser = el('div', { class: 'chooser hidden', id: 'chooser', role: 'dialog', attrs: { 'aria-label': 'Columns' } });

const header = el('div', { class: 'thead', role: 'row' });
const body = el('div', { class: 'tbody', role: 'rowgroup' });
const scroller = el('div', { class: 'scroller', id: 'table', role: 'grid', attrs: { 'aria-label': 'Runs', tabindex: '0' } }, header, body);

append(
  root(),
  title,
  el('div', { class: 'toolbar' }, filterBox, chartsBtn, compareBtn, columnsBtn, csvBtn, refreshBtn),
  filterError,
  loadError,
  el('div', { class: 'toolbar' }, summary),
  chooser,
  scroller,
);

// ---- filter ----------------------------------------------------------------------------------------------------

let filterTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleFilter(v: string): void {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => sendFilter(v), 250);
}
function sendFilter(v: string): void {
  clearTimeout(filterTimer);
  state.filter = v;
  persist();
  vs.post({ type: 'filter', text: v });
}
function showFilterError(error: string | undefined): void {
  filterError.classList.toggle('hidden', !error);
  text(filterError, error ?? '');
  filterBox.classList.toggle('invalid', !!error);
}

// ---- header --------------------------------------------------------------------------------------------------

function visibleColumns(): ColumnInfo[] {
  return model?.columns.filter((c) => c.visible) ?? [];
}

const KIND_PREFIX: Record<ColumnInfo['kind'], string> = { attr: '', metric: 'metric', metricMin: 'min', metricMax: 'max', param: 'param', tag: 'tag' };

function gridTemplate(cols: ColumnInfo[]): string {
  // selection box, then the name (wider), then the rest.
  const width = (c: ColumnInfo): string => {
    if (c.id === 'attr:name') return '260px';
    if (c.id === 'attr:start_time' || c.id === 'attr:end_time') return '150px';
    if (c.id === 'attr:run_id' || c.id === 'attr:parent' || c.id === 'attr:commit') return '270px';
    return c.numeric ? '110px' : '140px';
  };
  return ['28px', ...cols.map(width)].join(' ');
}

function renderHeader(): void {
  const cols = visibleColumns();
  const all = el('input', { attrs: { type: 'checkbox', 'aria-label': 'Select all matching runs' }, id: 'select-all' });
  all.checked = !!model && model.selected > 0 && model.selected >= model.matched;
  all.addEventListener('change', () => vs.post({ type: 'selectAll', selected: all.checked }));
  const cells: Node[] = [el('div', { class: 'th check' }, all)];
  for (const c of cols) {
    const sorted = model?.sort?.columnId === c.id ? (model.sort.ascending ? 'ascending' : 'descending') : 'none';
    const kind = KIND_PREFIX[c.kind];
    const th = el(
      'div',
      {
        class: `th${c.numeric ? ' num' : ''}`,
        role: 'columnheader',
        title: `${kind ? `${kind} ` : ''}${c.label} — click to sort`,
        attrs: { 'aria-sort': sorted, tabindex: '0', 'data-column': c.id },
        on: {
          click: () => cycleSort(c.id),
          keydown: (e) => {
            if (e.key === 'Enter' || e.key === ' ') cycleSort(c.id);
          },
        },
      },
      kind ? el('span', { class: 'kind' }, kind) : null,
      el('span', { class: 'label' }, c.label),
      sorted === 'none' ? null : el('span', { class: 'arrow' }, sorted === 'ascending' ? '▲' : '▼'),
    );
    cells.push(th);
  }
  replace(header, ...cells);
  header.style.gridTemplateColumns = gridTemplate(cols);
}

function cycleSort(columnId: string): void {
  const cur = model?.sort;
  // Click order: ascending → descending → default (newest first).
  const next = cur?.columnId !== columnId ? { columnId, ascending: true } : cur.ascending ? { columnId, ascending: false } : undefined;
  state.sort = next;
  persist();
  vs.post({ type: 'sort', sort: next });
}

// ---- rows ------------------------------------------------------------------------------------------------------

const rendered: HTMLElement[] = [];

function rowAt(index: number): RowData | undefined {
  return blocks.get(Math.floor(index / BLOCK))?.[index % BLOCK];
}

function requestBlock(b: number): void {
  if (!model || requested.has(b) || blocks.has(b)) return;
  requested.add(b);
  vs.post({ type: 'rows', version: model.version, start: b * BLOCK, count: BLOCK });
}

function buildRow(row: RowData, cols: ColumnInfo[], index: number): HTMLElement {
  const check = el('input', { attrs: { type: 'checkbox', 'aria-label': 'Select run' } });
  check.checked = selected.has(row.id);
  check.addEventListener('change', () => {
    if (check.checked) selected.add(row.id);
    else selected.delete(row.id);
    persist();
    vs.post({ type: 'select', ids: [row.id], selected: check.checked });
    updateSelectionUi();
  });
  const cells: Node[] = [el('div', { class: 'td check' }, check)];
  cols.forEach((c, i) => {
    const value = row.cells[i] ?? '';
    if (c.id === 'attr:name') {
      const twistie = row.childCount
        ? el(
            'button',
            {
              class: 'twistie',
              title: row.expanded ? 'Collapse nested runs' : `Show ${row.childCount} nested run${row.childCount === 1 ? '' : 's'}`,
              attrs: { 'aria-expanded': String(row.expanded), 'aria-label': 'Nested runs' },
              on: {
                click: () => {
                  if (row.expanded) expanded.delete(row.id);
                  else expanded.add(row.id);
                  persist();
                  vs.post({ type: 'expand', id: row.id, expanded: !row.expanded });
                },
              },
            },
            row.expanded ? '▾' : '▸',
          )
        : el('span', { class: 'twistie-space' });
      const link = el('button', { class: 'link name', title: value, on: { click: () => vs.post({ type: 'openRun', id: row.id }) } }, value);
      const cell = el('div', { class: 'td name-cell', role: 'gridcell' }, twistie, link, row.childCount ? el('span', { class: 'muted count' }, ` (${row.childCount})`) : null);
      cell.style.paddingLeft = `${4 + row.depth * 16}px`;
      cells.push(cell);
    } else if (c.id === 'attr:status') {
      cells.push(el('div', { class: 'td', role: 'gridcell' }, el('span', { class: `status status-${row.status}` }, value)));
    } else {
      cells.push(el('div', { class: `td${c.numeric ? ' num' : ''}`, role: 'gridcell', title: value }, value));
    }
  });
  const div = el('div', { class: `tr${selected.has(row.id) ? ' selected' : ''}`, role: 'row', attrs: { 'data-run': row.id, 'aria-rowindex': String(index + 1) } }, ...cells);
  div.style.gridTemplateColumns = gridTemplate(cols);
  div.style.top = `${index * ROW_H}px`;
  return div;
}

let renderQueued = false;
function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderRows();
  });
}

function renderRows(): void {
  if (!model) return;
  const cols = visibleColumns();
  body.style.height = `${model.rowCount * ROW_H}px`;
  const top = scroller.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
  const last = Math.min(model.rowCount, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
  for (let b = Math.floor(first / BLOCK); b <= Math.floor(Math.max(first, last - 1) / BLOCK); b++) requestBlock(b);
  const nodes: HTMLElement[] = [];
  for (let i = first; i < last; i++) {
    const row = rowAt(i);
    if (row) nodes.push(buildRow(row, cols, i));
    else {
      const placeholder = el('div', { class: 'tr placeholder', role: 'row' }, el('div', { class: 'td muted' }, '…'));
      placeholder.style.top = `${i * ROW_H}px`;
      nodes.push(placeholder);
    }
  }
  rendered.length = 0;
  rendered.push(...nodes);
  replace(body, ...nodes);
}

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
scroller.addEventListener('scroll', () => {
  queueRender();
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => {
    state.scrollTop = Math.round(scroller.scrollTop);
    persist();
  }, 200);
});
new ResizeObserver(() => queueRender()).observe(scroller);

function updateSelectionUi(): void {
  const n = selected.size;
  setLabel(chartsBtn, n ? `Charts (${n})` : 'Charts');
  setLabel(compareBtn, n ? `Compare (${n})` : 'Compare');
  setDisabled(chartsBtn, n === 0);
  setDisabled(compareBtn, n < 2);
  for (const r of rendered) {
    const id = r.getAttribute('data-run');
    if (id) r.classList.toggle('selected', selected.has(id));
  }
}

// ---- column chooser ----------------------------------------------------------------------------------------

let draft: string[] = [];
let chooserQuery = '';

function toggleChooser(): void {
  chooserOpen = !chooserOpen;
  if (chooserOpen) {
    draft = visibleColumns().map((c) => c.id);
    chooserQuery = '';
  }
  renderChooser();
}

function renderChooser(): void {
  chooser.classList.toggle('hidden', !chooserOpen);
  if (!chooserOpen || !model) return;
  const byId = new Map(model.columns.map((c) => [c.id, c]));
  const line = (c: ColumnInfo, shown: boolean, pos: number): HTMLElement => {
    const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `Show ${c.label}` } });
    box.checked = shown;
    box.disabled = c.id === 'attr:name';
    box.addEventListener('change', () => {
      draft = box.checked ? [...draft, c.id] : draft.filter((id) => id !== c.id);
      renderChooser();
    });
    const move = (delta: number): void => {
      const at = draft.indexOf(c.id);
      const to = at + delta;
      if (at < 1 || to < 1 || to >= draft.length) return; // the name column stays first
      [draft[at], draft[to]] = [draft[to], draft[at]];
      renderChooser();
    };
    return el(
      'div',
      { class: 'chooser-line', attrs: { 'data-column': c.id } },
      el('label', {}, box, ' ', el('span', { class: 'kind' }, KIND_PREFIX[c.kind]), ' ', c.label),
      shown && pos > 0
        ? el('span', { class: 'moves' }, el('button', { class: 'link', title: 'Move left', on: { click: () => move(-1) } }, '↑'), el('button', { class: 'link', title: 'Move right', on: { click: () => move(1) } }, '↓'))
        : null,
    );
  };
  const search = textField({ placeholder: 'Search columns', value: chooserQuery, onInput: (v) => {
    chooserQuery = v;
    renderList();
  } });
  const list = el('div', { class: 'chooser-list' });
  const renderList = (): void => {
    const qq = chooserQuery.toLowerCase();
    const ok = (c: ColumnInfo): boolean => !qq || c.label.toLowerCase().includes(qq);
    const shownCols = draft.map((id) => byId.get(id)).filter((c): c is ColumnInfo => !!c);
    const hiddenCols = model!.columns.filter((c) => !draft.includes(c.id));
    replace(
      list,
      el('h3', {}, 'Shown (in order)'),
      ...shownCols.map((c, i) => (ok(c) ? line(c, true, i) : null)),
      el('h3', {}, 'Hidden'),
      ...hiddenCols.slice(0, 2000).map((c) => (ok(c) ? line(c, false, -1) : null)),
    );
  };
  renderList();
  replace(
    chooser,
    el('div', { class: 'toolbar' }, search, button('Apply', () => {
      chooserOpen = false;
      renderChooser();
      vs.post({ type: 'columns', shown: draft });
    }, { id: 'columns-apply' }), button('Cancel', () => toggleChooser(), { appearance: 'secondary' })),
    list,
  );
}

// ---- messages ----------------------------------------------------------------------------------------------

vs.onMessage((m) => {
  switch (m.type) {
    case 'model': {
      const versionChanged = model?.version !== m.version;
      model = m;
      if (versionChanged) {
        blocks = new Map();
        requested.clear();
      }
      text(title, `Runs — ${m.experimentName}`);
      text(summary, `${m.loading ? 'Loading… ' : ''}${m.matched.toLocaleString()} of ${m.total.toLocaleString()} runs${m.matched !== m.rowCount ? ` (${m.rowCount.toLocaleString()} rows shown)` : ''}`);
      showFilterError(m.filterError);
      loadError.classList.toggle('hidden', !m.error);
      text(loadError, m.error ?? '');
      renderHeader();
      renderRows();
      updateSelectionUi();
      if (chooserOpen) renderChooser();
      return;
    }
    case 'rows': {
      if (!model || m.version !== model.version) return;
      const b = Math.floor(m.start / BLOCK);
      blocks.set(b, m.rows);
      requested.delete(b);
      queueRender();
      return;
    }
    case 'filterError':
      if (m.filter === state.filter) showFilterError(m.error);
      return;
    case 'selection':
      selected.clear();
      for (const id of m.ids) selected.add(id);
      persist();
      renderHeader();
      updateSelectionUi();
      return;
  }
});

setValue(filterBox, state.filter);
vs.post({ type: 'ready', state });
// Restore the scroll position once rows exist to scroll through.
const restore = state.scrollTop;
if (restore > 0) {
  const tryRestore = (): void => {
    if (model && model.rowCount * ROW_H > restore) scroller.scrollTop = restore;
    else if (!model || model.loading) setTimeout(tryRestore, 100);
  };
  setTimeout(tryRestore, 0);
}
