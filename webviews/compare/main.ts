// The compare webview: params, metrics and tags side by side ("differences only"), a parallel-coordinates view
// (params to a chosen metric, drawn on a canvas) and a scatter of any field against any other (chart.js).
import '../components/base.css';
import './compare.css';
import { Chart, LinearScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import { append, el, replace, root, text } from '../components/dom.js';
import { button, checkbox, dropdown } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import { chromeColors, onThemeChange, seriesColor } from '../components/theme.js';
import {
  compareSections, fieldOf, fieldsOf, parallelCoordinates, scatter, varyingParams, type Axis, type CompareRun, type FieldValue,
} from '../../extension/compare/compareModel.js';
import { sanitiseCompareState, type CompareRequest, type CompareUpdate, type CompareViewState } from '../../extension/compare/messages.js';
import { duration, metricValue } from '../../extension/views/format.js';
import { formatTime } from '../../extension/runsTable/columns.js';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

const vs = channel<CompareRequest, CompareUpdate, CompareViewState>();
const state = sanitiseCompareState(vs.getState());
const persist = (): void => vs.setState(state);
let runs: CompareRun[] = [];
let scatterChart: Chart<'scatter'> | undefined;

const title = el('h1', { id: 'title' }, 'Compare runs');
const loadError = el('div', { class: 'error hidden', role: 'alert' });
const tabs = el('div', { class: 'tabs', role: 'tablist' });
const content = el('div', { id: 'content' });
append(root(), title, loadError, tabs, content);

function renderTabs(): void {
  const tab = (id: CompareViewState['tab'], label: string): HTMLElement =>
    el(
      'button',
      {
        class: `tab${state.tab === id ? ' active' : ''}`,
        role: 'tab',
        id: `tab-${id}`,
        attrs: { 'aria-selected': String(state.tab === id) },
        on: {
          click: () => {
            state.tab = id;
            persist();
            render();
          },
        },
      },
      label,
    );
  replace(tabs, tab('table', 'Table'), tab('parallel', 'Parallel coordinates'), tab('scatter', 'Scatter'));
}

function show(v: FieldValue, fieldId: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (fieldId === 'attr:start_time') return formatTime(v);
  if (fieldId === 'attr:duration') return duration(v);
  return metricValue(v);
}

// ---- table ------------------------------------------------------------------------------------------------

function renderTable(): HTMLElement {
  const controls = el(
    'div',
    { class: 'toolbar' },
    checkbox('Show differences only', state.diffOnly, (on) => {
      state.diffOnly = on;
      persist();
      render();
    }, 'diff-only'),
    checkbox('Metric min and max', state.minMax, (on) => {
      state.minMax = on;
      persist();
      render();
    }),
    checkbox('System tags', state.systemTags, (on) => {
      state.systemTags = on;
      persist();
      render();
    }),
  );
  const head = el(
    'tr',
    {},
    el('th', {}, ''),
    ...runs.map((r) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = seriesColor(r.index);
      return el('th', { attrs: { scope: 'col' } }, swatch, el('button', { class: 'link', title: r.id, on: { click: () => vs.post({ type: 'openRun', id: r.id }) } }, r.name));
    }),
  );
  const bodies: HTMLElement[] = [];
  for (const section of compareSections(runs, state)) {
    if (section.rows.length === 0) continue;
    bodies.push(
      el(
        'tbody',
        {},
        el('tr', { class: 'section' }, el('th', { attrs: { colspan: String(runs.length + 1), scope: 'rowgroup' } }, section.title)),
        ...section.rows.map((row) =>
          el(
            'tr',
            { class: row.differs ? 'differs' : '', attrs: { 'data-field': row.field.id } },
            el('th', { attrs: { scope: 'row' }, title: row.field.id }, row.field.label),
            ...row.values.map((v) => el('td', { class: typeof v === 'number' ? 'num' : '' }, show(v, row.field.id))),
          ),
        ),
      ),
    );
  }
  const table = el('table', { class: 'kv compare', id: 'compare-table' }, el('thead', {}, head), ...bodies);
  return el('div', {}, controls, bodies.length ? table : el('div', { class: 'muted', id: 'no-differences' }, state.diffOnly ? 'These runs do not differ.' : 'Nothing to compare.'), );
}

// ---- parallel coordinates ----------------------------------------------------------------------------------

function numericFieldIds(kind: 'metric' | 'param'): string[] {
  return fieldsOf(runs).filter((f) => f.kind === kind).map((f) => f.id);
}

function axisLabel(a: Axis, p: number): string {
  if (a.kind === 'numeric') return metricValue(a.min + p * (a.max - a.min));
  const i = Math.round(p * (a.categories.length - 1));
  return a.categories[i] ?? '';
}

function drawParallel(canvas: HTMLCanvasElement, fields: string[], metric: string): void {
  const view = parallelCoordinates(runs, fields, metric);
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(ratio, ratio);
  const colors = chromeColors();
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);
  const top = 36;
  const bottom = height - 28;
  const n = view.axes.length;
  const left = 60;
  const right = width - 60;
  const xAt = (i: number): number => (n === 1 ? (left + right) / 2 : left + (i * (right - left)) / (n - 1));
  const yAt = (p: number): number => bottom - p * (bottom - top);
  ctx.font = `${getComputedStyle(document.body).fontSize} ${getComputedStyle(document.body).fontFamily}`;
  // Lines first, under the axes.
  for (const line of view.lines) {
    ctx.strokeStyle = seriesColor(line.index);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false;
    line.positions.forEach((p, i) => {
      if (p === null) {
        drawing = false;
        return;
      }
      if (drawing) ctx.lineTo(xAt(i), yAt(p));
      else ctx.moveTo(xAt(i), yAt(p));
      drawing = true;
    });
    ctx.stroke();
  }
  view.axes.forEach((a, i) => {
    const x = xAt(i);
    ctx.strokeStyle = colors.foreground;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillStyle = colors.foreground;
    ctx.textAlign = 'center';
    // Canvas text is drawn as glyphs: a logged name can never become markup here.
    ctx.fillText(a.field.label.length > 24 ? `${a.field.label.slice(0, 23)}…` : a.field.label, x, top - 18);
    ctx.fillStyle = colors.muted;
    const ticks = a.kind === 'categorical' ? Math.min(a.categories.length, 8) : 5;
    for (let t = 0; t < ticks; t++) {
      const p = ticks === 1 ? 0.5 : t / (ticks - 1);
      const label = axisLabel(a, p);
      ctx.textAlign = i === n - 1 ? 'left' : 'right';
      ctx.fillText(label.length > 16 ? `${label.slice(0, 15)}…` : label, x + (i === n - 1 ? 6 : -6), yAt(p) + 4);
    }
  });
}

function renderParallel(): HTMLElement {
  const params = numericFieldIds('param');
  const metrics = numericFieldIds('metric');
  if (metrics.length === 0) return el('div', { class: 'muted' }, 'These runs have no metrics to plot.');
  const metric = state.parallelMetric && metrics.includes(state.parallelMetric) ? state.parallelMetric : metrics[0];
  const chosen = (state.parallelFields ?? varyingParams(runs)).filter((id) => params.includes(id));
  const canvas = el('canvas', { class: 'parallel', id: 'parallel', attrs: { role: 'img', 'aria-label': 'Parallel coordinates of params to a metric' } });
  const pickers = el(
    'div',
    { class: 'param-picks' },
    ...params.map((id) =>
      checkbox(fieldOf(id).label, chosen.includes(id), (on) => {
        state.parallelFields = on ? [...chosen, id] : chosen.filter((x) => x !== id);
        persist();
        render();
      }),
    ),
  );
  const view = el(
    'div',
    {},
    el('div', { class: 'toolbar' }, el('label', { class: 'muted' }, 'Metric '), dropdown(metrics.map((id) => ({ value: id, label: fieldOf(id).label })), metric, (v) => {
      state.parallelMetric = v;
      persist();
      render();
    }, 'parallel-metric')),
    el('div', { class: 'muted' }, 'Parameters'),
    pickers,
    canvas,
  );
  requestAnimationFrame(() => drawParallel(canvas, chosen, metric));
  return view;
}

// ---- scatter ------------------------------------------------------------------------------------------------

function renderScatter(): HTMLElement {
  const all = fieldsOf(runs).filter((f) => f.kind === 'param' || f.kind === 'metric' || f.kind === 'metricMin' || f.kind === 'metricMax');
  if (all.length === 0) return el('div', { class: 'muted' }, 'These runs have no params or metrics.');
  const ids = all.map((f) => f.id);
  const firstMetric = ids.find((id) => id.startsWith('metric:')) ?? ids[0];
  const x = state.scatterX && ids.includes(state.scatterX) ? state.scatterX : ids.find((id) => id.startsWith('param:')) ?? ids[0];
  const y = state.scatterY && ids.includes(state.scatterY) ? state.scatterY : firstMetric;
  const options = all.map((f) => ({ value: f.id, label: `${f.kind.startsWith('metric') ? 'metric' : 'param'}: ${f.label}` }));
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Scatter plot', id: 'scatter' } });
  const holder = el('div', { class: 'scatter-holder' }, canvas);
  const view = el(
    'div',
    {},
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'muted' }, 'X '),
      dropdown(options, x, (v) => {
        state.scatterX = v;
        persist();
        render();
      }, 'scatter-x'),
      el('label', { class: 'muted' }, 'Y '),
      dropdown(options, y, (v) => {
        state.scatterY = v;
        persist();
        render();
      }, 'scatter-y'),
    ),
    holder,
  );
  requestAnimationFrame(() => {
    const s = scatter(runs, x, y);
    const colors = chromeColors();
    const tick = (a: Axis) => (v: number | string): string => (a.kind === 'categorical' ? a.categories[Number(v)] ?? '' : metricValue(Number(v)));
    scatterChart?.destroy();
    scatterChart = new Chart(canvas, {
      type: 'scatter',
      data: {
        datasets: s.points.map((p) => ({
          label: p.name,
          data: [{ x: p.x, y: p.y }],
          backgroundColor: seriesColor(p.index),
          borderColor: seriesColor(p.index),
          pointRadius: 5,
          pointHoverRadius: 7,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: (${tick(s.x)(item.parsed.x ?? 0)}, ${tick(s.y)(item.parsed.y ?? 0)})` } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: s.x.field.label, color: colors.muted }, grid: { color: colors.grid }, ticks: { color: colors.muted, callback: tick(s.x), stepSize: s.x.kind === 'categorical' ? 1 : undefined } },
          y: { type: 'linear', title: { display: true, text: s.y.field.label, color: colors.muted }, grid: { color: colors.grid }, ticks: { color: colors.muted, callback: tick(s.y), stepSize: s.y.kind === 'categorical' ? 1 : undefined } },
        },
      },
    });
  });
  return view;
}

// ---- top level ----------------------------------------------------------------------------------------------

function render(): void {
  renderTabs();
  scatterChart?.destroy();
  scatterChart = undefined;
  const body = state.tab === 'table' ? renderTable() : state.tab === 'parallel' ? renderParallel() : renderScatter();
  replace(content, body, el('div', { class: 'toolbar footer' }, button('Refresh', () => vs.post({ type: 'refresh' }), { appearance: 'secondary' })));
}

vs.onMessage((m) => {
  if (m.type !== 'data') return;
  runs = m.runs;
  text(title, m.title);
  loadError.classList.toggle('hidden', !m.error);
  text(loadError, m.error ?? '');
  render();
});

onThemeChange(() => render());
window.addEventListener('resize', () => {
  if (state.tab === 'parallel') render();
});
vs.post({ type: 'ready' });
