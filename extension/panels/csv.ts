// CSV as RFC 4180 writes it (CRLF rows, fields quoted when they hold a comma, quote or line break), shared by
// the runs table and chart exports. Pure.
//
// Text cells come from whatever a run logged, and spreadsheets execute cells starting with = + - @ as formulas
// ("CSV injection"). Such text cells get a leading apostrophe, which spreadsheets show as a text marker;
// numbers (including negative ones) are numeric cells and are written untouched.

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  let text: string;
  if (typeof cell === 'number') {
    text = Number.isNaN(cell) ? 'NaN' : cell === Infinity ? 'Infinity' : cell === -Infinity ? '-Infinity' : String(cell);
  } else {
    text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return cells.map(csvField).join(',');
}

/** A whole document: header then rows, each line ended by CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [csvRow(header)];
  for (const row of rows) lines.push(csvRow(row));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Parses CSV (RFC 4180, plus bare LF line ends) for previews; stops after `maxRows` rows. Returns the rows and
 * whether it stopped early.
 */
export function parseCsv(text: string, maxRows = Infinity): { rows: string[][]; truncated: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  const endRow = (): boolean => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
    return rows.length >= maxRows;
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (endRow()) return { rows, truncated: i < n };
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) endRow();
  return { rows, truncated: false };
}
