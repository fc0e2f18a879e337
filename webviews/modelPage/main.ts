// The registered-model webview: the model's description (editable), tags and aliases; its versions with
// aliases, stage, status, tags, editable descriptions and links to their source runs; the selected version's
// signature; and the audit trail of who changed what.
import '../components/base.css';
import './modelPage.css';
import { append, el, replace, root, text } from '../components/dom.js';
import { button, tag, textArea, valueOf } from '../components/toolkit.js';
import { channel } from '../components/vscode.js';
import { mlmodelView } from '../components/mlmodelView.js';
import type { ModelPageData, ModelPageRequest, ModelPageUpdate, ModelPageViewState } from '../../extension/modelPage/messages.js';
import type { AuditLine, VersionRow } from '../../extension/modelPage/modelPageModel.js';
import { formatTime } from '../../extension/runsTable/columns.js';

const vs = channel<ModelPageRequest, ModelPageUpdate, ModelPageViewState>();
const saved = vs.getState();
const state: ModelPageViewState = { selected: typeof saved?.selected === 'string' ? saved.selected : undefined };
const persist = (): void => vs.setState(state);

let model: ModelPageData | undefined;
let editing: string | undefined; // 'model' or a version number
const errors = new Map<string, string>();

const errorBox = el('div', { class: 'error hidden', role: 'alert' });
const page = el('div', { id: 'page' });
const signatureBox = el('div', { id: 'signature' });
const auditBox = el('div', { id: 'audit' });
append(root(), errorBox, page);

function descriptionBlock(target: string, value: string): HTMLElement {
  const error = errors.get(target);
  if (editing === target) {
    const area = textArea(value, { rows: 5, ariaLabel: target === 'model' ? 'Model description' : `Description of version ${target}`, id: `edit-${target}` });
    return el(
      'div',
      { class: 'description editing' },
      area,
      error ? el('div', { class: 'error' }, error) : null,
      el(
        'div',
        { class: 'toolbar' },
        button('Save', () => {
          const text = valueOf(area);
          if (target === 'model') vs.post({ type: 'saveModelDescription', text });
          else vs.post({ type: 'saveVersionDescription', version: target, text });
        }, { id: `save-${target}` }),
        button('Cancel', () => {
          editing = undefined;
          errors.delete(target);
          render();
        }, { appearance: 'secondary' }),
      ),
    );
  }
  return el(
    'div',
    { class: 'description' },
    value ? el('div', { class: 'pre-wrap' }, value) : el('span', { class: 'muted' }, 'No description.'),
    ' ',
    el('button', { class: 'link', id: `edit-description-${target}`, on: { click: () => {
      editing = target;
      render();
    } } }, 'Edit'),
  );
}

function versionCard(v: VersionRow): HTMLElement {
  const selected = state.selected === v.version;
  return el(
    'div',
    { class: `version card${selected ? ' selected' : ''}`, attrs: { 'data-version': v.version } },
    el(
      'div',
      { class: 'version-head' },
      el('button', { class: 'link version-name', on: { click: () => selectVersion(v.version) } }, `Version ${v.version}`),
      ...v.aliases.map((a) => tag(`@${a}`)),
      v.stage !== 'None' ? el('span', { class: `stage stage-${v.stage}` }, v.stage) : null,
      v.status !== 'READY' ? el('span', { class: 'muted' }, v.status.toLowerCase().replace(/_/g, ' ')) : null,
      el('span', { class: 'muted' }, v.created ? formatTime(v.created) : ''),
    ),
    descriptionBlock(v.version, v.description),
    el(
      'div',
      { class: 'grid2' },
      v.runId ? el('div', { class: 'k' }, 'Source run') : null,
      v.runId ? el('div', { class: 'v' }, el('button', { class: 'link', on: { click: () => vs.post({ type: 'openRun', id: v.runId! }) } }, v.runId)) : null,
      v.modelId ? el('div', { class: 'k' }, 'Logged model') : null,
      v.modelId
        ? el(
            'div',
            { class: 'v' },
            el(
              'button',
              { class: 'link logged-model-link', attrs: { 'data-model': v.modelId }, on: { click: () => vs.post({ type: 'openLoggedModel', id: v.modelId! }) } },
              v.loggedModel ? `${v.loggedModel.name} (${v.loggedModel.status})` : v.modelId,
            ),
          )
        : null,
      v.source ? el('div', { class: 'k' }, 'Source') : null,
      v.source ? el('div', { class: 'v mono' }, v.source) : null,
      v.user ? el('div', { class: 'k' }, 'User') : null,
      v.user ? el('div', { class: 'v' }, v.user) : null,
      v.statusMessage ? el('div', { class: 'k' }, 'Status') : null,
      v.statusMessage ? el('div', { class: 'v' }, v.statusMessage) : null,
      ...v.tags.flatMap((t) => [el('div', { class: 'k' }, t.key), el('div', { class: 'v' }, t.value)]),
    ),
  );
}

function selectVersion(version: string): void {
  state.selected = version;
  persist();
  render();
  replace(signatureBox, el('div', { class: 'muted' }, `Reading the MLmodel of version ${version}…`));
  vs.post({ type: 'signature', version });
}

function render(): void {
  if (!model) return;
  const m = model;
  replace(
    page,
    el('h1', { id: 'model-name' }, m.name),
    el('div', { class: 'muted' }, [m.created ? `Created ${formatTime(m.created)}` : '', m.updated ? `updated ${formatTime(m.updated)}` : ''].filter(Boolean).join(' · ')),
    descriptionBlock('model', m.description),
    m.aliases.length ? el('div', { class: 'toolbar' }, el('span', { class: 'muted' }, 'Aliases'), ...m.aliases.map((a) => tag(`@${a.alias} → v${a.version}`))) : null,
    m.tags.length ? el('table', { class: 'kv' }, el('tbody', {}, ...m.tags.map((t) => el('tr', {}, el('th', {}, t.key), el('td', {}, t.value))))) : null,
    el('div', { class: 'toolbar' }, button('Refresh', () => vs.post({ type: 'refresh' }), { appearance: 'secondary' })),
    el('div', { class: 'columns' }, el('div', {}, el('h2', {}, `Versions (${m.versions.length})`), ...m.versions.map(versionCard)), el('div', {}, el('h2', {}, 'Signature'), signatureBox, el('h2', {}, 'History'), auditBox)),
  );
}

function renderAudit(lines: AuditLine[], unavailable?: string, error?: string): void {
  if (unavailable || error) {
    replace(auditBox, el('div', { class: error ? 'error' : 'muted' }, error ?? unavailable ?? ''));
    return;
  }
  if (lines.length === 0) {
    replace(auditBox, el('div', { class: 'muted' }, 'No recorded changes.'));
    return;
  }
  replace(
    auditBox,
    el(
      'ol',
      { class: 'audit' },
      ...lines.map((l) =>
        el(
          'li',
          {},
          el('span', { class: 'muted' }, formatTime(l.time)),
          ' ',
          el('strong', {}, l.who),
          ` ${l.what}${l.version ? ` (version ${l.version})` : ''}`,
          l.changes.length ? el('div', { class: 'changes' }, ...l.changes.map(([k, b, a]) => el('div', {}, el('code', {}, k), `: ${b} → ${a}`))) : null,
        ),
      ),
    ),
  );
}

vs.onMessage((msg) => {
  switch (msg.type) {
    case 'model':
      errorBox.classList.toggle('hidden', !msg.error);
      text(errorBox, msg.error ?? '');
      if (!msg.model) return;
      model = msg.model;
      render();
      if (!state.selected && model.versions.length) state.selected = model.versions[0].version;
      if (state.selected && signatureBox.childElementCount === 0) selectVersion(state.selected);
      return;
    case 'audit':
      renderAudit(msg.lines, msg.unavailable, msg.error);
      return;
    case 'signature':
      if (msg.version !== state.selected) return;
      replace(signatureBox, el('div', { class: 'muted' }, `Version ${msg.version}`), msg.summary ? mlmodelView(msg.summary) : el('div', { class: 'muted' }, msg.error ?? 'No signature.'));
      return;
    case 'saved':
      if (msg.error) errors.set(msg.target, msg.error);
      else {
        errors.delete(msg.target);
        editing = undefined;
      }
      render();
      return;
  }
});

vs.post({ type: 'ready' });
