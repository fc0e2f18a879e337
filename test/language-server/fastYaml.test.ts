// The fast YAML reader must build exactly what the yaml library builds (node classes, values,
// scalar styles and formats, flow flags, [start, end) ranges) whenever it does not give up, and it
// must not give up on the plain files MLflow users write. Set FAST_YAML_SEED to replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseYamlFast, YAML_OPTIONS } from '../../language-server/shared/fastYaml';
import type { DocumentKind } from '../../language-server/documents';
import { largeMlproject } from '../../bench/languageServer';
import { corpus, fuzzDocument, mutate, seededRandom } from './fuzzDocuments';
import { realisticMlproject, session } from './mlprojectEdits';

const SEED = Number(process.env.FAST_YAML_SEED ?? 20251126);

/** What the analysers may read of a node, in a comparable form. */
function project(n: unknown): unknown {
  if (n === null || n === undefined) return n;
  if (isMap(n)) return { map: n.items.map((p) => [project(p.key), project(p.value)]), flow: !!n.flow, range: n.range?.slice(0, 2), anchor: n.anchor, tag: n.tag };
  if (isSeq(n)) return { seq: n.items.map(project), flow: !!n.flow, range: n.range?.slice(0, 2), anchor: n.anchor, tag: n.tag };
  if (isScalar(n)) {
    const v = n.value;
    const value = v instanceof Date ? `Date ${v.toISOString()}` : typeof v === 'bigint' ? `BigInt ${v}` : typeof v === 'number' && !Number.isFinite(v) ? `Number ${v}` : v;
    const extra = n as { source?: unknown; minFractionDigits?: unknown };
    return { value, type: n.type, source: extra.source, format: n.format, minFractionDigits: extra.minFractionDigits, range: n.range?.slice(0, 2), anchor: n.anchor, tag: n.tag, cls: n.constructor.name };
  }
  return { other: String(n) };
}

/** The first path at which the library's and the fast reader's projections differ. */
function firstDifference(lib: unknown, fast: unknown, text: string, path = 'contents'): string | undefined {
  if (isDeepStrictEqual(lib, fast)) return undefined;
  if (lib && fast && typeof lib === 'object' && typeof fast === 'object') {
    for (const key of new Set([...Object.keys(lib), ...Object.keys(fast)])) {
      const d = firstDifference((lib as Record<string, unknown>)[key], (fast as Record<string, unknown>)[key], text, `${path}.${key}`);
      if (d) return d;
    }
  }
  const around = (v: unknown): string => (Array.isArray(v) && v.length === 2 ? ` ${JSON.stringify(text.slice(v[0] as number, v[1] as number))}` : '');
  return `${path}: library ${JSON.stringify(lib)}${around(lib)}, fast ${JSON.stringify(fast)}${around(fast)}`;
}

/** Compares on `text`; returns whether the fast reader accepted it. */
function check(text: string, context: string): boolean {
  const fast = parseYamlFast(text);
  if (!fast) return false;
  const lib = parseDocument(text, YAML_OPTIONS);
  assert.deepEqual(lib.errors.map((e) => e.message), [], `${context}: the fast reader accepted a text the library rejects\n---\n${text}\n---`);
  assert.deepEqual(lib.warnings.map((e) => e.message), [], `${context}: the fast reader accepted a text the library warns about\n---\n${text}\n---`);
  const difference = firstDifference(project(lib.contents), project(fast.contents), text);
  assert.equal(difference, undefined, `${context}: ${difference}\n---\n${text}\n---`);
  assert.deepEqual(fast.errors, []);
  return true;
}

test('the fast reader accepts and equals the library on the fixture corpus and realistic MLprojects', () => {
  const base = corpus();
  const all = Object.entries(base).flatMap(([kind, texts]) => texts.map((t, i) => ({ text: t, name: `${kind} #${i}` })));
  let accepted = 0;
  for (const { text, name } of all) if (check(text, name)) accepted++;
  assert.ok(accepted > all.length / 2, `accepted only ${accepted} of ${all.length} fixtures`);
  const r = seededRandom(SEED);
  for (let i = 0; i < 200; i++) {
    const text = realisticMlproject(r, 1 + Math.floor(r() * 30));
    assert.ok(check(text, `realistic #${i}`), `gave up on a realistic MLproject:\n${text}`);
  }
  assert.ok(check(largeMlproject(2000), 'the benchmark file'));
  assert.ok(check(largeMlproject(2000).replace(/\n/g, '\r\n'), 'the benchmark file with CRLF line ends'));
});

test('the fast reader equals the library on mutated documents and editing sessions (or gives up)', () => {
  const base = corpus();
  const r = seededRandom(SEED + 1);
  const kinds: DocumentKind[] = ['mlproject', 'mlmodel', 'python-env', 'conda-env'];
  let accepted = 0;
  let total = 0;
  for (let i = 0; i < 40_000; i++) {
    const kind = kinds[i % kinds.length];
    const text = i % 2 ? fuzzDocument(r, kind, base) : mutate(r, base[kind][Math.floor(r() * base[kind].length)]);
    total++;
    if (check(text, `document #${i} (FAST_YAML_SEED=${SEED})`)) accepted++;
  }
  for (let n = 0; n < 30; n++) {
    for (const text of session(r, realisticMlproject(r, 1 + Math.floor(r() * 20)), 30)) {
      total++;
      if (check(text, `session ${n} (FAST_YAML_SEED=${SEED})`)) accepted++;
    }
  }
  // Both outcomes must be common, or the comparison proves little.
  assert.ok(accepted > total / 5, `accepted only ${accepted} of ${total}`);
  assert.ok(accepted < total - total / 10, `gave up on only ${total - accepted} of ${total}`);
});
