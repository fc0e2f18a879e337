// Cuts an MLproject into pieces that YAML can parse one at a time: each top-level key with its
// indented lines, and, under a block-style `entry_points:`, each entry point with its lines.
//
// A cut is only ever made before a line that starts a key at the mapping's own indentation (column
// 0 at the top, the first entry's column under `entry_points:`). Plain and block scalars cannot
// continue on such a line, so the only constructs that can straddle a cut are quoted scalars and
// flow collections; the piece before the cut then ends unterminated, its own parse reports an
// error, and the caller falls back to parsing the whole text. Whatever looks unusual (directives,
// document markers, a byte order mark, a first line that is not a key) yields no layout at all.
// test/language-server/incremental.test.ts checks all this against whole-file parses of many
// edited files.

/** Half-open range [start, end) of the text, always whole lines. */
export interface Section {
  start: number;
  end: number;
}

/**
 * An entry point. yaml lets an empty value followed by comment lines extend up to the next key,
 * indentation included, so the piece to parse runs on over the next entry's indentation
 * (`parseEnd`); and the analysis, which may look for the end of the line a node ends on, sees
 * the text up to the end of that next line (`windowEnd`).
 */
export interface EntrySection extends Section {
  parseEnd: number;
  windowEnd: number;
}

export interface TopSection extends Section {
  /**
   * Set when this is `entry_points:` with a block mapping below it: `header` is the key's line and
   * any blank or comment lines after it, `entries` one section per entry point.
   */
  entryPoints?: { header: Section; entries: EntrySection[] };
}

interface Line {
  start: number;
  /** Index of the terminating `\n`, or the text's length. */
  end: number;
  /** Leading spaces; meaningless for blank lines. */
  indent: number;
  kind: 'blank' | 'comment' | 'content';
}

/** Characters a key that starts a section may not begin with: indicators, quotes, whitespace. */
const NOT_A_KEY_START = new Set([...'-?:,[]{}#&*!|>\'"%@`', ' ', '\t', '\r', '\n']);

const ENTRY_POINTS_HEADER = /^entry_points:(?:[ \t]+#.*)?[ \t]*\r?$/;

/** The top-level sections of `text` in order, or undefined when it cannot be cut safely. */
export function splitMlproject(text: string): TopSection[] | undefined {
  if (text.includes('\uFEFF')) return undefined;
  const sections: TopSection[] = [];
  let current: { section: TopSection; lines: Line[] } | undefined;
  for (let start = 0; start < text.length; ) {
    const line = readLine(text, start);
    start = line.end + 1;
    if (line.kind === 'content' && line.indent === 0) {
      const c = text[line.start];
      // Directives and document markers change how everything after them is read.
      if (c === '%' || /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(line.start, line.start + 4))) return undefined;
      if (!NOT_A_KEY_START.has(c)) {
        if (current) sections.push(finish(text, current.section, current.lines));
        current = { section: { start: line.start, end: line.end }, lines: [line] };
        continue;
      }
    }
    if (!current) {
      // Before the first key only comments and blank lines may appear.
      if (line.kind === 'content') return undefined;
      continue;
    }
    current.lines.push(line);
  }
  if (!current) return undefined;
  sections.push(finish(text, current.section, current.lines));
  return sections;
}

function readLine(text: string, start: number): Line {
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  let i = start;
  while (i < end && text[i] === ' ') i++;
  let j = i;
  while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
  const rest = text.slice(j, end);
  const kind = rest === '' || rest === '\r' ? 'blank' : rest[0] === '#' ? 'comment' : 'content';
  return { start, end, indent: i - start, kind };
}

/** Sections end where the next one starts, so they cover the text (bar leading comments) without gaps. */
function finish(text: string, section: TopSection, lines: Line[]): TopSection {
  const last = lines[lines.length - 1];
  section.end = Math.min(last.end + 1, text.length);
  const first = lines[0];
  if (ENTRY_POINTS_HEADER.test(text.slice(first.start, first.end))) {
    const entryPoints = splitEntryPoints(text, lines, section.end);
    if (entryPoints) section.entryPoints = entryPoints;
  }
  return section;
}

/** Entry points at one common column, each beginning with a key; otherwise undefined (parse it whole). */
function splitEntryPoints(text: string, lines: Line[], end: number): TopSection['entryPoints'] {
  const body = lines.slice(1);
  const firstContent = body.findIndex((l) => l.kind === 'content');
  if (firstContent === -1) return undefined;
  const column = body[firstContent].indent;
  if (column === 0) return undefined;
  const entries: EntrySection[] = [];
  for (const line of body.slice(firstContent)) {
    if (line.kind !== 'content' || line.indent > column) continue;
    if (line.indent < column || NOT_A_KEY_START.has(text[line.start + column])) return undefined;
    const previous = entries[entries.length - 1];
    if (previous) {
      previous.end = line.start;
      previous.parseEnd = line.start + column;
      previous.windowEnd = Math.min(line.end + 1, text.length);
    }
    entries.push({ start: line.start, end, parseEnd: end, windowEnd: end });
  }
  const header = { start: lines[0].start, end: entries[0].start };
  return { header, entries };
}
