// The TextMate grammars: well-formed, wired in package.json, and their key patterns match what
// they should. Patterns are Oniguruma; the ones used here are also valid JavaScript (after `\h`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (p: string): unknown => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));

interface Rule {
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  patterns?: Rule[];
  include?: string;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const js = (oniguruma: string): RegExp => new RegExp(oniguruma.replace(/\\h/g, '[0-9a-fA-F]'), 'g');
const mlproject = read('syntaxes/mlproject.tmLanguage.json') as Grammar;
const mlmodel = read('syntaxes/mlmodel.tmLanguage.json') as Grammar;

function allRules(rules: Rule[]): Rule[] {
  return rules.flatMap((r) => [r, ...allRules(r.patterns ?? [])]);
}

test('package.json contributes both languages and their grammars', () => {
  const pkg = read('package.json') as { contributes: { languages: Array<{ id: string; configuration: string }>; grammars: Array<{ language: string; scopeName: string; path: string }> } };
  const ids = pkg.contributes.languages.map((l) => l.id);
  assert.deepEqual(ids.sort(), ['mlmodel', 'mlproject']);
  for (const l of pkg.contributes.languages) assert.ok(existsSync(join(ROOT, l.configuration)), l.configuration);
  for (const g of pkg.contributes.grammars) {
    const grammar = read(g.path) as Grammar;
    assert.equal(grammar.scopeName, g.scopeName);
    assert.ok(ids.includes(g.language));
  }
});

test('every pattern compiles', () => {
  for (const grammar of [mlproject, mlmodel]) {
    for (const rule of allRules([...grammar.patterns, ...Object.values(grammar.repository)])) {
      for (const source of [rule.match, rule.begin, rule.end]) if (source) assert.doesNotThrow(() => js(source.replace(/\\1/g, '(?:)')), source);
    }
  }
});

/** Tokenizes like TextMate at one level: at each position the earliest match of the patterns wins. */
function tokens(text: string, rules: Rule[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  while (pos < text.length) {
    let best: { index: number; text: string; name: string } | undefined;
    for (const rule of rules) {
      const re = js(rule.match!);
      re.lastIndex = pos;
      const m = re.exec(text);
      if (m && m[0] && (!best || m.index < best.index)) best = { index: m.index, text: m[0], name: rule.name ?? '' };
    }
    if (!best) break;
    out.push([best.text, best.name]);
    pos = best.index + best.text.length;
  }
  return out;
}

test('commands highlight placeholders, escapes and lone braces', () => {
  const format = mlproject.repository.format.patterns!;
  assert.deepEqual(tokens('python train.py {alpha} {{"k": 1}} --w {width:>5} }', format), [
    ['{alpha}', 'meta.placeholder.mlproject'],
    ['{{', 'constant.character.escape.brace.mlproject'],
    ['}}', 'constant.character.escape.brace.mlproject'],
    ['{width:>5}', 'meta.placeholder.mlproject'],
    ['}', 'invalid.illegal.unbalanced-brace.mlproject'],
  ]);
});

test('a command region starts at `command:` and ends at the next key at its level', () => {
  const rule = mlproject.repository.command;
  const begin = js(rule.begin!);
  const m = begin.exec('    command: "python train.py {alpha}"');
  assert.ok(m);
  const end = js(rule.end!.replace('\\1', m[1]));
  assert.ok(!end.test('        --more {flags}'), 'continuation lines stay inside');
  end.lastIndex = 0;
  assert.ok(!end.test(''), 'blank lines stay inside');
  end.lastIndex = 0;
  assert.ok(end.test('    parameters:'), 'a sibling key ends it');
  end.lastIndex = 0;
  assert.ok(end.test('  other_entry:'), 'a parent-level key ends it');
});

test('MLmodel signature strings are embedded JSON', () => {
  const begin = js(mlmodel.repository['signature-json'].begin!);
  assert.ok(begin.test(`  inputs: '[{"type": "double", "name": "x"}]'`));
  begin.lastIndex = 0;
  assert.ok(!begin.test('  inputs: null'));
  begin.lastIndex = 0;
  assert.ok(!begin.test("  params: 'true'"), 'saved_input_example_info.params is not JSON');
});
