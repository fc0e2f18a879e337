// Reads an MLproject the way `mlflow run` does (mlflow/projects/_project_spec.py) and reports,
// with precise ranges, everything that MLflow would reject, crash on, or silently ignore.
import { DiagnosticSink } from '../shared/diagnostics';
import { parseYaml, resolve } from '../shared/yamlTree';
import type { AnalysisContext } from './context';
import { EntryPointAnalyzer } from './entryPoint';
import type { MlprojectModel, MlprojectOptions } from './model';
import { analyzeProject } from './project';

/** The whole-file analysis: one YAML parse of the text. It is also the reference the incremental analysis must equal. */
export function parseMlproject(text: string, options: MlprojectOptions = {}): MlprojectModel {
  const sink = new DiagnosticSink(text);
  const doc = parseYaml(text, sink);
  const ctx: AnalysisContext = { text, doc, sink, fileExists: options.fileExists };
  const analyzer = new EntryPointAnalyzer(ctx);
  const model = analyzeProject(ctx, resolve(doc.contents, doc), doc.errors.length > 0, (entry) => analyzer.entryPoints(entry));
  sink.keepOnlySyntaxErrorsIfAny();
  return model;
}
