// One realistic file per rule: each `# expect: <code> "<text>"` line names a diagnostic that must be
// reported exactly on <text>; no other diagnostic may appear. `# files: a, b` lists the files that
// exist beside the document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { analyzeDocument } from '../../language-server/documents';
import type { DocumentKind } from '../../language-server/documents';
import { describeDiagnostics, FIXTURES, walkFiles } from './helpers';

const files = walkFiles(join(FIXTURES, 'invalid'));

interface Expectation {
  code: string;
  text: string;
}

function expectations(text: string): { expected: Expectation[]; files: string[] } {
  const expected: Expectation[] = [];
  let files: string[] = [];
  for (const m of text.matchAll(/^# expect: (\S+) (".*")$/gm)) expected.push({ code: m[1], text: JSON.parse(m[2]) as string });
  const f = /^# files: (.*)$/m.exec(text);
  if (f) files = f[1].split(',').map((s) => s.trim());
  return { expected, files };
}

test('every rule fixture states what it expects', () => {
  assert.ok(files.length >= 40);
  for (const file of files) assert.ok(expectations(readFileSync(file, 'utf8')).expected.length > 0, file);
});

for (const file of files) {
  const kind = basename(dirname(file)) as DocumentKind;
  test(`${relative(FIXTURES, file)}`, () => {
    const text = readFileSync(file, 'utf8');
    const { expected, files: present } = expectations(text);
    const diagnostics = analyzeDocument(kind, text, (p) => present.includes(p));
    const report = describeDiagnostics(text, diagnostics);
    const unmatched = [...diagnostics];
    for (const e of expected) {
      const i = unmatched.findIndex((d) => d.code === e.code && text.slice(d.span.start, d.span.end) === e.text);
      assert.ok(i >= 0, `expected ${e.code} on ${JSON.stringify(e.text)}; got:\n${report}`);
      const d = unmatched.splice(i, 1)[0];
      assert.ok(d.message.length > 20, 'messages say what MLflow does');
    }
    assert.equal(unmatched.length, 0, `unexpected diagnostics:\n${describeDiagnostics(text, unmatched)}`);
  });
}

test('severities follow what MLflow does: ignored keys warn, unknown types warn, unused parameters hint, crashes are errors', () => {
  const expected: Record<string, string> = {
    'yaml-syntax': 'error', 'duplicate-key': 'warning', 'multiple-env-fields': 'error', 'docker-env-missing-image': 'error',
    'docker-volumes-invalid': 'error', 'docker-environment-invalid': 'error', 'env-file-not-found': 'error', 'missing-command': 'error',
    'parameters-null': 'error', 'bare-scalar-parameter': 'error', 'unknown-parameter-type': 'warning', 'default-type-mismatch': 'warning',
    'undeclared-placeholder': 'error', 'unused-parameter': 'hint', 'unbalanced-brace': 'error', 'python-env-unknown-key': 'error',
    'python-version-not-string': 'error', 'missing-flavors': 'error', 'missing-loader-module': 'error', 'utc-time-format': 'warning',
    'signature-invalid-json': 'error', 'model-file-not-found': 'error', 'input-example-invalid': 'error', 'merge-not-mapping': 'error',
    'yaml-construct': 'error',
  };
  const seen = new Set<string>();
  for (const file of files) {
    const kind = basename(dirname(file)) as DocumentKind;
    const text = readFileSync(file, 'utf8');
    for (const d of analyzeDocument(kind, text, (p) => expectations(text).files.includes(p))) {
      if (kind === 'mlproject' && d.code === 'unknown-key') assert.equal(d.severity, 'warning', 'MLflow ignores unknown MLproject keys');
      if (!(d.code in expected)) continue;
      seen.add(d.code);
      assert.equal(d.severity, expected[d.code], `${d.code} in ${relative(FIXTURES, file)}`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(expected).sort(), 'every rule named here has a fixture');
});
