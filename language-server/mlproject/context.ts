// What every part of the MLproject analysis works on, and the findings they share. The whole-file
// analysis passes the document; the incremental one passes one entry point's text on its own.
import type { DiagnosticSink, QuickFix } from '../shared/diagnostics';
import { closest } from '../shared/suggest';
import { entryRemovalSpan } from '../shared/yamlTree';
import type { Entry, YamlDoc } from '../shared/yamlTree';

export interface AnalysisContext {
  /** The text that node ranges and spans are offsets into. */
  readonly text: string;
  /** Resolves aliases; its errors are not looked at here. */
  readonly doc: YamlDoc;
  readonly sink: DiagnosticSink;
  /** Whether a path relative to the project exists; file checks are skipped without it. */
  readonly fileExists?: (relativePath: string) => boolean;
}

export function removeEntryFix(text: string, entry: Entry, title: string): QuickFix {
  return { title, edits: [{ span: entryRemovalSpan(text, entry), newText: '' }] };
}

/** End of the `:` after a key (or the key's end when there is none, as in flow sequences). */
export function colonEnd(text: string, entry: Entry): number {
  const m = /^\s*:/.exec(text.slice(entry.keySpan.end, entry.keySpan.end + 200));
  return m ? entry.keySpan.end + m[0].length : entry.keySpan.end;
}

export function reportUnknownKeys(sink: DiagnosticSink, all: Entry[], known: string[], where: string): void {
  for (const e of all) {
    if (e.key === null || known.includes(e.key)) continue;
    const suggestion = closest(e.key, known);
    const fixes: QuickFix[] = suggestion ? [{ title: `Change to '${suggestion}'`, preferred: true, edits: [{ span: e.keySpan, newText: suggestion }] }] : [];
    sink.warning('unknown-key', `Unknown key '${e.key}' in ${where}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: MLflow ignores it.`, e.keySpan, { fixes });
  }
}
