// A small Markdown reader for run notes: text → a tree of blocks and inlines that the webview turns into DOM
// nodes with textContent. There is no HTML path at all: raw HTML in a note is shown as text, and links keep
// only http(s) and mailto targets (anything else renders as plain text). Pure.
//
// Covered: ATX headings, paragraphs, emphasis (* _), strong (** __), inline code, fenced and indented code,
// bullet and numbered lists (one level of nesting by indentation), block quotes, horizontal rules, pipe tables,
// links and autolinks. Enough for notes; not CommonMark.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] }
  | { t: 'br' };

export type Block =
  | { t: 'heading'; level: number; children: Inline[] }
  | { t: 'paragraph'; children: Inline[] }
  | { t: 'code'; lang: string; text: string }
  | { t: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { t: 'quote'; children: Block[] }
  | { t: 'rule' }
  | { t: 'table'; header: Inline[][]; rows: Inline[][][] };

/** Only these link targets become links; anything else (javascript:, data:, command:, relative) stays text. */
export function safeHref(href: string): string | undefined {
  const h = href.trim();
  return /^(https?:\/\/|mailto:)[^\s]*$/i.test(h) ? h : undefined;
}

// ---- inlines ----------------------------------------------------------------------------------------------

export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  const flush = (): void => {
    if (buf) out.push({ t: 'text', text: buf });
    buf = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length && /[\\`*_[\]()#+\-.!|<>]/.test(src[i + 1])) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const ticks = /^`+/.exec(src.slice(i))![0];
      const end = src.indexOf(ticks, i + ticks.length);
      if (end > 0) {
        flush();
        out.push({ t: 'code', text: src.slice(i + ticks.length, end).replace(/^ (.*) $/, '$1') });
        i = end + ticks.length;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const strong = src.startsWith(c + c, i);
      const marker = strong ? c + c : c;
      const end = findClose(src, i + marker.length, marker);
      if (end > i + marker.length) {
        flush();
        const children = parseInline(src.slice(i + marker.length, end));
        out.push(strong ? { t: 'strong', children } : { t: 'em', children });
        i = end + marker.length;
        continue;
      }
    }
    if (c === '[') {
      // [text](target "title"), the target possibly <bracketed> or holding one level of (parentheses).
      const link = /^\[((?:\\.|[^\]\\])*)\]\(\s*(?:<([^>\n]*)>|((?:[^()\s]|\([^()\s]*\))*))(?:\s+"[^"]*")?\s*\)/.exec(src.slice(i));
      if (link) {
        flush();
        const href = safeHref(link[2] ?? link[3] ?? '');
        const children = parseInline(link[1]);
        if (href) out.push({ t: 'link', href, children });
        else out.push(...children);
        i += link[0].length;
        continue;
      }
    }
    if (c === '<') {
      const auto = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(src.slice(i));
      if (auto) {
        flush();
        out.push({ t: 'link', href: auto[1], children: [{ t: 'text', text: auto[1] }] });
        i += auto[0].length;
        continue;
      }
    }
    if (c === 'h' && (src.startsWith('http://', i) || src.startsWith('https://', i)) && (i === 0 || /[\s(]/.test(src[i - 1]))) {
      const url = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(src.slice(i));
      if (url) {
        flush();
        out.push({ t: 'link', href: url[0], children: [{ t: 'text', text: url[0] }] });
        i += url[0].length;
        continue;
      }
    }
    if (c === '\n') {
      // Two trailing spaces or a backslash before a newline: hard break; otherwise a space.
      if (/ {2}$/.test(buf)) {
        buf = buf.replace(/ +$/, '');
        flush();
        out.push({ t: 'br' });
      } else buf += ' ';
      i++;
      continue;
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

function findClose(src: string, from: number, marker: string): number {
  let i = from;
  while (i < src.length) {
    if (src[i] === '\\') {
      i += 2;
      continue;
    }
    if (src[i] === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (src.startsWith(marker, i) && src[i - 1] !== ' ' && (marker.length === 2 || src[i + 1] !== marker)) return i;
    i++;
  }
  return -1;
}

// ---- blocks -------------------------------------------------------------------------------------------------

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^( {0,3})([-*+])\s+(.*)$/;
const ORDERED = /^( {0,3})(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (s[i] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += s[i];
  }
  cells.push(cur.trim());
  return cells;
}

export function parseMarkdown(text: string, depth = 0): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  const isBlank = (l: string | undefined): boolean => l === undefined || l.trim() === '';
  const startsBlock = (l: string): boolean => FENCE.test(l) || HEADING.test(l) || RULE.test(l) || BULLET.test(l) || ORDERED.test(l) || QUOTE.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence[1][0] === '`' ? '`' : '~'}{${fence[1].length},}\\s*$`);
      const body: string[] = [];
      i++;
      while (i < lines.length && !close.test(lines[i])) body.push(lines[i++]);
      i++;
      blocks.push({ t: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || (isBlank(lines[i]) && /^( {4}|\t)/.test(lines[i + 1] ?? '')))) {
        body.push(lines[i].replace(/^( {4}|\t)/, ''));
        i++;
      }
      blocks.push({ t: 'code', lang: '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ t: 'heading', level: heading[1].length, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ t: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !isBlank(lines[i]) && (QUOTE.test(lines[i]) || !startsBlock(lines[i]))) {
        const q = QUOTE.exec(lines[i]);
        body.push(q ? q[1] : lines[i]);
        i++;
      }
      blocks.push({ t: 'quote', children: depth < 8 ? parseMarkdown(body.join('\n'), depth + 1) : [{ t: 'paragraph', children: parseInline(body.join('\n')) }] });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const items: string[][] = [];
      const marker = isOrdered ? ORDERED : BULLET;
      const indent = (bullet ?? ordered)![1].length;
      while (i < lines.length) {
        const m = marker.exec(lines[i]);
        // A marker indented further than the list's own belongs to the item above (a nested list).
        if (m && m[1].length <= indent + 1) {
          items.push([m[3]]);
          i++;
          continue;
        }
        const l = lines[i];
        if (isBlank(l)) {
          // A blank line ends the list unless the next line continues it.
          if (marker.exec(lines[i + 1] ?? '') || /^ {2,}\S/.test(lines[i + 1] ?? '')) {
            items[items.length - 1].push('');
            i++;
            continue;
          }
          break;
        }
        if (/^ {2,}/.test(l) || !startsBlock(l)) {
          items[items.length - 1].push(l.replace(/^ {2,4}/, ''));
          i++;
          continue;
        }
        break;
      }
      blocks.push({
        t: 'list',
        ordered: isOrdered,
        start: ordered ? Number(ordered[2]) : 1,
        items: items.map((item) => (depth < 8 ? parseMarkdown(item.join('\n'), depth + 1) : [{ t: 'paragraph', children: parseInline(item.join('\n')) }])),
      });
      continue;
    }
    if (line.includes('|') && TABLE_SEP.test(lines[i + 1] ?? '')) {
      const header = splitRow(line).map(parseInline);
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) rows.push(splitRow(lines[i++]).map(parseInline));
      blocks.push({ t: 'table', header, rows });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && (para.length === 0 || !startsBlock(lines[i]))) para.push(lines[i++]);
    blocks.push({ t: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}
