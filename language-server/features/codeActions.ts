// Quick fixes come with the diagnostics (see QuickFix); this picks those relevant to a range.
import type { AnalysisDiagnostic, QuickFix, Span } from '../shared/diagnostics';

export function fixesInRange(diagnostics: AnalysisDiagnostic[], range: Span): Array<{ diagnostic: AnalysisDiagnostic; fix: QuickFix }> {
  const out: Array<{ diagnostic: AnalysisDiagnostic; fix: QuickFix }> = [];
  for (const diagnostic of diagnostics) {
    const d = diagnostic.span;
    if (d.end < range.start || d.start > range.end) continue;
    for (const fix of diagnostic.fixes ?? []) out.push({ diagnostic, fix });
  }
  return out;
}
