// An MLmodel summary (flavors, facts, the signature's inputs, outputs and params as tables), shared by the run
// page's artifact preview and the registered-model page. Text only.
import { append, el } from './dom.js';
import type { MlmodelSummary } from '../../extension/runPage/mlmodelSummary.js';

function signatureTable(title: string, rows: Array<Record<string, string>>, columns: string[]): HTMLElement | null {
  if (rows.length === 0) return null;
  return el(
    'div',
    {},
    el('h3', {}, title),
    el(
      'table',
      { class: 'kv signature' },
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...columns.map((c) => el('td', {}, r[c] ?? ''))))),
    ),
  );
}

export function mlmodelView(s: MlmodelSummary): HTMLElement {
  const box = el('div', { class: 'mlmodel' });
  for (const p of s.problems) append(box, el('div', { class: 'error' }, p));
  if (s.facts.length) append(box, el('div', { class: 'grid2' }, ...s.facts.flatMap(([k, v]) => [el('div', { class: 'k' }, k), el('div', { class: 'v' }, v)])));
  append(box, el('h3', {}, 'Flavors'));
  for (const f of s.flavors) {
    append(box, el('div', { class: 'card' }, el('strong', {}, f.name), el('div', { class: 'grid2' }, ...f.details.flatMap(([k, v]) => [el('div', { class: 'k' }, k), el('div', { class: 'v mono' }, v)]))));
  }
  if (s.signature) {
    const cols = (c: { name: string; type: string; shape?: string; required: boolean }): Record<string, string> => ({ Name: c.name, Type: c.type, Shape: c.shape ?? '', Required: c.required ? 'yes' : 'no' });
    append(
      box,
      el('h3', {}, 'Signature'),
      signatureTable('Inputs', s.signature.inputs.map(cols), ['Name', 'Type', 'Shape', 'Required']),
      signatureTable('Outputs', s.signature.outputs.map(cols), ['Name', 'Type', 'Shape', 'Required']),
      signatureTable('Params', s.signature.params.map((p) => ({ Name: p.name, Type: p.type, Default: p.default, Shape: p.shape ?? '' })), ['Name', 'Type', 'Default', 'Shape']),
    );
  } else append(box, el('div', { class: 'muted' }, 'No signature.'));
  return box;
}

