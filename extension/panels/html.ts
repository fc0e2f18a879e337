// The HTML shell every panel loads: a strict Content Security Policy with a per-load nonce, our own bundle and
// stylesheet from dist/webviews (the only local resource root), nothing remote. Pure, so the policy is tested.
import { randomBytes } from 'node:crypto';
import type { PanelIdentity } from './restoreState';

/** A fresh nonce per page load: only our script tag carries it. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * - scripts: only ours, by nonce (no inline handlers, no eval: chart.js needs neither);
 * - styles: our stylesheet from the webview's own origin; CSSOM changes (element.style.x = …) stay allowed,
 *   which is how chart.js and the virtual table size things; no inline <style> or style="" text;
 * - images: our origin plus data: and blob: URIs built in the page (artifact previews, chart PNG export);
 * - nothing else: no fetch/XHR/WebSocket, frames, fonts from elsewhere, forms or <base>.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface ShellOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri?: string;
  title: string;
  /** The panel's name, for CSS scoping and e2e selectors. */
  panel: string;
  /** What brings the panel back after a reload (restoreState.ts), kept by the webview with its state. */
  restore?: PanelIdentity;
}

export function panelHtml(o: ShellOptions): string {
  const style = o.styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(o.styleUri)}">` : '';
  const restore = o.restore ? ` data-restore="${escapeHtml(JSON.stringify(o.restore))}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(o.title)}</title>${style}
</head>
<body data-panel="${escapeHtml(o.panel)}"${restore}>
  <div id="root" role="main"></div>
  <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}

/** A file name from user text (a run or metric name): no path separators, control or reserved characters. */
export function safeFileName(text: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^[.\s]+/, '').slice(0, 80).trim();
  return cleaned || fallback;
}
