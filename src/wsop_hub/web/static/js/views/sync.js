// Sync: the state of every source and entity, a manual trigger per source, and each
// source's recent transitions. Rows change live on `sync_status` events.

import { badge, durationText, fill, h, timeEl, unavailable } from "../dom.js";
import { throttled } from "../timing.js";

const HISTORY_LIMIT = 20;
const REFRESH_MS = 2000;
const SOURCE_NAMES = { gfx: "PokerGFX", wsop_plus: "WSOP+" };

export function mount(root, ctx) {
  const body = h("div", { testid: "sync" });
  root.append(h("div", { class: "view-header" }, h("h1", {}, "Sync")), body);
  let rows = [];
  const histories = new Map();
  let generation = 0;

  async function load() {
    const current = ++generation;
    try {
      rows = await ctx.api.get("/api/v1/sync/status");
    } catch (error) {
      if (current !== generation) return;
      fill(body, unavailable(error.notAvailable ? "Sync status is not available on this hub." : `Cannot load sync status: ${error.message}`, "sync-not-available"));
      return;
    }
    const sources = [...new Set(rows.map((r) => r.source))];
    const pages = await Promise.all(
      sources.map((source) => ctx.api.get(`/api/v1/sync/${source}/history`, { limit: HISTORY_LIMIT }).then((page) => page.items, (error) => error)),
    );
    if (current !== generation) return;
    histories.clear();
    sources.forEach((source, i) => histories.set(source, pages[i]));
    render();
  }

  async function trigger(source, button) {
    button.disabled = true;
    try {
      await ctx.api.post(`/api/v1/sync/${source}/trigger`);
      ctx.toast.show({ title: `${SOURCE_NAMES[source] ?? source} sync requested`, message: "The scheduler picks it up within seconds.", severity: "success" });
      refresh();
    } catch (error) {
      ctx.toast.error(error, "Cannot trigger the sync");
    } finally {
      button.disabled = false;
    }
  }

  function statusRow(row) {
    return h(
      "tr",
      { testid: `sync-row-${row.source}-${row.entity}` },
      h("td", {}, row.entity),
      h("td", { dataset: { field: "status" } }, badge(row.status)),
      h("td", {}, `every ${durationText(row.interval_s)}`),
      h("td", { class: "num" }, String(row.failure_count)),
      h("td", {}, timeEl(row.last_synced_at)),
      h("td", {}, timeEl(row.next_run_at)),
      h("td", { class: "error-cell", title: row.last_error || null }, row.last_error ?? ""),
    );
  }

  function historyList(source) {
    const items = histories.get(source);
    if (items instanceof Error) return unavailable(`History not available: ${items.message}`);
    if (!items?.length) return h("p", { class: "empty" }, "No transitions yet.");
    return h(
      "ul",
      { class: "plain-list small", testid: `sync-history-${source}` },
      items.map((item) =>
        h("li", {}, timeEl(item.at), ` ${item.entity}: ${item.from_status ?? "—"} → `, badge(item.to_status), ` by ${item.actor}`, item.details?.error ? h("span", { class: "form-error" }, ` ${item.details.error}`) : null),
      ),
    );
  }

  function render() {
    const sources = [...new Set(rows.map((r) => r.source))];
    if (!sources.length) {
      fill(body, h("p", { class: "empty" }, "No sync schedule is configured."));
      return;
    }
    fill(
      body,
      sources.map((source) => {
        const button = h("button", { type: "button", class: "primary", testid: `sync-trigger-${source}` }, "Sync now");
        button.addEventListener("click", () => trigger(source, button));
        return h(
          "section",
          { class: "panel", testid: `sync-source-${source}` },
          h("div", { class: "view-header" }, h("h2", {}, SOURCE_NAMES[source] ?? source), h("span", { class: "spacer" }), button),
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h("thead", {}, h("tr", {}, ["Entity", "Status", "Interval", "Failures", "Last synced", "Next run", "Last error"].map((c) => h("th", { scope: "col" }, c)))),
              h("tbody", {}, rows.filter((r) => r.source === source).map(statusRow)),
            ),
          ),
          h("h3", {}, "Recent transitions"),
          historyList(source),
        );
      }),
    );
  }

  const refresh = throttled(load, REFRESH_MS);
  refresh();
  return {
    unmount() {
      generation += 1;
      refresh.cancel();
    },
    onEvent(event) {
      if (event.type !== "sync_status") return;
      const data = event.data || {};
      const row = rows.find((r) => r.source === data.source && r.entity === data.entity);
      if (row) {
        Object.assign(row, data);
        render();
      }
      refresh(); // the history and next_run_at come from the API
    },
    onResync: refresh,
  };
}
