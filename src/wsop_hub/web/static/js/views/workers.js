// Workers: registered render workers, their heartbeat age (ticking every second between
// fetches), current jobs and a progress bar per job fed by `render_progress`.

import { badge, durationText, fill, h, timeEl, unavailable } from "../dom.js";
import { throttled } from "../timing.js";

/** Heartbeats are not events (too many): re-read the table this often for their age. */
const POLL_MS = 10000;
const REFRESH_MS = 1000;
/** A heartbeat older than this (3 × the default 10 s interval) is shown as late. */
const LATE_AFTER_S = 30;

export function mount(root, ctx) {
  const body = h("div", { testid: "workers" });
  const note = h("span", { class: "muted small" });
  root.append(h("div", { class: "view-header" }, h("h1", {}, "Workers"), h("span", { class: "spacer" }), note), body);
  /** worker id → {worker, fetchedAt (ms), heartbeatAgeS at fetch} */
  const workers = new Map();
  /** instruction id → {percent, frame, total} */
  const progress = new Map();
  const ageCells = new Map();
  let error = null;

  async function load() {
    try {
      const list = await ctx.api.get("/api/workers");
      const fetchedAt = Date.now();
      workers.clear();
      for (const worker of list) workers.set(worker.id, { worker, fetchedAt, ageS: Number(worker.heartbeat_age_s) });
      error = null;
    } catch (err) {
      error = err;
    }
    render();
  }

  function ageOf(entry) {
    return entry.ageS + (Date.now() - entry.fetchedAt) / 1000;
  }

  function jobCell(jobId) {
    const p = progress.get(jobId);
    return h(
      "div",
      { class: "progress", testid: `worker-job-${jobId}` },
      h("a", { href: `#/job/${jobId}` }, `#${jobId}`),
      h("progress", {
        max: 100,
        value: p ? p.percent : null,
        "aria-label": `Render progress of job #${jobId}`,
        testid: `progress-${jobId}`,
      }),
      h("span", { class: "small muted", testid: `progress-text-${jobId}` }, p ? `${p.percent.toFixed(0)} %${p.total ? ` · ${p.frame}/${p.total}` : ""}` : "starting"),
    );
  }

  function render() {
    ageCells.clear();
    if (error) {
      fill(body, unavailable(error.notAvailable ? "Workers are not available on this hub." : `Cannot load workers: ${error.message}`));
      return;
    }
    if (workers.size === 0) {
      fill(body, h("p", { class: "empty", testid: "no-workers" }, "No worker is registered. Start one with `wsop-hub worker`."));
      return;
    }
    const rows = [...workers.values()].map((entry) => {
      const w = entry.worker;
      const age = h("td", { class: "num", testid: `heartbeat-age-${w.id}` }, durationText(ageOf(entry)));
      ageCells.set(w.id, { cell: age, entry });
      return h(
        "tr",
        { testid: `worker-row-${w.id}`, dataset: { id: w.id } },
        h("td", { class: "mono" }, w.id),
        h("td", {}, w.role),
        h("td", {}, `${w.hostname} (pid ${w.pid})`),
        h("td", {}, badge(w.status, { testid: "worker-status" })),
        h("td", { class: "num" }, `${w.current_job_ids.length}/${w.concurrency}`),
        age,
        h("td", {}, timeEl(w.started_at)),
        h("td", {}, w.current_job_ids.length ? w.current_job_ids.map(jobCell) : h("span", { class: "muted" }, "idle")),
      );
    });
    fill(
      body,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { testid: "workers-table" },
          h("thead", {}, h("tr", {}, ["Worker", "Role", "Host", "Status", "Jobs", "Heartbeat age", "Started", "Current jobs"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, rows),
        ),
      ),
    );
    tick();
  }

  function tick() {
    for (const { cell, entry } of ageCells.values()) {
      const age = ageOf(entry);
      cell.textContent = durationText(age);
      cell.classList.toggle("form-error", age > LATE_AFTER_S && entry.worker.status !== "gone");
      cell.title = age > LATE_AFTER_S ? "heartbeat late" : "";
    }
    note.textContent = `${workers.size} worker${workers.size === 1 ? "" : "s"}`;
  }

  function updateProgress(data) {
    const id = Number(data.instruction_id);
    const percent = Number(data.percent ?? (data.total ? (100 * data.frame) / data.total : 0));
    progress.set(id, { percent, frame: data.frame, total: data.total });
    const bar = body.querySelector(`[data-testid="progress-${id}"]`);
    const text = body.querySelector(`[data-testid="progress-text-${id}"]`);
    if (bar && text) {
      bar.value = percent;
      text.textContent = `${percent.toFixed(0)} %${data.total ? ` · ${data.frame}/${data.total}` : ""}`;
    } else {
      refresh(); // a job we do not show yet: its worker's list changed
    }
  }

  const refresh = throttled(load, REFRESH_MS);
  refresh();
  const poll = setInterval(refresh, POLL_MS);
  const ticker = setInterval(tick, 1000);
  return {
    unmount() {
      refresh.cancel();
      clearInterval(poll);
      clearInterval(ticker);
    },
    onEvent(event) {
      const data = event.data || {};
      if (event.type === "worker_updated") {
        const entry = workers.get(data.id);
        if (!entry) {
          refresh();
          return;
        }
        entry.worker = { ...entry.worker, status: data.status ?? entry.worker.status, current_job_ids: data.current_job_ids ?? entry.worker.current_job_ids, concurrency: data.concurrency ?? entry.worker.concurrency };
        render();
      } else if (event.type === "render_progress") {
        updateProgress(data);
      } else if (event.type === "instruction_updated" && data.status !== "processing") {
        progress.delete(Number(data.id));
      }
    },
    onResync: refresh,
  };
}
