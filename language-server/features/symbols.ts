// Document outline: entry points with their parameters; MLmodel flavors.
import type { Span } from '../shared/diagnostics';
import type { DocumentAnalysis } from '../documents';
import { entries, isMap, resolve } from '../shared/yamlTree';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: 'function' | 'variable' | 'module' | 'property';
  span: Span;
  selectionSpan: Span;
  children: OutlineSymbol[];
}

export function documentSymbols(analysis: DocumentAnalysis): OutlineSymbol[] {
  const kind = analysis.kind;
  if (kind === 'mlproject') {
    const model = analysis.mlproject;
    return model.entryPoints.map((ep) => ({
      name: ep.name,
      detail: ep.command?.trim().split('\n')[0] ?? '',
      kind: 'function',
      span: ep.span,
      selectionSpan: ep.nameSpan,
      children: ep.parameters.map((p) => ({
        name: p.name,
        detail: `${p.type ?? 'invalid'}${p.required ? ' (required)' : ` = ${p.defaultText}`}`,
        kind: 'variable',
        span: p.span,
        selectionSpan: p.nameSpan,
        children: [],
      })),
    }));
  }
  if (kind === 'mlmodel') {
    return analysis.mlmodel.flavors.map((f) => ({ name: f.name, detail: 'flavor', kind: 'module', span: f.span, selectionSpan: f.nameSpan, children: [] }));
  }
  const doc = analysis.yaml;
  const root = resolve(doc.contents, doc);
  if (!isMap(root)) return [];
  return entries(root, doc)
    .filter((e) => e.key !== null)
    .map((e) => ({ name: e.key!, kind: 'property', span: { start: e.keySpan.start, end: Math.max(e.keySpan.end, e.valueSpan.end) }, selectionSpan: e.keySpan, children: [] }));
}
