import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from '../../extension/runPage/markdown';

const texts = (nodes: Inline[]): string => nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.text : n.t === 'br' ? '\n' : texts(n.children))).join('');

describe('markdown for run notes', () => {
  it('reads headings, paragraphs, emphasis, code and links', () => {
    const doc = parseMarkdown('# Title\n\nSome **bold** and *em* and `code` and [docs](https://mlflow.org).\n\n```py\nx = 1\n```');
    assert.deepEqual(doc.map((b) => b.t), ['heading', 'paragraph', 'code']);
    const p = doc[1] as Extract<Block, { t: 'paragraph' }>;
    assert.deepEqual(p.children.map((c) => c.t), ['text', 'strong', 'text', 'em', 'text', 'code', 'text', 'link', 'text']);
    const link = p.children.find((c) => c.t === 'link') as Extract<Inline, { t: 'link' }>;
    assert.equal(link.href, 'https://mlflow.org');
    assert.deepEqual(doc[2], { t: 'code', lang: 'py', text: 'x = 1' });
  });

  it('keeps raw HTML as text: there is no HTML node at all', () => {
    const doc = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    assert.deepEqual(doc, [{ t: 'paragraph', children: [{ t: 'text', text: '<img src=x onerror=alert(1)> <script>alert(1)</script>' }] }]);
  });

  it('turns only http(s) and mailto targets into links', () => {
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>', 'command:workbench.action.quit', 'vscode://x', '/relative', ' javascript:alert(1)']) {
      assert.equal(safeHref(bad), undefined, bad);
      const nodes = parseInline(`[click](${bad})`);
      assert.ok(!nodes.some((n) => n.t === 'link'), bad);
      assert.equal(texts(nodes), 'click');
    }
    assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
    assert.deepEqual(parseInline('see https://example.com/x.'), [
      { t: 'text', text: 'see ' },
      { t: 'link', href: 'https://example.com/x', children: [{ t: 'text', text: 'https://example.com/x' }] },
      { t: 'text', text: '.' },
    ]);
  });

  it('reads lists, nested lists, quotes, rules and tables', () => {
    const doc = parseMarkdown('- one\n- two\n  - nested\n\n3. three\n4. four\n\n> quoted\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 \\| 3 |');
    assert.deepEqual(doc.map((b) => b.t), ['list', 'list', 'quote', 'rule', 'table']);
    const ul = doc[0] as Extract<Block, { t: 'list' }>;
    assert.equal(ul.items.length, 2);
    assert.equal(ul.items[1][1].t, 'list');
    const ol = doc[1] as Extract<Block, { t: 'list' }>;
    assert.equal(ol.ordered, true);
    assert.equal(ol.start, 3);
    const table = doc[4] as Extract<Block, { t: 'table' }>;
    assert.deepEqual(table.rows[0].map(texts), ['1', '2 | 3']);
  });

  it('handles escapes, unclosed markers and deep nesting without blowing up', () => {
    assert.equal(texts(parseInline('\\*not em\\* and *open')), '*not em* and *open');
    const deep = parseMarkdown(`${'> '.repeat(200)}deep`);
    assert.equal(deep[0].t, 'quote');
    const long = parseMarkdown('*'.repeat(10_000));
    assert.ok(long.length >= 1);
  });
});
