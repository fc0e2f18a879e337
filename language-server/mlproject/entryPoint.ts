// Entry points of an MLproject: the `command` as Python's str.format sees it, and each parameter
// declaration. An entry point's findings depend only on its own text (and on which files exist),
// which is what lets the incremental analysis cache them per entry point.
import { span } from '../shared/diagnostics';
import type { DiagnosticSink, QuickFix, Span } from '../shared/diagnostics';
import { describe, entries, entryMap, isMap, isNull, isScalar, isString, pythonKey, safeJson } from '../shared/yamlTree';
import type { Entry, Node, YAMLMap, YamlDoc } from '../shared/yamlTree';
import { scalarOffsetMap } from '../shared/scalarOffsets';
import { constructPython, PyYamlError, PyYamlUnsupported } from '../shared/pyYaml';
import { pyStrValue } from '../../extension/projects/python/pyRepr';
import { closest } from '../shared/suggest';
import { colonEnd, removeEntryFix, reportUnknownKeys } from './context';
import type { AnalysisContext } from './context';
import { parseFormatString } from './formatString';
import { ENTRY_POINT_KEYS, PARAMETER_KEYS } from './keys';
import { PARAMETER_TYPES } from './model';
import type { CommandPlaceholder, MlprojectEntryPoint, MlprojectParameter } from './model';
import { indentOf, lineEndAfter, lineStartOf, pythonStr } from './text';

export class EntryPointAnalyzer {
  private readonly text: string;
  private readonly doc: YamlDoc;
  private readonly sink: DiagnosticSink;
  private readonly fileExists?: (relativePath: string) => boolean;

  constructor(ctx: AnalysisContext) {
    this.text = ctx.text;
    this.doc = ctx.doc;
    this.sink = ctx.sink;
    this.fileExists = ctx.fileExists;
  }

  // ---- entry points ------------------------------------------------------------------------

  entryPoints(entry: Entry | undefined): MlprojectEntryPoint[] {
    if (!entry) return [];
    if (isNull(entry.value)) {
      this.sink.error('entry-points-not-mapping', "'entry_points' is null: MLflow crashes reading it ('NoneType' object has no attribute 'items'). Declare entry points or remove the key.", entry.keySpan, {
        fixes: [removeEntryFix(this.text, entry, "Remove 'entry_points'")],
      });
      return [];
    }
    if (!isMap(entry.value)) {
      this.sink.error('entry-points-not-mapping', `'entry_points' must be a mapping of names to entry points, not ${describe(entry.value)}; MLflow crashes reading it.`, entry.valueSpan);
      return [];
    }
    return winners(entries(entry.value, this.doc)).map((e) => this.entryPoint(e));
  }

  entryPoint(entry: Entry): MlprojectEntryPoint {
    const name = entry.key ?? '';
    const value = entry.value;
    const ep: MlprojectEntryPoint = {
      name,
      nameSpan: entry.keySpan,
      span: span(entry.keySpan.start, Math.max(entry.keySpan.end, entry.valueSpan.end)),
      command: null,
      placeholders: [],
      escapes: [],
      parameters: [],
    };
    if (isNull(value)) {
      this.sink.error('missing-command', `Entry point '${name}' is empty: MLflow crashes loading the project ('NoneType' object has no attribute 'get'). Give it a 'command'.`, entry.keySpan);
      return ep;
    }
    if (!isMap(value)) {
      const fixes: QuickFix[] = [];
      if (isScalar(value) && isString(value)) {
        const indent = indentOf(this.text, entry.keySpan.start) + 2;
        const source = this.text.slice(entry.valueSpan.start, entry.valueSpan.end);
        fixes.push({ title: `Make it the command of '${name}'`, preferred: true, edits: [{ span: entry.valueSpan, newText: `\n${' '.repeat(indent)}command: ${source}` }] });
      }
      this.sink.error('entry-point-not-mapping', `Entry point '${name}' must be a mapping with 'command' (and optional 'parameters'), not ${describe(value)}; MLflow crashes loading the project.`, entry.valueSpan, { fixes });
      return ep;
    }
    const all = entries(value, this.doc);
    const keys = entryMap(value, this.doc);
    reportUnknownKeys(this.sink, all, Object.keys(ENTRY_POINT_KEYS), `entry point '${name}'`);

    const params = keys.get('parameters');
    if (params) {
      ep.parametersKeySpan = params.keySpan;
      if (isNull(params.value)) {
        this.sink.error('parameters-null', `'parameters' is null: MLflow crashes loading the project ('NoneType' object has no attribute 'items'). Declare parameters or remove the key.`, params.keySpan, {
          fixes: [removeEntryFix(this.text, params, "Remove 'parameters'")],
        });
      } else if (!isMap(params.value)) {
        this.sink.error('parameters-not-mapping', `'parameters' must be a mapping of names to types or {type, default}, not ${describe(params.value)}; MLflow crashes loading the project.`, params.valueSpan);
      } else {
        ep.parameters = winners(entries(params.value, this.doc)).map((p) => this.parameter(p));
      }
    }

    const command = keys.get('command');
    if (!command || isNull(command.value)) {
      this.sink.error('missing-command', `Entry point '${name}' has no 'command': \`mlflow run -e ${name}\` crashes ('NoneType' object has no attribute 'format').`, command ? command.keySpan : entry.keySpan);
    } else if (!isString(command.value)) {
      this.sink.error('command-not-string', `'command' must be a string, not ${describe(command.value)}; MLflow crashes formatting it. Quote it.`, command.valueSpan);
    } else {
      ep.command = command.value.value;
      ep.commandSpan = command.valueSpan;
      this.command(ep, command, params);
    }
    return ep;
  }

  private command(ep: MlprojectEntryPoint, command: Entry, params: Entry | undefined): void {
    const node = command.value as Node & { value: string };
    const toDoc = scalarOffsetMap(this.text, node as never);
    const docSpan = (start: number, end: number): Span => {
      const s = toDoc(start);
      return span(s, end > start ? toDoc(end - 1) + 1 : s);
    };
    const parsed = parseFormatString(ep.command!);
    ep.escapes = parsed.escapes.map((e) => docSpan(e.start, e.end));
    for (const problem of parsed.problems) {
      const code = problem.kind === 'single-close-brace' || problem.kind === 'unclosed-brace' ? 'unbalanced-brace' : 'invalid-placeholder';
      const advice = code === 'unbalanced-brace' ? ' Write `{{` or `}}` for a literal brace.' : '';
      this.sink.error(code, `MLflow formats the command with Python's str.format, which fails: "${problem.message}".${advice}`, docSpan(problem.start, problem.end));
    }
    const declared = new Set(ep.parameters.map((p) => p.name));
    const used = new Set<string>();
    const declareFixes = new Map<string, QuickFix[]>();
    for (const field of parsed.fields) {
      const placeholder: CommandPlaceholder = { name: field.name, span: docSpan(field.start, field.end), nameSpan: docSpan(field.nameStart, field.nameEnd) };
      if (field.name === '' || /^\d+$/.test(field.name)) {
        this.sink.error('positional-placeholder', `MLflow passes parameters by name only, so '{${field.name}}' fails with IndexError. Name a parameter, or write '{{' and '}}' for literal braces.`, placeholder.span);
        continue;
      }
      ep.placeholders.push(placeholder);
      used.add(field.name);
      if (!declared.has(field.name)) {
        this.sink.error('undeclared-placeholder', `'{${field.name}}' is not a parameter of entry point '${ep.name}': MLflow fails building the command (KeyError: '${field.name}'). Declare it under 'parameters'.`, placeholder.nameSpan, {
          fixes: declareFixes.get(field.name) ?? declareFixes.set(field.name, this.declareParameterFixes(ep, command, params, field.name)).get(field.name),
        });
      }
      if (field.hasAccessor) {
        this.sink.warning('placeholder-accessor', `Parameters are substituted as shell-quoted strings, so '.attribute' or '[index]' applies to that string, not to a number or object.`, placeholder.span);
      }
    }
    // After an unclosed '{' we cannot tell which parameters the user meant to use.
    const truncated = parsed.problems.some((p) => p.kind === 'unclosed-brace');
    for (const p of ep.parameters) {
      // A shared block merged in with `<<` need not be used by every entry point that merges it.
      if (!truncated && p.form !== 'invalid' && !p.merged && !used.has(p.name)) {
        this.sink.hint('unused-parameter', `Parameter '${p.name}' is never used in the command: MLflow substitutes declared parameters only where '{${p.name}}' appears, so its value is dropped.`, p.nameSpan, { unnecessary: true });
      }
    }
  }

  private parameter(entry: Entry): MlprojectParameter {
    const name = entry.key ?? '';
    const value = entry.value;
    const param: MlprojectParameter = {
      name,
      type: null,
      default: null,
      defaultText: null,
      required: true,
      form: 'invalid',
      nameSpan: entry.keySpan,
      span: span(entry.keySpan.start, Math.max(entry.keySpan.end, entry.valueSpan.end)),
    };
    if (entry.merged) param.merged = true;
    if (isScalar(entry.keyNode) && !pythonKey(entry.keyNode).isStr) param.keyNotStr = true;
    if (isString(value)) {
      param.form = 'short';
      param.type = value.value;
      param.typeSpan = entry.valueSpan;
      this.checkType(param);
      return param;
    }
    if (isNull(value)) {
      this.sink.error('parameter-null', `Parameter '${name}' has no type: MLflow crashes loading the project ('NoneType' object has no attribute 'get'). Write '${name}: string' or '${name}: {type: string, default: ...}'.`, entry.keySpan, {
        fixes: [{ title: `Declare '${name}' as a string`, preferred: true, edits: [{ span: span(entry.keySpan.end, colonEnd(this.text, entry)), newText: ': string' }] }],
      });
      return param;
    }
    if (isScalar(value)) {
      const text = this.text.slice(entry.valueSpan.start, entry.valueSpan.end);
      const type = typeof value.value === 'number' ? (Number.isInteger(value.value) && !/[.eE]/.test(text) ? 'int' : 'float') : 'string';
      this.sink.error('bare-scalar-parameter', `'${name}: ${text}' is not a parameter declaration: MLflow expects a type (e.g. '${name}: ${type}') or '{type: ..., default: ...}' and crashes on a bare value. Did you mean a default?`, entry.valueSpan, {
        fixes: [{ title: `Declare '${name}' as {type: ${type}, default: ${text}}`, preferred: true, edits: [{ span: entry.valueSpan, newText: `{type: ${type}, default: ${text}}` }] }],
      });
      return param;
    }
    if (!isMap(value)) {
      this.sink.error('parameter-invalid', `Parameter '${name}' must be a type name or a mapping {type, default}, not ${describe(value)}; MLflow crashes loading the project.`, entry.valueSpan);
      return param;
    }
    param.form = 'long';
    reportUnknownKeys(this.sink, entries(value, this.doc), Object.keys(PARAMETER_KEYS), `parameter '${name}'`);
    const keys = entryMap(value, this.doc);
    const type = keys.get('type');
    if (!type) param.type = 'string';
    else if (isString(type.value)) {
      param.type = type.value.value;
      param.typeSpan = type.valueSpan;
      this.checkType(param);
    } else {
      param.type = 'string';
      this.sink.warning('unknown-parameter-type', `The type of '${name}' should be one of ${PARAMETER_TYPES.join(', ')}, not ${describe(type.value)}; MLflow then treats the value as plain text.`, isNull(type.value) ? type.keySpan : type.valueSpan);
    }
    const def = keys.get('default');
    if (def && !isNull(def.value)) {
      const node = def.value!;
      param.default = isScalar(node) ? node.value : JSON.parse(safeJson(node) ?? 'null');
      param.defaultSpan = def.valueSpan;
      const [text, built] = this.defaultText(param, node, def);
      param.defaultText = text;
      param.required = false;
      if (built) this.checkDefault(param, node);
    }
    return param;
  }

  /**
   * str() of the value PyYAML builds, which MLflow substitutes, and whether PyYAML can build it at all (when it
   * cannot, the file fails to load: that is reported, and the text is shown as written).
   */
  private defaultText(param: MlprojectParameter, node: Node, def: Entry): [string, boolean] {
    try {
      return [pyStrValue(constructPython(node, this.doc)), true];
    } catch (e) {
      if (!(e instanceof PyYamlError || e instanceof PyYamlUnsupported)) throw e;
      const built = e instanceof PyYamlUnsupported;
      if (!built) this.sink.error('yaml-construct', `PyYAML cannot build the default of '${param.name}' (${e.message}): MLflow's YAML loader fails, so the file cannot be read.`, def.valueSpan);
      const written = this.text.slice(def.valueSpan.start, def.valueSpan.end);
      return [built && isScalar(node) ? pythonStr(node.value, node.source) : written, built];
    }
  }

  private checkType(param: MlprojectParameter): void {
    const type = param.type ?? '';
    if ((PARAMETER_TYPES as readonly string[]).includes(type)) return;
    const aliases: Record<string, string> = { str: 'string', integer: 'int', double: 'float', number: 'float', file: 'path', url: 'uri' };
    const suggestion = aliases[type.toLowerCase()] ?? closest(type, PARAMETER_TYPES);
    const fixes: QuickFix[] = suggestion && param.typeSpan ? [{ title: `Change type to '${suggestion}'`, preferred: true, edits: [{ span: param.typeSpan, newText: suggestion }] }] : [];
    this.sink.warning(
      'unknown-parameter-type',
      `Unknown parameter type '${type}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: MLflow documents ${PARAMETER_TYPES.join(', ')} and passes anything else through as text.`,
      param.typeSpan ?? param.nameSpan,
      { fixes },
    );
  }

  private checkDefault(param: MlprojectParameter, node: Node): void {
    const at = param.defaultSpan!;
    if (!isScalar(node)) {
      this.sink.warning('default-type-mismatch', `The default of '${param.name}' is ${describe(node)}: MLflow passes str() of it (Python syntax) to the command.`, at);
      return;
    }
    const value = node.value;
    const text = param.defaultText ?? '';
    switch (param.type) {
      case 'int':
        if (typeof value === 'boolean' || !/^\s*[+-]?\d+(_\d+)*\s*$/.test(text)) {
          this.sink.warning('default-type-mismatch', `Default ${JSON.stringify(text)} is not an int. MLflow does not check it and passes the text to your program, which will likely fail to parse it.`, at);
        }
        break;
      case 'float':
        if (typeof value === 'boolean' || !isPythonFloat(text)) {
          this.sink.warning('default-type-mismatch', `Default ${JSON.stringify(text)} is not a float. MLflow does not check it and passes the text to your program, which will likely fail to parse it.`, at);
        }
        break;
      case 'uri':
        if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
          this.sink.error('invalid-uri-default', `Default ${JSON.stringify(text)} has no URI scheme: unless a value is given, MLflow fails with "Expected URI for parameter ${param.name} but got ${text}". Use e.g. 'file:///...' or 's3://...'.`, at);
        }
        break;
      case 'path':
        if (typeof value === 'string' && this.fileExists && isLocalRelativePath(value) && !this.fileExists(value)) {
          this.sink.info('path-default-not-found', `No '${value}' in the project: unless it exists when the run starts (or another value is given), MLflow fails ("no such file or directory was found").`, at);
        }
        break;
    }
  }


  // ---- fixes -------------------------------------------------------------------------------

  private declareParameterFixes(ep: MlprojectEntryPoint, command: Entry, params: Entry | undefined, name: string): QuickFix[] {
    const title = `Declare parameter '${name}'`;
    const declaration = `${name}: string`;
    const fix = (at: number, newText: string, end = at): QuickFix[] => [{ title, preferred: true, edits: [{ span: span(at, end), newText }] }];
    if (!params) {
      const cmdKeyStart = command.keySpan.start;
      const lineStart = lineStartOf(this.text, cmdKeyStart);
      const indent = cmdKeyStart - lineStart;
      if (this.text.slice(lineStart, cmdKeyStart).trim() !== '') return fix(cmdKeyStart, `parameters: {${declaration}}, `);
      const step = Math.max(2, indent - indentOf(this.text, ep.nameSpan.start));
      return fix(lineStart, `${' '.repeat(indent)}parameters:\n${' '.repeat(indent + step)}${declaration}\n`);
    }
    const value = params.value;
    if (isNull(value)) {
      if (params.valueSpan.end > params.valueSpan.start) return fix(params.valueSpan.start, `{${declaration}}`, params.valueSpan.end);
      return fix(colonEnd(this.text, params), ` {${declaration}}`);
    }
    if (!isMap(value)) return [];
    const map = value as YAMLMap;
    const range = map.range ?? [params.valueSpan.start, params.valueSpan.end, params.valueSpan.end];
    if (map.flow) {
      const close = this.text.lastIndexOf('}', range[1] - 1);
      if (close < range[0]) return [];
      const empty = this.text.slice(range[0] + 1, close).trim() === '';
      return fix(close, empty ? declaration : `, ${declaration}`);
    }
    const items = entries(map, this.doc);
    const last = items[items.length - 1];
    const first = items[0];
    if (!first || !last) return [];
    const indent = first.keySpan.start - lineStartOf(this.text, first.keySpan.start);
    const end = lineEndAfter(this.text, Math.max(last.valueSpan.end, last.keySpan.end));
    const needsNewline = end === this.text.length && !this.text.endsWith('\n');
    return fix(end, `${needsNewline ? '\n' : ''}${' '.repeat(indent)}${declaration}\n`);
  }

}

/**
 * The entries PyYAML keeps, in the order its dict has them: a repeated key (merged, then written again)
 * keeps the place of its first occurrence and takes the last value (a Map's set does the same).
 */
export function winners<E extends { key: string | null }>(all: E[]): E[] {
  const last = new Map<string, E>();
  for (const e of all) if (e.key !== null) last.set(e.key, e);
  return [...last.values()];
}

function isPythonFloat(text: string): boolean {
  const t = text.trim().replace(/_/g, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || /^[+-]?(inf|infinity|nan)$/i.test(t);
}

function isLocalRelativePath(value: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  return !value.startsWith('/') && !value.startsWith('~') && !value.includes('$');
}
