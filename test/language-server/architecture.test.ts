// What issue 3 asks of the shape of the code: the analysis is editor-free and LSP-free (only the
// server and lsp/ speak LSP), YAML is parsed in one place, the extension reads MLprojects through
// the language server's parser, and files are recognised by the names MLflow looks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { documentKind } from '../../language-server/documents';
import { walkFiles } from './helpers';

const ROOT = join(__dirname, '..', '..');
const sources = (dir: string): string[] => walkFiles(join(ROOT, dir)).filter((f) => f.endsWith('.ts'));
const rel = (f: string): string => relative(ROOT, f).split('\\').join('/');

test('analysis and features import neither vscode nor the LSP libraries; only server.ts and lsp/ do', () => {
  const files = sources('language-server');
  assert.ok(files.length >= 30);
  const lspUsers: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /from ['"]vscode['"]/, rel(f));
    if (/from ['"]vscode-languageserver/.test(text)) lspUsers.push(rel(f));
  }
  assert.deepEqual(lspUsers.sort(), ['language-server/lsp/convert.ts', 'language-server/server.ts']);
});

test('YAML text is parsed in one place (the fast reader, else the yaml library with the same options)', () => {
  // (shared/json.ts has a JSON parser of its own, for the signature strings.)
  const parsers = sources('language-server').filter((f) => /\bparseDocument\(|\bnew (Composer|Lexer)\(|from 'yaml'[^\n]*\bParser\b/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(parsers.map(rel).sort(), ['language-server/shared/fastYaml.ts', 'language-server/shared/yamlTree.ts']);
});

test('the extension reads MLprojects with the language server parser, not one of its own', () => {
  const project = readFileSync(join(ROOT, 'extension', 'projects', 'core', 'project.ts'), 'utf8');
  assert.match(project, /import \{ parseMlproject \} from '..\/..\/..\/language-server\/mlproject\/parse'/);
  // The extension's other YAML readers read environment files and MLmodel files, never an MLproject.
  for (const f of sources('extension')) {
    const text = readFileSync(f, 'utf8');
    if (/from ['"]yaml['"]/.test(text)) assert.doesNotMatch(text, /entry_points/, `${rel(f)} reads YAML and mentions entry_points`);
  }
});

test('files are recognised as MLflow looks for them', () => {
  // Any root file whose lower-cased name is `mlproject`.
  for (const name of ['MLproject', 'mlproject', 'MLProject', 'MlProject']) assert.equal(documentKind(`/work/p/${name}`), 'mlproject', name);
  assert.equal(documentKind('/work/p/MLproject.yaml'), undefined);
  assert.equal(documentKind('/m/MLmodel'), 'mlmodel');
  assert.equal(documentKind('/m/mlmodel'), undefined, 'MLflow loads MLmodel by its exact name');
  assert.equal(documentKind('/m/python_env.yaml'), 'python-env');
  assert.equal(documentKind('/m/conda.yaml'), 'conda-env');
  assert.equal(documentKind('C:\\m\\conda.yml'), 'conda-env');
  assert.equal(documentKind('/m/other.yaml'), undefined);
  // The language id the editor assigned wins for untitled documents.
  assert.equal(documentKind('untitled:Untitled-1', 'mlproject'), 'mlproject');
});
