// Talks to the real language server over JSON-RPC (stdio), as an editor would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, LocationLink, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ENTRY_POINTS_REQUEST } from '../../language-server/protocol';
import type { EntryPointsResult } from '../../language-server/protocol';
import { FIXTURES } from './helpers';
import { TestClient } from './lspClient';

const VALID = join(FIXTURES, 'valid');
const uriOf = (path: string): string => pathToFileURL(path).toString();

const PROJECT = `name: tutorial
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      l1_ratio: float
    command: "python train.py {alpha} {l1_ratio} {max_iter}"
`;

/** Position of the n-th occurrence of `needle` (plus `delta` characters) in `text`. */
function at(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `${needle} not found`);
  return TextDocument.create('x:', 'x', 0, text).positionAt(index + delta);
}

function textOf(text: string, range: Range): string {
  const doc = TextDocument.create('x:', 'x', 0, text);
  return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x:', 'x', 0, text), edits);
}

describe('language server over JSON-RPC', () => {
  let client: TestClient;
  // A document in the valid "sklearn_elasticnet_wine" project directory, so file checks see python_env.yaml.
  const projectUri = uriOf(join(VALID, 'sklearn_elasticnet_wine', 'MLproject'));

  before(async () => {
    client = await TestClient.start();
  });
  after(async () => {
    assert.deepEqual(client.errors, [], 'the server logged no handler failures');
    await client.stop();
  });

  test('initialize announces the features', () => {
    const caps = client.initializeResult.capabilities;
    assert.ok(caps.completionProvider);
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.documentSymbolProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.ok(caps.codeActionProvider);
  });

  test('didOpen publishes diagnostics with codes and precise ranges', async () => {
    await client.open(projectUri, PROJECT, 'mlproject', 1);
    const diagnostics = await client.diagnosticsFor(projectUri, 1);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, 'undeclared-placeholder');
    assert.equal(d.source, 'mlflow');
    assert.equal(d.severity, 1);
    assert.equal(textOf(PROJECT, d.range), 'max_iter');
  });

  test('didChange republishes: fixing the file clears the diagnostics', async () => {
    const fixed = PROJECT.replace(' {max_iter}', '');
    await client.change(projectUri, fixed, 2);
    assert.deepEqual(await client.diagnosticsFor(projectUri, 2), []);
    const broken = fixed.replace('l1_ratio: float', 'l1_ratio: 0.1');
    await client.change(projectUri, broken, 3);
    const codes = (await client.diagnosticsFor(projectUri, 3)).map((d) => d.code);
    assert.deepEqual(codes, ['bare-scalar-parameter']);
    await client.change(projectUri, PROJECT, 4);
    await client.diagnosticsFor(projectUri, 4);
  });

  test('files on disk are checked relative to the document', async () => {
    const text = PROJECT.replace('python_env.yaml', 'envs/missing.yaml');
    const uri = uriOf(join(VALID, 'sklearn_elasticnet_wine', 'MLproject'));
    await client.change(uri, text, 5);
    const missing = (await client.diagnosticsFor(uri, 5)).find((d) => d.code === 'env-file-not-found');
    assert.ok(missing);
    assert.equal(textOf(text, missing.range), 'envs/missing.yaml');
    await client.change(uri, PROJECT, 6);
    await client.diagnosticsFor(uri, 6);
  });

  test('completion offers parameter names inside a command placeholder', async () => {
    const text = PROJECT.replace('{max_iter}', '{');
    await client.change(projectUri, text, 7);
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: projectUri }, position: at(text, '{"', 1) });
    assert.deepEqual(items.map((i) => i.label).sort(), ['alpha', 'l1_ratio']);
    const edit = items.find((i) => i.label === 'alpha')!.textEdit as TextEdit;
    assert.equal(edit.newText, 'alpha}');
    await client.change(projectUri, PROJECT, 8);
  });

  test('completion offers the keys valid at the cursor and parameter types', async () => {
    const text = `name: x\nentry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 1}\n      beta: \n    \n`;
    const uri = 'untitled:completion/MLproject';
    await client.open(uri, text, 'mlproject');
    const top = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 0 } });
    assert.ok(top.some((i) => i.label === 'python_env'));
    assert.ok(!top.some((i) => i.label === 'name'), 'keys already present are not offered');
    const epKeys = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 4 } });
    assert.deepEqual(epKeys.map((i) => i.label), ['command']);
    const types = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: at(text, 'beta: ', 6) });
    assert.deepEqual(types.map((i) => i.label), ['string', 'float', 'int', 'path', 'uri']);
    await client.close(uri);
  });

  test('hover explains a parameter and says when it is required', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: projectUri }, position: at(PROJECT, 'l1_ratio: float', 2) });
    const value = (h.contents as { value: string }).value;
    assert.match(value, /Parameter `l1_ratio`/);
    assert.match(value, /Required/);
    const onAlpha = await client.request<Hover>('textDocument/hover', { textDocument: { uri: projectUri }, position: at(PROJECT, '{alpha}', 2) });
    assert.match((onAlpha.contents as { value: string }).value, /Default: `0.5`/);
    const onKey = await client.request<Hover>('textDocument/hover', { textDocument: { uri: projectUri }, position: at(PROJECT, 'python_env', 3) });
    assert.match((onKey.contents as { value: string }).value, /virtualenv/);
  });

  test('hover and completion follow the document edits (they read the analysis of its current version)', async () => {
    const uri = 'untitled:edited/MLproject';
    const v1 = 'name: x\nentry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 0.5}\n    command: "python train.py {alpha}"\n';
    await client.open(uri, v1, 'mlproject', 1);
    await client.diagnosticsFor(uri, 1);
    const hoverAlpha = async (text: string): Promise<string> =>
      ((await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(text, '{alpha}', 1) })).contents as { value: string }).value;
    assert.match(await hoverAlpha(v1), /type `float`[\s\S]*Default: `0.5`/);
    // didChange: the type and default change, and a line above moves everything down.
    const v2 = v1.replace('name: x\n', 'name: x\n# tuned\n').replace('{type: float, default: 0.5}', '{type: int, default: 3}');
    await client.change(uri, v2, 2);
    await client.diagnosticsFor(uri, 2);
    assert.match(await hoverAlpha(v2), /type `int`[\s\S]*Default: `3`/);
    // A parameter declared by the edit is offered inside a placeholder right away.
    const v3 = v2.replace('      alpha:', '      beta: string\n      alpha:').replace('{alpha}"', '{alpha} {"');
    await client.change(uri, v3, 3);
    await client.diagnosticsFor(uri, 3);
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: at(v3, '{"', 1) });
    assert.deepEqual(items.map((i) => i.label).sort(), ['alpha', 'beta']);
    await client.close(uri);
  });

  test('definition goes from a placeholder to its declaration and from an env path to the file', async () => {
    const links = await client.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: projectUri }, position: at(PROJECT, '{l1_ratio}', 3) });
    assert.equal(links.length, 1);
    assert.equal(links[0].targetUri, projectUri);
    assert.deepEqual(links[0].targetRange.start, at(PROJECT, 'l1_ratio: float'));
    const file = await client.request<LocationLink[]>('textDocument/definition', { textDocument: { uri: projectUri }, position: at(PROJECT, 'python_env.yaml', 2) });
    assert.equal(file[0].targetUri, uriOf(join(VALID, 'sklearn_elasticnet_wine', 'python_env.yaml')));
  });

  test('rename of a parameter also renames its placeholders', async () => {
    const prepared = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: projectUri }, position: at(PROJECT, '{alpha}', 1) });
    assert.equal(prepared.placeholder, 'alpha');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: projectUri }, position: at(PROJECT, 'alpha:'), newName: 'learning_rate' });
    const renamed = applyEdits(PROJECT, edit.changes![projectUri]);
    assert.match(renamed, /learning_rate: \{type: float/);
    assert.match(renamed, /\{learning_rate\} \{l1_ratio\}/);
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: projectUri }, position: at(PROJECT, 'alpha:'), newName: 'l1_ratio' }),
      /already has a parameter/,
    );
  });

  test('code action declares a missing parameter', async () => {
    const diagnostics = await client.diagnosticsFor(projectUri, 8);
    const range = diagnostics[0].range;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: projectUri }, range, context: { diagnostics } });
    const declare = actions.find((a) => a.title === "Declare parameter 'max_iter'");
    assert.ok(declare, JSON.stringify(actions));
    assert.equal(declare.isPreferred, true);
    const fixed = applyEdits(PROJECT, declare.edit!.changes![projectUri]);
    assert.match(fixed, / {6}l1_ratio: float\n {6}max_iter: string\n {4}command:/);
    await client.change(projectUri, fixed, 9);
    assert.deepEqual(await client.diagnosticsFor(projectUri, 9), []);
  });

  test('code action quotes an unquoted python version', async () => {
    const uri = 'untitled:env/python_env.yaml';
    const text = 'python: 3.10\ndependencies:\n  - mlflow\n';
    await client.open(uri, text, 'yaml');
    const diagnostics = await client.diagnosticsFor(uri, 1);
    assert.equal(diagnostics[0].code, 'python-version-not-string');
    assert.match(JSON.stringify(diagnostics[0].message), /number 3\.1/);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
    assert.equal(applyEdits(text, actions[0].edit!.changes![uri]), 'python: "3.10"\ndependencies:\n  - mlflow\n');
    await client.close(uri);
  });

  test('code action drops an extra environment key', async () => {
    const uri = 'untitled:multi/MLproject';
    const text = 'name: x\nconda_env: conda.yaml\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: python x.py\n';
    await client.open(uri, text, 'mlproject');
    const diagnostics = (await client.diagnosticsFor(uri, 1)).filter((d) => d.code === 'multiple-env-fields');
    assert.equal(diagnostics.length, 2);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[1].range, context: { diagnostics } });
    const drop = actions.find((a) => a.title === "Remove 'python_env'")!;
    assert.equal(applyEdits(text, drop.edit!.changes![uri]), 'name: x\nconda_env: conda.yaml\nentry_points:\n  main:\n    command: python x.py\n');
    await client.close(uri);
  });

  test('document symbols list entry points and their parameters', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: projectUri } });
    assert.deepEqual(symbols.map((s) => s.name), ['main']);
    assert.deepEqual(symbols[0].children!.map((c) => `${c.name} ${c.detail}`), ['alpha float = 0.5', 'l1_ratio float (required)', 'max_iter string (required)']);
  });

  test('mlflow/entryPoints returns the parsed entry points of a file that is not open', async () => {
    const uri = uriOf(join(VALID, 'multistep_workflow', 'MLproject'));
    const result = await client.request<EntryPointsResult>(ENTRY_POINTS_REQUEST, { uri });
    assert.equal(result.projectName, 'multistep_example');
    assert.deepEqual(result.environment, { kind: 'conda', file: 'conda.yaml', image: null });
    assert.deepEqual(result.entryPoints.map((e) => e.name), ['load_raw_data', 'etl_data', 'als', 'train_keras', 'main']);
    const etl = result.entryPoints[1];
    assert.deepEqual(etl.parameters, [
      { name: 'ratings_csv', type: 'path', default: null, required: true },
      { name: 'max_row_limit', type: 'int', default: '100000', required: false },
    ]);
    assert.equal(result.errorCount, 0);
  });

  test('MLmodel, python_env.yaml and conda.yaml from the valid corpus get no diagnostics', async () => {
    for (const rel of ['models/sklearn/MLmodel', 'models/custom_pyfunc/MLmodel', 'models/sklearn/python_env.yaml', 'multistep_workflow/conda.yaml']) {
      const path = join(VALID, rel);
      const uri = uriOf(path);
      await client.open(uri, readFileSync(path, 'utf8'), rel.endsWith('MLmodel') ? 'mlmodel' : 'yaml');
      assert.deepEqual(await client.diagnosticsFor(uri, 1), [], rel);
      await client.close(uri);
    }
  });

  test('MLmodel signature errors point inside the JSON string', async () => {
    const uri = 'untitled:model/MLmodel';
    const text = `flavors:\n  python_function:\n    loader_module: mlflow.sklearn\nsignature:\n  inputs: '[{"name": "x", "type": "dooble"}]'\n`;
    await client.open(uri, text, 'mlmodel');
    const [d] = (await client.diagnosticsFor(uri, 1)) as Diagnostic[];
    assert.equal(d.code, 'signature-schema');
    assert.equal(textOf(text, d.range), '"dooble"');
    await client.close(uri);
  });
});

test('the server also speaks over a Node IPC channel, as the extension starts it', async () => {
  const client = await TestClient.start('ipc');
  try {
    assert.equal(client.initializeResult.capabilities.hoverProvider, true);
    const uri = 'untitled:ipc/MLproject';
    await client.open(uri, PROJECT, 'mlproject', 1);
    const [d] = await client.diagnosticsFor(uri, 1);
    assert.equal(d.code, 'undeclared-placeholder');
    assert.equal(textOf(PROJECT, d.range), 'max_iter');
    assert.deepEqual(client.errors, []);
  } finally {
    await client.stop();
  }
});
