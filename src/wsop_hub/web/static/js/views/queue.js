// Queue: render instructions newest first, filtered, paged by keyset ("Older" loads the
// page before `next_before_id`). Rows change in place on `instruction_updated`; a job
// that appears or starts matching the filter is inserted at its place (newest on top).

import { allowed, cancelJob, changePriority, retryJob } from "../actions.js";
import { askForm, reasonField } from "../dialogs.js";
import { badge, field, fill, h, isoToLocalInput, localInputToIso, select, timeEl, unavailable } from "../dom.js";
import { debounced } from "../timing.js";

const STATUSES = ["pending", "processing", "completed", "failed", "stale", "cancelled"];
const TRIGGERS = ["premium_hand", "elimination", "chip_count", "leaderboard", "payouts", "cue", "manual"];
const RETRYABLE = ["failed", "cancelled"];
const PAGE_SIZE = 50;
/** Bulk retry handles at most this many jobs per request (the API's upper limit). */
const BULK_LIMIT = 5000;
const COUNT_PAGE_SIZE = 200;
/** A status change that brings fields the event does not carry (error, completion time). */
const REFETCH_ON = new Set(["failed", "completed", "cancelled"]);
const FILTER_KEYS = ["status", "priority", "template_name", "trigger_type", "created_after", "created_before"];

export const SHORTCUTS = [
  ["j / k", "select the next / previous job"],
  ["Enter or o", "open the selected job"],
  ["r", "retry the selected job"],
  ["c", "cancel the selected job"],
  ["p", "change the selected job's priority"],
  ["b", "bulk retry every job the filter matches"],
  ["/", "jump to the filters"],
];

function filterFromQuery(query) {
  const filter = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

function matches(job, filter) {
  if (filter.status && job.status !== filter.status) return false;
  if (filter.priority && job.priority !== Number(filter.priority)) return false;
  if (filter.template_name && job.template_name !== filter.template_name) return false;
  if (filter.trigger_type && job.trigger_type !== filter.trigger_type) return false;
  const created = new Date(job.created_at).getTime();
  if (filter.created_after && created < new Date(filter.created_after).getTime()) return false;
  if (filter.created_before && created >= new Date(filter.created_before).getTime()) return false;
  return true;
}

function describeFilter(filter) {
  const parts = Object.entries(filter)
    .filter(([key, value]) => value && key !== "status")
    .map(([key, value]) => `${key.replace("_", " ")} = ${value}`);
  return parts.length ? `Filter: ${parts.join(", ")}.` : "No other filter: every such job in the hub.";
}

export function mount(root, ctx, route) {
  const state = {
    filter: filterFromQuery(route.query),
    jobs: [],
    byId: new Map(),
    nextBeforeId: null,
    selectedId: null,
    loading: true,
    queued: [],
    generation: 0,
    fetching: new Set(),
    fetchAgain: new Set(),
    flash: new Set(),
  };

  // -- filters --------------------------------------------------------------------------
  const statusSelect = select([["", "any status"], ...STATUSES.map((s) => [s, s])], { testid: "filter-status" }, state.filter.status ?? "");
  const prioritySelect = select(
    [["", "any priority"], ...Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)])],
    { testid: "filter-priority" },
    state.filter.priority ?? "",
  );
  const templateInput = h("input", {
    type: "search",
    list: "queue-templates",
    placeholder: "exact name",
    value: state.filter.template_name ?? "",
    testid: "filter-template",
  });
  const templateList = h("datalist", { id: "queue-templates" });
  const triggerSelect = select([["", "any trigger"], ...TRIGGERS.map((t) => [t, t])], { testid: "filter-trigger" }, state.filter.trigger_type ?? "");
  const afterInput = h("input", { type: "datetime-local", value: isoToLocalInput(state.filter.created_after), testid: "filter-created-after" });
  const beforeInput = h("input", { type: "datetime-local", value: isoToLocalInput(state.filter.created_before), testid: "filter-created-before" });
  const resetButton = h("button", { type: "button", testid: "filter-reset" }, "Clear filters");
  const bulkButton = h("button", { type: "button", testid: "bulk-retry" }, "Bulk retry…");
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter jobs" },
    field("Status", statusSelect),
    field("Priority", prioritySelect),
    field("Template", templateInput),
    templateList,
    field("Trigger", triggerSelect),
    field("Created from (local time)", afterInput),
    field("Created before (local time)", beforeInput),
    h("div", {}, resetButton),
    h("div", {}, bulkButton),
  );

  // -- action bar, table, pager ---------------------------------------------------------
  const selection = h("span", { class: "muted", testid: "selection", "aria-live": "polite" }, "No job selected");
  const openButton = h("button", { type: "button", testid: "action-open" }, "Open");
  const retryButton = h("button", { type: "button", testid: "action-retry" }, "Retry…");
  const priorityButton = h("button", { type: "button", testid: "action-priority" }, "Priority…");
  const cancelButton = h("button", { type: "button", class: "danger", testid: "action-cancel" }, "Cancel…");
  const actionBar = h("div", { class: "actionbar", role: "toolbar", "aria-label": "Actions on the selected job" }, selection, openButton, retryButton, priorityButton, cancelButton);
  const tbody = h("tbody", { testid: "queue-body" });
  const columns = ["Job", "Template", "Status", "Priority", "Trigger", "Hand", "Attempt", "Worker", "Created", "Updated", "Error"];
  const table = h(
    "table",
    { class: "queue-table", testid: "queue-table", "aria-label": "Render instructions, newest first" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    tbody,
  );
  const message = h("div", { testid: "queue-message" });
  const olderButton = h("button", { type: "button", testid: "queue-older" }, "Older");
  const count = h("span", { class: "muted", testid: "queue-count" });
  root.append(
    h("div", { class: "view-header" }, h("h1", {}, "Queue"), h("span", { class: "muted small" }, "j/k select · r retry · c cancel · p priority · ? help")),
    filters,
    actionBar,
    message,
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "pager" }, olderButton, count),
  );

  // -- rendering ------------------------------------------------------------------------
  const selected = () => state.byId.get(state.selectedId) ?? null;

  function renderRow(job) {
    const tr = h(
      "tr",
      {
        testid: `queue-row-${job.id}`,
        dataset: { id: job.id },
        "aria-selected": String(job.id === state.selectedId),
        class: matches(job, state.filter) ? null : "stale-match",
        title: matches(job, state.filter) ? null : "no longer matches the filter",
      },
      h("td", { class: "num" }, h("a", { href: `#/job/${job.id}` }, `#${job.id}`)),
      h("td", {}, job.template_name),
      h("td", { dataset: { field: "status" } }, badge(job.status)),
      h("td", { class: "num", dataset: { field: "priority" } }, String(job.priority)),
      h("td", {}, job.trigger_type),
      h("td", {}, job.hand_id ? h("a", { href: `#/hand/${job.hand_id}` }, `#${job.hand_id}`) : "—"),
      h("td", { class: "num", title: `retries ${job.retry_count}/${job.max_retries}` }, String(job.attempt)),
      h("td", { class: "mono small" }, job.worker_id ?? "—"),
      h("td", {}, timeEl(job.created_at)),
      h("td", {}, timeEl(job.updated_at)),
      h("td", { class: "error-cell", title: job.error_message || null, dataset: { field: "error" } }, job.error_message ?? ""),
    );
    if (state.flash.delete(job.id)) tr.classList.add("flash");
    return tr;
  }

  const rowElement = (id) => tbody.querySelector(`tr[data-id="${Number(id)}"]`);

  function renderAll() {
    if (state.jobs.length === 0) {
      fill(tbody, h("tr", {}, h("td", { colspan: columns.length, class: "empty", testid: "queue-empty" }, state.loading ? "Loading…" : "No job matches the filter.")));
    } else {
      fill(tbody, state.jobs.map(renderRow));
    }
    const names = new Set(state.jobs.map((job) => job.template_name));
    fill(templateList, [...names].sort().map((name) => h("option", { value: name })));
    updatePager();
    updateActions();
  }

  function updatePager() {
    olderButton.disabled = state.loading || state.nextBeforeId === null;
    count.textContent = `${state.jobs.length} job${state.jobs.length === 1 ? "" : "s"} shown${state.nextBeforeId === null ? "" : "; older ones on the next page"}`;
  }

  function updateActions() {
    const job = selected();
    selection.textContent = job ? `#${job.id} ${job.template_name} (${job.status})` : "No job selected";
    openButton.disabled = !job;
    retryButton.disabled = !allowed("retry", job);
    priorityButton.disabled = !allowed("priority", job);
    cancelButton.disabled = !allowed("cancel", job);
  }

  function selectJob(id, scroll = false) {
    state.selectedId = id;
    for (const tr of tbody.querySelectorAll("tr[data-id]")) {
      tr.setAttribute("aria-selected", String(Number(tr.dataset.id) === id));
    }
    if (scroll) rowElement(id)?.scrollIntoView({ block: "nearest" });
    updateActions();
  }

  function move(delta) {
    if (state.jobs.length === 0) return;
    let index = state.jobs.findIndex((job) => job.id === state.selectedId);
    if (index < 0) index = delta > 0 ? 0 : state.jobs.length - 1;
    else index = Math.min(Math.max(index + delta, 0), state.jobs.length - 1);
    selectJob(state.jobs[index].id, true);
  }

  /** Puts a job into the table: replaced in place when shown, else inserted by id. */
  function upsert(job) {
    state.flash.add(job.id);
    if (state.byId.has(job.id)) {
      state.byId.set(job.id, job);
      state.jobs[state.jobs.findIndex((j) => j.id === job.id)] = job;
      const old = rowElement(job.id);
      if (old) old.replaceWith(renderRow(job));
      if (job.id === state.selectedId) updateActions();
      return;
    }
    state.byId.set(job.id, job);
    let index = state.jobs.findIndex((j) => j.id < job.id);
    if (index < 0) index = state.jobs.length;
    state.jobs.splice(index, 0, job);
    renderAll();
  }

  // -- loading --------------------------------------------------------------------------
  function apiFilter() {
    const query = { ...state.filter };
    if (query.priority) query.priority = Number(query.priority);
    return query;
  }

  function drainQueued() {
    const queued = state.queued;
    state.queued = [];
    queued.forEach(applyEvent);
  }

  async function reload() {
    const generation = ++state.generation;
    state.loading = true;
    state.queued = [];
    fill(message);
    updatePager();
    try {
      const page = await ctx.api.get("/api/instructions", { ...apiFilter(), limit: PAGE_SIZE });
      if (generation !== state.generation) return;
      state.jobs = page.items;
      state.byId = new Map(page.items.map((job) => [job.id, job]));
      state.nextBeforeId = page.next_before_id;
      if (!state.byId.has(state.selectedId)) state.selectedId = null;
    } catch (error) {
      if (generation !== state.generation) return;
      state.jobs = [];
      state.byId = new Map();
      state.nextBeforeId = null;
      fill(message, unavailable(error.notAvailable ? "The queue is not available on this hub." : `Cannot load the queue: ${error.message}`));
    }
    state.loading = false;
    renderAll();
    drainQueued();
  }

  async function loadOlder() {
    if (state.nextBeforeId === null || state.loading) return;
    const generation = state.generation;
    olderButton.disabled = true;
    try {
      const page = await ctx.api.get("/api/instructions", { ...apiFilter(), before_id: state.nextBeforeId, limit: PAGE_SIZE });
      if (generation !== state.generation) return;
      for (const job of page.items) {
        if (state.byId.has(job.id)) continue;
        state.byId.set(job.id, job);
        state.jobs.push(job);
      }
      state.nextBeforeId = page.next_before_id;
      renderAll();
    } catch (error) {
      ctx.toast.error(error, "Cannot load older jobs");
      updatePager();
    }
  }

  /** Full row from the API (the event carries only the changed fields). */
  async function refetch(id) {
    if (state.fetching.has(id)) {
      state.fetchAgain.add(id); // a newer change arrived while the row was in flight
      return;
    }
    state.fetching.add(id);
    const generation = state.generation;
    try {
      const { instruction } = await ctx.api.get(`/api/instructions/${id}`);
      if (generation !== state.generation) return;
      if (state.byId.has(id) || matches(instruction, state.filter)) upsert(instruction);
    } catch (error) {
      if (error.status !== 404) console.error(`refreshing job ${id} failed`, error);
    } finally {
      state.fetching.delete(id);
      if (state.fetchAgain.delete(id)) refetch(id);
    }
  }

  function applyEvent(event) {
    const data = event.data || {};
    const id = Number(data.id);
    if (!id) return;
    const known = state.byId.get(id);
    if (known) {
      const job = {
        ...known,
        status: data.status ?? known.status,
        priority: data.priority ?? known.priority,
        attempt: data.attempt ?? known.attempt,
        worker_id: data.worker_id === undefined ? known.worker_id : data.worker_id,
        updated_at: event.timestamp ?? known.updated_at,
      };
      upsert(job);
      if (state.fetching.has(id) || (job.status !== known.status && REFETCH_ON.has(job.status))) {
        refetch(id);
      }
      return;
    }
    const f = state.filter;
    if (f.status && data.status !== f.status) return;
    if (f.priority && data.priority !== Number(f.priority)) return;
    if (f.template_name && data.template_name !== f.template_name) return;
    // Older than the last loaded row while more pages exist: it belongs to a later page.
    if (state.nextBeforeId !== null && id < state.nextBeforeId) return;
    refetch(id);
  }

  // -- actions --------------------------------------------------------------------------
  async function act(action) {
    const job = selected();
    if (!job) {
      ctx.toast.show({ title: "Select a job first", message: "Click a row or use j / k.", severity: "info" });
      return;
    }
    const updated = await action(ctx, job);
    if (updated) upsert(updated);
  }

  function openSelected() {
    const job = selected();
    if (job) ctx.navigate(`#/job/${job.id}`);
  }

  async function countMatching(statuses, common) {
    let total = 0;
    for (const status of statuses) {
      let beforeId = null;
      do {
        const page = await ctx.api.get("/api/instructions", { ...common, status, before_id: beforeId, limit: COUNT_PAGE_SIZE });
        total += page.items.length;
        beforeId = page.next_before_id;
      } while (beforeId !== null && total < BULK_LIMIT);
    }
    return total;
  }

  async function bulkRetry() {
    const f = state.filter;
    if (f.status && !RETRYABLE.includes(f.status)) {
      ctx.toast.show({
        title: "Bulk retry needs failed or cancelled jobs",
        message: `The status filter is "${f.status}"; set it to failed or cancelled, or clear it.`,
        severity: "warning",
      });
      return;
    }
    const statuses = f.status ? [f.status] : RETRYABLE;
    const common = {
      template_name: f.template_name,
      trigger_type: f.trigger_type,
      created_after: f.created_after,
      created_before: f.created_before,
    };
    let total;
    bulkButton.disabled = true;
    try {
      total = await countMatching(statuses, common);
    } catch (error) {
      ctx.toast.error(error, "Cannot count the matching jobs");
      return;
    } finally {
      bulkButton.disabled = false;
    }
    const kind = statuses.join(" or ");
    if (total === 0) {
      ctx.toast.show({ title: "Nothing to retry", message: `No ${kind} job matches the filter.`, severity: "info" });
      return;
    }
    const n = Math.min(total, BULK_LIMIT);
    const plural = n === 1 ? "" : "s";
    const values = await askForm({
      title: "Bulk retry",
      description: h(
        "div",
        {},
        h("p", {}, "This retries ", h("strong", { testid: "bulk-count" }, String(n)), ` ${kind} job${plural}`, total >= BULK_LIMIT ? ` (the first ${BULK_LIMIT}; run it again for the rest).` : "."),
        h("p", { class: "muted small" }, describeFilter(common)),
        f.priority ? h("p", { class: "muted small" }, "The priority filter does not apply to bulk retry.") : null,
      ),
      fields: [reasonField()],
      confirmLabel: `Retry ${n} job${plural}`,
      testid: "bulk-retry-dialog",
    });
    if (!values) return;
    try {
      const result = await ctx.api.post("/api/actions/bulk-retry", {
        filter: { status: statuses, ...common },
        reason: values.reason,
        limit: BULK_LIMIT,
      });
      ctx.toast.show({ title: `Retried ${result.count} job${result.count === 1 ? "" : "s"}`, severity: "success", testid: "bulk-result" });
    } catch (error) {
      ctx.toast.error(error, "Bulk retry refused");
    }
  }

  // -- wiring ---------------------------------------------------------------------------
  function readFilter() {
    const filter = {
      status: statusSelect.value,
      priority: prioritySelect.value,
      template_name: templateInput.value.trim(),
      trigger_type: triggerSelect.value,
      created_after: localInputToIso(afterInput.value),
      created_before: localInputToIso(beforeInput.value),
    };
    state.filter = Object.fromEntries(Object.entries(filter).filter(([, value]) => value));
    const query = new URLSearchParams(state.filter).toString();
    window.history.replaceState(null, "", `#/queue${query ? `?${query}` : ""}`);
    reload();
  }

  const typedFilter = debounced(readFilter, 300);
  filters.addEventListener("submit", (event) => event.preventDefault());
  for (const el of [statusSelect, prioritySelect, triggerSelect, afterInput, beforeInput]) el.addEventListener("change", readFilter);
  templateInput.addEventListener("input", typedFilter);
  resetButton.addEventListener("click", () => {
    for (const el of [statusSelect, prioritySelect, triggerSelect, templateInput, afterInput, beforeInput]) el.value = "";
    readFilter();
  });
  bulkButton.addEventListener("click", bulkRetry);
  olderButton.addEventListener("click", loadOlder);
  openButton.addEventListener("click", openSelected);
  retryButton.addEventListener("click", () => act(retryJob));
  priorityButton.addEventListener("click", () => act(changePriority));
  cancelButton.addEventListener("click", () => act(cancelJob));
  tbody.addEventListener("click", (event) => {
    const tr = event.target.closest("tr[data-id]");
    if (tr && !event.target.closest("a")) selectJob(Number(tr.dataset.id));
  });
  tbody.addEventListener("dblclick", (event) => {
    const tr = event.target.closest("tr[data-id]");
    if (tr) ctx.navigate(`#/job/${tr.dataset.id}`);
  });

  renderAll();
  reload();

  return {
    unmount() {
      state.generation += 1;
      typedFilter.cancel();
    },
    onEvent(event) {
      if (event.type !== "instruction_updated") return;
      if (state.loading) state.queued.push(event);
      else applyEvent(event);
    },
    onResync: reload,
    onKey(key, event) {
      switch (key) {
        case "j":
          move(1);
          return true;
        case "k":
          move(-1);
          return true;
        case "Enter":
          if (event.target.closest?.("a, button")) return false;
          openSelected();
          return true;
        case "o":
          openSelected();
          return true;
        case "r":
          act(retryJob);
          return true;
        case "c":
          act(cancelJob);
          return true;
        case "p":
          act(changePriority);
          return true;
        case "b":
          bulkRetry();
          return true;
        case "/":
          statusSelect.focus();
          return true;
        default:
          return false;
      }
    },
  };
}
