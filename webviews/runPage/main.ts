// The run page webview: status and facts, the note as rendered Markdown (editable), params, metrics with
// sparklines, tags, datasets, and an artifact browser whose previews show images, text, JSON, CSV as a table
// and an MLmodel as a summary with its signature. Everything a run logged is set as text.
import '../components/base.css';
import './runPage.css';
import { append, el, replace, root, text } from '../components/dom.js';
import { button, checkbox, textArea, valueOf } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import { drawSparkline } from '../components/sparkline.js';
import { renderBlocks } from './markdownDom.js';
import { mlmodelView } from '../components/mlmodelView.js';
import { parseMarkdown } from '../../extension/runPage/markdown.js';
import {
  sanitiseRunPageState, type RunPageData, type RunPageLoggedModel, type RunPageRequest, type RunPageUpdate, type RunPageViewState,
} from '../../extension/runPage/messages.js';
import type { Preview } from '../../extension/runPage/artifactPreview.js';
import type { FileInfo } from '../../extension/tracking/rest/types.js';
import { duration, fileSize, metricValue } from '../../extension/views/format.js';
import { formatTime } from '../../extension/runsTable/columns.js';

const vs = channel<RunPageRequest, RunPageUpdate, RunPageViewState>();
const state = sanitiseRunPageState(vs.getState());
const persist = (): void => vs.setState(state);
const openLink = (url: string): void => vs.post({ type: 'openLink', url });

let run: RunPageData | undefined;
let now = Date.now();
const listings = new Map<string, { files: FileInfo[]; error?: string }>();
const sparkCanvases = new Map<string, HTMLCanvasElement>();
let editing = state.editingNote !== undefined;

const page = el('div', { id: 'page' });
const errorBox = el('div', { class: 'error hidden', role: 'alert' });
append(root(), errorBox, page);

// ---- sections -----------------------------------------------------------------------------------------------

function facts(r: RunPageData): HTMLElement {
  const g = el('div', { class: 'grid2 facts', id: 'facts' });
  const add = (k: string, v: Node | string | undefined): void => {
    if (v === undefined || v === '') return;
    append(g, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v));
  };
  add('Status', el('span', { class: `status status-${r.status}`, id: 'status' }, `${r.status}${r.lifecycle === 'deleted' ? ' (deleted)' : ''}`));
  add('Run ID', el('code', {}, r.id));
  add('Experiment', el('button', { class: 'link', on: { click: () => vs.post({ type: 'openExperiment' }) } }, r.experimentName ? `${r.experimentName} (${r.experimentId})` : r.experimentId));
  if (r.start !== undefined) add('Started', formatTime(r.start));
  if (r.end !== undefined) add('Ended', formatTime(r.end));
  if (r.start !== undefined) {
    const end = r.end ?? (r.status === 'RUNNING' ? now : undefined);
    if (end !== undefined) add('Duration', `${duration(end - r.start)}${r.end === undefined ? ' (running)' : ''}`);
  }
  add('User', r.user);
  add('Source', r.source ? el('code', {}, `${r.source}${r.sourceType ? ` (${r.sourceType})` : ''}${r.entryPoint ? ` · entry point ${r.entryPoint}` : ''}`) : undefined);
  add('Git commit', r.commit ? el('code', { title: r.gitRepo ?? '' }, r.commit) : undefined);
  add('Parent run', r.parentId ? el('button', { class: 'link', on: { click: () => vs.post({ type: 'openRun', id: r.parentId! }) } }, r.parentId) : undefined);
  add('Artifacts', el('code', {}, r.artifactUri));
  return g;
}

function noteSection(r: RunPageData): HTMLElement {
  const box = el('section', { id: 'note' });
  const noteError = el('div', { class: 'error hidden', role: 'alert', id: 'note-error' });
  if (editing) {
    const area = textArea(state.editingNote ?? r.note, { rows: 10, id: 'note-editor', ariaLabel: 'Run note (Markdown)' });
    area.addEventListener('input', () => {
      state.editingNote = valueOf(area);
      persist();
    });
    append(
      box,
      el('h2', {}, 'Note'),
      area,
      noteError,
      el(
        'div',
        { class: 'toolbar' },
        button('Save', () => vs.post({ type: 'saveNote', text: valueOf(area) }), { id: 'note-save' }),
        button('Cancel', () => {
          editing = false;
          state.editingNote = undefined;
          persist();
          render();
        }, { appearance: 'secondary' }),
        el('span', { class: 'muted' }, 'Markdown'),
      ),
    );
  } else {
    const body = el('div', { class: 'markdown', id: 'note-body' });
    if (r.note.trim()) append(body, ...renderBlocks(parseMarkdown(r.note), openLink));
    else append(body, el('span', { class: 'muted' }, 'No note yet.'));
    append(
      box,
      el('h2', {}, 'Note', ' ', el('button', { class: 'link edit', id: 'note-edit', on: { click: () => {
        editing = true;
        state.editingNote = r.note;
        persist();
        render();
      } } }, 'Edit')),
      body,
    );
  }
  return box;
}

function kvTable(rows: Array<{ key: string; value: string }>, id: string, empty: string): HTMLElement {
  if (rows.length === 0) return el('div', { class: 'muted' }, empty);
  return el('table', { class: 'kv', id }, el('tbody', {}, ...rows.map((p) => el('tr', {}, el('th', { attrs: { scope: 'row' } }, p.key), el('td', {}, p.value)))));
}

function metricsTable(r: RunPageData): HTMLElement {
  if (r.metrics.length === 0) return el('div', { class: 'muted' }, 'No metrics.');
  sparkCanvases.clear();
  const show = (v: number | string | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : metricValue(v));
  const rows = r.metrics.map((m) => {
    const canvas = el('canvas', { class: 'spark', attrs: { 'aria-hidden': 'true' } });
    sparkCanvases.set(m.key, canvas);
    return el(
      'tr',
      { attrs: { 'data-metric': m.key } },
      el('th', { attrs: { scope: 'row' } }, m.key),
      el('td', { class: 'num' }, show(m.latest)),
      el('td', { class: 'num' }, show(m.min)),
      el('td', { class: 'num' }, show(m.max)),
      el('td', { class: 'num' }, String(m.step)),
      el('td', { class: 'num' }, m.count === undefined ? '' : m.count.toLocaleString()),
      el('td', {}, canvas),
    );
  });
  const head = el('tr', {}, ...['Metric', 'Latest', 'Min', 'Max', 'Step', 'Points', 'History'].map((h, i) => el('th', { class: i > 0 && i < 6 ? 'num' : '' }, h)));
  const table = el('table', { class: 'kv', id: 'metrics' }, el('thead', {}, head), el('tbody', {}, ...rows));
  requestAnimationFrame(() => vs.post({ type: 'sparklines', keys: r.metrics.slice(0, 200).map((m) => m.key), buckets: 40 }));
  return table;
}

// ---- logged models (MLflow 3) ------------------------------------------------------------------------------

function loggedModelCard(m: RunPageLoggedModel): HTMLElement {
  const show = (v: number | string): string => (typeof v === 'string' ? v : metricValue(v));
  const files = m.artifacts ?? [];
  return el(
    'div',
    { class: 'card logged-model', attrs: { 'data-model': m.id } },
    el(
      'div',
      { class: 'toolbar' },
      el('strong', { class: 'model-name' }, m.name),
      el('span', { class: 'muted model-status' }, m.status),
      el('span', { class: 'muted' }, formatTime(m.created)),
      el('code', { class: 'muted' }, m.id),
    ),
    m.versions.length
      ? el(
          'div',
          { class: 'model-versions' },
          'Registered as ',
          ...m.versions.flatMap((v, i) => [
            i ? ', ' : '',
            el('button', { class: 'link', attrs: { 'data-version': `${v.name}/${v.version}` }, on: { click: () => vs.post({ type: 'openModelVersion', name: v.name }) } }, `${v.name} v${v.version}`),
          ]),
        )
      : null,
    m.params.length ? el('h3', {}, 'Parameters') : null,
    m.params.length ? kvTable(m.params, `model-params-${m.id}`, '') : null,
    m.metrics.length ? el('h3', {}, 'Metrics') : null,
    m.metrics.length
      ? el(
          'table',
          { class: 'kv' },
          el('tbody', {}, ...m.metrics.map((x) => el('tr', {}, el('th', { attrs: { scope: 'row' } }, x.key), el('td', { class: 'num' }, show(x.value)), el('td', { class: 'muted' }, x.dataset ?? ''), el('td', { class: 'num muted' }, `step ${x.step}`)))),
        )
      : null,
    el('h3', {}, 'Artifacts'),
    m.artifactsError ? el('div', { class: 'error' }, m.artifactsError) : null,
    !m.artifactsError && files.length === 0 ? el('div', { class: 'muted' }, 'No artifacts.') : null,
    files.length
      ? el(
          'div',
          { class: 'model-artifacts' },
          ...files.map((f) =>
            f.is_dir
              ? el('div', { class: 'muted' }, `${f.path}/`)
              : el('button', { class: 'link', attrs: { 'data-path': f.path }, on: { click: () => vs.post({ type: 'openModelArtifact', modelId: m.id, path: f.path }) } }, f.path, el('span', { class: 'muted size' }, f.file_size === undefined ? '' : ` ${fileSize(f.file_size)}`)),
          ),
        )
      : null,
  );
}

// ---- artifacts ----------------------------------------------------------------------------------------------

const artifactTree = el('div', { class: 'artifact-tree', id: 'artifact-tree', role: 'tree' });
const previewPane = el('div', { class: 'artifact-preview', id: 'artifact-preview' });

function requestListing(path: string): void {
  vs.post({ type: 'listArtifacts', path });
}

function renderTree(): void {
  const lines: HTMLElement[] = [];
  const walk = (path: string, depth: number): void => {
    const listing = listings.get(path);
    if (!listing) {
      lines.push(indent(el('div', { class: 'muted' }, 'Loading…'), depth));
      return;
    }
    if (listing.error) lines.push(indent(el('div', { class: 'error' }, listing.error), depth));
    if (!listing.error && listing.files.length === 0 && depth === 0) lines.push(el('div', { class: 'muted' }, 'No artifacts.'));
    const sorted = [...listing.files].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || (a.path < b.path ? -1 : 1));
    for (const f of sorted) {
      const name = f.path.split('/').pop() ?? f.path;
      if (f.is_dir) {
        const open = state.openDirs.includes(f.path);
        lines.push(
          indent(
            el('button', { class: 'tree-item dir', role: 'treeitem', attrs: { 'aria-expanded': String(open), 'data-path': f.path }, on: { click: () => toggleDir(f.path) } }, `${open ? '▾' : '▸'} ${name}`),
            depth,
          ),
        );
        if (open) walk(f.path, depth + 1);
      } else {
        lines.push(
          indent(
            el(
              'button',
              {
                class: `tree-item file${state.selected === f.path ? ' selected' : ''}`,
                role: 'treeitem',
                attrs: { 'data-path': f.path, 'aria-selected': String(state.selected === f.path) },
                on: { click: () => select(f.path) },
              },
              name,
              el('span', { class: 'muted size' }, f.file_size === undefined ? '' : ` ${fileSize(f.file_size)}`),
            ),
            depth,
          ),
        );
      }
    }
  };
  walk('', 0);
  replace(artifactTree, ...lines);
}

function indent(node: HTMLElement, depth: number): HTMLElement {
  node.style.paddingLeft = `${depth * 14}px`;
  return node;
}

function toggleDir(path: string): void {
  if (state.openDirs.includes(path)) state.openDirs = state.openDirs.filter((p) => p !== path);
  else {
    state.openDirs = [...state.openDirs, path];
    if (!listings.has(path)) requestListing(path);
  }
  persist();
  renderTree();
}

function select(path: string): void {
  state.selected = path;
  persist();
  renderTree();
  replace(previewPane, el('div', { class: 'muted' }, `Loading ${path}…`));
  vs.post({ type: 'preview', path });
}

function renderPreview(path: string, p: Preview | undefined, error: string | undefined): void {
  const head = el(
    'div',
    { class: 'toolbar' },
    el('strong', { class: 'path' }, path),
    button('Open in editor', () => vs.post({ type: 'openArtifact', path }), { appearance: 'secondary', id: 'open-artifact' }),
  );
  if (error || !p) {
    replace(previewPane, head, el('div', { class: 'error' }, error ?? 'No preview.'));
    return;
  }
  let body: HTMLElement;
  switch (p.kind) {
    case 'image': {
      const img = el('img', { class: 'preview-image', attrs: { alt: path } });
      img.src = p.dataUri; // a data: URI built by the host; <img> never runs scripts, even an SVG's
      body = img;
      break;
    }
    case 'text':
    case 'json':
      body = el('pre', { class: `preview-${p.kind}` }, p.text);
      break;
    case 'csv': {
      const [header, ...rows] = p.rows;
      body = el(
        'div',
        { class: 'csv-scroll' },
        el(
          'table',
          { class: 'kv csv', id: 'csv-preview' },
          el('thead', {}, el('tr', {}, ...(header ?? []).map((c) => el('th', {}, c)))),
          el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
        ),
      );
      break;
    }
    case 'mlmodel':
      body = mlmodelView(p.summary);
      break;
    case 'tooLarge':
      body = el('div', { class: 'muted' }, `Too large to preview (${fileSize(p.size)}; limit ${fileSize(p.limit)}). Open it in the editor instead.`);
      break;
    case 'binary':
      body = el('div', { class: 'muted' }, 'No preview for this kind of file. Open it in the editor instead.');
      break;
  }
  const truncated = 'truncated' in p && p.truncated ? el('div', { class: 'muted' }, 'Showing the beginning only.') : null;
  replace(previewPane, head, truncated, body);
}

// ---- page ---------------------------------------------------------------------------------------------------

function render(): void {
  if (!run) return;
  const r = run;
  const systemToggle = checkbox('Show system tags', state.showSystemTags, (on) => {
    state.showSystemTags = on;
    persist();
    render();
  });
  replace(
    page,
    el('h1', { id: 'run-name' }, r.name),
    el(
      'div',
      { class: 'toolbar' },
      button('Metric charts', () => vs.post({ type: 'openCharts' }), { id: 'open-charts', disabled: r.metrics.length === 0 }),
      button('Runs table', () => vs.post({ type: 'openExperiment' }), { appearance: 'secondary' }),
    ),
    facts(r),
    noteSection(r),
    el('h2', {}, `Parameters (${r.params.length})`),
    kvTable(r.params, 'params', 'No parameters.'),
    el('h2', {}, `Metrics (${r.metrics.length})`),
    metricsTable(r),
    el('h2', {}, `Tags (${r.tags.length})`),
    kvTable(r.tags, 'tags', 'No tags.'),
    systemToggle,
    state.showSystemTags ? kvTable(r.systemTags, 'system-tags', 'No system tags.') : null,
    r.datasets.length ? el('h2', {}, 'Datasets') : null,
    r.datasets.length
      ? el('table', { class: 'kv' }, el('tbody', {}, ...r.datasets.map((d) => el('tr', {}, el('th', {}, d.name), el('td', {}, d.context ?? ''), el('td', { class: 'mono' }, d.digest), el('td', {}, d.source)))))
      : null,
    r.loggedModels.length ? el('h2', { id: 'logged-models-title' }, `Logged models (${r.loggedModels.length})`) : null,
    r.loggedModels.length ? el('section', { id: 'logged-models' }, ...r.loggedModels.map(loggedModelCard)) : null,
    el('h2', {}, 'Artifacts'),
    el('div', { class: 'artifacts' }, artifactTree, previewPane),
  );
  renderTree();
}

vs.onMessage((m) => {
  switch (m.type) {
    case 'run':
      now = m.now;
      errorBox.classList.toggle('hidden', !m.error);
      text(errorBox, m.error ?? '');
      if (!m.run) return;
      run = m.run;
      render();
      if (!listings.has('')) {
        requestListing('');
        for (const dir of state.openDirs) requestListing(dir);
        if (state.selected) select(state.selected);
      }
      return;
    case 'sparklines':
      for (const [key, s] of Object.entries(m.series)) {
        const canvas = sparkCanvases.get(key);
        if (canvas) drawSparkline(canvas, s.x, s.y);
      }
      return;
    case 'artifacts':
      listings.set(m.path, { files: m.files, error: m.error });
      renderTree();
      return;
    case 'preview':
      if (m.path === state.selected) renderPreview(m.path, m.preview, m.error);
      return;
    case 'noteSaved': {
      if (m.error) {
        const box = document.getElementById('note-error');
        if (box) {
          box.classList.remove('hidden');
          text(box, m.error);
        }
        return;
      }
      editing = false;
      state.editingNote = undefined;
      persist();
      render();
      return;
    }
  }
});

vs.post({ type: 'ready' });
