import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildPreview, MAX_CSV_ROWS, MAX_IMAGE_BYTES, MAX_TEXT_BYTES, previewKind } from '../../extension/runPage/artifactPreview';
import { summariseMlmodel } from '../../extension/runPage/mlmodelSummary';
import { runPageData } from '../../extension/runPage/runPageModel';
import type { Run } from '../../extension/tracking/rest/types';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('artifact previews', () => {
  it('picks a preview by name', () => {
    assert.equal(previewKind('model/MLmodel'), 'mlmodel');
    assert.equal(previewKind('plots/roc.PNG'), 'image');
    assert.equal(previewKind('a.svg'), 'image');
    assert.equal(previewKind('data/x.csv'), 'csv');
    assert.equal(previewKind('x.tsv'), 'csv');
    assert.equal(previewKind('m.json'), 'json');
    assert.equal(previewKind('requirements.txt'), 'text');
    assert.equal(previewKind('model.pkl'), 'binary');
  });

  it('builds images as data URIs, bounded in size', () => {
    const p = buildPreview('x.png', new Uint8Array([137, 80, 78, 71]));
    assert.deepEqual(p, { kind: 'image', size: 4, dataUri: 'data:image/png;base64,iVBORw==' });
    assert.equal(buildPreview('big.png', new Uint8Array(MAX_IMAGE_BYTES + 1)).kind, 'tooLarge');
  });

  it('pretty-prints JSON and falls back to text when it does not parse', () => {
    const p = buildPreview('m.json', bytes('{"a":[1,2]}'));
    assert.equal(p.kind === 'json' && p.text, '{\n  "a": [\n    1,\n    2\n  ]\n}');
    assert.equal(buildPreview('m.json', bytes('{oops')).kind, 'text');
  });

  it('parses CSV into rows (quoted commas, bounded row count) and TSV by tabs', () => {
    const p = buildPreview('t.csv', bytes('a,b\n"x, y",2\n'));
    assert.deepEqual(p.kind === 'csv' && p.rows, [['a', 'b'], ['x, y', '2']]);
    const many = buildPreview('t.csv', bytes(Array.from({ length: MAX_CSV_ROWS + 10 }, (_, i) => `${i}`).join('\n')));
    assert.ok(many.kind === 'csv' && many.rows.length === MAX_CSV_ROWS && many.truncated);
    const tsv = buildPreview('t.tsv', bytes('a\tb\n1\t2\n'));
    assert.deepEqual(tsv.kind === 'csv' && tsv.rows, [['a', 'b'], ['1', '2']]);
  });

  it('truncates long text and recognises binary content behind a text name', () => {
    const long = buildPreview('log.txt', new Uint8Array(MAX_TEXT_BYTES + 5).fill(97));
    assert.ok(long.kind === 'text' && long.truncated && long.text.length === MAX_TEXT_BYTES);
    assert.equal(buildPreview('x.txt', new Uint8Array([1, 0, 2])).kind, 'binary');
  });
});

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    python_version: 3.11.4
  sklearn:
    sklearn_version: 1.3.0
run_id: abc
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "string", "name": "y", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
  params: '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}]'
utc_time_created: '2024-01-02 03:04:05.123456'
`;

describe('MLmodel summary', () => {
  it('lists flavors, facts and the signature as tables', () => {
    const s = summariseMlmodel(MLMODEL);
    assert.deepEqual(s.problems, []);
    assert.deepEqual(s.flavors.map((f) => f.name), ['python_function', 'sklearn']);
    assert.deepEqual(s.flavors[0].details[0], ['loader_module', 'mlflow.sklearn']);
    assert.ok(s.facts.some(([k, v]) => k === 'Run' && v === 'abc'));
    assert.deepEqual(s.signature?.inputs, [
      { name: 'x', type: 'double', required: true },
      { name: 'y', type: 'string', required: false },
    ]);
    assert.deepEqual(s.signature?.outputs, [{ name: '#0', type: 'tensor float32', shape: '(-1, 3)', required: true }]);
    assert.deepEqual(s.signature?.params, [{ name: 'temperature', type: 'double', default: '0.5' }]);
  });

  it('reports what it cannot read instead of throwing', () => {
    assert.match(summariseMlmodel('flavors: [').problems[0], /Not valid YAML/);
    assert.match(summariseMlmodel('- a').problems[0], /mapping/);
    assert.match(summariseMlmodel("flavors: {}\nsignature:\n  inputs: '[oops'").problems.join(), /not valid JSON/);
    assert.match(summariseMlmodel("flavors: {}\nsignature:\n  outputs: '{\"a\": 1}'").problems.join(), /outputs are not a list/);
    assert.match(summariseMlmodel("flavors: {}\nsignature:\n  params: '7'").problems.join(), /params are not a list/);
    assert.equal(summariseMlmodel('run_id: x').signature, undefined);
  });
});

describe('run page data', () => {
  it('pulls facts out of system tags and keeps user tags apart', () => {
    const run: Run = {
      info: { run_id: 'r', run_uuid: 'r', run_name: 'n', experiment_id: '1', user_id: '', status: 'FINISHED', start_time: 1, end_time: 2, artifact_uri: 'a', lifecycle_stage: 'active' },
      data: {
        metrics: [{ key: 'loss', value: NaN, step: 3, timestamp: 0 }],
        params: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }],
        tags: [
          { key: 'mlflow.user', value: 'ann' },
          { key: 'mlflow.source.git.commit', value: 'deadbeef' },
          { key: 'mlflow.note.content', value: '# hi' },
          { key: 'mlflow.parentRunId', value: 'p' },
          { key: 'team', value: 'v' },
        ],
      },
      inputs: {},
    };
    const d = runPageData(run, [{ key: 'loss', value: NaN, step: 3, timestamp: 0, count: 4, min: 0.1, max: 9 }], 'exp');
    assert.equal(d.user, 'ann');
    assert.equal(d.commit, 'deadbeef');
    assert.equal(d.parentId, 'p');
    assert.equal(d.note, '# hi');
    assert.deepEqual(d.params.map((p) => p.key), ['a', 'b']);
    assert.deepEqual(d.tags, [{ key: 'team', value: 'v' }]);
    assert.ok(!d.systemTags.some((t) => t.key === 'mlflow.note.content'));
    assert.deepEqual(d.metrics, [{ key: 'loss', latest: 'NaN', step: 3, min: 0.1, max: 9, count: 4 }]);
  });
});
