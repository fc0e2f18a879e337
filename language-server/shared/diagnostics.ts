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

/** Collects diagnostics for one document. */
export class DiagnosticSink {
  readonly items: AnalysisDiagnostic[] = [];

  constructor(private readonly text: string) {}

  add(code: string, severity: Severity, message: string, at: Span, extra: Pick<AnalysisDiagnostic, 'unnecessary' | 'fixes'> = {}): void {
    if (this.items.length >= MAX_DIAGNOSTICS) return;
    // Clamp so that no caller can ever report outside the document.
    let start = clamp(at.start, 0, this.text.length);
    let end = clamp(at.end, start, this.text.length);
    // Block nodes end after their line break; underline only the text.
    while (end > start && /\s/.test(this.text[end - 1])) end--;
    while (end > start && /\s/.test(this.text[start])) start++;
    this.items.push({ code, severity, message, span: { start, end }, ...extra });
  }

  /**
   * Adds findings already clamped and trimmed against this same text (the incremental analysis
   * replays cached, shifted ones), keeping the cap exactly where `add` would have applied it.
   */
  append(items: readonly AnalysisDiagnostic[]): void {
    for (const d of items) {
      if (this.items.length >= MAX_DIAGNOSTICS) return;
      this.items.push(d);
    }
  }

  /** MLflow stops at a YAML syntax error, so further findings would only be noise. */
  keepOnlySyntaxErrorsIfAny(): void {
    if (!this.items.some((d) => d.code === 'yaml-syntax')) return;
    const kept = this.items.filter((d) => d.code === 'yaml-syntax' || d.code === 'yaml-warning' || d.code === 'duplicate-key');
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
