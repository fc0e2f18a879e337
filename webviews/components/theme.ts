// Theme colours for canvas drawing (charts, sparklines, parallel coordinates): read from VS Code's CSS variables
// so light, dark and high-contrast themes all work, and re-read when the theme changes.

export function cssVar(name: string, fallback = ''): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** Calls back when VS Code switches theme (it changes the body's class and CSS variables). */
export function onThemeChange(callback: () => void): void {
  new MutationObserver(() => callback()).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}

const CHART_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];

/**
 * A distinct colour per series: the theme's chart colours first, then evenly spaced hues whose lightness suits
 * the theme (high-contrast themes keep full saturation).
 */
export function seriesColor(index: number): string {
  if (index < CHART_VARS.length) {
    const v = cssVar(CHART_VARS[index]);
    if (v) return v;
  }
  const kind = themeKind();
  const hue = (index * 137.508) % 360; // golden angle: neighbours stay apart however many there are
  const light = kind === 'light' || kind === 'high-contrast-light' ? 38 : 62;
  return `hsl(${hue.toFixed(1)}, ${kind.startsWith('high') ? 100 : 70}%, ${light}%)`;
}

export interface ChromeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  focus: string;
}

export function chromeColors(): ChromeColors {
  return {
    foreground: cssVar('--vscode-foreground', '#888'),
    muted: cssVar('--vscode-descriptionForeground', '#888'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    focus: cssVar('--vscode-focusBorder', '#007fd4'),
  };
}
