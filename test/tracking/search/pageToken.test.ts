import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MlflowError } from '../../../extension/tracking/errors';
import { decodePageToken, encodePageToken } from '../../../extension/tracking/search/pageToken';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function rejects(token: string, message: RegExp): void {
  assert.throws(
    () => decodePageToken(token),
    (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && message.test(e.message),
  );
}

describe('page tokens', () => {
  it("encodes like MLflow's base64 of {\"offset\": N}", () => {
    assert.equal(encodePageToken(1000), 'eyJvZmZzZXQiOiAxMDAwfQ==');
    assert.equal(Buffer.from(encodePageToken(7), 'base64').toString(), '{"offset": 7}');
  });

  it('round-trips and reads absent/empty as 0', () => {
    for (const n of [1, 2, 999, 50000, 123456789]) assert.equal(decodePageToken(encodePageToken(n)), n);
    assert.equal(decodePageToken(undefined), 0);
    assert.equal(decodePageToken(''), 0);
  });

  it('accepts compact JSON, string offsets, and a + mangled into a space', () => {
    assert.equal(decodePageToken(b64('{"offset":5}')), 5);
    assert.equal(decodePageToken(b64('{"offset": "12"}')), 12);
    const withPlus = b64('{"offset": 4, "k": ">>>"}');
    assert.ok(withPlus.includes('+'));
    assert.equal(decodePageToken(withPlus.replace(/\+/g, ' ')), 4);
    const withSlash = b64('{"offset": 4, "k": "?>?"}');
    assert.ok(withSlash.includes('/'));
    assert.equal(decodePageToken(withSlash.replace(/\//g, '_')), 4);
  });

  it('rejects bad tokens with INVALID_PARAMETER_VALUE', () => {
    rejects('!!!', /could not base64-decode/);
    rejects('abc', /could not base64-decode/);
    rejects('a', /could not base64-decode/);
    rejects(b64('not json'), /Invalid page token, decoded value=not json/);
    rejects(b64('{"foo": 1}'), /Invalid page token, parsed value=/);
    rejects(b64('[1]'), /parsed value/);
    rejects(b64('{"offset": -1}'), /parsed value/);
    rejects(b64('{"offset": 1.5}'), /parsed value/);
    rejects(b64('{"offset": "x"}'), /parsed value/);
    rejects(b64('null'), /parsed value/);
  });
});
