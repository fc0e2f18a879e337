// Wording of times and numbers in tree rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, fileSize, metricValue, relativeTime } from '../../extension/views/format';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

test('relative start times read naturally and fall back to a date', () => {
  assert.equal(relativeTime(NOW - 10_000, NOW), 'just now');
  assert.equal(relativeTime(NOW - 60_000, NOW), '1 min ago');
  assert.equal(relativeTime(NOW - 5 * 60_000, NOW), '5 min ago');
  assert.equal(relativeTime(NOW - 3 * 3600_000, NOW), '3 h ago');
  assert.equal(relativeTime(NOW - 30 * 3600_000, NOW), 'yesterday');
  assert.equal(relativeTime(NOW - 4 * 86400_000, NOW), '4 days ago');
  assert.equal(relativeTime(Date.UTC(2025, 0, 2), NOW), '2025-01-02');
});

test('durations are compact at every scale', () => {
  assert.equal(duration(850), '850ms');
  assert.equal(duration(1234), '1.2s');
  assert.equal(duration(42_000), '42s');
  assert.equal(duration(4 * 60_000 + 5_000), '4m 05s');
  assert.equal(duration(2 * 3600_000 + 13 * 60_000), '2h 13m');
  assert.equal(duration(3 * 86400_000 + 4 * 3600_000), '3d 4h');
  assert.equal(duration(-5), '');
});

test('metric values stay short, exact for integers, readable for NaN and infinities', () => {
  assert.equal(metricValue(42), '42');
  assert.equal(metricValue(0.123456789), '0.123457');
  assert.equal(metricValue(1.5e-7), '1.500e-7');
  assert.equal(metricValue(NaN), 'NaN');
  assert.equal(metricValue('Infinity'), '∞');
  assert.equal(metricValue(-Infinity), '-∞');
});

test('file sizes', () => {
  assert.equal(fileSize(undefined), '');
  assert.equal(fileSize(512), '512 B');
  assert.equal(fileSize(1536), '1.5 KB');
  assert.equal(fileSize(200 * 1024 * 1024), '200 MB');
});
