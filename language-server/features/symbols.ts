// Document outline: entry points with their parameters; MLmodel flavors.
import type { Span } from '../shared/diagnostics';
import type { DocumentKind } from '../documents';
import { parseMlproject } from '../mlproject/parse';
import { parseMlmodel } from '../mlmodel/analyze';
import { entries, isMap, resolve } from '../shared/yamlTree';
import { parseForFeatures } from './cursor';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: 'function' | 'variable' | 'module' | 'property';
  span: Span;
  selectionSpan: Span;
  children: OutlineSymbol[];
}

export function documentSymbols(kind: DocumentKind, text: string): OutlineSymbol[] {
  if (kind === 'mlproject') {
    const model = parseMlproject(text);
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
    return parseMlmodel(text).flavors.map((f) => ({ name: f.name, detail: 'flavor', kind: 'module', span: f.span, selectionSpan: f.nameSpan, children: [] }));
  }
  const doc = parseForFeatures(text);
  const root = resolve(doc.contents, doc);
  if (!isMap(root)) return [];
  return entries(root, doc)
    .filter((e) => e.key !== null)
    .map((e) => ({ name: e.key!, kind: 'property', span: { start: e.keySpan.start, end: Math.max(e.keySpan.end, e.valueSpan.end) }, selectionSpan: e.keySpan, children: [] }));
}
