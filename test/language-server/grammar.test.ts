// The TextMate grammars, tokenized by the engine VS Code uses (vscode-textmate + vscode-oniguruma,
// with onig.wasm from node_modules): placeholders and brace escapes inside commands of every
// scalar style, and the JSON inside MLmodel signature strings. The grammars include no other
// grammar, so what is tokenized here is what the editor shows.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';
import type { IGrammar } from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..');
const read = (p: string): unknown => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));
const GRAMMARS: Record<string, string> = {
  'source.mlproject': 'syntaxes/mlproject.tmLanguage.json',
  'source.mlmodel': 'syntaxes/mlmodel.tmLanguage.json',
};

interface Rule {
  match?: string;
  begin?: string;
  end?: string;
  patterns?: Rule[];
  include?: string;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

let mlproject: IGrammar;
let mlmodel: IGrammar;

before(async () => {
  await oniguruma.loadWASM(readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer as ArrayBuffer);
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (s) => new oniguruma.OnigString(s) }),
    // Any other grammar is missing, as the grammars must not need one.
    loadGrammar: (scope) => Promise.resolve(GRAMMARS[scope] ? parseRawGrammar(readFileSync(join(ROOT, GRAMMARS[scope]), 'utf8'), GRAMMARS[scope]) : null),
  });
  mlproject = (await registry.loadGrammar('source.mlproject'))!;
  mlmodel = (await registry.loadGrammar('source.mlmodel'))!;
});

interface Token {
  text: string;
  line: number;
  scopes: string[];
}

function tokenize(grammar: IGrammar, text: string): Token[] {
  const out: Token[] = [];
  let stack = INITIAL;
  text.split('\n').forEach((line, n) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), line: n, scopes: t.scopes });
    stack = result.ruleStack;
  });
  return out;
}

/** The texts of the tokens carrying `scope` (a dotted prefix), in order. */
function scoped(tokens: Token[], scope: string): string[] {
  return tokens.filter((t) => t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`))).map((t) => t.text);
}

/** The innermost scope of the token whose text is `text` (the n-th one). */
function scopeOf(tokens: Token[], text: string, nth = 0): string[] {
  const found = tokens.filter((t) => t.text === text)[nth];
  assert.ok(found, `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found.scopes;
}

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

test('every pattern compiles in Oniguruma, and the grammars include no other grammar', () => {
  for (const path of Object.values(GRAMMARS)) {
    const grammar = read(path) as Grammar;
    for (const rule of allRules([...grammar.patterns, ...Object.values(grammar.repository)])) {
      for (const source of [rule.match, rule.begin, rule.end]) if (source) assert.doesNotThrow(() => new oniguruma.OnigScanner([source.replace(/\\1/g, ' ')]), source);
      if (rule.include) assert.match(rule.include, /^#/, `${path} includes ${rule.include}`);
    }
  }
});

test('the YAML rules of both grammars are the same', () => {
  const a = (read(GRAMMARS['source.mlproject']) as Grammar).repository;
  const b = (read(GRAMMARS['source.mlmodel']) as Grammar).repository;
  for (const key of ['yaml', 'comment', 'document', 'block-scalar', 'key', 'sequence-item', 'value', 'double-quoted', 'single-quoted', 'double-escape', 'single-escape']) {
    assert.deepEqual(b[key], a[key], key);
  }
});

const PLACEHOLDER = 'meta.placeholder.mlproject';
const PARAMETER = 'variable.parameter.placeholder.mlproject';
const ESCAPE = 'constant.character.escape.brace.mlproject';
const COMMAND = 'meta.embedded.command.mlproject';

test('a plain command: placeholders, brace escapes, format specs, lone braces, a trailing comment', () => {
  const text = 'entry_points:\n  main:\n    command: python train.py {alpha} --cfg {{x}} --w {width:>5} } # note {not_a_param}\n';
  const tokens = tokenize(mlproject, text);
  assert.deepEqual(scoped(tokens, PARAMETER), ['alpha', 'width']);
  assert.equal(scoped(tokens, PLACEHOLDER).join(''), '{alpha}{width:>5}');
  assert.deepEqual(scoped(tokens, ESCAPE), ['{{', '}}']);
  assert.deepEqual(scoped(tokens, 'constant.other.format-spec.mlproject'), [':>5']);
  assert.deepEqual(scoped(tokens, 'invalid.illegal.unbalanced-brace.mlproject'), ['}']);
  assert.ok(scopeOf(tokens, ' note {not_a_param}').includes('comment.line.number-sign.yaml'));
  assert.ok(scopeOf(tokens, 'command').includes('entity.name.tag.yaml'));
  assert.ok(scopeOf(tokens, 'main').includes('entity.name.tag.yaml'));
});

test('a double-quoted command over several lines, with escapes, ends at its closing quote', () => {
  const text = [
    'entry_points:',
    '  train:',
    '    command: "python train.py {training_data}',
    '                --batch-size {batch_size} --config \'{{\\"seed\\": 42}}\'"',
    '    parameters:',
    '      batch_size: {type: int, default: 16}',
  ].join('\n');
  const tokens = tokenize(mlproject, text);
  assert.deepEqual(scoped(tokens, PARAMETER), ['training_data', 'batch_size']);
  assert.deepEqual(scoped(tokens, ESCAPE), ['{{', '}}']);
  assert.deepEqual(scoped(tokens, 'constant.character.escape.yaml'), ['\\"', '\\"']);
  assert.ok(scopeOf(tokens, '{').includes(COMMAND));
  // After the closing quote, YAML again: the next key is a key, not part of the command.
  assert.ok(!scopeOf(tokens, 'parameters').includes(COMMAND));
  assert.ok(scopeOf(tokens, 'parameters').includes('entity.name.tag.yaml'));
  assert.ok(scopeOf(tokens, '16').includes('constant.numeric.yaml'));
});

test("a single-quoted command: '' is an apostrophe, placeholders still count", () => {
  const text = "entry_points:\n  main:\n    command: 'python eval.py --note ''it''s'' {alpha} {{}}'\n    parameters: {alpha: float}\n";
  const tokens = tokenize(mlproject, text);
  assert.deepEqual(scoped(tokens, PARAMETER), ['alpha']);
  assert.deepEqual(scoped(tokens, ESCAPE), ['{{', '}}']);
  assert.deepEqual(scoped(tokens, 'constant.character.escape.single-quoted.yaml'), ["''", "''", "''"]);
  assert.ok(!scopeOf(tokens, 'parameters').includes(COMMAND));
});

test('block-scalar commands (| and >-): quotes and # are text, the block ends at the next key', () => {
  const text = [
    'entry_points:',
    '  main:',
    '    command: |',
    "      python train.py --note it's {alpha} \\",
    '        --cfg \'{{"a": 1}}\' # {l1_ratio} is still in the command',
    '',
    '      echo {alpha}',
    '    parameters:',
    '      alpha: float',
    '  fold:',
    '    command: >-',
    '      python fold.py {beta}',
    '      --gamma {gamma}',
    'name: x',
  ].join('\n');
  const tokens = tokenize(mlproject, text);
  assert.deepEqual(scoped(tokens, PARAMETER), ['alpha', 'l1_ratio', 'alpha', 'beta', 'gamma']);
  assert.deepEqual(scoped(tokens, ESCAPE), ['{{', '}}']);
  assert.deepEqual(scoped(tokens, 'comment.line.number-sign.yaml'), []);
  assert.deepEqual(scoped(tokens, 'keyword.control.flow.block-scalar.yaml'), ['|', '>-']);
  for (const key of ['parameters', 'fold', 'name']) {
    assert.ok(!scopeOf(tokens, key).includes(COMMAND), key);
    assert.ok(scopeOf(tokens, key).includes('entity.name.tag.yaml'), key);
  }
});

test('a plain command continued on deeper lines; text outside commands has no placeholders', () => {
  const text = 'entry_points:\n  main:\n    command: python a.py {x}\n      --y {y}\n    parameters:\n      x: {type: string, default: "{x}"}\n';
  const tokens = tokenize(mlproject, text);
  assert.deepEqual(scoped(tokens, PARAMETER), ['x', 'y']);
  assert.ok(scopeOf(tokens, '{x}').includes('string.quoted.double.yaml'));
});

test('MLmodel signature strings are tokenized as JSON, folded lines and apostrophes included', () => {
  const text = [
    'flavors:',
    '  python_function:',
    '    loader_module: mlflow.sklearn',
    'signature:',
    '  inputs: \'[{"type": "double", "name": "x", "required": true}, {"type": "tensor",',
    '    "tensor-spec": {"dtype": "float32", "shape": [-1, 28]}}]\'',
    '  params: \'[{"name": "it\'\'s", "type": "float", "default": 1.5e-3, "shape": null}]\'',
    'saved_input_example_info:',
    "  params: 'true'",
  ].join('\n');
  const tokens = tokenize(mlmodel, text);
  const JSON_SCOPE = 'meta.embedded.signature.json';
  assert.deepEqual(scoped(tokens, 'support.type.property-name.json').filter((t) => t !== '"'), ['type', 'name', 'required', 'type', 'tensor-spec', 'dtype', 'shape', 'name', 'type', 'default', 'shape']);
  assert.deepEqual(scoped(tokens, 'constant.numeric.json'), ['-1', '28', '1.5e-3']);
  assert.deepEqual(scoped(tokens, 'constant.language.json'), ['true', 'null']);
  assert.ok(scopeOf(tokens, 'double').includes('string.quoted.double.json'));
  // `''` is YAML's apostrophe, inside a JSON string.
  assert.ok(scopeOf(tokens, "''").includes('string.quoted.double.json'));
  assert.ok(scopeOf(tokens, "''").includes('constant.character.escape.single-quoted.yaml'));
  assert.ok(scopeOf(tokens, '[').includes(JSON_SCOPE));
  // The second `params` (of the input example) is a plain YAML string, not JSON.
  const last = tokens.filter((t) => t.line === 8);
  assert.ok(last.every((t) => !t.scopes.includes(JSON_SCOPE)));
  assert.ok(scopeOf(tokens, 'saved_input_example_info').includes('entity.name.tag.yaml'));
});

test('broken JSON in a signature stops at the closing quote of the YAML string', () => {
  const text = 'signature:\n  inputs: \'[{"type": "dou\'\n  outputs: null\n';
  const tokens = tokenize(mlmodel, text);
  assert.ok(!scopeOf(tokens, 'outputs').includes('meta.embedded.signature.json'));
  assert.ok(scopeOf(tokens, 'outputs').includes('entity.name.tag.yaml'));
  assert.ok(scopeOf(tokens, 'null').includes('constant.language.yaml'));
});
