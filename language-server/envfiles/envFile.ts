// What python_env.yaml and conda.yaml analyses share: parse, refuse an empty file or a root that is
// not a mapping, and flag unknown top-level keys with a "did you mean" fix. The callers differ in
// what an unknown key costs (python_env fails, conda ignores it) and in the checks of known keys.
import { DiagnosticSink, span } from '../shared/diagnostics';
import type { AnalysisDiagnostic, QuickFix } from '../shared/diagnostics';
import { describe, entries, isMap, isNull, nodeSpan, parseYaml, resolve } from '../shared/yamlTree';
import type { Entry, ParsedYaml, YAMLMap, YamlDoc } from '../shared/yamlTree';
import { closest } from '../shared/suggest';

export interface EnvFileRules {
  /** Message for an empty file (no YAML content at all). */
  empty: string;
  /** Message for a root that is not a mapping; `what` is describe() of the root. */
  notMapping: (what: string) => string;
  /** Top-level keys the file may have. */
  known: readonly string[];
  /** Reports an unknown key (null for a complex key), given the closest known key and its fix. */
  unknownKey: (sink: DiagnosticSink, entry: Entry, suggestion: string | undefined, fixes: QuickFix[]) => void;
  /** Checks the mapping's known keys. */
  checkRoot: (root: YAMLMap, doc: YamlDoc, sink: DiagnosticSink, text: string) => void;
}

/** `parsed` is the text's parse when the caller already has it (see DocumentAnalysis). */
export function analyzeEnvFile(text: string, rules: EnvFileRules, parsed?: ParsedYaml): AnalysisDiagnostic[] {
  const sink = new DiagnosticSink(text);
  const doc = parseYaml(text, sink, parsed);
  const root = resolve(doc.contents, doc);
  if (isNull(root)) {
    if (!doc.errors.length) sink.error('empty-env-file', rules.empty, span(0, 0));
  } else if (!isMap(root)) {
    sink.error('root-not-mapping', rules.notMapping(describe(root)), nodeSpan(root));
  } else {
    for (const e of entries(root, doc)) {
      if (e.key !== null && rules.known.includes(e.key)) continue;
      const suggestion = e.key === null ? undefined : closest(e.key, rules.known);
      const fixes: QuickFix[] = suggestion ? [{ title: `Change to '${suggestion}'`, preferred: true, edits: [{ span: e.keySpan, newText: suggestion }] }] : [];
      rules.unknownKey(sink, e, suggestion, fixes);
    }
    rules.checkRoot(root, doc, sink, text);
  }
  sink.keepOnlySyntaxErrorsIfAny();
  return sink.items;
}
