// Exponential moving average smoothing, as TensorBoard and MLflow's UI do it (debiased, so the first points
// are not dragged towards zero). Pure and DOM-free: the charts webview imports it.

/**
 * Smooths `y` with weight in [0, 1): 0 returns the values unchanged, 0.99 is very smooth. Points that are
 * not finite are returned as they are and do not disturb the average.
 */
export function emaSmooth(y: ArrayLike<number>, weight: number): number[] {
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 0.999) : 0;
  const out = new Array<number>(y.length);
  let last = 0;
  let seen = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v) || w === 0) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    seen++;
    out[i] = last / (1 - Math.pow(w, seen));
  }
  return out;
}
