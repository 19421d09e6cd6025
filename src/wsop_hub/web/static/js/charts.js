// Small hand-written SVG charts. Each has an aria-label stating its numbers, so the
// figure is readable without seeing the bars.

import { svg } from "./dom.js";

const WIDTH = 300;
const HEIGHT = 72;
const TOP = 12;
const BOTTOM = 14;

/** Bars for [{label, value}]; `format` renders the value labels. */
export function barChart(items, { label, format = String, testid } = {}) {
  const max = Math.max(1e-9, ...items.map((item) => item.value ?? 0));
  const slot = WIDTH / Math.max(items.length, 1);
  const barWidth = Math.min(40, slot * 0.6);
  const plot = HEIGHT - TOP - BOTTOM;
  const parts = [svg("line", { class: "axis", x1: 0, x2: WIDTH, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM })];
  items.forEach((item, index) => {
    const value = item.value ?? 0;
    const barHeight = max > 0 ? (value / max) * plot : 0;
    const x = slot * index + (slot - barWidth) / 2;
    const y = HEIGHT - BOTTOM - barHeight;
    parts.push(
      svg("rect", { class: "bar", x, y, width: barWidth, height: Math.max(barHeight, value ? 1 : 0) }),
      svg("text", { class: "label", x: x + barWidth / 2, y: HEIGHT - 3, "text-anchor": "middle" }, item.label),
      svg("text", { class: "value", x: x + barWidth / 2, y: Math.max(y - 2, 9), "text-anchor": "middle" }, item.value === null || item.value === undefined ? "—" : format(value)),
    );
  });
  const summary = items
    .map((item) => `${item.label} ${item.value === null || item.value === undefined ? "no data" : format(item.value)}`)
    .join(", ");
  return svg(
    "svg",
    { class: "chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": `${label}: ${summary}`, testid },
    parts,
  );
}

/** A line of the last samples (oldest first); shows how a figure moved while watched. */
export function sparkline(values, { label, format = String } = {}) {
  const points = values.filter((v) => v !== null && v !== undefined);
  const parts = [svg("line", { class: "axis", x1: 0, x2: WIDTH, y1: HEIGHT - 2, y2: HEIGHT - 2 })];
  if (points.length >= 2) {
    const max = Math.max(...points);
    const min = Math.min(...points);
    const span = max - min || 1;
    const step = WIDTH / (points.length - 1);
    const coords = points.map((v, i) => [i * step, HEIGHT - 4 - ((v - min) / span) * (HEIGHT - TOP - 4)]);
    const line = coords.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
    parts.push(
      svg("polygon", { class: "area", points: `0,${HEIGHT - 2} ${line} ${WIDTH},${HEIGHT - 2}` }),
      svg("polyline", { class: "line", points: line }),
    );
  }
  const last = points.length ? format(points[points.length - 1]) : "no data yet";
  return svg("svg", {
    class: "chart",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": `${label}, last ${points.length} samples, latest ${last}`,
  }, parts);
}
