// Sync: the state of every source and entity, a manual trigger per source, each source's
// recent transitions and the files it imported (WSOP+ with the lines it rejected). Rows
// change live on `sync_status` events; the imports reload on `import_completed`.

import { badge, bytesText, durationText, fill, h, numberText, timeEl, unavailable } from "../dom.js";
import { throttled } from "../timing.js";

const HISTORY_LIMIT = 20;
const IMPORTS_LIMIT = 10;
const REFRESH_MS = 2000;
const SOURCE_NAMES = { gfx: "PokerGFX", wsop_plus: "WSOP+" };

export function mount(root, ctx) {
  const body = h("div", { testid: "sync" });
  root.append(h("div", { class: "view-header" }, h("h1", {}, "Sync")), body);
  let rows = [];
  const histories = new Map();
  const imports = new Map();
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
    const items = (path, limit) => ctx.api.get(path, { limit }).then((page) => page.items, (error) => error);
    const [pages, files] = await Promise.all([
      Promise.all(sources.map((source) => items(`/api/v1/sync/${source}/history`, HISTORY_LIMIT))),
      Promise.all(sources.map((source) => items(`/api/v1/sync/${source}/imports`, IMPORTS_LIMIT))),
    ]);
    if (current !== generation) return;
    histories.clear();
    imports.clear();
    sources.forEach((source, i) => {
      histories.set(source, pages[i]);
      imports.set(source, files[i]);
    });
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

  function counts(item) {
    if (item.hands_total !== null) {
      return `${numberText(item.hands_new)} new, ${numberText(item.hands_updated)} updated of ${numberText(item.hands_total)} hands`;
    }
    return `${numberText(item.rows_imported)} of ${numberText(item.rows_total)} rows` + (item.rows_failed ? `, ${numberText(item.rows_failed)} rejected` : "");
  }

  function rejected(item) {
    if (!item.errors_total) return "";
    const lines = item.errors.map((e) => `${e.kind} ${e.line === null ? "" : `line ${e.line}: `}${e.message}`);
    if (item.errors_total > item.errors.length) lines.push(`… ${item.errors_total - item.errors.length} more`);
    return h("details", {}, h("summary", {}, `${item.errors_total} line${item.errors_total === 1 ? "" : "s"}`), h("ul", { class: "plain-list small" }, lines.map((line) => h("li", {}, line))));
  }

  function importsTable(source) {
    const items = imports.get(source);
    if (items instanceof Error) return unavailable(`Imports not available: ${items.message}`);
    if (!items?.length) return h("p", { class: "empty" }, "No files imported yet.");
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { testid: `sync-imports-${source}` },
        h("thead", {}, h("tr", {}, ["Imported", "File", "Status", "Counts", "Size", "Problems"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          items.map((item) =>
            h(
              "tr",
              { testid: `sync-import-${item.source}-${item.id}` },
              h("td", {}, timeEl(item.at)),
              h("td", { class: "file-cell", title: item.file_name }, item.file_name),
              h("td", {}, badge(item.status)),
              h("td", {}, counts(item)),
              h("td", { class: "num" }, item.file_size === null ? "" : bytesText(item.file_size)),
              h("td", {}, rejected(item)),
            ),
          ),
        ),
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
          h("h3", {}, "Recent imports"),
          importsTable(source),
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
      if (event.type === "import_completed") {
        refresh();
        return;
      }
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
