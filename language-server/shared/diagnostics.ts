// Editor-free diagnostics: offsets into the analysed text, converted to LSP ranges only in lsp/.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Half-open character range [start, end) into the analysed text. */
export interface Span {
  start: number;
  end: number;
}

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply when the user asks for "the" fix. */
  preferred?: boolean;
}

export interface AnalysisDiagnostic {
  /** Stable rule id, e.g. `undeclared-placeholder`; tests and suppressions rely on it. */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Marks code that has no effect (rendered faded). */
  unnecessary?: boolean;
  fixes?: QuickFix[];
}

export function span(start: number, end: number): Span {
  return { start, end: Math.max(start, end) };
}

/** More would only slow the editor down; the first ones are what the user needs to fix. */
export const MAX_DIAGNOSTICS = 1000;

/** Findings that mean MLflow's YAML loader cannot read the file at all. */
const LOADER_FAILURES = new Set(['yaml-syntax', 'merge-not-mapping']);

/** Collects diagnostics for one document. */
export class DiagnosticSink {
  readonly items: AnalysisDiagnostic[] = [];
  /** A mapping merged or aliased in several places is checked in each; report each finding once. */
  private readonly seen = new Set<string>();

  constructor(private readonly text: string) {}

  private isRepeat(d: AnalysisDiagnostic): boolean {
    const key = `${d.code}\u0000${d.span.start}\u0000${d.span.end}\u0000${d.message}`;
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return false;
  }

  add(code: string, severity: Severity, message: string, at: Span, extra: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'> = {}): void {
    if (this.items.length >= MAX_DIAGNOSTICS) return;
    // Clamp so that no caller can ever report outside the document.
    let start = clamp(at.start, 0, this.text.length);
    let end = clamp(at.end, start, this.text.length);
    // Block nodes end after their line break; underline only the text.
    while (end > start && /\s/.test(this.text[end - 1])) end--;
    while (end > start && /\s/.test(this.text[start])) start++;
    const d = { code, severity, message, span: { start, end }, ...extra };
    if (!this.isRepeat(d)) this.items.push(d);
  }

  /**
   * Adds findings already clamped and trimmed against this same text (the incremental analysis
   * replays cached, shifted ones), keeping the cap exactly where `add` would have applied it.
   */
  append(items: readonly AnalysisDiagnostic[]): void {
    for (const d of items) {
      if (this.items.length >= MAX_DIAGNOSTICS) return;
      if (!this.isRepeat(d)) this.items.push(d);
    }
  }

  /** MLflow stops when its YAML loader fails, so further findings would only be noise. */
  keepOnlySyntaxErrorsIfAny(): void {
    if (!this.items.some((d) => LOADER_FAILURES.has(d.code))) return;
    const kept = this.items.filter((d) => LOADER_FAILURES.has(d.code) || d.code === 'yaml-warning' || d.code === 'duplicate-key');
    this.items.splice(0, this.items.length, ...kept);
  }

  error(code: string, message: string, at: Span, extra?: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'>): void {
    this.add(code, 'error', message, at, extra);
  }

  warning(code: string, message: string, at: Span, extra?: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'>): void {
    this.add(code, 'warning', message, at, extra);
  }

  info(code: string, message: string, at: Span, extra?: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'>): void {
    this.add(code, 'information', message, at, extra);
  }

  hint(code: string, message: string, at: Span, extra?: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'>): void {
    this.add(code, 'hint', message, at, extra);
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(n, lo), hi) : lo;
}

/** Quotes a value for a diagnostic message the way Python's repr would for simple strings. */
export function q(value: unknown): string {
  return `'${String(value)}'`;
}
