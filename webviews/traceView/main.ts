// The trace webview: the trace's info (id, state, request/response previews, metadata, tags) and its span tree.
// Each span row shows name, type, a timing bar against the whole trace and its duration; folding a span hides
// its children; the selected span's details show status, exceptions (type, message, stack trace), inputs,
// outputs, events and other attributes. Every string a trace logged goes in as text (components/dom).
import '../components/base.css';
import './traceView.css';
import { append, el, replace, root } from '../components/dom.js';
import { button, tag } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import type { TraceViewRequest, TraceViewUpdate, TraceViewViewState } from '../../extension/traceView/messages.js';
import { formatMs, type SpanRow, type TraceViewModel } from '../../extension/traceView/traceModel.js';

const vs = channel<TraceViewRequest, TraceViewUpdate, TraceViewViewState>();
const saved = vs.getState();
const state: { selected?: string; collapsed: Set<string> } = {
  selected: typeof saved?.selected === 'string' ? saved.selected : undefined,
  collapsed: new Set(Array.isArray(saved?.collapsed) ? saved.collapsed.filter((x): x is string => typeof x === 'string') : []),
};
const persist = (): void => vs.setState({ selected: state.selected, collapsed: [...state.collapsed] });

let trace: TraceViewModel | undefined;
const errorBox = el('div', { class: 'error hidden', role: 'alert', id: 'trace-error' });
const page = el('div', { id: 'page' });
append(root(), errorBox, page);

const RUN_METADATA = 'mlflow.sourceRun';

function pairs(list: { key: string; value: string }[], id: string): HTMLElement {
  if (list.length === 0) return el('div', { class: 'muted', id }, 'None.');
  return el('div', { class: 'grid2', id }, ...list.flatMap((p) => [el('div', { class: 'k' }, p.key), el('div', { class: 'v pre-wrap' }, p.value)]));
}

function infoSection(t: TraceViewModel): HTMLElement {
  const i = t.info;
  const run = i.metadata.find((m) => m.key === RUN_METADATA)?.value;
  return el(
    'section',
    { id: 'trace-info' },
    el(
      'div',
      { class: 'toolbar' },
      el('h2', { class: 'trace-name' }, i.name),
      el('span', { class: `state state-${i.state}`, id: 'trace-state' }, i.state),
      el('span', { class: 'muted' }, formatMs(i.durationMs ?? t.totalMs)),
      el('span', { class: 'grow' }),
      button('Refresh', () => vs.post({ type: 'refresh' }), { appearance: 'secondary', id: 'refresh' }),
    ),
    el(
      'div',
      { class: 'grid2' },
      el('div', { class: 'k' }, 'Trace ID'),
      el('div', { class: 'v mono', id: 'trace-id' }, i.traceId),
      el('div', { class: 'k' }, 'Request time'),
      el('div', { class: 'v' }, i.requestTime ?? '—'),
      i.experimentId !== undefined ? el('div', { class: 'k' }, 'Experiment') : null,
      i.experimentId !== undefined ? el('div', { class: 'v mono' }, i.experimentId) : null,
      run ? el('div', { class: 'k' }, 'Run') : null,
      run ? el('div', { class: 'v' }, el('button', { class: 'link', id: 'open-run', on: { click: () => vs.post({ type: 'openRun', id: run }) } }, run)) : null,
      el('div', { class: 'k' }, 'Request'),
      el('pre', { class: 'v json', id: 'trace-request' }, i.requestPreview ?? ''),
      el('div', { class: 'k' }, 'Response'),
      el('pre', { class: 'v json', id: 'trace-response' }, i.responsePreview ?? ''),
    ),
    el('details', {}, el('summary', {}, `Metadata (${i.metadata.length})`), pairs(i.metadata, 'trace-metadata')),
    el('details', {}, el('summary', {}, `Tags (${i.tags.length})`), pairs(i.tags, 'trace-tags')),
  );
}

/** Rows not hidden under a folded ancestor. */
function visibleRows(rows: SpanRow[]): SpanRow[] {
  const out: SpanRow[] = [];
  let hideBelow: number | undefined;
  for (const r of rows) {
    if (hideBelow !== undefined && r.depth > hideBelow) continue;
    hideBelow = undefined;
    out.push(r);
    if (r.childCount > 0 && state.collapsed.has(r.id)) hideBelow = r.depth;
  }
  return out;
}

function spanRowEl(r: SpanRow): HTMLElement {
  const folded = state.collapsed.has(r.id);
  const toggle = r.childCount
    ? el('button', {
        class: 'twisty link',
        attrs: { 'aria-label': folded ? `Expand ${r.name}` : `Collapse ${r.name}`, 'aria-expanded': String(!folded) },
        on: {
          click: (e) => {
            e.stopPropagation();
            if (folded) state.collapsed.delete(r.id);
            else state.collapsed.add(r.id);
            persist();
            render();
          },
        },
      }, folded ? '▸' : '▾')
    : el('span', { class: 'twisty' });
  const indent = el('span', { class: 'indent' });
  indent.style.width = `${r.depth * 14}px`;
  const bar = el('span', { class: `bar bar-${r.status}` });
  bar.style.left = `${(r.barLeft * 100).toFixed(3)}%`;
  bar.style.width = `max(2px, ${(r.barWidth * 100).toFixed(3)}%)`;
  return el(
    'div',
    {
      class: `span-row${state.selected === r.id ? ' selected' : ''}`,
      role: 'treeitem',
      attrs: { tabindex: '0', 'data-span': r.id, 'aria-level': String(r.depth + 1), 'aria-selected': String(state.selected === r.id) },
      on: {
        click: () => select(r.id),
        keydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') select(r.id);
        },
      },
    },
    el('span', { class: 'span-label' }, indent, toggle, el('span', { class: `dot dot-${r.status}`, title: r.status }), el('span', { class: 'span-name' }, r.name), r.type ? el('span', { class: 'span-type muted' }, r.type) : null),
    el('span', { class: 'timeline', title: `starts at +${formatMs(r.startMs)}, takes ${formatMs(r.durationMs)}` }, bar),
    el('span', { class: 'span-duration muted' }, formatMs(r.durationMs)),
  );
}

function select(id: string): void {
  state.selected = id;
  persist();
  render();
}

function block(title: string, body: string | undefined, id: string): HTMLElement | null {
  if (body === undefined) return null;
  return el('div', { class: 'block' }, el('h4', {}, title), el('pre', { class: 'json', id }, body));
}

function spanDetails(r: SpanRow): HTMLElement {
  return el(
    'section',
    { id: 'span-details', class: 'card' },
    el('div', { class: 'toolbar' }, el('h3', { class: 'span-title' }, r.name), r.type ? tag(r.type) : null, el('span', { class: `state state-${r.status}` }, r.status)),
    el(
      'div',
      { class: 'grid2' },
      el('div', { class: 'k' }, 'Span ID'),
      el('div', { class: 'v mono' }, r.id),
      el('div', { class: 'k' }, 'Start'),
      el('div', { class: 'v' }, `+${formatMs(r.startMs)}`),
      el('div', { class: 'k' }, 'Duration'),
      el('div', { class: 'v' }, formatMs(r.durationMs)),
      r.statusMessage ? el('div', { class: 'k' }, 'Status message') : null,
      r.statusMessage ? el('div', { class: 'v error-text', id: 'span-status-message' }, r.statusMessage) : null,
    ),
    ...r.exceptions.map((x, i) =>
      el(
        'div',
        { class: 'exception', attrs: { 'data-exception': String(i) } },
        el('h4', {}, 'Exception: ', el('span', { class: 'exception-type' }, x.type)),
        el('div', { class: 'exception-message' }, x.message),
        x.stacktrace ? el('details', {}, el('summary', {}, 'Stack trace'), el('pre', { class: 'stacktrace' }, x.stacktrace)) : null,
      ),
    ),
    block('Inputs', r.inputs, 'span-inputs'),
    block('Outputs', r.outputs, 'span-outputs'),
    r.events.length
      ? el('div', { class: 'block' }, el('h4', {}, 'Events'), ...r.events.map((e) => el('details', {}, el('summary', {}, `${e.name} at +${formatMs(e.offsetMs)}`), el('pre', { class: 'json' }, e.attributes))))
      : null,
    r.attributes.length ? el('div', { class: 'block' }, el('h4', {}, 'Attributes'), pairs(r.attributes, 'span-attributes')) : null,
  );
}

function render(): void {
  if (!trace) return;
  const rows = trace.spans;
  if (!rows.some((r) => r.id === state.selected)) state.selected = rows.find((r) => r.status === 'ERROR')?.id ?? rows[0]?.id;
  const selected = rows.find((r) => r.id === state.selected);
  replace(
    page,
    infoSection(trace),
    el(
      'section',
      { id: 'spans' },
      el('h3', {}, `Spans (${rows.length})`),
      trace.spansMissing ? el('div', { class: 'muted', id: 'spans-missing' }, trace.spansMissing) : null,
      rows.length ? el('div', { class: 'span-tree', role: 'tree', attrs: { 'aria-label': 'Spans' } }, ...visibleRows(rows).map(spanRowEl)) : null,
    ),
    selected ? spanDetails(selected) : null,
  );
}

vs.onMessage((m) => {
  if (m.type !== 'trace') return;
  if (m.error || !m.trace) {
    errorBox.textContent = m.error ?? 'The trace could not be read.';
    errorBox.classList.remove('hidden');
    return;
  }
  errorBox.classList.add('hidden');
  trace = m.trace;
  render();
});
vs.post({ type: 'ready' });
