// Go to definition and rename. A parameter and its `{placeholders}` rename together, because
// MLflow matches them by name when it formats the command.
import type { Span, TextEdit } from '../shared/diagnostics';
import type { DocumentAnalysis } from '../documents';
import type { MlprojectEntryPoint, MlprojectModel } from '../mlproject/model';

export type DefinitionTarget = { kind: 'span'; span: Span; origin: Span } | { kind: 'file'; relativePath: string; origin: Span };

const within = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end;

export function definition(analysis: DocumentAnalysis, offset: number): DefinitionTarget | undefined {
  const kind = analysis.kind;
  if (kind === 'mlproject') {
    const model = analysis.mlproject;
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
    const ref = analysis.mlmodel.files.find((f) => within(f.span, offset));
    return ref ? { kind: 'file', relativePath: ref.path, origin: ref.span } : undefined;
  }
  return undefined;
}

interface RenameTarget {
  model: MlprojectModel;
  entryPoint: MlprojectEntryPoint;
  name: string;
  span: Span;
}

function renameTarget(model: MlprojectModel, offset: number): RenameTarget | undefined {
  for (const ep of model.entryPoints) {
    for (const p of ep.parameters) if (within(p.nameSpan, offset)) return { model, entryPoint: ep, name: p.name, span: p.nameSpan };
    for (const ph of ep.placeholders) {
      if (within(ph.nameSpan, offset) && ep.parameters.some((p) => p.name === ph.name)) return { model, entryPoint: ep, name: ph.name, span: ph.nameSpan };
    }
  }
  return undefined;
}

export function prepareRename(analysis: DocumentAnalysis, offset: number): { span: Span; placeholder: string } | undefined {
  if (analysis.kind !== 'mlproject') return undefined;
  const target = renameTarget(analysis.mlproject, offset);
  return target ? { span: target.span, placeholder: target.name } : undefined;
}

/** Edits renaming a parameter everywhere in its entry point, or an error message. */
export function rename(analysis: DocumentAnalysis, offset: number, newName: string): TextEdit[] | string {
  if (analysis.kind !== 'mlproject') return 'Only MLproject parameters can be renamed.';
  const target = renameTarget(analysis.mlproject, offset);
  if (!target) return 'Place the cursor on a parameter or a {placeholder}.';
  if (!/^[A-Za-z_][\w-]*$/.test(newName)) return `'${newName}' cannot be used in a {placeholder}: use letters, digits, '_' or '-'.`;
  // A declaration in a block merged into several entry points (`<<: *shared`) is renamed in the
  // commands of all of them.
  const declaration = target.entryPoint.parameters.find((p) => p.name === target.name)!.nameSpan;
  const sharing = target.model.entryPoints.filter((ep) => ep === target.entryPoint || ep.parameters.some((p) => p.name === target.name && p.nameSpan.start === declaration.start));
  const clash = sharing.find((ep) => newName !== target.name && ep.parameters.some((p) => p.name === newName));
  if (clash) return `Entry point '${clash.name}' already has a parameter '${newName}'.`;
  const edits = new Map<number, TextEdit>();
  for (const ep of sharing) {
    for (const p of ep.parameters) if (p.name === target.name) edits.set(p.nameSpan.start, { span: p.nameSpan, newText: newName });
    for (const ph of ep.placeholders) if (ph.name === target.name) edits.set(ph.nameSpan.start, { span: ph.nameSpan, newText: newName });
  }
  return [...edits.values()];
}
