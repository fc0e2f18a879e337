// Test support: compares what two servers answered to the same client, request by request, field by field.
//
// Each recorded exchange is normalised (ids → placeholders, values that legitimately differ → a marker that
// keeps only their presence and JSON type), then the exchanges of both servers are paired by route: method,
// path and query after normalisation, the k-th occurrence with the k-th (the client runs some requests on
// threads, so completion order is not compared). A request one server got and the other did not, a status, a
// content type, a field present on one side only, or a different value is a difference, reported as
// `<route> <json path>: ours … / mlflow …`. Known differences are accepted only where listed, each with its reason.
import type { Exchange } from './realMlflow';

/**
 * A value that may differ between the servers: matched by its field name, or the `value` of a `{key, value}`
 * entry (a tag) whose key matches `entryKey`; its presence and type still count.
 */
export interface VolatileField {
  /** Field name (last segment of the JSON path). */
  key?: RegExp;
  entryKey?: RegExp;
  reason: string;
}

/** A difference accepted at a route + JSON path (`*` matches one segment, `**` any number), with its reason. */
export interface KnownDifference {
  route: RegExp;
  path: string;
  /** Narrows the difference to these values (ours, MLflow's); any values when absent. */
  when?: (ours: unknown, theirs: unknown) => boolean;
  reason: string;
}

export interface Difference {
  route: string;
  path: string;
  ours: unknown;
  theirs: unknown;
}

/** How a field present on one side only shows on the other. */
export const ABSENT = '<absent>';

/**
 * Ids both servers generate (and client times): replaced wherever they occur in strings (paths, URIs, bodies) by their kind, so
 * `runs:/<run>/model` still compares the rest of the string. Order matters: prefixed forms first.
 */
const ID_PATTERNS: [RegExp, string][] = [
  [/tr-[0-9a-f]{32}/g, '<trace-id>'],
  [/m-[0-9a-f]{32}/g, '<model-id>'],
  [/(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g, '<hex32-id>'],
  [/(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])/g, '<hex16-id>'],
  // Client clock times embedded in strings (MLmodel's utc_time_created inside the log-model history tag).
  [/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?/g, '<datetime>'],
];

/** OpenTelemetry's trace and span ids as OTLP JSON writes them (base64 of 16 and 8 random bytes): whole values only. */
const OTEL_IDS: [RegExp, string][] = [
  [/^[A-Za-z0-9+/]{22}==$/, '<otel-trace-id>'],
  [/^[A-Za-z0-9+/]{11}=$/, '<otel-span-id>'],
];

function normaliseString(s: string, base: string[]): string {
  for (const [re, name] of OTEL_IDS) if (re.test(s)) return name;
  let out = s;
  // Absolute artifact roots are each server's own temp folder.
  for (const b of base) out = out.split(b).join('<server-dir>');
  for (const [re, name] of ID_PATTERNS) out = out.replace(re, name);
  return out;
}

function normaliseValue(v: unknown, volatile: VolatileField[], base: string[], key = ''): unknown {
  if (key && volatile.some((f) => f.key?.test(key))) return `<volatile ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}>`;
  if (typeof v === 'string') return normaliseString(v, base);
  if (Array.isArray(v)) {
    const items = v.map((x) => normaliseValue(x, volatile, base));
    // Keyed lists (tags, params, latest metrics) come in database order, which MLflow leaves unspecified, and
    // clients read them into maps: compared sorted by key.
    const keyOf = (x: unknown): string | undefined => (x && typeof x === 'object' && typeof (x as { key?: unknown }).key === 'string' ? (x as { key: string }).key : undefined);
    if (items.length > 1 && items.every((x) => keyOf(x) !== undefined)) items.sort((x, y) => (keyOf(x)! < keyOf(y)! ? -1 : keyOf(x)! > keyOf(y)! ? 1 : 0));
    return items;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseValue(x, volatile, base, k);
    const entry = v as { key?: unknown; value?: unknown };
    if (typeof entry.key === 'string' && 'value' in entry && volatile.some((f) => f.entryKey?.test(entry.key as string))) out.value = `<volatile ${typeof entry.value}>`;
    return out;
  }
  return v;
}

/** A non-JSON body compares by kind only: its bytes are the client's own upload, proven by the predictions. */
function bodyShape(b: unknown): unknown {
  if (b && typeof b === 'object' && ('<bytes>' in b || '<text>' in b)) return '<non-JSON body>';
  return b;
}

interface Normalised {
  route: string;
  status: number;
  contentType: string;
  request: unknown;
  response: unknown;
}

function normalise(e: Exchange, volatile: VolatileField[], base: string[]): Normalised {
  const query = e.query.map(([k, v]) => `${k}=${volatile.some((f) => f.key?.test(k)) ? '<volatile>' : normaliseString(v, base)}`).join('&');
  return {
    route: `${e.method} ${normaliseString(e.path, base)}${query ? `?${query}` : ''}`,
    status: e.status,
    contentType: e.contentType.split(';')[0].trim().toLowerCase(),
    request: normaliseValue(bodyShape(e.requestBody), volatile, base),
    response: normaliseValue(bodyShape(e.responseBody), volatile, base),
  };
}

function diffValues(route: string, path: string, a: unknown, b: unknown, out: Difference[]): void {
  if (a === b) return;
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      diffValues(route, `${path}[${i}]`, i < a.length ? a[i] : ABSENT, i < b.length ? b[i] : ABSENT, out);
    }
    return;
  }
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffValues(route, `${path}.${k}`, k in a ? a[k] : ABSENT, k in b ? b[k] : ABSENT, out);
    }
    return;
  }
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  out.push({ route, path, ours: a, theirs: b });
}

function pathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split(/(\*\*|\*)/)
        .map((p) => (p === '**' ? '.*' : p === '*' ? '[^.\\[\\]]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  return re.test(path);
}

export interface Comparison {
  /** Differences not covered by a known difference: the test fails on any. */
  unexpected: Difference[];
  /** Differences a known difference accepted (for the log). */
  accepted: { diff: Difference; reason: string }[];
  /** Known differences that matched nothing this time. */
  unused: KnownDifference[];
  /** Number of exchanges paired. */
  paired: number;
}

/**
 * Compares `ours` with `theirs` (the reference). `baseDirs` are strings (each server's temp folder) replaced
 * by one placeholder.
 */
export function compareExchanges(
  ours: Exchange[],
  theirs: Exchange[],
  opts: { volatile: VolatileField[]; known: KnownDifference[]; baseDirs?: string[] },
): Comparison {
  const base = opts.baseDirs ?? [];
  const group = (list: Exchange[]): Map<string, Normalised[]> => {
    const m = new Map<string, Normalised[]>();
    for (const e of [...list].sort((x, y) => x.seq - y.seq)) {
      const n = normalise(e, opts.volatile, base);
      const g = m.get(n.route) ?? [];
      g.push(n);
      m.set(n.route, g);
    }
    return m;
  };
  const a = group(ours);
  const b = group(theirs);
  const diffs: Difference[] = [];
  let paired = 0;
  for (const route of new Set([...a.keys(), ...b.keys()])) {
    const xs = a.get(route) ?? [];
    const ys = b.get(route) ?? [];
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      const label = xs.length > 1 || ys.length > 1 ? `${route} #${i + 1}` : route;
      const x = xs[i];
      const y = ys[i];
      if (!x || !y) {
        diffs.push({ route: label, path: '(request)', ours: x ? 'sent' : 'not sent', theirs: y ? 'sent' : 'not sent' });
        continue;
      }
      paired++;
      diffValues(label, 'status', x.status, y.status, diffs);
      diffValues(label, 'content-type', x.contentType, y.contentType, diffs);
      diffValues(label, 'request$', x.request, y.request, diffs);
      diffValues(label, '$', x.response, y.response, diffs);
    }
  }
  const unexpected: Difference[] = [];
  const accepted: Comparison['accepted'] = [];
  const used = new Set<KnownDifference>();
  for (const d of diffs) {
    const k = opts.known.find((kd) => kd.route.test(d.route) && pathMatches(kd.path, d.path) && (!kd.when || kd.when(d.ours, d.theirs)));
    if (k) {
      used.add(k);
      accepted.push({ diff: d, reason: k.reason });
    } else unexpected.push(d);
  }
  return { unexpected, accepted, unused: opts.known.filter((k) => !used.has(k)), paired };
}

/** One line per difference, grouped by route, values as compact JSON. */
export function formatDifferences(diffs: Difference[], limit = 200): string {
  const show = (v: unknown): string => {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
  };
  const lines: string[] = [];
  let last = '';
  for (const d of diffs.slice(0, limit)) {
    if (d.route !== last) lines.push(d.route);
    last = d.route;
    lines.push(`  ${d.path}: ours ${show(d.ours)} / mlflow ${show(d.theirs)}`);
  }
  if (diffs.length > limit) lines.push(`… and ${diffs.length - limit} more`);
  return lines.join('\n');
}
