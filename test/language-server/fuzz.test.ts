// Fuzz: 10,000 random and mutated documents of each kind through the analysers and the editor
// features, then a smaller batch through the real server. Nothing may throw, every range must lie
// inside the document, and the run must finish (no hang); MLprojects analysed incrementally give
// what the whole-file analysis gives. Set FUZZ_SEED to replay a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, DocumentAnalysis } from '../../language-server/documents';
import type { DocumentKind } from '../../language-server/documents';
import { IncrementalMlproject } from '../../language-server/mlproject/incremental';
import { parseMlproject } from '../../language-server/mlproject/parse';
import { complete } from '../../language-server/features/completion';
import { hover } from '../../language-server/features/hover';
import { documentSymbols } from '../../language-server/features/symbols';
import { definition, prepareRename, rename } from '../../language-server/features/navigation';
import type { Span } from '../../language-server/shared/diagnostics';
import type { OutlineSymbol } from '../../language-server/features/symbols';
import { corpus, fuzzDocument, seededRandom } from './fuzzDocuments';
import { TestClient } from './lspClient';

const SEED = Number(process.env.FUZZ_SEED ?? 20250611);
const PER_KIND = 10_000;
const KINDS: DocumentKind[] = ['mlproject', 'mlmodel', 'python-env', 'conda-env'];
const base = corpus();

function inside(text: string, s: Span, what: string): void {
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length, `${what} span ${JSON.stringify(s)} outside a document of ${text.length} chars`);
}

function checkSymbols(text: string, symbols: OutlineSymbol[]): void {
  for (const s of symbols) {
    inside(text, s.span, 'symbol');
    inside(text, s.selectionSpan, 'symbol selection');
    checkSymbols(text, s.children);
  }
}

/** Runs the editor features at a few offsets; every result must stay inside the document. */
function exerciseFeatures(kind: DocumentKind, text: string, rand: () => number): void {
  const analysis = new DocumentAnalysis(kind, text);
  checkSymbols(text, documentSymbols(analysis));
  for (let i = 0; i < 3; i++) {
    const offset = Math.floor(rand() * (text.length + 1));
    for (const item of complete(analysis, offset)) inside(text, item.replace, 'completion');
    const h = hover(analysis, offset);
    if (h) inside(text, h.span, 'hover');
    const d = definition(analysis, offset);
    if (d) {
      inside(text, d.origin, 'definition origin');
      if (d.kind === 'span') inside(text, d.span, 'definition');
    }
    const p = prepareRename(analysis, offset);
    if (p) {
      inside(text, p.span, 'prepareRename');
      const edits = rename(analysis, offset, 'renamed_param');
      if (typeof edits !== 'string') for (const e of edits) inside(text, e.span, 'rename edit');
    }
  }
}

for (const kind of KINDS) {
  test(`fuzz: ${PER_KIND} ${kind} documents through the analysers and features`, () => {
    const rand = seededRandom(SEED + KINDS.indexOf(kind));
    const incremental = new IncrementalMlproject();
    let withDiagnostics = 0;
    for (let i = 0; i < PER_KIND; i++) {
      const text = fuzzDocument(rand, kind, base);
      try {
        const diagnostics = analyzeDocument(kind, text, () => rand() < 0.5);
        if (diagnostics.length) withDiagnostics++;
        for (const d of diagnostics) {
          inside(text, d.span, d.code);
          for (const fix of d.fixes ?? []) for (const e of fix.edits) inside(text, e.span, `fix of ${d.code}`);
        }
        if (kind === 'mlproject') {
          const model = parseMlproject(text);
          for (const ep of model.entryPoints) for (const ph of ep.placeholders) inside(text, ph.nameSpan, 'placeholder');
          // The incremental analysis (pieces, regions read in context, or the whole file) gives the same.
          if (i % 2 === 0) assert.deepEqual(incremental.analyze(text), model);
        }
        // Each feature runs at three offsets; a fifth of the documents is enough to cover them.
        if (i % 5 === 0) exerciseFeatures(kind, text, rand);
      } catch (e) {
        assert.fail(`document #${i} (FUZZ_SEED=${SEED}) failed: ${(e as Error).stack}\n---\n${text}\n---`);
      }
    }
    // A fuzzer that only produced clean files would prove nothing.
    assert.ok(withDiagnostics > PER_KIND / 4, `only ${withDiagnostics} documents had diagnostics`);
  });
}

test('fuzz: the real server survives mutated documents and keeps ranges inside them', async () => {
  const client = await TestClient.start();
  try {
    const rand = seededRandom(SEED + 100);
    const lines = (t: string): string[] => t.split(/\r\n|\r|\n/);
    // Inputs that once could abort the process from inside the YAML parser (deep nesting), or be slow.
    const hostile = ['['.repeat(20000), 'a: ' + '{'.repeat(20000), '- '.repeat(20000), 'entry_points:\n  main:\n    command: "' + '{a}'.repeat(20000) + '"\n', '\u0000\uFFFF\uD800'];
    for (const [i, text] of hostile.entries()) {
      const uri = `untitled:hostile${i}/MLproject`;
      for (let v = 1; v <= 2; v++) {
        if (v === 1) await client.open(uri, text, 'mlproject', 1);
        else await client.change(uri, text, 2);
        await client.diagnosticsFor(uri, v);
        await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
      }
      await client.close(uri);
    }
    for (let n = 0; n < 200; n++) {
      const kind = KINDS[n % KINDS.length];
      const name = { mlproject: 'MLproject', mlmodel: 'MLmodel', 'python-env': 'python_env.yaml', 'conda-env': 'conda.yaml' }[kind];
      const uri = `untitled:fuzz${n}/${name}`;
      let text = fuzzDocument(rand, kind, base);
      await client.open(uri, text, kind === 'mlproject' || kind === 'mlmodel' ? kind : 'yaml', 1);
      for (let version = 1; version <= 3; version++) {
        if (version > 1) {
          text = fuzzDocument(rand, kind, base);
          await client.change(uri, text, version);
        }
        const diagnostics = await client.diagnosticsFor(uri, version);
        const docLines = lines(text);
        for (const d of diagnostics) {
          for (const p of [d.range.start, d.range.end]) {
            assert.ok(p.line >= 0 && p.line < docLines.length, `line ${p.line} outside ${docLines.length} lines`);
            assert.ok(p.character >= 0 && p.character <= docLines[p.line].length, `character ${p.character} outside line ${p.line}`);
          }
        }
        const line = Math.floor(rand() * (docLines.length + 2));
        const position = { line, character: Math.floor(rand() * 40) };
        await client.request('textDocument/completion', { textDocument: { uri }, position });
        await client.request('textDocument/hover', { textDocument: { uri }, position });
        await client.request('textDocument/definition', { textDocument: { uri }, position });
        await client.request('textDocument/documentSymbol', { textDocument: { uri } });
        await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: position }, context: { diagnostics } });
      }
      await client.close(uri);
    }
    assert.ok(client.alive, 'the server is still running');
    assert.deepEqual(client.errors, [], 'no handler failed');
  } finally {
    await client.stop();
  }
});
