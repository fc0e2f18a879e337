// The house rules and the manifest, checked: the pure core of projects never imports the editor, and the task
// definition VS Code validates tasks.json with (package.json) is exactly the one the code validates with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASK_DEFINITION_CONTRIBUTION, validateTaskDefinition } from '../../extension/projects/core/taskDefinition';

const ROOT = join(__dirname, '..', '..');
const PROJECTS = join(ROOT, 'extension', 'projects');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test("command building, validation, environments and run records never import 'vscode'", () => {
  const pure = [...files(join(PROJECTS, 'core')), ...files(join(PROJECTS, 'python')), ...files(join(PROJECTS, 'system'))];
  assert.ok(pure.length >= 15);
  for (const f of pure) assert.doesNotMatch(readFileSync(f, 'utf8'), /from ['"]vscode['"]|require\(['"]vscode['"]\)/, f);
  // …and the glue stays small: the VS Code side only wires.
  for (const f of files(join(PROJECTS, 'vscode'))) assert.ok(readFileSync(f, 'utf8').split('\n').length < 220, `${f} is glue and should stay small`);
});

test('package.json contributes the mlflow task definition the code validates with', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { taskDefinitions?: unknown[]; commands: Array<{ command: string }> };
    activationEvents: string[];
  };
  const defs = pkg.contributes.taskDefinitions ?? [];
  const ours = defs.find((d) => (d as { type?: string }).type === 'mlflow');
  assert.deepEqual(ours, JSON.parse(JSON.stringify(TASK_DEFINITION_CONTRIBUTION)));
  assert.ok(pkg.activationEvents.includes('onTaskType:mlflow'));
  const commands = pkg.contributes.commands.map((c) => c.command);
  assert.ok(commands.includes('mlflowWorkbench.runEntryPoint') && commands.includes('mlflowWorkbench.runEntryPointNow'));
});

test('task definitions are validated with clear messages', () => {
  assert.deepEqual(validateTaskDefinition({ type: 'mlflow', project: 'p', entryPoint: 'main', parameters: { a: 1, b: 'x', c: true }, envManager: 'uv', experiment: 'e', runName: 'r', dockerArgs: { gpus: 'all', it: true } }).ok, true);
  const bad = validateTaskDefinition({ type: 'mlflow', entryPoint: 3, parameters: { a: [1] }, envManager: 'pip', experiment: 'e', experimentId: 'x', extra: 1 });
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.deepEqual(bad.errors, [
    "Unknown property 'extra' in an mlflow task.",
    "'entryPoint' must be a string.",
    "'envManager' must be one of local, virtualenv, uv, conda.",
    "Give either 'experiment' or 'experimentId', not both.",
    "'experimentId' must be an experiment ID (digits).",
    "'parameters.a' must be a string or number or boolean.",
  ]);
});
