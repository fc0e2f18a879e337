// Decides how an artifact is previewed on the run page and builds the preview from its bytes: images as data
// URIs (shown by <img>, where even an SVG's scripts never run), text and JSON as text, CSV as a table, an
// MLmodel as a summary. Sizes are bounded so a huge artifact cannot stall the panel. Pure.
import { parseCsv } from '../panels/csv';
import { summariseMlmodel, type MlmodelSummary } from './mlmodelSummary';

export type PreviewKind = 'image' | 'text' | 'json' | 'csv' | 'mlmodel' | 'binary';

export type Preview =
  | { kind: 'image'; dataUri: string; size: number }
  | { kind: 'text'; text: string; truncated: boolean; size: number }
  | { kind: 'json'; text: string; truncated: boolean; size: number }
  | { kind: 'csv'; rows: string[][]; truncated: boolean; size: number }
  | { kind: 'mlmodel'; summary: MlmodelSummary; size: number }
  | { kind: 'binary'; size: number }
  | { kind: 'tooLarge'; size: number; limit: number };

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_TEXT_BYTES = 1024 * 1024;
export const MAX_CSV_ROWS = 1000;

const IMAGES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
};
const TEXT = new Set([
  'txt', 'log', 'md', 'markdown', 'py', 'yaml', 'yml', 'toml', 'cfg', 'ini', 'sh', 'r', 'sql', 'html', 'xml', 'js', 'ts', 'ipynb', 'conf', 'properties', 'rst', 'err', 'out',
]);
const TEXT_NAMES = new Set(['MLproject', 'requirements.txt', 'conda.yaml', 'python_env.yaml', 'Dockerfile', 'LICENSE']);

function extension(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? '';
  if (name === 'MLmodel') return 'mlmodel';
  const ext = extension(path);
  if (IMAGES[ext]) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (TEXT.has(ext) || TEXT_NAMES.has(name)) return 'text';
  return 'binary';
}

/** Limit for reading an artifact of this kind; undefined: do not read it at all (binary). */
export function readLimit(kind: PreviewKind): number | undefined {
  if (kind === 'image') return MAX_IMAGE_BYTES;
  if (kind === 'binary') return undefined;
  return MAX_TEXT_BYTES * 16;
}

/** Text that is mostly not text (NUL bytes, invalid UTF-8) is shown as binary. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function buildPreview(path: string, bytes: Uint8Array): Preview {
  const kind = previewKind(path);
  const size = bytes.length;
  if (kind === 'binary') return { kind, size };
  if (kind === 'image') {
    if (size > MAX_IMAGE_BYTES) return { kind: 'tooLarge', size, limit: MAX_IMAGE_BYTES };
    return { kind, size, dataUri: `data:${IMAGES[extension(path)]};base64,${toBase64(bytes)}` };
  }
  if (looksBinary(bytes)) return { kind: 'binary', size };
  const truncated = size > MAX_TEXT_BYTES;
  const text = new TextDecoder('utf-8').decode(truncated ? bytes.subarray(0, MAX_TEXT_BYTES) : bytes);
  switch (kind) {
    case 'json': {
      if (truncated) return { kind: 'json', text, truncated, size };
      try {
        return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), truncated, size };
      } catch {
        return { kind: 'text', text, truncated, size };
      }
    }
    case 'csv': {
      if (extension(path) === 'tsv') {
        const lines = text.split(/\r?\n/);
        if (lines[lines.length - 1] === '') lines.pop();
        return { kind: 'csv', rows: lines.slice(0, MAX_CSV_ROWS).map((l) => l.split('\t')), truncated: truncated || lines.length > MAX_CSV_ROWS, size };
      }
      const parsed = parseCsv(text, MAX_CSV_ROWS);
      return { kind: 'csv', rows: parsed.rows, truncated: truncated || parsed.truncated, size };
    }
    case 'mlmodel':
      return { kind: 'mlmodel', summary: summariseMlmodel(text), size };
    default:
      return { kind: 'text', text, truncated, size };
  }
}
