// The whole-file analysis refuses text nested deeper than MAX_NESTING (see nestingDepth), which
// costs a scan of the whole text. The incremental analysis instead keeps, per piece, a bound that
// does not depend on the text around the piece, and combines the bounds: when the combination is
// within the limit so is nestingDepth; otherwise it asks nestingDepth itself.
//
// nestingDepth counts, per line, the open indentation levels, the inline `- `/`? `/`: ` indicators
// and the brackets still open. The levels are strictly increasing indents no larger than the
// line's own, so they number at most indent + 1. Brackets carried in from earlier text add at most
// their count (a close bracket with none open is ignored, which only lowers the count).

export interface NestingSummary {
  /** A bound of nestingDepth's value on every line of the piece, were no bracket open before it. */
  bound: number;
  /** Brackets left open at the end of the piece, counted from none. */
  openAtEnd: number;
}

/** Summary of the lines that start in [start, end), which must begin at a line start. */
export function nestingSummary(text: string, start = 0, end = text.length): NestingSummary {
  let flow = 0;
  let bound = 0;
  for (let lineStart = start; lineStart < end; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let i = lineStart;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i < lineEnd && text[i] !== '#') {
      const line = lineNesting(text, i, lineEnd, flow);
      flow = line.flow;
      bound = Math.max(bound, i - lineStart + 1 + line.inline + flow);
    }
    lineStart = lineEnd + 1;
  }
  return { bound, openAtEnd: flow };
}

/** A bound of nestingDepth for pieces that, in this order, cover every line of a text. */
export function combinedBound(pieces: Iterable<NestingSummary>): number {
  let open = 0;
  let max = 0;
  for (const p of pieces) {
    max = Math.max(max, p.bound + open);
    open += p.openAtEnd;
  }
  return max;
}

/**
 * What one line adds to the nesting, from its first non-blank character `from` to `lineEnd`: the
 * inline `- `/`? `/`: ` indicators, and the brackets open at its end given `flow` open before it.
 */
export function lineNesting(text: string, from: number, lineEnd: number, flow: number): { inline: number; flow: number } {
  let inline = 0;
  for (let j = from; j < lineEnd; j++) {
    const c = text[j];
    if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    else if ((c === '-' || c === '?' || c === ':') && (text[j + 1] === ' ' || j + 1 === lineEnd)) inline++;
  }
  return { inline, flow };
}
