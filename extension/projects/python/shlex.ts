// Python's `shlex.quote`, which MLflow applies to every parameter value (POSIX rules; MLflow switches to
// mslex only on Windows, which this extension does not run projects on).

/** Characters shlex leaves unquoted: ASCII word characters and `@%+=:,./-` (re.ASCII, so no Unicode letters). */
const UNSAFE = /[^A-Za-z0-9_@%+=:,./-]/;

export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!UNSAFE.test(s)) return s;
  // Close the single-quoted run, add a double-quoted ', reopen: the only way to embed ' in POSIX sh.
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
