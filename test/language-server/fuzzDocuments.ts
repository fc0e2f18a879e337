// Random and mutated documents for the fuzz tests. Seeded, so that a failure can be replayed.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DocumentKind } from '../../language-server/documents';
import { documentKind } from '../../language-server/documents';
import { FIXTURES, walkFiles } from './helpers';

export type Random = () => number;

/** mulberry32: small, fast, good enough to drive a fuzzer. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Random, max: number): number => Math.floor(r() * max);

/** Valid and invalid fixture texts of each kind. */
export function corpus(): Record<DocumentKind, string[]> {
  const out: Record<DocumentKind, string[]> = { mlproject: [], mlmodel: [], 'python-env': [], 'conda-env': [] };
  for (const f of walkFiles(join(FIXTURES, 'valid'))) {
    const kind = documentKind(f);
    if (kind) out[kind].push(readFileSync(f, 'utf8'));
  }
  for (const f of walkFiles(join(FIXTURES, 'invalid'))) out[basename(dirname(f)) as DocumentKind].push(readFileSync(f, 'utf8'));
  return out;
}

/** Tokens that break or bend YAML, and words of the analysed files. */
export const TOKENS = [
  '{', '}', '{{', '}}', '{alpha}', '{alpha:>10}', '{0}', '{a.b}', '{x!r}', '{:{w}}', ':', ': ', '- ', '\n', '\r\n', '  ', '    ', '\t', "'", '"', "''", '\\', '\\"',
  '&a ', '*a', '<<: *a', '!!python/object:os.system ', '!!str ', '!custom ', '[', ']', '[]', '{}', ',', '#', '# comment', '---\n', '...\n', '%YAML 1.1\n', '? ',
  '|', '>-', '|2\n', 'null', '~', 'true', 'on', '3.10', '0x1F', '1_000', '1:20', '.inf', '-.nan', '2024-01-01 10:00:00', 'é', '日本', '\u2028', '\u0000', '\uFEFF', '😀',
  'entry_points', 'parameters', 'command', 'type', 'default', 'docker_env', 'image', 'volumes', 'environment', 'python_env', 'conda_env', 'name',
  'flavors', 'python_function', 'loader_module', 'signature', 'inputs', 'outputs', 'params', '"[{\\"type\\": \\"double\\"}]"', "'[{\"type\": \"tensor\"}]'",
  'utc_time_created', 'saved_input_example_info', 'python', 'dependencies', 'build_dependencies', 'channels', 'pip', 'float', 'int', 'path', 'uri', 'string',
];

/** Applies 1–8 random edits to a text. */
export function mutate(r: Random, text: string): string {
  let s = text;
  const edits = 1 + int(r, 8);
  for (let i = 0; i < edits; i++) {
    const at = int(r, s.length + 1);
    switch (int(r, 9)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + int(r, 20));
        break;
      case 1:
      case 2:
        s = s.slice(0, at) + pick(r, TOKENS) + s.slice(at);
        break;
      case 3: {
        const lines = s.split('\n');
        const l = int(r, lines.length);
        lines.splice(l, 0, lines[int(r, lines.length)] ?? '');
        s = lines.join('\n');
        break;
      }
      case 4: {
        const lines = s.split('\n');
        const l = int(r, lines.length);
        lines[l] = (r() < 0.5 ? ' '.repeat(1 + int(r, 4)) : '') + (lines[l] ?? '').slice(r() < 0.5 ? int(r, 3) : 0);
        s = lines.join('\n');
        break;
      }
      case 5:
        s = s.slice(0, at);
        break;
      case 6:
        s = s.slice(0, at) + String.fromCharCode(int(r, 0x3000)) + s.slice(at);
        break;
      case 7: {
        const from = int(r, s.length);
        s = s.slice(0, at) + s.slice(from, from + int(r, 40)) + s.slice(at);
        break;
      }
      default: {
        const lines = s.split('\n');
        const a = int(r, lines.length);
        const b = int(r, lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        s = lines.join('\n');
      }
    }
  }
  return s;
}

const KEYS: Record<DocumentKind, string[]> = {
  mlproject: ['name', 'entry_points', 'python_env', 'conda_env', 'docker_env', 'databricks_spark_job', 'main', 'train', 'parameters', 'command', 'type', 'default', 'image', 'volumes', 'environment', 'alpha'],
  mlmodel: ['flavors', 'python_function', 'sklearn', 'loader_module', 'env', 'conda', 'virtualenv', 'signature', 'inputs', 'outputs', 'params', 'utc_time_created', 'saved_input_example_info', 'artifact_path', 'type', 'data', 'artifacts', 'path', 'extra_files'],
  'python-env': ['python', 'build_dependencies', 'dependencies', 'channels'],
  'conda-env': ['name', 'channels', 'dependencies', 'pip', 'prefix'],
};

const SCALARS = [
  'python train.py {alpha} {beta}', 'python x.py {{literal}} {', '0.5', '3.10', 'float', 'int', 'path', 'uri', 'string', 'null', '', '~', 'true', 'conda.yaml', 'python_env.yaml',
  "'[{\"name\": \"x\", \"type\": \"double\"}]'", "'[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"<U10\", \"shape\": [-1]}}]'", "'[{\"name\": \"t\", \"type\": \"float\", \"default\": 1, \"shape\": [-1]}]'",
  "'2024-01-01 00:00:00.000001'", '2024-01-01 00:00:00', 's3://bucket/x', '"quoted {alpha:.2f}"', '[a, b]', '{type: float, default: 0.1}', '[[A, B], C]', '- x', '&anchor v', '*anchor', 'mlflow.sklearn',
];

/** A random, mostly well-formed YAML document built from the kind's vocabulary. */
export function generate(r: Random, kind: DocumentKind): string {
  const lines: string[] = [];
  const emit = (indent: number, depth: number): void => {
    const count = 1 + int(r, 5);
    for (let i = 0; i < count; i++) {
      const key = r() < 0.9 ? pick(r, KEYS[kind]) : pick(r, TOKENS).replace(/\n/g, '');
      const pad = ' '.repeat(indent);
      const roll = r();
      if (depth < 5 && roll < 0.35) {
        lines.push(`${pad}${key}:`);
        emit(indent + 2, depth + 1);
      } else if (roll < 0.45) {
        lines.push(`${pad}${key}:`);
        for (let j = int(r, 4); j > 0; j--) lines.push(`${pad}  - ${pick(r, SCALARS)}`);
      } else if (roll < 0.5) {
        lines.push(`${pad}${key}: |`);
        for (let j = 1 + int(r, 3); j > 0; j--) lines.push(`${pad}  ${pick(r, SCALARS)}`);
      } else {
        lines.push(`${pad}${key}: ${pick(r, SCALARS)}`);
      }
    }
  };
  emit(0, 0);
  return lines.join(r() < 0.1 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
}

/** Half generated, half mutated corpus files; every tenth mutated again. */
export function fuzzDocument(r: Random, kind: DocumentKind, base: Record<DocumentKind, string[]>): string {
  const doc = r() < 0.5 ? generate(r, kind) : mutate(r, pick(r, base[kind]));
  return r() < 0.1 ? mutate(r, doc) : doc;
}
