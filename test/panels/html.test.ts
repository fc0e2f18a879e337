import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, escapeHtml, newNonce, panelHtml, safeFileName } from '../../extension/panels/html';
import { csvField, parseCsv, toCsv } from '../../extension/panels/csv';
import { parseIdentity, unwrapState, viewTypeOf } from '../../extension/panels/restoreState';

describe('panel HTML shell', () => {
  const source = 'https://abc.vscode-cdn.net';

  it('allows scripts only by nonce and nothing remote', () => {
    const csp = contentSecurityPolicy(source, 'N0NCE');
    const rules = new Map(csp.split('; ').map((r) => [r.split(' ')[0], r.split(' ').slice(1)]));
    assert.deepEqual(rules.get('default-src'), ["'none'"]);
    assert.deepEqual(rules.get('script-src'), ["'nonce-N0NCE'"]);
    assert.deepEqual(rules.get('style-src'), [source]);
    assert.deepEqual(rules.get('img-src'), [source, 'data:', 'blob:']);
    assert.deepEqual(rules.get('connect-src'), ["'none'"]);
    assert.deepEqual(rules.get('base-uri'), ["'none'"]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !/https?:\/\/(?!abc\.vscode-cdn\.net)/.test(csp));
  });

  it('renders the shell with the nonce on our script only and the title escaped', () => {
    const html = panelHtml({ cspSource: source, nonce: 'abc', scriptUri: `${source}/dist/webviews/charts.js`, styleUri: `${source}/dist/webviews/charts.css`, title: '<img src=x onerror=alert(1)>', panel: 'charts' });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="abc" src="https:\/\/abc\.vscode-cdn\.net\/dist\/webviews\/charts\.js"><\/script>/);
    assert.match(html, /<title>&lt;img src=x onerror=alert\(1\)&gt;<\/title>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/abc\.vscode-cdn\.net\/dist\/webviews\/charts\.css">/);
    assert.match(html, /data-panel="charts"/);
    assert.ok(!html.includes('<img'));
  });

  it('makes a fresh, unguessable nonce each time', () => {
    const a = newNonce();
    assert.notEqual(a, newNonce());
    assert.ok(a.length >= 24);
    assert.match(a, /^[A-Za-z0-9+/=]+$/);
  });

  it('escapes HTML and makes file names safe', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(safeFileName('../../etc/passwd', 'x'), '_.._etc_passwd');
    assert.equal(safeFileName('loss/val:acc', 'x'), 'loss_val_acc');
    assert.equal(safeFileName('   ', 'fallback'), 'fallback');
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and round-trips through the parser', () => {
    const rows = [['a,b', 'say "hi"', 'line\nbreak', 1.5, -2, null, NaN]];
    const text = toCsv(['x', 'y', 'z', 'n', 'm', 'empty', 'nan'], rows);
    assert.ok(text.endsWith('\r\n'));
    const parsed = parseCsv(text).rows;
    assert.deepEqual(parsed[1], ['a,b', 'say "hi"', 'line\nbreak', '1.5', '-2', '', 'NaN']);
  });

  it('defuses spreadsheet formulas in text but not negative numbers', () => {
    assert.equal(csvField('=HYPERLINK("http://evil")'), '"\'=HYPERLINK(""http://evil"")"');
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField(-3), '-3');
  });

  it('stops after maxRows and says so', () => {
    const { rows, truncated } = parseCsv('h\n1\n2\n3\n', 2);
    assert.deepEqual(rows, [['h'], ['1']]);
    assert.equal(truncated, true);
    assert.equal(parseCsv('a,b\r\n1,2').truncated, false);
  });
});

describe('panel identities (restored after a window reload)', () => {
  const id = { kind: 'charts', session: 'file:///ws', subject: ['r1', 'r2'] } as const;

  it('go into the page escaped and come back out whole', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 's.js', title: 't', panel: 'charts', restore: { ...id, subject: ['"><script>alert(1)</script>'] } });
    const attr = /data-restore="([^"]*)"/.exec(html)?.[1];
    assert.ok(attr && !attr.includes('<'), 'no markup can break out of the attribute');
    const text = attr.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    assert.deepEqual(parseIdentity(JSON.parse(text)), { ...id, subject: ['"><script>alert(1)</script>'] });
    assert.ok(!panelHtml({ cspSource: 'c', nonce: 'n', scriptUri: 's', title: 't', panel: 'p' }).includes('data-restore'));
  });

  it('are checked when read back: kind, session and a non-empty list of names', () => {
    assert.deepEqual(parseIdentity(id), id);
    for (const bad of [undefined, null, 'x', { ...id, kind: 'terminal' }, { ...id, session: '' }, { ...id, subject: [] }, { ...id, subject: [1] }, { ...id, subject: 'r1' }]) {
      assert.equal(parseIdentity(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(viewTypeOf('runsTable'), 'mlflowWorkbench.runsTable');
  });

  it('sit beside the panel state, which reads back unchanged (also a state saved before identities)', () => {
    assert.deepEqual(unwrapState({ restore: id, state: { filter: 'x' } }), { filter: 'x' });
    assert.equal(unwrapState({ restore: id }), undefined);
    assert.deepEqual(unwrapState({ filter: 'y' }), { filter: 'y' });
    assert.equal(unwrapState(undefined), undefined);
  });
});
