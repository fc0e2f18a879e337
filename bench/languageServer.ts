// Diagnostics latency of the MLproject analyser (issue 3: ≤ 2 ms for a typical MLproject, ≤ 20 ms
// for a 2,000-line one). Two figures per file:
// - "per keystroke": what the server does on a didChange that edits one entry point — apply the
//   incremental change to the TextDocument, analyse with the document's DocumentAnalyzer (which
//   keeps the pieces it parsed for the previous version), convert to LSP diagnostics;
// Each figure is a median (judged against the target) with the minimum beside it.
// - "cold": the first analysis of the file, nothing cached (what didOpen costs: the first version is
//   analysed whole, and the incremental cache is built after its diagnostics are published, which
//   is shown on its own), next to the plain whole-file analysis `analyzeDocument` that tests use
//   as the reference. Both read the YAML with
//   the fast reader (shared/fastYaml.ts) when the text is in its subset, as these files are.
// Plus a keystroke that leaves a YAML syntax error: the entry point it breaks cannot be read alone,
// so it is read again in context, from there to where the parse is back in step with the cached
// pieces (mlproject/regions.ts; here the next entry point), instead of parsing the whole file.
// The JSON-RPC transport is not included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, DocumentAnalyzer } from '../language-server/documents';
import { toDiagnostic } from '../language-server/lsp/convert';

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

const fileExists = (): boolean => true;

/** Median (the figure judged against the target) and minimum (what the code costs when the machine is quiet). */
interface Timing {
  median: number;
  min: number;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timing(times: number[]): Timing {
  return { median: median(times), min: Math.min(...times) };
}

function time(runs: number, f: (i: number) => void): Timing {
  for (let i = 0; i < Math.min(20, runs); i++) f(i); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f(i);
    times.push(performance.now() - t0);
  }
  return timing(times);
}

/**
 * Types `typed` one character at a time right after `anchor` (inside one entry point's command),
 * then deletes it again with backspaces, each keystroke a didChange; `rounds` times. Returns the
 * cost of each insertion and of each deletion.
 */
function keystrokes(text: string, anchor: string, typed: string, rounds: number): { inserts: number[]; deletes: number[] } {
  let doc = TextDocument.create('file:///project/MLproject', 'mlproject', 1, text);
  const analyzer = new DocumentAnalyzer();
  const validate = (): void => {
    analyzer.analyze('mlproject', doc.getText(), fileExists).map((d) => toDiagnostic(doc, d));
  };
  const found = text.indexOf(anchor);
  if (found < 0) throw new Error(`no ${anchor} in the benchmark document`);
  const at = found + anchor.length;
  const change = (offset: number, insert: string, remove: number): number => {
    const t0 = performance.now();
    const range = { start: doc.positionAt(offset), end: doc.positionAt(offset + remove) };
    doc = TextDocument.update(doc, [{ range, text: insert }], doc.version + 1);
    validate();
    return performance.now() - t0;
  };
  validate(); // didOpen
  analyzer.prepare(); // what the server does once the first diagnostics are published
  const times = { inserts: [] as number[], deletes: [] as number[] };
  for (let round = -2; round < rounds; round++) {
    const inserts = [...typed].map((c, i) => change(at + i, c, 0));
    const deletes = [...typed].map((_, i) => change(at + typed.length - 1 - i, '', 1));
    // The first rounds warm up the JIT.
    if (round >= 0) {
      times.inserts.push(...inserts);
      times.deletes.push(...deletes);
    }
  }
  if (doc.getText() !== text) throw new Error('the keystrokes did not restore the document');
  return times;
}

function perKeystroke(text: string, anchor: string, typed: string, rounds: number): Timing {
  const { inserts, deletes } = keystrokes(text, anchor, typed, rounds);
  return timing([...inserts, ...deletes]);
}

function preparation(text: string): Timing {
  const times: number[] = [];
  for (let i = 0; i < 70; i++) {
    const analyzer = new DocumentAnalyzer();
    analyzer.analyze('mlproject', text, fileExists);
    const t0 = performance.now();
    analyzer.prepare();
    if (i >= 20) times.push(performance.now() - t0); // the first ones warm up the JIT
  }
  return timing(times);
}

type BenchRows = Array<{ name: string; value: string; target?: string; ok?: boolean }>;

function row(name: string, t: Timing, targetMs?: number): BenchRows[number] {
  const value = `${t.median.toFixed(3)} ms (min ${t.min.toFixed(3)})`;
  return targetMs === undefined ? { name, value } : { name, value, target: `median ≤ ${targetMs} ms`, ok: t.median <= targetMs };
}

export async function benchLanguageServer(): Promise<BenchRows> {
  const typical = readFileSync(TYPICAL, 'utf8');
  const large = largeMlproject(2000);
  return [
    row('MLproject diagnostics, typical, per keystroke in an entry point (median)', perKeystroke(typical, '--max-row-limit', ' --verbose', 25), 2),
    row('MLproject diagnostics, typical, cold: didOpen, nothing cached (median)', time(500, () => new DocumentAnalyzer().analyze('mlproject', typical, fileExists)), 2),
    row('MLproject diagnostics, 2,000 lines, per keystroke in an entry point (median)', perKeystroke(large, 'python steps/step_100.py', ' --verbose', 10), 20),
    row('MLproject diagnostics, 2,000 lines, cold: didOpen, nothing cached (median)', time(50, () => new DocumentAnalyzer().analyze('mlproject', large, fileExists)), 20),
    row('MLproject diagnostics, 2,000 lines, cold whole-file analysis (tests\' reference) (median)', time(50, () => analyzeDocument('mlproject', large, fileExists)), 20),
    // Not on the way to any diagnostics: the server does it once the didOpen diagnostics are out.
    row('MLproject, 2,000 lines, building the incremental cache after didOpen (median)', preparation(large)),
    // A quote typed inside the quoted command ends it early: a YAML syntax error, which the yaml
    // library reports from a parse of that entry point and the next one after the `entry_points:` line.
    row('MLproject diagnostics, 2,000 lines, keystroke that leaves a YAML syntax error (median)', timing(keystrokes(large, 'python steps/step_100.py', '"', 30).inserts), 20),
  ];
}

if (process.argv[1] && /bench[\\/]languageServer\.ts$/.test(process.argv[1])) {
  benchLanguageServer().then(
    (rows) => {
      // Medians suffer most when other processes share the cores; the load says how busy the machine was.
      console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
      for (const r of rows) console.log(`${r.name.padEnd(92)} ${r.value.padStart(26)}${r.target ? `   target ${r.target}` : ''}${r.ok === undefined ? '' : r.ok ? '  PASS' : '  MISS'}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
