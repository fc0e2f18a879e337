// The Python environment of a project as MLflow's _PythonEnv holds it (python_env.yaml, or converted from
// conda.yaml), and the names MLflow gives environments: `mlflow-<sha1>` of str(python_env) plus the parsed
// requirements for virtualenv/uv, of the conda.yaml text for conda. Same names = same cache entries as
// `mlflow run` itself, so environments are shared with the CLI.
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { compareCodePoints, pyRepr, pyReprValue } from '../python/pyRepr';
import { ProjectError } from './errors';

export interface PythonEnvSpec {
  /** The Python version; the current interpreter's when the file names none. */
  python: string;
  buildDependencies: string[];
  dependencies: string[];
}

function load(text: string, file: string): unknown {
  // PyYAML's safe_load reads YAML 1.1 (unquoted 3.10 is the float 3.1).
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length) throw new ProjectError('environment', `${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

function stringList(value: unknown, file: string, key: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ProjectError('environment', `${file}: \`${key}\` must be a list but got ${typeof value}.`);
  return value.map((v) => {
    if (typeof v !== 'string') throw new ProjectError('environment', `${file}: every entry of \`${key}\` must be a string, not ${JSON.stringify(v)}.`);
    return v;
  });
}

/** _PythonEnv.from_yaml: only python, build_dependencies and dependencies; python must be a string. */
export function pythonEnvFromYaml(text: string, currentPython: string, file = 'python_env.yaml'): PythonEnvSpec {
  const data = load(text, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ProjectError('environment', `${file} must be a mapping with python, build_dependencies and dependencies.`);
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['python', 'build_dependencies', 'dependencies'].includes(key)) throw new ProjectError('environment', `${file}: unexpected key '${key}' (MLflow's _PythonEnv takes only python, build_dependencies and dependencies).`);
  }
  const python = record.python;
  if (python !== null && python !== undefined && typeof python !== 'string') {
    throw new ProjectError('environment', `${file}: \`python\` must be a string but got ${JSON.stringify(python)}; quote the version, e.g. python: "3.10".`);
  }
  return {
    // `python or PYTHON_VERSION`: an empty string also means the current version.
    python: python || currentPython,
    buildDependencies: stringList(record.build_dependencies, file, 'build_dependencies'),
    dependencies: stringList(record.dependencies, file, 'dependencies'),
  };
}

const CONDA_DEPENDENCY = /^(python|pip|setuptools|wheel)(<|>|<=|>=|=|==|!=)?([\d.]+)?$/;

/** _PythonEnv.get_dependencies_from_conda_yaml: python pin, pip/setuptools/wheel as build deps, the pip list. */
export function pythonEnvFromCondaYaml(text: string, currentPython: string, file = 'conda.yaml'): { spec: PythonEnvSpec; warnings: string[] } {
  const data = load(text, file);
  const deps = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).dependencies : undefined;
  let python: string | undefined;
  const build: string[] = [];
  let pip: string[] = [];
  const dropped: string[] = [];
  const warnings: string[] = [];
  for (const dep of Array.isArray(deps) ? deps : []) {
    if (typeof dep === 'string') {
      const m = CONDA_DEPENDENCY.exec(dep);
      if (!m) {
        dropped.push(dep);
        continue;
      }
      const [, pkg, op, version] = m;
      if (python === undefined && pkg === 'python') {
        if (op === undefined) throw new ProjectError('environment', `Invalid dependency for python: ${dep}. It must be pinned (e.g. python=3.8.13).`);
        if (op === '<' || op === '>' || op === '!=') throw new ProjectError('environment', `Invalid version comparator for python: '${op}'. Must be one of ['<=', '>=', '=', '=='].`);
        python = version ?? '';
        continue;
      }
      build.push(pkg + (op === '=' ? '==' : (op ?? '')) + (version ?? ''));
    } else if (dep && typeof dep === 'object' && !Array.isArray(dep) && 'pip' in dep) {
      pip = stringList((dep as Record<string, unknown>).pip, file, 'pip');
    } else {
      throw new ProjectError('environment', `Invalid conda dependency: ${JSON.stringify(dep)}. Must be str or dict in the form of {"pip": [...]}`);
    }
  }
  if (python === undefined) warnings.push(`${file} does not include a python version specification. Using the current python version ${currentPython}.`);
  if (dropped.length) warnings.push(`The following conda dependencies will not be installed in the resulting environment: ${pyReprValue(dropped)}`);
  return { spec: { python: python || currentPython, buildDependencies: build, dependencies: pip }, warnings };
}

/** The default env of a project with no env file: current Python, nothing to install. */
export function defaultPythonEnv(currentPython: string): PythonEnvSpec {
  return { python: currentPython, buildDependencies: [], dependencies: [] };
}

/** str(python_env): the repr of its __dict__, keys in __init__ order. */
export function pythonEnvRepr(spec: PythonEnvSpec): string {
  return pyReprValue({ dict: [['python', spec.python], ['build_dependencies', spec.buildDependencies], ['dependencies', spec.dependencies]] });
}

export interface Requirement {
  reqStr: string;
  isConstraint: boolean;
}

/** Python's str.splitlines boundaries. */
function splitlines(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- Python splits lines at these control characters too
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Py_UNICODE_ISSPACE, which differs from JS \s (\x1c-\x1f and \x85 are space to Python; U+FEFF is not). */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING_SPACE = new RegExp(`^${PY_SPACE}+`);
const TRAILING_SPACE = new RegExp(`${PY_SPACE}+$`);

function pyRstrip(s: string): string {
  return s.replace(TRAILING_SPACE, '');
}

function pyStrip(s: string): string {
  return pyRstrip(s.replace(LEADING_SPACE, ''));
}

/**
 * mlflow.utils.requirements_utils._parse_requirements: strip, drop ` #` comments, join `\` continuations, skip
 * comments and blanks, follow `-r`/`-c` files (relative to the including file's folder).
 */
export function parseRequirements(lines: readonly string[], baseDir: string, isConstraint: boolean, readFile: (absPath: string) => string, depth = 0): Requirement[] {
  if (depth > 50) throw new ProjectError('environment', 'Requirements files include each other too deeply (more than 50 levels).');
  const stripped = lines.map(pyStrip).map((l) => (l.includes(' #') ? pyRstrip(l.slice(0, l.indexOf(' #'))) : l));
  const joined: string[] = [];
  let pending: string[] = [];
  for (const line of stripped) {
    if (line.endsWith('\\')) pending.push(line.replace(/\\+$/, ''));
    else {
      pending.push(line);
      joined.push(pending.join(''));
      pending = [];
    }
  }
  if (pending.length) joined.push(pending.join(''));
  const out: Requirement[] = [];
  for (const line of joined) {
    if (line.startsWith('#') || line === '') continue;
    const include = /^(-r|--requirement) /.test(line) ? false : /^(-c|--constraint) /.test(line) ? true : undefined;
    if (include === undefined) {
      out.push({ reqStr: line, isConstraint });
      continue;
    }
    // line.split(maxsplit=1)[1]: the rest after the option and its whitespace.
    const file = line.replace(new RegExp(`^\\S+${PY_SPACE}+`), '');
    const abs = file.startsWith('/') ? file : `${baseDir.replace(/\/+$/, '')}/${file}`;
    let text: string;
    try {
      text = readFile(abs);
    } catch (e) {
      throw new ProjectError('environment', `[Errno 2] No such file or directory: ${pyRepr(abs)} (from '${line}'): ${(e as Error).message}`);
    }
    out.push(...parseRequirements(splitlines(text), abs.slice(0, abs.lastIndexOf('/')) || '/', include, readFile, depth + 1));
  }
  return out;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** _get_virtualenv_name: `mlflow-` + sha1(str(python_env) + the sorted requirements' reprs). */
export function virtualenvName(spec: PythonEnvSpec, projectDir: string, readFile: (absPath: string) => string): string {
  const reqs = parseRequirements(spec.dependencies, projectDir, false, readFile);
  // sorted() of namedtuples: by req_str (code point order), then False before True.
  reqs.sort((a, b) => compareCodePoints(a.reqStr, b.reqStr) || Number(a.isConstraint) - Number(b.isConstraint));
  const reprs = reqs.map((r) => `_Requirement(req_str=${pyRepr(r.reqStr)}, is_constraint=${r.isConstraint ? 'True' : 'False'})`);
  return `mlflow-${sha1(pythonEnvRepr(spec) + reprs.join(''))}`;
}

/** _get_conda_env_name: sha1 of the conda.yaml text as Python reads it (universal newlines). */
export function condaEnvName(condaYamlText: string): string {
  return `mlflow-${sha1(condaYamlText.replace(/\r\n?/g, '\n'))}`;
}
