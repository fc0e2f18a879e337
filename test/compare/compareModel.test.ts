import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { axisFor, compareRun, compareSections, differs, fieldOf, parallelCoordinates, position, scatter, varyingParams, type CompareRun } from '../../extension/compare/compareModel';
import type { Run } from '../../extension/tracking/rest/types';

function run(id: string, params: Record<string, string>, metrics: Record<string, number>, tags: Record<string, string> = {}): Run {
  return {
    info: { run_id: id, run_uuid: id, run_name: `name-${id}`, experiment_id: '1', user_id: 'u', status: 'FINISHED', start_time: 1000, end_time: 5000, artifact_uri: '', lifecycle_stage: 'active' },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
  };
}

const runs: CompareRun[] = [
  compareRun(run('a', { lr: '0.01', opt: 'adam', same: 'x' }, { loss: 0.5, acc: 0.9 }, { team: 'v', 'mlflow.user': 'ann' }), 0, [{ key: 'loss', value: 0.5, step: 0, timestamp: 0, count: 3, min: 0.4, max: 2 }]),
  compareRun(run('b', { lr: '0.1', opt: 'sgd', same: 'x' }, { loss: 0.7 }, { team: 'v', 'mlflow.user': 'bob' }), 1),
  compareRun(run('c', { lr: '1', same: 'x', only: 'c' }, { loss: NaN, acc: 0.8 }, { team: 'v', 'mlflow.user': 'ann' }), 2),
];

describe('compareSections', () => {
  it('lines up every field across runs, missing as null', () => {
    const s = compareSections(runs, { diffOnly: false, minMax: false, systemTags: false });
    const params = s.find((x) => x.title === 'Parameters')!;
    assert.deepEqual(params.rows.map((r) => r.field.key), ['lr', 'only', 'opt', 'same']);
    assert.deepEqual(params.rows.find((r) => r.field.key === 'opt')!.values, ['adam', 'sgd', null]);
    assert.ok(!s.find((x) => x.title === 'Tags')!.rows.some((r) => r.field.key.startsWith('mlflow.')), 'system tags hidden by default');
  });

  it('keeps only differing rows with diffOnly', () => {
    const s = compareSections(runs, { diffOnly: true, minMax: false, systemTags: true });
    const keys = s.flatMap((x) => x.rows.map((r) => r.field.id));
    assert.ok(keys.includes('param:lr') && keys.includes('param:only') && keys.includes('metric:acc') && keys.includes('tag:mlflow.user'));
    assert.ok(!keys.includes('param:same') && !keys.includes('tag:team') && !keys.includes('attr:duration'));
  });

  it('groups min and max with their metric when asked', () => {
    const s = compareSections(runs, { diffOnly: false, minMax: true, systemTags: false });
    assert.deepEqual(s.find((x) => x.title === 'Metrics')!.rows.map((r) => r.field.id), ['metric:acc', 'metric:loss', 'metricMin:loss', 'metricMax:loss']);
  });

  it('treats NaN as equal to NaN and missing as different from anything', () => {
    assert.equal(differs([NaN, NaN]), false);
    assert.equal(differs([null, 'x']), true);
    assert.equal(differs(['1', 1]), true);
  });
});

describe('plot geometry', () => {
  it('makes numeric axes of numeric-looking params and categorical ones otherwise', () => {
    const lr = axisFor(fieldOf('param:lr'), runs);
    assert.deepEqual(lr, { kind: 'numeric', field: fieldOf('param:lr'), min: 0.01, max: 1 });
    assert.equal(position(lr, '0.1'), (0.1 - 0.01) / 0.99);
    const opt = axisFor(fieldOf('param:opt'), runs);
    assert.deepEqual(opt.kind === 'categorical' && opt.categories, ['adam', 'sgd']);
    assert.equal(position(opt, 'sgd'), 1);
    assert.equal(position(opt, null), null);
  });

  it('draws params to a metric, the metric last, gaps where a run lacks a field', () => {
    const v = parallelCoordinates(runs, ['param:lr', 'param:opt', 'metric:acc'], 'metric:acc');
    assert.deepEqual(v.axes.map((a) => a.field.id), ['param:lr', 'param:opt', 'metric:acc']);
    assert.deepEqual(v.lines[2].positions, [1, null, 0]);
    assert.deepEqual(varyingParams(runs), ['param:lr', 'param:only', 'param:opt']);
  });

  it('scatters any field against any other, leaving out runs lacking either', () => {
    const s = scatter(runs, 'param:lr', 'metric:acc');
    assert.deepEqual(s.points.map((p) => [p.runId, p.x, p.y]), [['a', 0.01, 0.9], ['c', 1, 0.8]]);
    const cat = scatter(runs, 'param:opt', 'metric:loss');
    assert.deepEqual(cat.points.map((p) => p.x), [0, 1]);
  });
});
