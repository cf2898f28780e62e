/**
 * Hand-written SVG line charts (no dependency): series of (x, y) points, optional horizontal reference lines
 * (a limit) and shaded x-ranges (an outage). Chart data is shaped by the benches; this only draws.
 */
export interface Series { name: string; points: [number, number][]; color?: string; dashed?: boolean }
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  hlines?: { y: number; label: string; color?: string }[];
  bands?: { x0: number; x1: number; label: string }[];
  /** Vertical markers (e.g. "limit halved"). */
  vlines?: { x: number; label: string }[];
  width?: number;
  height?: number;
  yMax?: number;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 10 ? 1 : 0);
}

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 860;
  const H = spec.height ?? 420;
  const m = { left: 64, right: 20, top: 40, bottom: 92 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...spec.series.flatMap((s) => s.points.map((p) => p[1])), ...(spec.hlines ?? []).map((h) => h.y)];
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(1, ...xs, ...(spec.bands ?? []).map((b) => b.x1));
  const yMax = spec.yMax ?? Math.max(1, ...ys) * 1.1;
  const X = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const Y = (y: number) => m.top + ph - (Math.min(y, yMax) / yMax) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`);
  for (const b of spec.bands ?? []) {
    out.push(`<rect x="${X(b.x0).toFixed(1)}" y="${m.top}" width="${(X(b.x1) - X(b.x0)).toFixed(1)}" height="${ph}" fill="#f3d6d6" opacity="0.6"/>`);
    out.push(`<text x="${((X(b.x0) + X(b.x1)) / 2).toFixed(1)}" y="${m.top + 14}" text-anchor="middle" fill="#a33">${esc(b.label)}</text>`);
  }
  const yStep = niceStep(yMax, 6);
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${num(y)}</text>`);
  }
  const xStep = niceStep(xMax - xMin, 10);
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    out.push(`<line x1="${X(x).toFixed(1)}" x2="${X(x).toFixed(1)}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${X(x).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${num(x)}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 36}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  for (const h of spec.hlines ?? []) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(h.y).toFixed(1)}" y2="${Y(h.y).toFixed(1)}" stroke="${h.color ?? "#555"}" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + pw - 4}" y="${(Y(h.y) - 4).toFixed(1)}" text-anchor="end" fill="${h.color ?? "#555"}">${esc(h.label)}</text>`);
  }
  for (const v of spec.vlines ?? []) {
    out.push(`<line x1="${X(v.x).toFixed(1)}" x2="${X(v.x).toFixed(1)}" y1="${m.top}" y2="${m.top + ph}" stroke="#777" stroke-dasharray="3 3"/>`);
    out.push(`<text x="${(X(v.x) + 4).toFixed(1)}" y="${m.top + 28}" fill="#555">${esc(v.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length] ?? "#000";
    const d = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join("");
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`);
  });
  // Legend below the plot, in rows of up to three.
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length] ?? "#000";
    const col = i % 3;
    const row = Math.floor(i / 3);
    const lx = m.left + col * (pw / 3);
    const ly = m.top + ph + 56 + row * 16;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`);
    out.push(`<text x="${lx + 28}" y="${ly}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
