// The incremental MLproject analysis must give exactly what the whole-file analysis gives (the
// model, diagnostics, their order, spans and fixes), whatever the edits, and must fall back to the
// whole file whenever a piece could read differently on its own. Set INCREMENTAL_SEED to replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, DocumentAnalyzer } from '../../language-server/documents';
import type { DocumentKind } from '../../language-server/documents';
import { IncrementalMlproject } from '../../language-server/mlproject/incremental';
import type { MlprojectModel, MlprojectOptions } from '../../language-server/mlproject/model';
import { parseMlproject } from '../../language-server/mlproject/parse';
import { splitMlproject } from '../../language-server/mlproject/sections';
import { combinedBound, nestingSummary } from '../../language-server/shared/nestingBound';
import { nestingDepth } from '../../language-server/shared/yamlTree';
import { corpus, fuzzDocument, seededRandom, TOKENS } from './fuzzDocuments';
import type { Random } from './fuzzDocuments';
import { realisticMlproject, session } from './mlprojectEdits';
import { TestClient } from './lspClient';

const SEED = Number(process.env.INCREMENTAL_SEED ?? 20250612);

/** The first path at which two values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, path = 'model'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
    return `${path}: different shape`;
  }
  return `${path}: whole file ${JSON.stringify(a)}, incremental ${JSON.stringify(b)}`;
}

/** Analyses `text` both ways and fails with the first difference. */
function expectSame(analyzer: IncrementalMlproject, text: string, options: MlprojectOptions = {}, context = ''): MlprojectModel {
  const whole = parseMlproject(text, options);
  const incremental = analyzer.analyze(text, options);
  const difference = firstDifference(whole, incremental);
  assert.equal(difference, undefined, `${context}${difference}\n---\n${text}\n---`);
  return incremental;
}

/** A project directory whose files come and go during the session. */
function changingFiles(r: Random): () => MlprojectOptions {
  const present = new Set(['python_env.yaml', 'conda.yaml', 'data/train.csv']);
  return () => {
    if (r() < 0.05) {
      const f = r() < 0.5 ? 'data/train.csv' : 'python_env.yaml';
      if (present.has(f)) present.delete(f);
      else present.add(f);
    }
    // Sometimes no file checks at all, as for untitled documents.
    return r() < 0.05 ? {} : { fileExists: (p: string) => present.has(p) };
  };
}

type Counts = Record<NonNullable<IncrementalMlproject['lastRun']>, number>;

function runSessions(r: Random, starts: string[], steps: number): Counts {
  const counts: Counts = { pieces: 0, regions: 0, 'whole file': 0 };
  for (const [n, start] of starts.entries()) {
    const analyzer = new IncrementalMlproject();
    const options = changingFiles(r);
    let step = 0;
    for (const text of session(r, start, steps)) {
      expectSame(analyzer, text, options(), `session ${n} step ${step++} (INCREMENTAL_SEED=${SEED}): `);
      counts[analyzer.lastRun!]++;
    }
  }
  return counts;
}

test('editing sessions over realistic MLprojects: incremental equals whole-file analysis', () => {
  const r = seededRandom(SEED);
  const starts = Array.from({ length: 40 }, () => realisticMlproject(r, 1 + Math.floor(r() * 30)));
  const counts = runSessions(r, starts, 35);
  const { pieces, regions } = counts;
  const all = pieces + regions + counts['whole file'];
  // Every path must be exercised, or the comparison proves little.
  assert.ok(pieces > all / 4, `only ${pieces} of ${all} analyses reused pieces`);
  assert.ok(regions > all / 10, `only ${regions} of ${all} analyses read pieces again in context`);
  assert.ok(counts['whole file'] > all / 100, `only ${counts['whole file']} of ${all} analyses fell back to the whole file`);
});

test('editing sessions over the corpus MLprojects (valid and invalid): incremental equals whole-file analysis', () => {
  const r = seededRandom(SEED + 1);
  const { pieces } = runSessions(r, corpus().mlproject, 30);
  assert.ok(pieces > 0);
});

test('keystrokes in a 2,000-line MLproject: incremental equals whole-file analysis', () => {
  const r = seededRandom(SEED + 2);
  const start = realisticMlproject(r, 200);
  assert.ok(start.split('\n').length > 1500, 'a file of benchmark size');
  const { pieces } = runSessions(r, [start], 30);
  assert.ok(pieces > 5);
});

test('the sections cover the text: top-level keys, and each entry point under a block entry_points', () => {
  const text = '# c\nname: x\nentry_points:  # eps\n  a:\n    command: x\n\n# between\n  b:\n    command: y\ndocker_env:\n  image: i\n';
  const layout = splitMlproject(text)!;
  assert.deepEqual(
    layout.map((s) => text.slice(s.start, s.end)),
    ['name: x\n', 'entry_points:  # eps\n  a:\n    command: x\n\n# between\n  b:\n    command: y\n', 'docker_env:\n  image: i\n'],
  );
  const { header, entries } = layout[1].entryPoints!;
  assert.equal(text.slice(header.start, header.end), 'entry_points:  # eps\n');
  assert.deepEqual(
    entries.map((e) => [text.slice(e.start, e.end), text.slice(e.start, e.parseEnd), text.slice(e.start, e.windowEnd)]),
    [
      ['  a:\n    command: x\n\n# between\n', '  a:\n    command: x\n\n# between\n  ', '  a:\n    command: x\n\n# between\n  b:\n'],
      ['  b:\n    command: y\n', '  b:\n    command: y\n', '  b:\n    command: y\n'],
    ],
  );
  for (const odd of ['---\nname: x\n', '%YAML 1.1\n---\nname: x\n', '\uFEFFname: x\n', '- a\n- b\n', '  name: x\n', '']) assert.equal(splitMlproject(odd), undefined, JSON.stringify(odd));
});

test('an empty value before a comment and the next entry point reads as in the whole file', () => {
  // yaml stretches such a value (and the mappings it ends) up to the next key, indentation included.
  const analyzer = new IncrementalMlproject();
  const text = 'name: x\nentry_points:\n  a:\n    command:\n# c\n  b:\n    command: y\n';
  expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
});

test('a fix computed from an entry point may reach into the next line, as in the whole file', () => {
  // The declaration goes after the end of the line where `alpha`'s mapping ends, which yaml puts
  // on the next entry point's key line: the piece's analysis must see that line.
  const analyzer = new IncrementalMlproject();
  const text = 'name: x\nentry_points:\n  a:\n    command: python {beta} {alpha}\n    parameters:\n      alpha:\n        type: float\n        default:\n# c\n  b:\n    command: y\n';
  const model = expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
  const fix = model.diagnostics.find((d) => d.code === 'undeclared-placeholder')!.fixes![0];
  assert.ok(fix.edits[0].span.start > text.indexOf('  b:'));
});

test('what a piece cannot say on its own is read again in context, or from the whole file', () => {
  const head = 'name: x\nentry_points:\n';
  const entry = (name: string): string => `  ${name}:\n    parameters:\n      alpha: float\n    command: "python ${name}.py {alpha}"\n`;
  const many = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => entry(`e${from + i}`)).join('');
  const inContext: Record<string, string> = {
    'a tag': `${head}  a:\n    command: !!str x\n`,
    'a quote left open across entry points': `${head}  a:\n    command: "python x.py\n  b:\n    command: y"\n`,
    'a flow mapping left open across entry points': `${head}  a:\n    parameters: {alpha: float,\n  b: 1}\n    command: x\n`,
    'a tab as indentation': `${head}  a:\n\tcommand: x\n`,
    'an entry point at the wrong column': `${head}  a:\n    command: x\n   b:\n    command: y\n`,
    'a quote closed early in a quoted command': `${head}${many(0, 5)}  b:\n    command: "python b.py" --x {alpha}\n      --y "\n${many(5, 10)}`,
    'a quote left open to the end of the file': `${head}${many(0, 5)}  b:\n    command: "python b.py\n${many(5, 10)}conda_env: conda.yaml\n`,
    'two broken entry points far apart': `${head}${many(0, 3)}  b:\n    command: x: y\n${many(3, 20)}  c:\n    parameters: {a: [}\n${many(20, 23)}`,
    'a broken entry point before a top-level entry': `${head}${many(0, 3)}  b:\n    command: 'x\n  c:\n    command: y'z\ndocker_env:\n  image: i\n`,
    'a broken top-level entry before the entry points': `name: "x\ny": 1\n${head.slice('name: x\n'.length)}${many(0, 4)}`,
    'a top-level quote that swallows the entry points header': `name: "x\nentry_points:\n  a:\n    command: "python a.py"\n${many(0, 3)}`,
    'an unknown tag': `${head}${many(0, 2)}  b:\n    command: !!python/object:os.system x\n${many(2, 4)}`,
    // A key whose second character is blank reads on from the line before (the lexer keeps the
    // indentation a plain scalar needs to continue), so the region starts at the piece before it.
    'the first letter of a new entry point': `${head}${many(0, 3)}  t\n${many(3, 6)}`,
    'the first letter of a new top-level key': `${head}${many(0, 3)}d\npython_env: python_env.yaml\n`,
    'a broken key with a blank second character after a block scalar': `${head}  a:\n    command: |\n      python a.py\n        --x\n  b {x} y\n    command: z\n${many(0, 3)}`,
  };
  for (const [what, text] of Object.entries(inContext)) {
    const analyzer = new IncrementalMlproject();
    expectSame(analyzer, text, {}, `${what}: `);
    assert.equal(analyzer.lastRun, 'regions', what);
  }
  const whole: Record<string, string> = {
    'an alias of an anchor in another entry point': `${head}  a:\n    parameters: &p\n      alpha: float\n    command: x {alpha}\n  b:\n    parameters: *p\n    command: y {alpha}\n`,
    'a merge key': `${head}  a:\n    command: x\n<<: {name: y}\n`,
    'a merge key in a broken entry point': `${head}  a:\n    command: x\n  b:\n    <<: {command: y}\n    command: "z\n`,
    'deep nesting': `${head}  a:\n    command: ${'['.repeat(3000)}\n`,
    'deep nesting spread over entry points': `${head}${Array.from({ length: 300 }, (_, i) => `  e${i}:\n    command: x {\n`).join('')}`,
    'a document marker': `${head}  a:\n    command: x\n---\nname: y\n`,
    'a broken first key with a blank second character': `a b\n${head}${many(0, 2)}`,
  };
  for (const [what, text] of Object.entries(whole)) {
    const analyzer = new IncrementalMlproject();
    expectSame(analyzer, text, {}, `${what}: `);
    assert.equal(analyzer.lastRun, 'whole file', what);
  }
});

/** An MLproject of `count` entry points whose commands are double-quoted over two lines (as the benchmark's). */
function quotedCommands(count: number): string {
  const lines = ['name: quoted', 'python_env: python_env.yaml', 'entry_points:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  step_${i}:`, '    parameters:', `      alpha: {type: float, default: 0.${i % 10}}`, '      label: string');
    lines.push(`    command: "python steps/step_${i}.py --alpha {alpha}`, `              --label {label} --config '{{\\"seed\\": 42}}'"`, '');
  }
  return lines.join('\n') + '\n';
}

test('a quote typed into a quoted command is read again from that entry point only', () => {
  const text = quotedCommands(200);
  const analyzer = new IncrementalMlproject();
  expectSame(analyzer, text);
  const at = text.indexOf('python steps/step_100.py') + 'python steps/step_100.py'.length;
  const broken = `${text.slice(0, at)}"${text.slice(at)}`;
  const model = expectSame(analyzer, broken);
  assert.equal(analyzer.lastRun, 'regions');
  assert.ok(analyzer.lastReread < text.length / 50, `${analyzer.lastReread} characters read again`);
  const step = { start: text.indexOf('  step_100:'), end: text.indexOf('  step_101:') };
  assert.ok(model.diagnostics.length > 0);
  for (const d of model.diagnostics) {
    assert.equal(d.code, 'yaml-syntax');
    assert.ok(d.span.start >= step.start && d.span.end <= step.end, JSON.stringify(d));
  }
  expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
  // A quote that opens instead of closing runs on to the next one, and the whole-file parse with it.
  const open = text.indexOf('"python steps/step_150.py');
  expectSame(analyzer, `${text.slice(0, open)}"${text.slice(open)}`);
  expectSame(analyzer, `${text.slice(0, open)}${text.slice(open + 1)}`);
});

test('hostile tokens typed anywhere in cached MLprojects: incremental equals whole-file analysis', () => {
  const r = seededRandom(SEED + 6);
  const counts: Counts = { pieces: 0, regions: 0, 'whole file': 0 };
  for (let n = 0; n < 120; n++) {
    const start = realisticMlproject(r, 2 + Math.floor(r() * 40));
    const analyzer = new IncrementalMlproject();
    expectSame(analyzer, start);
    for (let k = 0; k < 5; k++) {
      let text = start;
      // One to three tokens, often far apart: several regions in one text.
      for (let e = 1 + Math.floor(r() * 3); e > 0; e--) {
        const at = Math.floor(r() * (text.length + 1));
        text = text.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + text.slice(at);
      }
      expectSame(analyzer, text, {}, `file ${n} edit ${k} (INCREMENTAL_SEED=${SEED}): `);
      counts[analyzer.lastRun!]++;
      expectSame(analyzer, start, {}, `file ${n} undo ${k}: `);
    }
  }
  const all = counts.pieces + counts.regions + counts['whole file'];
  assert.ok(counts.regions > all / 4, `only ${counts.regions} of ${all} analyses read pieces again in context`);
});

test('a cached entry point is checked again when a file it names appears or disappears', () => {
  const analyzer = new IncrementalMlproject();
  const text = 'name: x\npython_env: python_env.yaml\nentry_points:\n  a:\n    parameters:\n      data: {type: path, default: data/train.csv}\n    command: python a.py {data}\n  b:\n    command: python b.py\n';
  const files = new Set(['python_env.yaml', 'data/train.csv']);
  const options = { fileExists: (p: string) => files.has(p) };
  assert.deepEqual(expectSame(analyzer, text, options).diagnostics, []);
  files.delete('data/train.csv');
  const codes = expectSame(analyzer, text, options).diagnostics.map((d) => d.code);
  assert.deepEqual(codes, ['path-default-not-found']);
  assert.equal(analyzer.lastRun, 'pieces');
  assert.ok(expectSame(analyzer, text, {}).diagnostics.length === 0, 'no file checks without fileExists');
});

test('duplicated entry points, pasted and then edited one at a time', () => {
  const analyzer = new IncrementalMlproject();
  const entry = '  train:\n    parameters:\n      alpha: float\n    command: python train.py {alpha}\n';
  let text = `name: x\nentry_points:\n${entry}${entry}${entry}`;
  expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
  text = text.replace('{alpha}\n', '{alpha} {beta}\n');
  expectSame(analyzer, text);
  text = text.replace('  train:', '  eval:');
  expectSame(analyzer, text);
  text = text.replace('name: x\n', 'name: x\nname: y\n');
  const model = expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
  assert.deepEqual(model.diagnostics.map((d) => d.code), ['duplicate-key', 'duplicate-key', 'undeclared-placeholder']);
});

test('merges PyYAML refuses inside entry points are reported as by the whole file, pieces or regions', () => {
  const entry = (name: string, merge: string): string => `  ${name}:\n    parameters:\n      <<: ${merge}\n      alpha: float\n    command: python ${name}.py {alpha}\n`;
  const plain = '  d:\n    parameters:\n      alpha: float\n    command: python d.py {alpha}\n';
  const text = `name: x\nentry_points:\n${entry('a', '{beta: int}')}${entry('b', '7')}${plain}${entry('c', '[{beta: int}, 1]')}`;
  const analyzer = new IncrementalMlproject();
  const model = expectSame(analyzer, text);
  assert.equal(analyzer.lastRun, 'pieces');
  assert.deepEqual(model.diagnostics.map((d) => d.code), ['merge-not-mapping', 'merge-not-mapping']);
  // A syntax error in the entry point between them: it is read in context, the others are not.
  const codes = expectSame(analyzer, text.replace('command: python d.py', 'command: "python d.py" --alpha')).diagnostics.map((d) => d.code);
  assert.equal(analyzer.lastRun, 'regions');
  assert.ok(codes.includes('yaml-syntax'));
  assert.equal(codes.filter((c) => c === 'merge-not-mapping').length, 2);
});

test('duplicate keys right at the depth where the whole-file walk stops looking', () => {
  // In the file, `command`'s list sits at depth 3 (root, entry_points, entry point, list): its
  // mapping is at depth 3 + n, and the walk skips anything deeper than 200.
  for (const n of [196, 197, 198]) {
    const analyzer = new IncrementalMlproject();
    const text = `name: x\nentry_points:\n  a:\n    command: ${'['.repeat(n)}{k: 1, k: 2}${']'.repeat(n)}\n`;
    const model = expectSame(analyzer, text, {}, `depth ${n}: `);
    assert.equal(analyzer.lastRun, 'pieces');
    assert.equal(model.diagnostics.some((d) => d.code === 'duplicate-key'), n < 198, `depth ${n}`);
  }
});

test('the per-piece nesting bound is never below nestingDepth', () => {
  const r = seededRandom(SEED + 4);
  const base = corpus();
  let checked = 0;
  for (let i = 0; i < 3000; i++) {
    const text = i % 2 ? fuzzDocument(r, 'mlproject', base) : [...session(r, realisticMlproject(r, 5), 8)].pop()!;
    const layout = splitMlproject(text);
    if (!layout) continue;
    const pieces = [nestingSummary(text, 0, layout[0].start)];
    for (const top of layout) {
      const ranges = top.entryPoints ? [top.entryPoints.header, ...top.entryPoints.entries] : [top];
      for (const s of ranges) pieces.push(nestingSummary(text, s.start, s.end));
    }
    assert.ok(combinedBound(pieces) >= nestingDepth(text), JSON.stringify(text));
    checked++;
  }
  assert.ok(checked > 1000);
});

test('the document analyzer gives what analyzeDocument gives, for every kind of file', () => {
  const all = corpus();
  for (const kind of Object.keys(all) as DocumentKind[]) {
    const analyzer = new DocumentAnalyzer();
    for (const text of all[kind]) {
      assert.deepEqual(analyzer.analyze(kind, text, () => true), analyzeDocument(kind, text, () => true));
      // As the server does after publishing: from then on MLprojects are analysed from pieces.
      analyzer.prepare();
    }
  }
});

test('the document analyzer reads the first version whole, then edits from the pieces prepared after it', () => {
  const r = seededRandom(SEED + 5);
  const analyzer = new DocumentAnalyzer();
  let first = true;
  for (const text of session(r, realisticMlproject(r, 20), 30)) {
    assert.deepEqual(analyzer.analyze('mlproject', text, () => true), analyzeDocument('mlproject', text, () => true));
    assert.equal(analyzer.needsPreparation, first);
    if (first) analyzer.prepare();
    first = false;
  }
});

test('the server publishes the whole-file diagnostics after each change of a large MLproject', async () => {
  const client = await TestClient.start();
  try {
    const r = seededRandom(SEED + 3);
    const uri = 'untitled:incremental/MLproject';
    let version = 0;
    for (const text of session(r, realisticMlproject(r, 60), 25)) {
      if (version++ === 0) await client.open(uri, text, 'mlproject', version);
      else await client.change(uri, text, version);
      const published = await client.diagnosticsFor(uri, version);
      const doc = TextDocument.create(uri, 'mlproject', version, text);
      const expected = analyzeDocument('mlproject', text).map((d) => ({ code: d.code, message: d.message, range: { start: doc.positionAt(d.span.start), end: doc.positionAt(d.span.end) } }));
      assert.deepEqual(
        published.map((d) => ({ code: d.code, message: d.message, range: d.range })),
        expected,
        `version ${version}`,
      );
    }
    await client.close(uri);
    assert.deepEqual(client.errors, []);
  } finally {
    await client.stop();
  }
});
