// Events and alerts: monitoring events filtered by severity / resolved / type, newest
// first with keyset paging; resolve with notes. New alerts merge in at the top live.

import { askForm } from "../dialogs.js";
import { badge, field, fill, h, select, timeEl, unavailable } from "../dom.js";
import { debounced, throttled } from "../timing.js";

const SEVERITIES = ["info", "warning", "error", "critical"];
const PAGE_SIZE = 50;
const REFRESH_MS = 2000;

function filterFromQuery(query) {
  const filter = {};
  for (const key of ["severity", "resolved", "event_type"]) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

function matches(event, filter) {
  if (filter.severity && event.severity !== filter.severity) return false;
  if (filter.resolved && String(event.resolved) !== filter.resolved) return false;
  if (filter.event_type && event.event_type !== filter.event_type) return false;
  return true;
}

export function mount(root, ctx, route) {
  const state = { filter: filterFromQuery(route.query), items: [], byId: new Map(), nextBeforeId: null, generation: 0 };
  const severitySelect = select([["", "any severity"], ...SEVERITIES.map((s) => [s, s])], { testid: "events-filter-severity" }, state.filter.severity ?? "");
  const resolvedSelect = select([["", "open and resolved"], ["false", "open"], ["true", "resolved"]], { testid: "events-filter-resolved" }, state.filter.resolved ?? "");
  const typeInput = h("input", { type: "search", placeholder: "exact type", value: state.filter.event_type ?? "", testid: "events-filter-type" });
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter events" },
    field("Severity", severitySelect),
    field("State", resolvedSelect),
    field("Event type", typeInput),
  );
  const message = h("div");
  const tbody = h("tbody", { testid: "events-body" });
  const columns = ["Event", "When", "Severity", "Type", "Source", "Message", "State", ""];
  const olderButton = h("button", { type: "button", testid: "events-older" }, "Older");
  const count = h("span", { class: "muted" });
  root.append(
    h("div", { class: "view-header" }, h("h1", {}, "Events and alerts")),
    filters,
    message,
    h(
      "div",
      { class: "table-wrap" },
      h("table", { testid: "events-table", "aria-label": "Monitoring events, newest first" }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))), tbody),
    ),
    h("div", { class: "pager" }, olderButton, count),
  );

  function stateCell(event) {
    if (!event.resolved) return h("td", { dataset: { field: "state" } }, badge("open", { dataset: { value: "warning" } }));
    return h(
      "td",
      { dataset: { field: "state" } },
      badge("resolved"),
      h("div", { class: "small muted" }, `by ${event.resolved_by ?? "?"} `, timeEl(event.resolved_at)),
      event.notes ? h("div", { class: "small" }, event.notes) : null,
    );
  }

  function renderRow(event) {
    const payload = event.payload && Object.keys(event.payload).length ? h("details", {}, h("summary", {}, "payload"), h("pre", { class: "mono" }, JSON.stringify(event.payload, null, 2))) : null;
    return h(
      "tr",
      { testid: `event-row-${event.id}`, dataset: { id: event.id }, class: matches(event, state.filter) ? null : "stale-match" },
      h("td", { class: "num" }, `#${event.id}`),
      h("td", {}, timeEl(event.created_at)),
      h("td", {}, badge(event.severity)),
      h("td", { class: "mono small" }, event.event_type),
      h("td", {}, event.source),
      h("td", {}, h("div", {}, event.message), payload),
      stateCell(event),
      h("td", {}, event.resolved ? null : h("button", { type: "button", testid: `resolve-${event.id}`, onclick: () => resolve(event) }, "Resolve…")),
    );
  }

  function renderAll() {
    if (state.items.length === 0) fill(tbody, h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, "No event matches the filter.")));
    else fill(tbody, state.items.map(renderRow));
    olderButton.disabled = state.nextBeforeId === null;
    count.textContent = `${state.items.length} event${state.items.length === 1 ? "" : "s"} shown`;
  }

  function upsert(event) {
    const known = state.byId.has(event.id);
    state.byId.set(event.id, event);
    if (known) {
      state.items[state.items.findIndex((e) => e.id === event.id)] = event;
    } else {
      let index = state.items.findIndex((e) => e.id < event.id);
      if (index < 0) index = state.items.length;
      state.items.splice(index, 0, event);
    }
  }

  const query = (extra = {}) => ({ ...state.filter, limit: PAGE_SIZE, ...extra });

  async function reload() {
    const generation = ++state.generation;
    fill(message);
    try {
      const page = await ctx.api.get("/api/events", query());
      if (generation !== state.generation) return;
      state.items = page.items;
      state.byId = new Map(page.items.map((e) => [e.id, e]));
      state.nextBeforeId = page.next_before_id;
    } catch (error) {
      if (generation !== state.generation) return;
      state.items = [];
      state.byId = new Map();
      state.nextBeforeId = null;
      fill(message, unavailable(error.notAvailable ? "Events are not available on this hub." : `Cannot load events: ${error.message}`));
    }
    renderAll();
  }

  /** New events since the list was loaded, merged at the top (older pages stay). */
  async function refreshTop() {
    const generation = state.generation;
    try {
      const page = await ctx.api.get("/api/events", query());
      if (generation !== state.generation) return;
      page.items.forEach(upsert);
      if (state.items.length === page.items.length) state.nextBeforeId = page.next_before_id;
      renderAll();
    } catch (error) {
      if (error.status !== 401) console.error("refreshing events failed", error);
    }
  }

  async function loadOlder() {
    if (state.nextBeforeId === null) return;
    const generation = state.generation;
    olderButton.disabled = true;
    try {
      const page = await ctx.api.get("/api/events", query({ before_id: state.nextBeforeId }));
      if (generation !== state.generation) return;
      page.items.forEach(upsert);
      state.nextBeforeId = page.next_before_id;
    } catch (error) {
      ctx.toast.error(error, "Cannot load older events");
    }
    renderAll();
  }

  async function resolve(event) {
    const values = await askForm({
      title: `Resolve event #${event.id}`,
      description: h("p", {}, `${event.severity} · ${event.event_type}: `, event.message),
      fields: [{ name: "notes", label: "Notes (what was done)", type: "textarea", required: true, minLength: 3, maxLength: 2000, testid: "resolve-notes" }],
      confirmLabel: "Resolve",
      testid: "resolve-dialog",
    });
    if (!values) return;
    try {
      const resolved = await ctx.api.post(`/api/events/${event.id}/resolve`, { notes: values.notes });
      upsert(resolved);
      renderAll();
      ctx.toast.show({ title: `Event #${event.id} resolved`, severity: "success" });
    } catch (error) {
      ctx.toast.error(error, "Cannot resolve the event");
    }
  }

  function readFilter() {
    const filter = { severity: severitySelect.value, resolved: resolvedSelect.value, event_type: typeInput.value.trim() };
    state.filter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
    const search = new URLSearchParams(state.filter).toString();
    window.history.replaceState(null, "", `#/events${search ? `?${search}` : ""}`);
    reload();
  }

  const typedFilter = debounced(readFilter, 300);
  filters.addEventListener("submit", (event) => event.preventDefault());
  severitySelect.addEventListener("change", readFilter);
  resolvedSelect.addEventListener("change", readFilter);
  typeInput.addEventListener("input", typedFilter);
  olderButton.addEventListener("click", loadOlder);
  const refresh = throttled(refreshTop, REFRESH_MS);
  reload();
  return {
    unmount() {
      state.generation += 1;
      refresh.cancel();
      typedFilter.cancel();
    },
    onEvent(event) {
      if (event.type === "alert" || event.type === "notification") refresh();
    },
    onResync: reload,
  };
}
