// Diagnostics latency of the MLproject analyser (issue 3: ≤ 2 ms for a typical MLproject, ≤ 20 ms
// for a 2,000-line one). Measures the same pure function the language server runs on every change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../language-server/documents';

const TYPICAL = join(__dirname, '..', 'test', 'language-server', 'fixtures', 'valid', 'multistep_workflow', 'MLproject');

/** An MLproject of about `lines` lines: many entry points, each with parameters and a command. */
export function largeMlproject(lines: number): string {
  const out = ['name: large-project', 'python_env: python_env.yaml', 'entry_points:'];
  for (let i = 0; out.length + 10 <= lines; i++) {
    out.push(
      `  step_${i}:`,
      '    parameters:',
      `      data_${i}: {type: path, default: data/part_${i}.csv}`,
      `      alpha: {type: float, default: 0.${i % 10}}`,
      '      epochs: {type: int, default: 10}',
      `      model_uri: {type: uri, default: "s3://bucket/models/${i}"}`,
      '      label: string',
      `    command: "python steps/step_${i}.py --data {data_${i}} --alpha {alpha} --epochs {epochs}`,
      '              --model {model_uri} --label {label} --config \'{{\\"seed\\": 42}}\'"',
      '',
    );
  }
  while (out.length < lines) out.push(`# padding line ${out.length}`);
  return out.join('\n') + '\n';
}

function medianMs(text: string, runs: number): number {
  const fileExists = (): boolean => true;
  for (let i = 0; i < 20; i++) analyzeDocument('mlproject', text, fileExists); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    analyzeDocument('mlproject', text, fileExists);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchLanguageServer(): Promise<Record<string, number>> {
  const typical = readFileSync(TYPICAL, 'utf8');
  const large = largeMlproject(2000);
  return {
    'mlproject diagnostics, typical (ms, median)': medianMs(typical, 500),
    'mlproject diagnostics, 2,000 lines (ms, median)': medianMs(large, 50),
  };
}
