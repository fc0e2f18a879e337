// The harness of `npm run bench -- --scale` (bench/scale.ts) at a CI size: every figure issue #12 asks for is
// printed, with a number, beside its target with PASS/MISS. Speed is the benchmark's business, not this test's;
// what it does assert beyond the harness is correctness: no acknowledged point lost across the kill -9 rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliBundle, REPO_ROOT } from '../support/cliServer';

test('bench --scale --points 200000 prints every row with numbers', async () => {
  const cli = await cliBundle();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--scale', '--points', '200000', '--rounds', '2'], {
    cwd: REPO_ROOT,
    env: { ...process.env, MWB_CLI: cli },
    encoding: 'utf8',
    timeout: 240_000,
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.split('\n');
  const row = (name: RegExp): string => {
    const found = lines.filter((l) => name.test(l));
    assert.ok(found.length > 0, `no row ${name}:\n${run.stdout}`);
    return found[0];
  };
  const number = /\d[\d,]*(\.\d+)?/;
  const targeted = (name: RegExp, unit: RegExp): void => {
    const l = row(name);
    assert.match(l, unit, l);
    assert.match(l, number, l);
    assert.match(l, /target .*(PASS|MISS)$/, l);
  };
  assert.match(row(/^Scale bench: 200,000 points = 100 runs × 10 metrics × 200 steps/), /Scale bench/);
  // Ten windows of 20,000 points, each with its five figures.
  const windows = lines.filter((l) => /^Window \d+ \(/.test(l));
  assert.equal(windows.length, 10, run.stdout);
  for (const [i, w] of windows.entries()) {
    assert.match(w, new RegExp(`^Window ${i + 1} \\(${(i * 20_000).toLocaleString('en-US')}–${((i + 1) * 20_000).toLocaleString('en-US')} points\\): log-batch +\\d[\\d,]* metrics/s$`));
    const at = lines.indexOf(w);
    assert.match(lines[at + 1], /^ {2}… p50 request +\d[\d,]*\.\d ms$/);
    assert.match(lines[at + 2], /^ {2}… p99 request +\d[\d,]*\.\d ms +target ≤ 50 ms {2}(PASS|MISS)$/);
    assert.match(lines[at + 3], /^ {2}… max request +\d[\d,]*\.\d ms +target ≤ 100 ms {2}(PASS|MISS)$/);
    assert.match(lines[at + 4], /^ {2}… server RSS \(max sampled in the window\) +[1-9][\d,]* MB/);
  }
  assert.match(lines[lines.indexOf(windows[9]) + 5], /^Server RSS, peak over the whole ingest +[1-9][\d,]* MB +target ≤ 600 MB at 100 M points {2}(PASS|MISS)$/);
  targeted(/^Last window throughput \/ first window throughput/, /%/);
  targeted(/^Graceful stop \(SIGTERM → exit\)/, / ms /);
  targeted(/^Store on disk after the stop \(du\)/, /bytes\/point/);
  targeted(/^After kill -9: first answer/, / ms /);
  targeted(/first page of runs \(runs\/search, 100\)/, / ms /);
  assert.match(row(/server RSS right after opening/), /[1-9][\d,]* MB$/);
  targeted(/1,000-bucket chart of one run \([1-9][\d,]* points drawn\)/, / ms /);
  targeted(/whole get-history of 300 points \(body read\)/, / ms /);
  const durability = row(/^Durability: 2 × kill -9 under load, [1-9][\d,]* points acknowledged, [1-9][\d,]* checks/);
  assert.match(durability, /none lost, store opens +target no acknowledged point lost {2}PASS$/);
  assert.match(row(/^\d+ targets met, \d+ missed\.$/), /targets met/);
});
