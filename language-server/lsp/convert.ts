// From our editor-free results to LSP types.
import { CompletionItemKind, DiagnosticSeverity, DiagnosticTag, SymbolKind } from 'vscode-languageserver/node';
import type { CompletionItem, Diagnostic, DocumentSymbol, Range, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisDiagnostic, Severity, Span, TextEdit as OurEdit } from '../shared/diagnostics';
import type { CompletionItem as OurCompletion } from '../features/completion';
import type { OutlineSymbol } from '../features/symbols';

export const SOURCE = 'mlflow';

export function toRange(doc: TextDocument, span: Span): Range {
  const length = doc.getText().length;
  const start = Math.min(Math.max(0, span.start), length);
  const end = Math.min(Math.max(start, span.end), length);
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

export function toSpan(doc: TextDocument, range: Range): Span {
  return { start: doc.offsetAt(range.start), end: doc.offsetAt(range.end) };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(doc: TextDocument, d: AnalysisDiagnostic): Diagnostic {
  return {
    range: toRange(doc, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: SOURCE,
    message: d.message,
    ...(d.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

export function toTextEdit(doc: TextDocument, e: OurEdit): TextEdit {
  return { range: toRange(doc, e.span), newText: e.newText };
}

const COMPLETION_KIND: Record<OurCompletion['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  variable: CompletionItemKind.Variable,
  module: CompletionItemKind.Module,
};

export function toCompletionItem(doc: TextDocument, item: OurCompletion): CompletionItem {
  return {
    label: item.label,
    kind: COMPLETION_KIND[item.kind],
    detail: item.detail,
    documentation: item.documentation ? { kind: 'markdown', value: item.documentation } : undefined,
    textEdit: { range: toRange(doc, item.replace), newText: item.insertText ?? item.label },
  };
}

const SYMBOL_KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  function: SymbolKind.Function,
  variable: SymbolKind.Variable,
  module: SymbolKind.Module,
  property: SymbolKind.Property,
};

export function toDocumentSymbol(doc: TextDocument, s: OutlineSymbol): DocumentSymbol {
  const range = toRange(doc, s.span);
  const selection = toRange(doc, s.selectionSpan);
  return {
    name: s.name || ' ',
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range,
    // LSP requires the selection to lie inside the range.
    selectionRange: doc.offsetAt(selection.start) >= doc.offsetAt(range.start) && doc.offsetAt(selection.end) <= doc.offsetAt(range.end) ? selection : range,
    children: s.children.map((c) => toDocumentSymbol(doc, c)),
  };
}
