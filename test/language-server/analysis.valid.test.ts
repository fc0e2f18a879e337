// The valid corpus, modelled on MLflow's examples: the analysers must report nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { documentKind } from '../../language-server/documents';
import { analyzeFile, describeDiagnostics, FIXTURES, walkFiles } from './helpers';

const files = walkFiles(join(FIXTURES, 'valid')).filter((f) => documentKind(f) !== undefined);

test('the valid corpus covers every kind of file', () => {
  const kinds = new Set(files.map((f) => documentKind(f)));
  assert.deepEqual([...kinds].sort(), ['conda-env', 'mlmodel', 'mlproject', 'python-env']);
  assert.ok(files.length >= 15, `only ${files.length} files`);
});

for (const file of files) {
  test(`no diagnostics on ${relative(FIXTURES, file)}`, () => {
    const diagnostics = analyzeFile(file);
    assert.equal(diagnostics.length, 0, describeDiagnostics(readFileSync(file, 'utf8'), diagnostics));
  });
}
