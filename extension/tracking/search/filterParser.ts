// Tokenizer and parser for MLflow's search filter and order_by strings, shared by run and experiment search.
// It only knows the syntax (`<identifier> <comparator> <value>` joined by AND); which entities, keys, value
// types and comparators are legal is decided by the run/experiment grammars, in MLflow's order of checks.
//
// Like MLflow (which tokenizes with sqlparse and then only trims the quote characters), quoted strings are
// not unescaped: `'a''b'` is the four characters a''b. Clients that need a quote use the other quote style.

import { invalidParameter } from '../errors';

export type FilterValue =
  | { kind: 'string'; value: string; raw: string } // '…' or "…"
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'word'; raw: string } // unquoted or backticked name: never a valid value, kept for the message
  | { kind: 'list'; items: FilterValue[]; raw: string };

export interface Identifier {
  /** Source text, e.g. ``metrics.`f1 score` `` or `tags.mlflow.runName`. */
  raw: string;
  /** Text before the first '.', untouched (grammars differ on trimming it); null when there is no '.'. */
  entity: string | null;
  /** Text after the first '.' (or the whole identifier), with one layer of quotes/backticks removed. */
  key: string;
}

export interface FilterClause {
  identifier: Identifier;
  /** Upper-cased, e.g. '=', 'LIKE', 'NOT IN'; may be an unsupported one ('==', 'NOT LIKE') for the grammar to reject. */
  comparator: string;
  value: FilterValue;
  raw: string;
}

export interface OrderByTerm {
  identifier: Identifier;
  ascending: boolean;
}

type TokenKind = 'word' | 'backtick' | 'dquote' | 'squote' | 'number' | 'op' | 'dot' | 'comma' | 'lparen' | 'rparen' | 'semicolon';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const SQUOTE = /'(?:''|\\'|[^'])*'/y;
const DQUOTE = /"(?:""|\\"|[^"])*"/y;
const BACKTICK = /`(?:``|[^`])*`/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\p{L}\p{N}_$#])/uy;
const WORD = /[\p{L}_][\p{L}\p{N}_$#]*/uy;
const KEY_PART = /[\p{L}\p{N}_$#]+/uy; // after a '.', keys may start with a digit (`metrics.1st`)
const OPERATOR = /[<>=~!]+/y;
const SPACE = /\s+/y;
const PUNCTUATION = new Map<string, TokenKind>([
  [',', 'comma'],
  ['(', 'lparen'],
  [')', 'rparen'],
  [';', 'semicolon'],
]);
const LEXEMES: readonly (readonly [TokenKind, RegExp])[] = [
  ['number', NUMBER],
  ['word', WORD],
  ['op', OPERATOR],
];

class SyntaxProblem extends Error {
  constructor(readonly position: number) {
    super(`position ${position}`);
  }
}

function sticky(re: RegExp, text: string, pos: number): string | null {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? m[0] : null;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const push = (kind: TokenKind, value: string): void => {
    tokens.push({ kind, text: value, start: pos, end: pos + value.length });
    pos += value.length;
  };
  while (pos < text.length) {
    const space = sticky(SPACE, text, pos);
    if (space) {
      pos += space.length;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const glued = prev !== undefined && prev.end === pos;
    const ch = text[pos];
    // A '.' glued to a name continues an identifier; elsewhere it can only start a number like `.5`.
    if (ch === '.' && glued && (prev.kind === 'word' || prev.kind === 'backtick' || prev.kind === 'dquote')) {
      push('dot', '.');
      continue;
    }
    if (glued && prev.kind === 'dot') {
      const part = sticky(KEY_PART, text, pos);
      if (part) {
        push('word', part);
        continue;
      }
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const re = ch === "'" ? SQUOTE : ch === '"' ? DQUOTE : BACKTICK;
      const quoted = sticky(re, text, pos);
      if (!quoted) throw new SyntaxProblem(pos);
      push(ch === "'" ? 'squote' : ch === '"' ? 'dquote' : 'backtick', quoted);
      continue;
    }
    const punctuation = PUNCTUATION.get(ch);
    if (punctuation) {
      push(punctuation, ch);
      continue;
    }
    const lexeme = LEXEMES.map(([kind, re]) => [kind, sticky(re, text, pos)] as const).find(([, m]) => m !== null);
    if (!lexeme || lexeme[1] === null) throw new SyntaxProblem(pos);
    push(lexeme[0], lexeme[1]);
  }
  return tokens;
}

const isQuoted = (s: string, q: string): boolean => s.length >= 2 && s.startsWith(q) && s.endsWith(q);

/** MLflow's key clean-up: drop one layer of '…'/"…", then one layer of backticks. */
function unquoteKey(key: string): string {
  const unquoted = isQuoted(key, "'") || isQuoted(key, '"') ? key.slice(1, -1) : key;
  return isQuoted(unquoted, '`') ? unquoted.slice(1, -1) : unquoted;
}

// Words that can never begin an identifier (they are operators/connectives in the filter language).
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'IS', 'BETWEEN', 'ASC', 'DESC']);
const WORD_COMPARATORS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'IN']);

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  atWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'word' && t.text.toUpperCase() === word;
  }

  /** identifier := part ('.' part)*, parts glued together; null if the next token cannot start one. */
  identifier(): Identifier | null {
    const first = this.peek();
    if (!first) return null;
    const startsName = (first.kind === 'word' && !RESERVED.has(first.text.toUpperCase())) || first.kind === 'backtick' || first.kind === 'dquote';
    if (!startsName) return null;
    let last = first;
    this.pos++;
    while (this.peek()?.kind === 'dot') {
      const part = this.peek(1);
      if (!part || part.start !== this.peek()!.end || !['word', 'backtick', 'dquote', 'squote'].includes(part.kind)) {
        throw new SyntaxProblem(this.peek()!.start);
      }
      last = part;
      this.pos += 2;
    }
    const raw = this.text.slice(first.start, last.end);
    const dot = raw.indexOf('.');
    return dot < 0
      ? { raw, entity: null, key: unquoteKey(raw) }
      : { raw, entity: raw.slice(0, dot), key: unquoteKey(raw.slice(dot + 1)) };
  }

  comparator(): string | null {
    const t = this.peek();
    if (!t) return null;
    if (t.kind === 'op') {
      this.pos++;
      return t.text;
    }
    if (this.atWord('NOT') && this.peek(1)?.kind === 'word' && WORD_COMPARATORS.has(this.peek(1)!.text.toUpperCase())) {
      const op = `NOT ${this.peek(1)!.text.toUpperCase()}`;
      this.pos += 2;
      return op;
    }
    if (t.kind === 'word' && WORD_COMPARATORS.has(t.text.toUpperCase())) {
      this.pos++;
      return t.text.toUpperCase();
    }
    return null;
  }

  scalar(): FilterValue | null {
    const t = this.peek();
    if (!t) return null;
    switch (t.kind) {
      case 'squote':
      case 'dquote':
        this.pos++;
        return { kind: 'string', value: t.text.slice(1, -1), raw: t.text };
      case 'number':
        this.pos++;
        return { kind: 'number', value: Number(t.text), raw: t.text };
      case 'word':
      case 'backtick':
        this.pos++;
        return { kind: 'word', raw: t.text };
      default:
        return null;
    }
  }

  /** '(' [scalar (',' scalar)* [',']] ')'; a malformed list is reported the way MLflow words it. */
  list(): FilterValue {
    const open = this.peek()!;
    this.pos++;
    const items: FilterValue[] = [];
    while (this.peek()?.kind !== 'rparen') {
      const item = this.scalar();
      if (!item) throw illFormedList();
      items.push(item);
      const next = this.peek();
      if (next?.kind === 'comma') this.pos++;
      else if (next?.kind !== 'rparen') throw illFormedList();
    }
    const close = this.peek()!;
    this.pos++;
    return { kind: 'list', items, raw: this.text.slice(open.start, close.end) };
  }

  clause(): FilterClause | null {
    const start = this.peek();
    const identifier = this.identifier();
    if (!identifier || !start) return null;
    const comparator = this.comparator();
    if (!comparator) return null;
    const needsList = comparator === 'IN' || comparator === 'NOT IN';
    // sqlparse only forms an IN comparison when a parenthesised list follows (and `x = (…)` isn't one).
    let value: FilterValue | null = null;
    if (this.peek()?.kind === 'lparen') {
      if (needsList) value = this.list();
    } else if (!needsList) {
      value = this.scalar();
    }
    if (!value) return null;
    const end = this.tokens[this.pos - 1];
    return { identifier, comparator: comparator.toUpperCase(), value, raw: this.text.slice(start.start, end.end) };
  }

  /** One token's text, or a whole parenthesised group, for "Invalid clause(s)" messages. */
  tokenText(at: number): string {
    const t = this.tokens[at];
    if (t.kind !== 'lparen') return t.text;
    let depth = 0;
    for (let i = at; i < this.tokens.length; i++) {
      if (this.tokens[i].kind === 'lparen') depth++;
      if (this.tokens[i].kind === 'rparen' && --depth === 0) return this.text.slice(t.start, this.tokens[i].end);
    }
    return this.text.slice(t.start);
  }

  /** Source text from token `from` up to the next top-level AND, for "Invalid clause(s)" messages. */
  clauseText(from: number): string {
    let i = from;
    let depth = 0;
    for (; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind === 'lparen') depth++;
      if (t.kind === 'rparen') depth--;
      if (depth <= 0 && i > from && t.kind === 'word' && t.text.toUpperCase() === 'AND') break;
    }
    const last = this.tokens[Math.max(from, i - 1)];
    return this.text.slice(this.tokens[from].start, last.end);
  }
}

const illFormedList = (): Error =>
  invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.');

function invalidClause(text: string): Error {
  return invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
}

/** Parses a filter into AND-ed clauses; empty/blank filter = no clauses. */
export function parseFilter(filter: string | undefined): FilterClause[] {
  if (!filter || filter.trim() === '') return [];
  let tokens: Token[];
  try {
    tokens = tokenize(filter);
  } catch (e) {
    if (e instanceof SyntaxProblem) throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed (at position ${e.position}).`);
    throw e;
  }
  const semi = tokens.findIndex((t) => t.kind === 'semicolon');
  if (semi >= 0) {
    if (tokens.slice(semi).some((t) => t.kind !== 'semicolon')) {
      throw invalidParameter(`Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`);
    }
    throw invalidClause(';');
  }
  const p = new Parser(filter, tokens);
  const clauses: FilterClause[] = [];
  for (;;) {
    const from = p.pos;
    let clause: FilterClause | null;
    try {
      clause = p.clause();
    } catch (e) {
      if (e instanceof SyntaxProblem) throw invalidClause(p.clauseText(from));
      throw e;
    }
    if (!clause) throw invalidClause(p.clauseText(from));
    clauses.push(clause);
    if (p.pos >= tokens.length) return clauses;
    if (!p.atWord('AND')) throw invalidClause(p.tokenText(p.pos));
    p.pos++;
    // A dangling AND is an error here (MLflow silently ignores it; no client relies on that).
    if (p.pos >= tokens.length) throw invalidClause('AND');
  }
}

/** Parses one order_by entry: `<identifier> [ASC|DESC]` (default ascending). */
export function parseOrderBy(clause: string): OrderByTerm {
  const unparsable = (): Error => invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  let tokens: Token[];
  try {
    tokens = tokenize(clause);
  } catch (e) {
    if (e instanceof SyntaxProblem) throw unparsable();
    throw e;
  }
  const p = new Parser(clause, tokens);
  let identifier: Identifier | null;
  try {
    identifier = p.identifier();
  } catch (e) {
    if (e instanceof SyntaxProblem) throw unparsable();
    throw e;
  }
  if (!identifier) throw unparsable();
  let ascending = true;
  const direction = p.peek();
  if (direction) {
    if (direction.kind !== 'word' || p.peek(1)) throw unparsable();
    const dir = direction.text.toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
    ascending = dir === 'asc';
  }
  return { identifier, ascending };
}
