// The metric charts webview: one chart.js chart per metric key with the selected runs overlaid. Data arrive
// downsampled by the extension (every bucket's extremes kept); zooming (drag), panning (Shift+drag) and
// Ctrl+wheel ask again for the visible range, which comes back at full fidelity once few enough points are in
// view. Charts are created as they scroll into view, so a hundred metric keys cost nothing until seen.
import '../components/base.css';
import './charts.css';
import {
  CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartDataset, type Plugin,
} from 'chart.js';
import { append, el, replace, root, text } from '../components/dom.js';
import { button, checkbox, dropdown, textField } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import { chromeColors, onThemeChange, seriesColor } from '../components/theme.js';
import { emaSmooth } from '../../extension/charts/smoothing.js';
import { bucketsFor, sanitiseChartsState, type ChartRequest, type ChartRun, type ChartsViewState, type ChartUpdate, type Range, type SeriesData, type XMode } from '../../extension/charts/messages.js';
import { duration, metricValue } from '../../extension/views/format.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Filler);

const started = performance.now();
const vs = channel<ChartRequest, ChartUpdate, ChartsViewState>();
const state = sanitiseChartsState(vs.getState());
const persist = (): void => vs.setState(state);

let runs: ChartRun[] = [];
let keys: string[] = [];
let nextRequest = 1;
let painted = false;

interface Card {
  key: string;
  element: HTMLElement;
  canvas: HTMLCanvasElement;
  badge: HTMLElement;
  error: HTMLElement;
  chart?: Chart<'line', Array<{ x: number; y: number }>>;
  series: SeriesData[];
  pending?: number;
  seen: boolean;
}
const cards = new Map<string, Card>();

// ---- toolbar and legend -----------------------------------------------------------------------------------

const title = el('h1', { id: 'title' }, 'Metric charts');
const loadError = el('div', { class: 'error hidden', role: 'alert' });
const xModeSelect = dropdown(
  [
    { value: 'step', label: 'Step' },
    { value: 'wall', label: 'Wall time' },
    { value: 'relative', label: 'Relative time' },
  ],
  state.xMode,
  (v) => {
    state.xMode = v as XMode;
    state.zoom = {}; // ranges are in the old axis' units
    persist();
    refetchAll();
  },
  'x-axis',
);
const logBox = checkbox('Log scale', state.logY, (on) => {
  state.logY = on;
  persist();
  for (const c of cards.values()) if (c.chart) draw(c);
}, 'log-scale');
const smoothLabel = el('span', { class: 'muted', id: 'smoothing-value' }, state.smoothing.toFixed(2));
const smoothInput = el('input', { attrs: { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing', id: 'smoothing' } });
smoothInput.value = String(state.smoothing);
smoothInput.addEventListener('input', () => {
  state.smoothing = Number(smoothInput.value);
  text(smoothLabel, state.smoothing.toFixed(2));
  persist();
  for (const c of cards.values()) if (c.chart) draw(c);
});
const keyFilter = textField({
  placeholder: 'Filter metrics',
  value: state.keyFilter,
  ariaLabel: 'Filter metric charts by name',
  onInput: (v) => {
    state.keyFilter = v;
    persist();
    layoutCards();
  },
});
const legend = el('div', { class: 'legend', id: 'legend', role: 'list', attrs: { 'aria-label': 'Runs' } });
const grid = el('div', { class: 'chart-grid', id: 'charts' });

append(
  root(),
  title,
  loadError,
  el(
    'div',
    { class: 'toolbar' },
    el('label', { class: 'muted' }, 'X axis '),
    xModeSelect,
    logBox,
    el('label', { class: 'smoothing' }, 'Smoothing ', smoothInput, ' ', smoothLabel),
    keyFilter,
    button('Reset zoom', () => {
      state.zoom = {};
      persist();
      refetchAll();
    }, { appearance: 'secondary', id: 'reset-all' }),
  ),
  el('div', { class: 'muted hint' }, 'Drag to zoom · Shift+drag to pan · Ctrl+wheel to zoom · double-click to reset'),
  legend,
  grid,
);

function visibleRunIds(): string[] {
  const hidden = new Set(state.hidden);
  return runs.filter((r) => !hidden.has(r.id)).map((r) => r.id);
}

function renderLegend(): void {
  const hidden = new Set(state.hidden);
  replace(
    legend,
    ...runs.map((r) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = seriesColor(r.index);
      const item = el(
        'button',
        {
          class: `legend-item${hidden.has(r.id) ? ' off' : ''}`,
          title: `${r.name} (${r.status}) — click to show or hide`,
          role: 'listitem',
          attrs: { 'aria-pressed': String(!hidden.has(r.id)), 'data-run': r.id },
          on: {
            click: () => {
              if (hidden.has(r.id)) state.hidden = state.hidden.filter((id) => id !== r.id);
              else state.hidden = [...state.hidden, r.id];
              persist();
              renderLegend();
              refetchAll();
            },
          },
        },
        swatch,
        el('span', { class: 'run-name' }, r.name),
        r.status === 'RUNNING' ? el('span', { class: 'muted' }, ' ● live') : null,
      );
      const open = el('button', { class: 'link open-run', title: `Open run ${r.name}`, on: { click: () => vs.post({ type: 'openRun', id: r.id }) } }, '↗');
      return el('span', { class: 'legend-entry' }, item, open);
    }),
  );
}

// ---- cards --------------------------------------------------------------------------------------------------

const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const card = [...cards.values()].find((c) => c.element === e.target);
      if (card && !card.seen) {
        card.seen = true;
        request(card);
      }
    }
  },
  { rootMargin: '300px' },
);

function makeCard(key: string): Card {
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `Chart of ${key}`, tabindex: '0' } });
  const badge = el('span', { class: 'badge muted' });
  const error = el('div', { class: 'error hidden' });
  const selection = el('div', { class: 'selection hidden' });
  const holder = el('div', { class: 'canvas-holder' }, canvas, selection);
  const card: Card = { key, canvas, badge, error, series: [], seen: false, element: el('section', { class: 'chart-card', attrs: { 'data-key': key } }) };
  append(
    card.element,
    el(
      'header',
      {},
      el('h2', { title: key }, key),
      badge,
      el(
        'span',
        { class: 'card-actions' },
        button('Reset', () => resetZoom(card), { appearance: 'secondary', title: 'Show the whole history' }),
        button('PNG', () => exportPng(card), { appearance: 'secondary', title: 'Save this chart as PNG' }),
        button('CSV', () => exportCsv(card), { appearance: 'secondary', title: 'Save the points in view, every one, as CSV' }),
      ),
    ),
    error,
    holder,
  );
  attachZoom(card, holder, selection);
  return card;
}

function layoutCards(): void {
  const q = state.keyFilter.toLowerCase();
  const shown = keys.filter((k) => !q || k.toLowerCase().includes(q));
  for (const k of keys) if (!cards.has(k)) cards.set(k, makeCard(k));
  for (const [k, c] of cards) {
    if (!keys.includes(k)) {
      c.chart?.destroy();
      observer.unobserve(c.element);
      cards.delete(k);
    }
  }
  replace(grid, ...shown.map((k) => cards.get(k)!.element), shown.length ? null : el('div', { class: 'muted' }, keys.length ? 'No metric matches the filter.' : 'These runs have no metrics yet.'));
  for (const k of shown) observer.observe(cards.get(k)!.element);
}

function request(card: Card): void {
  const id = nextRequest++;
  card.pending = id;
  const width = card.canvas.clientWidth || 600;
  const ids = visibleRunIds();
  text(card.badge, 'loading…');
  vs.post({ type: 'view', requestId: id, key: card.key, mode: state.xMode, buckets: bucketsFor(width, ids.length), runIds: ids, range: state.zoom[card.key] });
}

function refetchAll(): void {
  for (const c of cards.values()) if (c.seen) request(c);
}

function resetZoom(card: Card): void {
  delete state.zoom[card.key];
  persist();
  request(card);
}

// ---- drawing ------------------------------------------------------------------------------------------------

function formatX(v: number, span: number): string {
  if (state.xMode === 'step') return metricValue(v);
  if (state.xMode === 'relative') return duration(v) || '0ms';
  const d = new Date(v);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${span < 120_000 ? `:${pad(d.getSeconds())}` : ''}`;
  return span > 36 * 3600_000 ? `${d.getMonth() + 1}-${pad(d.getDate())} ${time}` : time;
}

const background: Plugin<'line'> = {
  id: 'mwbBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = chromeColors().background;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

function datasets(card: Card): Array<ChartDataset<'line', Array<{ x: number; y: number }>>> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return card.series.map((s) => {
    const run = byId.get(s.runId);
    const ys = state.smoothing > 0 ? emaSmooth(s.y, state.smoothing) : s.y;
    const color = seriesColor(run?.index ?? 0);
    const few = s.x.length <= 200;
    return {
      label: run?.name ?? s.runId,
      data: s.x.map((x, i) => ({ x, y: ys[i] })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      pointRadius: few ? 2 : 0,
      pointHoverRadius: 4,
      spanGaps: true,
      parsing: false,
      normalized: true,
    } as ChartDataset<'line', Array<{ x: number; y: number }>>;
  });
}

function draw(card: Card): void {
  const colors = chromeColors();
  const zoom = state.zoom[card.key];
  const extents = card.series
    .map((s) => s.extent)
    .filter((e): e is { min: number; max: number } => !!e && Number.isFinite(e.min) && Number.isFinite(e.max));
  const full = extents.length ? { min: Math.min(...extents.map((e) => e.min)), max: Math.max(...extents.map((e) => e.max)) } : undefined;
  let xMin = zoom?.from ?? full?.min;
  let xMax = zoom?.to ?? full?.max;
  // Histories of a single step (or time) still need an axis with some width to draw on.
  if (xMin !== undefined && xMax !== undefined && xMin === xMax) {
    const pad = state.xMode === 'step' ? 1 : 1000;
    xMin -= pad;
    xMax += pad;
  }
  const span = xMin !== undefined && xMax !== undefined ? xMax - xMin : 0;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const data = { datasets: datasets(card) };
  const options = {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest' as const, intersect: false },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: (items: Array<{ parsed: { x: number | null } }>) => (items.length ? formatX(items[0].parsed.x ?? 0, span) : ''),
          label: (item: { datasetIndex: number; dataIndex: number; parsed: { y: number | null } }) => {
            const s = card.series[item.datasetIndex];
            const run = byId.get(s?.runId ?? '');
            const step = s?.step?.[item.dataIndex];
            const raw = s?.y[item.dataIndex];
            const shown = item.parsed.y ?? NaN;
            const smoothed = state.smoothing > 0 && raw !== undefined ? ` (raw ${metricValue(raw)})` : '';
            return `${run?.name ?? ''}: ${metricValue(shown)}${smoothed}${step !== undefined ? ` · step ${step}` : ''}`;
          },
        },
      },
    },
    scales: {
      x: {
        type: 'linear' as const,
        min: xMin,
        max: xMax,
        grid: { color: colors.grid },
        ticks: { color: colors.muted, maxRotation: 0, callback: (v: number | string) => formatX(Number(v), span) },
      },
      y: {
        type: state.logY ? ('logarithmic' as const) : ('linear' as const),
        grace: '5%',
        grid: { color: colors.grid },
        ticks: { color: colors.muted, callback: (v: number | string) => metricValue(Number(v)) },
      },
    },
  };
  if (!card.chart) {
    card.chart = new Chart<'line', Array<{ x: number; y: number }>>(card.canvas, { type: 'line', data, options, plugins: [background] });
  } else {
    card.chart.data = data;
    card.chart.options = options as typeof card.chart.options;
    card.chart.update('none');
  }
  const total = card.series.reduce((n, s) => n + s.total, 0);
  const drawn = card.series.reduce((n, s) => n + s.x.length, 0);
  const exact = card.series.every((s) => s.exact);
  const loading = card.pending !== undefined ? ' · reading…' : '';
  text(card.badge, `${exact ? 'all points' : `${drawn.toLocaleString()} of ${total.toLocaleString()} points, extremes kept`}${zoom ? ' · zoomed' : ''}${loading}`);
  // Test hooks (e2e): what is drawn once the answer is complete.
  if (card.pending === undefined) {
    card.element.dataset.exact = String(exact);
    card.element.dataset.points = String(drawn);
  }
  if (!painted && card.series.length) {
    painted = true;
    const ms = performance.now() - started;
    document.body.dataset.firstPaintMs = ms.toFixed(0);
    vs.post({ type: 'painted', ms });
  }
}

// ---- zoom and pan -------------------------------------------------------------------------------------------

let zoomTimer: ReturnType<typeof setTimeout> | undefined;
function setZoom(card: Card, range: Range): void {
  if (!(range.to > range.from)) return;
  state.zoom[card.key] = range;
  persist();
  if (card.chart) {
    card.chart.options.scales!.x!.min = range.from;
    card.chart.options.scales!.x!.max = range.to;
    card.chart.update('none');
  }
  // Ask for the full-fidelity data of the new range once the gesture settles.
  clearTimeout(zoomTimer);
  zoomTimer = setTimeout(() => request(card), 120);
}

function currentRange(card: Card): Range | undefined {
  const x = card.chart?.scales.x;
  return x ? { from: x.min, to: x.max } : undefined;
}

function attachZoom(card: Card, holder: HTMLElement, selection: HTMLElement): void {
  let start: number | undefined;
  let panFrom: { px: number; range: Range } | undefined;
  const pxToValue = (px: number): number => card.chart!.scales.x.getValueForPixel(px) ?? 0;
  const localX = (e: MouseEvent): number => e.clientX - card.canvas.getBoundingClientRect().left;
  holder.addEventListener('mousedown', (e) => {
    if (!card.chart || e.button !== 0) return;
    const range = currentRange(card);
    if (e.shiftKey && range) panFrom = { px: localX(e), range };
    else start = localX(e);
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (start !== undefined) {
      const x = localX(e);
      selection.classList.remove('hidden');
      selection.style.left = `${Math.min(start, x)}px`;
      selection.style.width = `${Math.abs(x - start)}px`;
    } else if (panFrom && card.chart) {
      const area = card.chart.chartArea;
      const perPx = (panFrom.range.to - panFrom.range.from) / Math.max(1, area.right - area.left);
      const delta = (localX(e) - panFrom.px) * perPx;
      const r = { from: panFrom.range.from - delta, to: panFrom.range.to - delta };
      card.chart.options.scales!.x!.min = r.from;
      card.chart.options.scales!.x!.max = r.to;
      card.chart.update('none');
    }
  });
  window.addEventListener('mouseup', (e) => {
    if (start !== undefined && card.chart) {
      const end = localX(e);
      selection.classList.add('hidden');
      if (Math.abs(end - start) > 4) {
        const a = pxToValue(Math.min(start, end));
        const b = pxToValue(Math.max(start, end));
        setZoom(card, { from: a, to: b });
      }
    } else if (panFrom && card.chart) {
      const r = currentRange(card);
      if (r) setZoom(card, r);
    }
    start = undefined;
    panFrom = undefined;
  });
  holder.addEventListener('dblclick', () => resetZoom(card));
  holder.addEventListener(
    'wheel',
    (e) => {
      if (!(e.ctrlKey || e.metaKey) || !card.chart) return;
      e.preventDefault();
      const r = currentRange(card);
      if (!r) return;
      const at = pxToValue(localX(e));
      const factor = e.deltaY < 0 ? 0.8 : 1.25;
      setZoom(card, { from: at - (at - r.from) * factor, to: at + (r.to - at) * factor });
    },
    { passive: false },
  );
  card.canvas.addEventListener('keydown', (e) => {
    // Keyboard zoom for those not using a mouse: + / - around the centre, 0 to reset.
    const r = currentRange(card);
    if (!r) return;
    const mid = (r.from + r.to) / 2;
    const half = (r.to - r.from) / 2;
    if (e.key === '+' || e.key === '=') setZoom(card, { from: mid - half * 0.5, to: mid + half * 0.5 });
    else if (e.key === '-') setZoom(card, { from: mid - half * 2, to: mid + half * 2 });
    else if (e.key === '0') resetZoom(card);
  });
}

// ---- exports ------------------------------------------------------------------------------------------------

function exportPng(card: Card): void {
  if (!card.chart) return;
  vs.post({ type: 'exportPng', key: card.key, dataUrl: card.chart.toBase64Image('image/png') });
}

function exportCsv(card: Card): void {
  vs.post({ type: 'exportCsv', key: card.key, mode: state.xMode, runIds: visibleRunIds(), range: state.zoom[card.key] });
}

// ---- messages -----------------------------------------------------------------------------------------------

vs.onMessage((m) => {
  switch (m.type) {
    case 'init':
      runs = m.runs;
      keys = m.keys;
      text(title, m.title);
      loadError.classList.toggle('hidden', !m.error);
      text(loadError, m.error ?? '');
      renderLegend();
      layoutCards();
      return;
    case 'series': {
      const card = cards.get(m.key);
      if (!card || card.pending !== m.requestId) return; // a newer request is on its way
      if (!m.partial) card.pending = undefined;
      card.series = m.series;
      card.error.classList.toggle('hidden', !m.error);
      text(card.error, m.error ?? '');
      draw(card);
      return;
    }
    case 'runs':
      runs = m.runs;
      renderLegend();
      return;
    case 'changed':
      for (const k of m.keys) {
        const c = cards.get(k);
        if (c?.seen) request(c);
      }
      return;
  }
});

onThemeChange(() => {
  renderLegend();
  for (const c of cards.values()) if (c.chart) draw(c);
});

vs.post({ type: 'ready' });
