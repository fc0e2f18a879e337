// Go to definition and rename. A parameter and its `{placeholders}` rename together, because
// MLflow matches them by name when it formats the command.
import type { Span, TextEdit } from '../shared/diagnostics';
import type { DocumentKind } from '../documents';
import { parseMlproject } from '../mlproject/parse';
import type { MlprojectEntryPoint } from '../mlproject/model';
import { parseMlmodel } from '../mlmodel/analyze';

export type DefinitionTarget = { kind: 'span'; span: Span; origin: Span } | { kind: 'file'; relativePath: string; origin: Span };

const within = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end;

export function definition(kind: DocumentKind, text: string, offset: number): DefinitionTarget | undefined {
  if (kind === 'mlproject') {
    const model = parseMlproject(text);
    for (const ep of model.entryPoints) {
      for (const ph of ep.placeholders) {
        if (!within(ph.span, offset)) continue;
        const p = ep.parameters.find((x) => x.name === ph.name);
        return p ? { kind: 'span', span: p.nameSpan, origin: ph.nameSpan } : undefined;
      }
    }
    const env = model.environment;
    if (env.kind !== 'docker' && env.file && env.fileSpan && within(env.fileSpan, offset)) return { kind: 'file', relativePath: env.file, origin: env.fileSpan };
    for (const ep of model.entryPoints)
      for (const p of ep.parameters)
        if (p.type === 'path' && typeof p.default === 'string' && within(p.defaultSpan, offset)) return { kind: 'file', relativePath: p.default, origin: p.defaultSpan };
    return undefined;
  }
  if (kind === 'mlmodel') {
    const ref = parseMlmodel(text).files.find((f) => within(f.span, offset));
    return ref ? { kind: 'file', relativePath: ref.path, origin: ref.span } : undefined;
  }
  return undefined;
}

interface RenameTarget {
  entryPoint: MlprojectEntryPoint;
  name: string;
  span: Span;
}

function renameTarget(text: string, offset: number): RenameTarget | undefined {
  for (const ep of parseMlproject(text).entryPoints) {
    for (const p of ep.parameters) if (within(p.nameSpan, offset)) return { entryPoint: ep, name: p.name, span: p.nameSpan };
    for (const ph of ep.placeholders) {
      if (within(ph.nameSpan, offset) && ep.parameters.some((p) => p.name === ph.name)) return { entryPoint: ep, name: ph.name, span: ph.nameSpan };
    }
  }
  return undefined;
}

export function prepareRename(kind: DocumentKind, text: string, offset: number): { span: Span; placeholder: string } | undefined {
  if (kind !== 'mlproject') return undefined;
  const target = renameTarget(text, offset);
  return target ? { span: target.span, placeholder: target.name } : undefined;
}

/** Edits renaming a parameter everywhere in its entry point, or an error message. */
export function rename(kind: DocumentKind, text: string, offset: number, newName: string): TextEdit[] | string {
  if (kind !== 'mlproject') return 'Only MLproject parameters can be renamed.';
  const target = renameTarget(text, offset);
  if (!target) return 'Place the cursor on a parameter or a {placeholder}.';
  if (!/^[A-Za-z_][\w-]*$/.test(newName)) return `'${newName}' cannot be used in a {placeholder}: use letters, digits, '_' or '-'.`;
  const ep = target.entryPoint;
  if (newName !== target.name && ep.parameters.some((p) => p.name === newName)) return `Entry point '${ep.name}' already has a parameter '${newName}'.`;
  const edits: TextEdit[] = [];
  for (const p of ep.parameters) if (p.name === target.name) edits.push({ span: p.nameSpan, newText: newName });
  for (const ph of ep.placeholders) if (ph.name === target.name) edits.push({ span: ph.nameSpan, newText: newName });
  return edits;
}
