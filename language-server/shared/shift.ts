// Moving findings computed on a piece of a file to the piece's place in the file. Copies keep the
// exact shape of the original (optional properties stay absent) so results compare equal to a
// whole-file analysis.
import type { AnalysisDiagnostic, QuickFix, Span } from './diagnostics';

export function shiftSpan(s: Span, delta: number): Span {
  return { start: s.start + delta, end: s.end + delta };
}

export function shiftOptionalSpan(s: Span | undefined, delta: number): Span | undefined {
  return s && shiftSpan(s, delta);
}

function shiftFix(fix: QuickFix, delta: number): QuickFix {
  return { ...fix, edits: fix.edits.map((e) => ({ ...e, span: shiftSpan(e.span, delta) })) };
}

export function shiftDiagnostic(d: AnalysisDiagnostic, delta: number): AnalysisDiagnostic {
  if (delta === 0) return d;
  const moved: AnalysisDiagnostic = { ...d, span: shiftSpan(d.span, delta) };
  if (d.fixes) moved.fixes = d.fixes.map((f) => shiftFix(f, delta));
  return moved;
}

export function shiftDiagnostics(items: readonly AnalysisDiagnostic[], delta: number): AnalysisDiagnostic[] {
  return items.map((d) => shiftDiagnostic(d, delta));
}
