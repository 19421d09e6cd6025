// Element builders and formatting. Data only ever reaches the DOM as text nodes or
// attribute values (player names and error messages come from files), never as HTML.

const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "indeterminate"]);
const SVG_NS = "http://www.w3.org/2000/svg";

function applyAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.setAttribute("class", value);
    } else if (key === "testid") {
      el.dataset.testid = value;
    } else if (key === "dataset") {
      for (const [name, item] of Object.entries(value)) el.dataset[name] = String(item);
    } else if (PROPERTIES.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** `h("td", {class: "num"}, value)`: an element whose text children are text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/** The SVG counterpart of `h` (charts). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttributes(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  appendChildren(el, children);
  return el;
}

const pad = (n) => String(n).padStart(2, "0");

/** "2024-07-01 18:04:05 UTC", the tooltip of every time shown. */
function utcText(date) {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`
  );
}

/** Local time; the date is added when it is not today. */
function localText(date) {
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const now = new Date();
  const today =
    date.getFullYear() === now.getFullYear() &&
    date.getMonth() === now.getMonth() &&
    date.getDate() === now.getDate();
  if (today) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** A `<time>` in local time with the UTC time in its tooltip; "—" when there is none. */
export function timeEl(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h("span", {}, String(iso));
  return h("time", { datetime: date.toISOString(), title: utcText(date) }, localText(date));
}

/** "42 s", "3 min", "2 h 5 min", "4 d". */
export function durationText(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const minutes = Math.floor((s % 3600) / 60);
    return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
  }
  return `${Math.floor(s / 86400)} d`;
}

/** Milliseconds as "850 ms", "12.3 s" or "4.1 min". */
export function msText(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
}

export function percentText(rate) {
  if (rate === null || rate === undefined) return "—";
  return `${(rate * 100).toFixed(1)} %`;
}

export function numberText(value) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString();
}

export function bytesText(bytes) {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

/** A coloured status/severity badge; `data-value` drives the colour. */
export function badge(value, attrs = {}) {
  return h("span", { class: "badge", dataset: { value: value ?? "" }, ...attrs }, value ?? "—");
}

/** The muted "not available" line a view shows when an endpoint is missing or fails. */
export function unavailable(message, testid = "not-available") {
  return h("p", { class: "not-available", testid }, message);
}

/** `datetime-local` input value (local wall time) → ISO UTC, or null when empty. */
export function localInputToIso(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** ISO time → a `datetime-local` input value in local time. */
export function isoToLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** A labelled form control: `<div><label for>…</label><control id>…</div>`. */
export function field(labelText, control) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2, 10)}`;
  return h("div", {}, h("label", { for: control.id }, labelText), control);
}

/** `<select>` from [value, text] pairs. */
export function select(options, attrs = {}, current = "") {
  return h(
    "select",
    attrs,
    options.map(([value, text]) => h("option", { value, selected: value === current }, text)),
  );
}
