// The Python behaviour MLflow's command building rests on — str.format, shlex.quote, repr, PyYAML's scalars — checked against the
// real python3 on this machine: the same inputs go through CPython and through our port, and must agree on the
// output or on the exception class (and message where CPython's wording is stable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellQuote } from '../../extension/projects/python/shlex';
import { PyFormatError, pyFormat } from '../../extension/projects/python/strFormat';
import { pyAscii, pyRepr, pyStrValue } from '../../extension/projects/python/pyRepr';
import { parseYamlText, type Node, type YAMLMap } from '../../language-server/shared/yamlTree';
import { constructPython, PyYamlError } from '../../language-server/shared/pyYaml';
import { localPathOrNone, normpath, splitext, urlSplit } from '../../extension/projects/python/pyPath';

const KWARGS = { a: 'ab', b: '7', c: '3', d: '1', alpha: "'0.5 x'", e: '', 'x y': 'sp', é: 'ü' };

interface PyResult {
  ok?: string | null;
  type?: string;
  message?: string;
}

/** One python3 process for a whole batch: `[kind, input]` → result. */
function python(cases: Array<[string, string]>): PyResult[] {
  const script = `
import json, posixpath, shlex, sys, urllib.parse, urllib.request
kwargs = ${JSON.stringify(KWARGS)}
out = []
for kind, s in json.load(sys.stdin):
    try:
        if kind == 'format': out.append({'ok': s.format(**kwargs)})
        elif kind == 'quote': out.append({'ok': shlex.quote(s)})
        elif kind == 'repr': out.append({'ok': repr(s)})
        elif kind == 'ascii': out.append({'ok': ascii(s)})
        elif kind == 'urlsplit':
            u = urllib.parse.urlsplit(s)
            out.append({'ok': json.dumps([u.scheme, u.netloc, u.path], separators=(',', ':'))})
        elif kind == 'local':
            # mlflow.utils.file_utils.get_local_path_or_none, as in MLflow (POSIX)
            u = urllib.parse.urlparse(s)
            if len(u.scheme) == 0 or u.scheme == 'file' and len(u.netloc) == 0:
                path = urllib.parse.urlparse(s).path if s.startswith('file:') else s
                out.append({'ok': urllib.request.url2pathname(path)})
            else:
                out.append({'ok': None})
        elif kind == 'normpath': out.append({'ok': posixpath.normpath(s)})
        elif kind == 'splitext': out.append({'ok': json.dumps(list(posixpath.splitext(s)), separators=(',', ':'))})
    except Exception as e:
        out.append({'type': type(e).__name__, 'message': str(e) if not isinstance(e, KeyError) else repr(e.args[0])})
json.dump(out, sys.stdout)
`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PyResult[];
}

function ours(template: string): PyResult {
  try {
    return { ok: pyFormat(template, new Map(Object.entries(KWARGS))) };
  } catch (e) {
    if (e instanceof PyFormatError) return { type: e.pythonType, message: e.message };
    throw e;
  }
}

const FORMAT_CASES = [
  'python greeter.py {a} {b}',
  '{{a}}',
  '{{{a}}}',
  'x {{ {a} }} y',
  '{a:05}',
  '{a:<5}|',
  '{a:x^7}',
  '{a:^8}',
  '{a:>4}',
  '{a:.1}',
  '{a:5.1}',
  '{a:=5}',
  '{a:+}',
  '{a: }',
  '{a:,}',
  '{a:_}',
  '{a:,_}',
  '{a:_,}',
  '{a:#}',
  '{a:z}',
  '{a:s}',
  '{a:d}',
  '{a:0<5}',
  '{a:05s}',
  '{a:010}',
  '{a:.0}',
  '{a:.}',
  '{a:1_000}',
  '{a:99999999999999999999}',
  '{a:{b}}',
  '{a:{b}.{d}}',
  '{a:{b:{c}}}',
  '{a[0]}',
  '{a[1]}',
  '{a[2]}',
  '{a[x]}',
  '{a[-1]}',
  '{a[]}',
  '{a[0}',
  '{a[0]x}',
  '{a[}]}',
  '{a!r}',
  '{alpha!r}',
  '{alpha!a}',
  '{é!a}',
  '{a!s:>4}',
  '{a!x}',
  '{a!}',
  '{a!rr}',
  '{a!',
  '{}',
  '{0}',
  '{٣}',
  '{a.}',
  '{missing}',
  '{ a}',
  '{a }',
  '{x y}',
  '{a{b}',
  '{a:{}}',
  '}',
  '{',
  'a}b',
  '{a}}',
  '{{}',
  '{a:}}',
  '{e}',
  "{e:'<3}",
  '{a:é>5}',
  '{a:\u0000>3}',
  '{a:\u0663}',
  '{a:\ud835\udfd1}',
  'tail {',
  '{a}{b}{c}{d}',
];

test('str.format: our port agrees with CPython on hand-picked templates', () => {
  const expected = python(FORMAT_CASES.map((t) => ['format', t]));
  FORMAT_CASES.forEach((t, i) => assert.deepEqual(ours(t), expected[i], `template ${JSON.stringify(t)}`));
});

/** A deterministic PRNG so a failure names a reproducible template. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('str.format: our port agrees with CPython on 3000 random templates', () => {
  const alphabet = ['{', '}', '{', '}', 'a', 'b', 'c', '[', ']', '!', ':', '.', '0', '1', '5', 'r', 's', '<', '>', '^', '=', '+', '#', ',', '_', ' ', 'x', 'é'];
  const next = rng(7);
  const templates: string[] = [];
  for (let n = 0; n < 3000; n++) {
    const len = 1 + Math.floor(next() * 10);
    let t = '';
    for (let k = 0; k < len; k++) t += alphabet[Math.floor(next() * alphabet.length)];
    templates.push(t);
  }
  const expected = python(templates.map((t) => ['format', t]));
  templates.forEach((t, i) => {
    const got = ours(t);
    const want = expected[i];
    // Messages must match too (CPython 3.11 wording). Attribute access is refused on purpose (see strFormat).
    if (want.type === 'AttributeError' && got.type === 'AttributeError') return;
    assert.deepEqual(got, want, `template ${JSON.stringify(t)}`);
  });
});

test('shlex.quote and repr/ascii agree with CPython', () => {
  const inputs = ['', 'plain', 'with space', "it's", '"dq"', 'a$b', 'back\\slash', 'tab\there', 'new\nline', '@%+=:,./-_', 'émoji 🎉', "'", "''", '\u0007', '\u00a0', '\u2028', '\u200b', 'x\u007fy'];
  const expected = python(inputs.flatMap((s) => [['quote', s], ['repr', s], ['ascii', s]] as Array<[string, string]>));
  inputs.forEach((s, i) => {
    assert.equal(shellQuote(s), expected[i * 3].ok, `quote ${JSON.stringify(s)}`);
    assert.equal(pyRepr(s), expected[i * 3 + 1].ok, `repr ${JSON.stringify(s)}`);
    assert.equal(pyAscii(s), expected[i * 3 + 2].ok, `ascii ${JSON.stringify(s)}`);
  });
});

test('urlsplit, local-path detection, normpath and splitext agree with CPython', () => {
  const urls = ['data.csv', './data.csv', '/abs/x.csv', 'file:///tmp/x.csv', 'file:data.csv', 'file://host/x', 'FILE:///x', 's3://bucket/key', 'gs://b/k?x#y', 'x:y', '1x:y', ':x', 'C:\\data', 'a b:c', 'rel/with%20space.csv', 'caf%C3%A9', 'bad%C3x', 'file:///a%2Fb#frag', 'file:///a?q=1', ' \t s3://x', 'dbfs:/x', 'http://h:8080/p', 'with#hash.csv', 'semi;colon.csv', '', '//server/share', 'mlflow-artifacts:/0/abc', 'runs:/abc/model', '~/x'];
  const paths = ['', '.', '/', '//', '///', '//a//b', 'a/./b/../c', '../x', '/../x', 'a/..', 'a/../..', '/a/b/', 'x//y/'];
  const names = ['train.py', 'run.sh', '.bashrc', '..py', 'a.b.c', 'dir.d/file', 'dir/.hidden.sh', 'noext', 'x.', 'script.R'];
  const cases: Array<[string, string]> = [...urls.flatMap((u) => [['urlsplit', u], ['local', u]] as Array<[string, string]>), ...paths.map((p) => ['normpath', p] as [string, string]), ...names.map((n) => ['splitext', n] as [string, string])];
  const expected = python(cases);
  cases.forEach(([kind, input], i) => {
    const got = kind === 'urlsplit' ? JSON.stringify(Object.values(urlSplit(input))) : kind === 'local' ? (localPathOrNone(input) ?? null) : kind === 'normpath' ? normpath(input) : JSON.stringify(splitext(input));
    assert.equal(got, expected[i].ok, `${kind} ${JSON.stringify(input)}`);
  });
});

// ---- PyYAML's scalars and Python's str()/repr() of them (parameter defaults) ------------------------------

const pyyaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
const skipNoYaml = pyyaml.status === 0 ? {} : { skip: `python3 cannot import yaml (PyYAML): ${(pyyaml.stderr || pyyaml.error?.message || '').trim().split('\n').pop()}` };

/** str() of `v: <text>` and of `v: [<text>]` as safe_load builds them, or ERROR when it fails. */
function pyyamlStr(texts: string[]): Array<[string, string]> {
  const script = `
import json, sys, yaml
out = []
for t in json.load(sys.stdin):
    r = []
    for doc in ('v: ' + t, 'v: [' + t + ']'):
        try: r.append(str(yaml.safe_load(doc)['v']))
        except Exception as e: r.append('ERROR')
    out.append(r)
json.dump(out, sys.stdout)
`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<[string, string]>;
}

function oursStr(doc: string): string {
  const parsed = parseYamlText(doc);
  if (parsed.errors.length) return 'ERROR';
  const map = parsed.contents as YAMLMap;
  try {
    return pyStrValue(constructPython(map.items[0].value as Node, parsed));
  } catch (e) {
    if (e instanceof PyYamlError) return 'ERROR';
    throw e;
  }
}

function checkScalars(texts: string[]): void {
  const expected = pyyamlStr(texts);
  texts.forEach((t, i) => {
    assert.deepEqual([oursStr(`v: ${t}`), oursStr(`v: [${t}]`)], expected[i], `scalar ${JSON.stringify(t)}`);
  });
}

test('PyYAML scalars: str() and repr() of what safe_load builds, on YAML 1.1 corners', skipNoYaml, () => {
  checkScalars([
    '1e-05', '1.0e-05', '1.5e-07', '6.02e+23', '1.0e+20', '1.0e+16', '1.0e+15', '0.0001', '0.00001', '-0.0', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN',
    '1.0e3', '1e3', '1E+3', '.5', '-.5', '+.5', '5.', '1_000.5', '1:30.5', '190:20:30.15', '-1:30.0', '1.0e+400', '123456789.123456789e-300',
    '0x1F', '-0x1f', '0x_1F', '0x_', '0b_', '0b101', '0o17', '017', '-017', '08', '09.5', '0_7', '1_000', '1__0', '1:30', '-1:30:15', '1:60', '+1', '-0', '00',
    '123456789012345678901234567890', '-98765432109876543210', '9007199254740993', '1' + '0'.repeat(4300), '1' + '0'.repeat(4299),
    '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43', '2001-12-14T21:59:43Z', '2002-12-14 21:59:43.1234567+05:30',
    '2001-1-2', '2001-01-02 3:04:05', '2001-12-14 21:59:43 +00:00', '2001-12-14 21:59:43 -00:00', '2020-02-29', '2019-02-29', '0000-01-01', '2001-13-01', '2001-12-14 24:00:00',
    '2001-12-14 21:59:60', '2001-12-14 21:59:43 +24:00', '2001-12-14 21:59:43 -23:59', '2001-12-14 21:59:43.', '1999-12-31T23:59:59.999999-00:30', '2001-12-14 01:02:03 +5:45',
    'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'NO', 'on', 'ON', 'On', 'oN', 'off', 'true', 'TRUE', 'tRue', 'false', 'False',
    '~', 'null', 'Null', 'NULL', 'nULL', '', '"quoted 1.5"', "'single'", '"2001-12-14"', "'0x1F'", '!!str 0x10', '!!int "017"', '!!float "1"', '!!float 1e5',
    '!!str yes', '!!bool "on"', '!!null x', '!!int "0b"', '!!float "x"', '!!timestamp "2001-12-14"', '=', '<<', '"it\'s"', "'é\\u00e9'", '"\\t"', '"a\\x00b"', 'émoji 🎉',
  ]);
});

test('PyYAML scalars: floats in Python repr on 4000 random doubles written in YAML 1.1 float forms', skipNoYaml, () => {
  const next = rng(42);
  const texts: string[] = [];
  for (let n = 0; n < 4000; n++) {
    const x = (next() - 0.5) * 10 ** Math.floor(next() * 60 - 30);
    const form = Math.floor(next() * 5);
    let t = form === 0 ? x.toExponential(Math.floor(next() * 17)) : form === 1 ? x.toPrecision(1 + Math.floor(next() * 21)) : form === 2 ? String(x) : form === 3 ? x.toFixed(Math.floor(next() * 20)) : String(Math.round(x * 1e6));
    // YAML 1.1 floats need a dot and a signed exponent; give some the dot, leave others (strings then).
    if (next() < 0.5 && /e\d/.test(t)) t = t.replace('e', 'e+');
    if (next() < 0.3 && !t.includes('.')) t = t.replace(/^(-?\d+)/, '$1.');
    texts.push(t);
  }
  checkScalars(texts);
});
