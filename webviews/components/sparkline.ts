// A tiny line drawing for tables (run-page metrics): plain canvas, theme colour, no chart library.
import { cssVar } from './theme.js';

export function drawSparkline(canvas: HTMLCanvasElement, x: number[], y: number[]): void {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 120;
  const h = canvas.clientHeight || 24;
  canvas.width = w * ratio;
  canvas.height = h * ratio;
  const ctx = canvas.getContext('2d');
  if (!ctx || x.length === 0) return;
  ctx.scale(ratio, ratio);
  const xs = x.filter(Number.isFinite);
  const ys = y.filter(Number.isFinite);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const px = (v: number): number => (x1 === x0 ? w / 2 : 1 + ((v - x0) / (x1 - x0)) * (w - 2));
  const py = (v: number): number => (y1 === y0 ? h / 2 : h - 2 - ((v - y0) / (y1 - y0)) * (h - 4));
  ctx.strokeStyle = cssVar('--vscode-charts-blue', cssVar('--vscode-foreground', '#888'));
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  x.forEach((v, i) => {
    if (i === 0) ctx.moveTo(px(v), py(y[i]));
    else ctx.lineTo(px(v), py(y[i]));
  });
  ctx.stroke();
}
