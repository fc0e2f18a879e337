// The slices of Python's urllib.parse and posixpath that decide how MLflow treats `path` and `uri` parameters
// and script entry points: urlsplit's scheme/netloc/path, unquote, normpath/abspath and splitext (CPython 3.11).

/** What urllib.parse.urlsplit strips first (CVE-2023-24329): leading C0 controls and space. */
// eslint-disable-next-line no-control-regex -- exactly the C0 range Python strips
const LEADING_C0_OR_SPACE = /^[\u0000-\u0020]+/;
/** …and tabs and newlines anywhere (bpo-43882). */
const UNSAFE_BYTES = /[\t\r\n]/g;
const SCHEME_CHARS = /^[A-Za-z0-9+\-.]+$/;

export interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
}

/** urllib.parse.urlsplit, without query and fragment (they are cut off the path, as Python does). */
export function urlSplit(input: string): SplitUrl {
  let url = input.replace(LEADING_C0_OR_SPACE, '').replace(UNSAFE_BYTES, '');
  let scheme = '';
  const colon = url.indexOf(':');
  if (colon > 0 && /^[A-Za-z]/.test(url) && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = '';
  if (url.startsWith('//')) {
    const rest = url.slice(2);
    const end = rest.search(/[/?#]/);
    netloc = end === -1 ? rest : rest.slice(0, end);
    url = end === -1 ? '' : rest.slice(end);
  }
  const hash = url.indexOf('#');
  if (hash !== -1) url = url.slice(0, hash);
  const query = url.indexOf('?');
  if (query !== -1) url = url.slice(0, query);
  return { scheme, netloc, path: url };
}

/** mlflow.utils.data_utils.is_uri: a non-empty scheme. */
export function isUri(value: string): boolean {
  return urlSplit(value).scheme.length > 0;
}

/** urllib.parse.unquote (UTF-8, errors='replace'). */
export function unquote(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  });
}

/**
 * mlflow.utils.file_utils.get_local_path_or_none: a value with no scheme, or a `file:` URI without a host, is a
 * local path (percent-decoded, as url2pathname does on POSIX); anything else is a remote URI (undefined).
 */
export function localPathOrNone(value: string): string | undefined {
  const parsed = urlSplit(value);
  if (parsed.scheme === '' || (parsed.scheme === 'file' && parsed.netloc === '')) {
    // Case-sensitive on purpose: MLflow checks `uri.startswith("file:")`, so `FILE:/x` stays a relative path.
    return unquote(value.startsWith('file:') ? urlSplit(value).path : value);
  }
  return undefined;
}

/** posixpath.normpath: keeps exactly two leading slashes (POSIX leaves `//` implementation-defined). */
export function normpath(path: string): string {
  if (path === '') return '.';
  let initial = path.startsWith('/') ? 1 : 0;
  if (initial && path.startsWith('//') && !path.startsWith('///')) initial = 2;
  const out: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) out.push(comp);
    else if (out.length) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined || '.';
}

/** os.path.abspath against an explicit working directory. */
export function abspath(path: string, cwd: string): string {
  return normpath(path.startsWith('/') ? path : `${cwd.replace(/\/+$/, '')}/${path}`);
}

/** posixpath.splitext: leading dots belong to the name, so `.bashrc` has no extension. */
export function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}
