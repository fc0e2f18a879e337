// Maps character indices of a YAML string's *value* back to offsets in the source, so that a
// `{placeholder}` inside a quoted or block command, or a JSON error inside a signature string,
// gets a precise range. Non-whitespace characters are aligned exactly (quotes, block headers and
// escapes are skipped); whitespace, which folding may have rewritten, maps approximately.
import type { Scalar } from 'yaml';

export type OffsetMap = (valueIndex: number) => number;

export function scalarOffsetMap(text: string, node: Scalar): OffsetMap {
  const value = typeof node.value === 'string' ? node.value : String(node.source ?? '');
  const range = node.range ?? [0, 0, 0];
  const style = node.type;
  let p = range[0];
  let limit = Math.min(range[1], text.length);
  if (style === 'QUOTE_DOUBLE' || style === 'QUOTE_SINGLE') {
    p += 1;
    limit = Math.max(p, limit - 1);
  } else if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    const newline = text.indexOf('\n', p);
    p = newline === -1 || newline >= limit ? limit : newline + 1;
  }
  const map = new Array<number>(value.length + 1);
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (/\s/.test(c)) {
      map[i] = Math.min(p, limit);
      if (text[p] === c) p++;
      continue;
    }
    let found = -1;
    while (p < limit) {
      if (style === 'QUOTE_DOUBLE' && text[p] === '\\') {
        const { chars, length } = decodeEscape(text, p);
        if (chars === c) found = p;
        p += length;
        if (found !== -1) break;
        continue;
      }
      if (style === 'QUOTE_SINGLE' && c === "'" && text[p] === "'" && text[p + 1] === "'") {
        found = p;
        p += 2;
        break;
      }
      if (text[p] === c) {
        found = p;
        p++;
        break;
      }
      p++;
    }
    map[i] = found === -1 ? limit : found;
  }
  map[value.length] = Math.min(p, limit);
  return (i) => map[Math.max(0, Math.min(i, value.length))];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

function decodeEscape(text: string, at: number): { chars: string; length: number } {
  const c = text[at + 1];
  if (c === undefined) return { chars: '', length: 1 };
  if (c === '\n' || c === '\r') {
    // Line continuation: the break and the next line's indentation vanish.
    let q = at + 2;
    while (q < text.length && /[ \t\r\n]/.test(text[q])) q++;
    return { chars: '', length: q - at };
  }
  const hex = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hex) {
    const digits = text.slice(at + 2, at + 2 + hex);
    const code = /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : NaN;
    const chars = Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    return { chars, length: 2 + digits.length };
  }
  return { chars: SIMPLE_ESCAPES[c] ?? c, length: 2 };
}
