// Shared by the language-server tests: fixture discovery and analysis with real file checks.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyzeDocument, documentKind } from '../../language-server/documents';
import type { DocumentKind } from '../../language-server/documents';
import type { AnalysisDiagnostic } from '../../language-server/shared/diagnostics';

export const FIXTURES = join(__dirname, 'fixtures');

export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out.sort();
}

export function fileExistsBeside(documentPath: string): (relativePath: string) => boolean {
  return (rel) => existsSync(resolve(dirname(documentPath), rel));
}

export function analyzeFile(path: string, kind?: DocumentKind): AnalysisDiagnostic[] {
  const k = kind ?? documentKind(path);
  if (!k) throw new Error(`not an MLflow file: ${path}`);
  return analyzeDocument(k, readFileSync(path, 'utf8'), fileExistsBeside(path));
}

export function describeDiagnostics(text: string, diagnostics: AnalysisDiagnostic[]): string {
  return diagnostics.map((d) => `${d.code} ${d.severity} ${JSON.stringify(text.slice(d.span.start, d.span.end))}: ${d.message}`).join('\n');
}
