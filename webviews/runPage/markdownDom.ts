// Turns the Markdown tree (extension/runPage/markdown.ts) into DOM nodes. Text is only ever set as text nodes;
// links are buttons that ask the extension to open the (already vetted) URL, so the webview never navigates.
import { el } from '../components/dom.js';
import type { Block, Inline } from '../../extension/runPage/markdown.js';

export function renderInlines(nodes: Inline[], openLink: (href: string) => void): Node[] {
  return nodes.map((n): Node => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.text);
      case 'code':
        return el('code', {}, n.text);
      case 'strong':
        return el('strong', {}, ...renderInlines(n.children, openLink));
      case 'em':
        return el('em', {}, ...renderInlines(n.children, openLink));
      case 'br':
        return el('br');
      case 'link':
        return el('a', { class: 'link', title: n.href, attrs: { role: 'link', tabindex: '0' }, on: {
          click: (e) => {
            e.preventDefault();
            openLink(n.href);
          },
          keydown: (e) => {
            if (e.key === 'Enter') openLink(n.href);
          },
        } }, ...renderInlines(n.children, openLink));
    }
  });
}

export function renderBlocks(blocks: Block[], openLink: (href: string) => void): Node[] {
  return blocks.map((b): Node => {
    switch (b.t) {
      case 'heading': {
        const tag = (['h2', 'h3', 'h4', 'h5', 'h6', 'h6'] as const)[Math.min(5, b.level - 1)];
        return el(tag, {}, ...renderInlines(b.children, openLink));
      }
      case 'paragraph':
        return el('p', {}, ...renderInlines(b.children, openLink));
      case 'code':
        return el('pre', {}, el('code', {}, b.text));
      case 'rule':
        return el('hr');
      case 'quote':
        return el('blockquote', {}, ...renderBlocks(b.children, openLink));
      case 'list': {
        const items = b.items.map((item) => el('li', {}, ...renderBlocks(item, openLink)));
        if (!b.ordered) return el('ul', {}, ...items);
        const ol = el('ol', {}, ...items);
        if (b.start !== 1) ol.start = b.start;
        return ol;
      }
      case 'table':
        return el(
          'table',
          { class: 'kv' },
          el('thead', {}, el('tr', {}, ...b.header.map((c) => el('th', {}, ...renderInlines(c, openLink))))),
          el('tbody', {}, ...b.rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, ...renderInlines(c, openLink)))))),
        );
    }
  });
}
