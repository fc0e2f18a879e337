// Realistic MLproject files (many entry points, every parameter and command style MLflow users
// write, comments and blank lines between entries) and editing sessions over them: mostly
// keystrokes inside one entry point, sometimes pastes, line moves and hostile tokens. Seeded.
import type { Random } from './fuzzDocuments';
import { mutate } from './fuzzDocuments';

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Random, max: number): number => Math.floor(r() * max);

const TYPES = ['string', 'float', 'int', 'path', 'uri', 'str', 'flaot', 'number'];
const DEFAULTS: Record<string, string[]> = {
  string: ['hello', '"quoted"', "'single'", 'on', '~', '3.10', '""'],
  float: ['0.1', '3.10', '1e3', '.5', 'high', '1_000.5', '.inf', 'true'],
  int: ['10', '0x1F', '1_000', '0.5', '-3', '1:20'],
  path: ['data/train.csv', 'missing/file.csv', '/abs/data.csv', 's3://bucket/data', '~/data', '$HOME/x'],
  uri: ['s3://bucket/model', 'models/latest', 'file:///tmp/x', 'runs:/abc/model'],
};

function parameter(r: Random, name: string, indent: string): string[] {
  const type = pick(r, TYPES);
  const def = pick(r, DEFAULTS[type] ?? DEFAULTS.string);
  const roll = r();
  if (roll < 0.3) return [`${indent}${name}: ${type}`];
  if (roll < 0.6) return [`${indent}${name}: {type: ${type}, default: ${def}}`];
  if (roll < 0.8) return [`${indent}${name}:`, `${indent}  type: ${type}`, `${indent}  default: ${def}`];
  if (roll < 0.87) return [`${indent}${name}: ${def}`];
  if (roll < 0.92) return [`${indent}${name}:`];
  if (roll < 0.96) return [`${indent}${name}: {default: ${def}}`];
  return [`${indent}${name}: [${type}]`];
}

function command(r: Random, params: string[], indent: string): string[] {
  const used = params.filter(() => r() < 0.85).map((p) => `--${p} {${p}}`);
  if (r() < 0.2) used.push(pick(r, ['{undeclared}', '{0}', '{}', '{alpha:.3f}', '{alpha!x}', '{a.b}', '{{seed}}', '{', '}', '{x:{w}}']));
  const args = used.join(' ');
  const script = `python steps/${pick(r, ['train', 'etl', 'eval', 'load'])}.py`;
  const roll = r();
  if (roll < 0.35) return [`${indent}command: ${script} ${args}`.trimEnd()];
  if (roll < 0.55) {
    const half = Math.floor(used.length / 2);
    return [`${indent}command: "${script} ${used.slice(0, half).join(' ')}`, `${indent}  ${used.slice(half).join(' ')} --config '{{\\"a\\": 1}}'"`];
  }
  if (roll < 0.65) return [`${indent}command: '${script} ${args} --note ''it''s'''`];
  if (roll < 0.8) return [`${indent}command: |`, `${indent}  ${script} \\`, `${indent}    ${args}`, ...(r() < 0.3 ? [''] : [])];
  if (roll < 0.9) return [`${indent}command: >-`, `${indent}  ${script}`, `${indent}  ${args}`];
  if (roll < 0.95) return [`${indent}command:`];
  return [`${indent}command: [python, x.py]`];
}

function entryPoint(r: Random, name: string, column: number, step: number): string[] {
  const pad = ' '.repeat(column);
  const inner = ' '.repeat(column + step);
  const lines: string[] = [];
  if (r() < 0.15) lines.push(pick(r, ['', `# ${name}`, `${pad}# ${name}`, `${inner}# note`, `   # odd indent`]));
  lines.push(`${pad}${name}:${r() < 0.1 ? ' # entry' : ''}`);
  const roll = r();
  if (roll < 0.03) return lines; // empty entry point
  if (roll < 0.05) return [`${pad}${name}: python ${name}.py`];
  const names = ['alpha', 'l1_ratio', 'data', 'epochs', 'model_uri', 'label', 'seed'].filter(() => r() < 0.45);
  if (r() < 0.9 || names.length) {
    if (r() < 0.05) lines.push(`${inner}parameters:`);
    else if (r() < 0.1) lines.push(`${inner}parameters: {${names.map((n) => `${n}: float`).join(', ')}}`);
    else {
      lines.push(`${inner}parameters:`);
      for (const n of names) lines.push(...parameter(r, n, inner + ' '.repeat(step)));
      if (r() < 0.1) lines.push(...parameter(r, names[0] ?? 'alpha', inner + ' '.repeat(step))); // duplicate
    }
  }
  if (r() < 0.05) lines.push(`${inner}${pick(r, ['comand', 'params', 'description'])}: x`);
  if (r() < 0.93) lines.push(...command(r, names, inner));
  if (r() < 0.2) lines.push(pick(r, ['', '# trailing', `${inner}# trailing`, '  ']));
  return lines;
}

const ENVIRONMENTS = [
  ['python_env: python_env.yaml'],
  ['conda_env: conda.yaml'],
  ['conda_env: envs/missing.yaml'],
  ['docker_env:', '  image: mlflow-docker-example', '  volumes: ["/data:/data"]', '  environment: [["NEW_VAR", "x"], "HOME"]'],
  ['docker_env:', '  volumes:', '    - /data: /mnt'],
  ['python_env: python_env.yaml', 'conda_env:'],
  [],
];

/** An MLproject of about `entries` entry points. */
export function realisticMlproject(r: Random, entries: number): string {
  const lines: string[] = [];
  if (r() < 0.3) lines.push('# An MLflow project', '');
  if (r() < 0.9) lines.push(`name: ${pick(r, ['tutorial', '"quoted name"', 'my-project', '3.10'])}`);
  const env = pick(r, ENVIRONMENTS);
  const envLast = r() < 0.2;
  if (!envLast) lines.push(...env);
  lines.push(`entry_points:${r() < 0.1 ? '  # steps' : ''}`);
  if (r() < 0.1) lines.push('# first the loaders');
  const column = r() < 0.8 ? 2 : 4;
  const step = r() < 0.8 ? 2 : 4;
  const names: string[] = [];
  for (let i = 0; i < entries; i++) {
    const name = r() < 0.04 && names.length ? pick(r, names) : i === entries - 1 && r() < 0.5 ? 'main' : `step_${i}`;
    names.push(name);
    lines.push(...entryPoint(r, name, column, step));
  }
  if (envLast) lines.push(...env);
  if (r() < 0.1) lines.push('databricks_spark_job:', '  python_file: train.py');
  if (r() < 0.1) lines.push('unknwn_key: 1');
  const eol = r() < 0.1 ? '\r\n' : '\n';
  return lines.join(eol) + (r() < 0.8 ? eol : '');
}

const WORD = [...'abcdefghijklmnopqrstuvwxyz_0123456789 '];
const SYNTAX = [...'{}:.-"\'#[],\n', '  ', '    ', '\t', '\r\n'];

/** One user edit of `text`, as the editor would send it. */
export function edit(r: Random, text: string): string {
  const at = int(r, text.length + 1);
  const roll = r();
  if (roll < 0.45) {
    // Typing within a word: a name, a value, a command.
    const word = /\w/g;
    word.lastIndex = at;
    const after = (word.exec(text)?.index ?? at - 1) + 1;
    return text.slice(0, after) + pick(r, WORD) + text.slice(after);
  }
  if (roll < 0.6) return text.slice(0, at) + pick(r, r() < 0.5 ? WORD : SYNTAX) + text.slice(at); // a keystroke anywhere
  if (roll < 0.75) return text.slice(0, at) + text.slice(at + 1 + int(r, 3)); // backspace, delete
  if (roll < 0.8) {
    // Retype a line's indentation, as when moving a block.
    const start = text.lastIndexOf('\n', at - 1) + 1;
    return text.slice(0, start) + ' '.repeat(int(r, 6)) + text.slice(start).replace(/^[ ]*/, '');
  }
  if (roll < 0.88) {
    // Paste a copy of a few lines elsewhere (duplicated entry points, copied parameters).
    const from = text.lastIndexOf('\n', int(r, text.length)) + 1;
    const to = text.indexOf('\n', from + int(r, 300));
    const chunk = text.slice(from, to === -1 ? text.length : to + 1);
    const where = text.lastIndexOf('\n', at - 1) + 1;
    return text.slice(0, where) + chunk + text.slice(where);
  }
  if (roll < 0.95) {
    // Delete whole lines.
    const from = text.lastIndexOf('\n', at - 1) + 1;
    let to = from;
    for (let n = 1 + int(r, 4); n > 0 && to < text.length; n--) {
      const newline = text.indexOf('\n', to);
      to = newline === -1 ? text.length : newline + 1;
    }
    return text.slice(0, from) + text.slice(to);
  }
  return mutate(r, text); // anything at all, hostile tokens included
}

/**
 * An editing session: each text is one edit away from the previous one, or an undo back to an
 * earlier text (users fix what they break, and a broken file must not stay broken for the rest
 * of the session, or the cached pieces would rarely be exercised).
 */
export function* session(r: Random, start: string, steps: number): Generator<string> {
  const history = [start];
  let text = start;
  for (let i = 0; i < steps; i++) {
    yield text;
    const roll = r();
    text = roll < 0.1 ? start : roll < 0.15 ? pick(r, history) : edit(r, text);
    history.push(text);
  }
}
