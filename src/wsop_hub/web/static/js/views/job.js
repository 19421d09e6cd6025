// Job detail: one render instruction with its transition history, errors, live render
// progress and outputs, and the hand it belongs to.

import { allowed, cancelJob, changePriority, retryJob } from "../actions.js";
import { badge, fill, h, timeEl, unavailable } from "../dom.js";
import { OutputGallery } from "../outputs.js";
import { throttled } from "../timing.js";

const REFRESH_MS = 1000;

export function historyTable(history, testid = "history") {
  if (!history.length) return h("p", { class: "empty" }, "No transitions recorded.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { testid },
      h("thead", {}, h("tr", {}, ["When", "From", "To", "Attempt", "By", "Reason"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        history.map((entry) =>
          h(
            "tr",
            {},
            h("td", {}, timeEl(entry.at)),
            h("td", {}, entry.from_status ? badge(entry.from_status) : "—"),
            h("td", {}, badge(entry.to_status)),
            h("td", { class: "num" }, String(entry.attempt)),
            h("td", { class: "mono small" }, entry.actor),
            h("td", {}, entry.reason ?? ""),
          ),
        ),
      ),
    ),
  );
}

export function mount(root, ctx, route) {
  const id = Number(route.id);
  const gallery = new OutputGallery(ctx);
  const actions = h("div", { class: "actionbar", role: "toolbar", "aria-label": "Actions on this job" });
  const summary = h("section", { class: "panel", testid: "job-summary" });
  const progress = h("section", { class: "panel", testid: "job-progress", hidden: true });
  const errors = h("section", { class: "panel", testid: "job-errors" });
  const history = h("section", { class: "panel", testid: "job-history" });
  const outputs = h("section", { class: "panel", testid: "job-outputs" });
  const layer = h("section", { class: "panel", testid: "job-layer-data" });
  root.append(
    h("div", { class: "view-header" }, h("h1", {}, `Job #${id}`), h("a", { href: "#/queue" }, "← queue"), h("span", { class: "spacer" }), actions),
    h("div", { class: "grid wide" }, summary, h("div", { class: "stack" }, progress, errors, outputs)),
    history,
    layer,
  );
  let job = null;

  async function runAction(action) {
    if (!job) return;
    const updated = await action(ctx, job);
    if (updated) refresh();
  }

  function renderActions() {
    const button = (label, action, name, danger = false) =>
      h("button", { type: "button", class: danger ? "danger" : null, disabled: !allowed(name, job), testid: `job-${name}`, onclick: () => runAction(action) }, label);
    fill(actions, button("Retry…", retryJob, "retry"), button("Priority…", changePriority, "priority"), button("Cancel…", cancelJob, "cancel", true));
  }

  function renderSummary(flowInfo) {
    const rows = [
      ["status", badge(job.status, { testid: "job-status" })],
      ["template", job.template_name],
      ["priority", h("span", { testid: "job-priority" }, String(job.priority))],
      ["trigger", `${job.trigger_type}${job.trigger_id ? ` (${job.trigger_id})` : ""}`],
      ["hand", job.hand_id ? h("a", { href: `#/hand/${job.hand_id}`, testid: "job-hand-link" }, `#${job.hand_id} data flow`) : "—"],
      ["attempt", String(job.attempt)],
      ["retries", `${job.retry_count} of ${job.max_retries}`],
      ["worker", job.worker_id ?? "—"],
      ["lease expires", timeEl(job.lease_expires_at)],
      ["next retry", timeEl(job.next_retry_at)],
      ["created", timeEl(job.created_at)],
      ["started", timeEl(job.started_at)],
      ["completed", timeEl(job.completed_at)],
      ["updated", timeEl(job.updated_at)],
      ["output", `${job.output_settings.format} ${job.output_settings.width}×${job.output_settings.height} @ ${job.output_settings.fps} fps, ${job.output_settings.duration_frames} frames`],
      ["dedup key", job.dedup_key ?? "—"],
    ];
    fill(
      summary,
      h("h2", {}, "Summary"),
      h("dl", { class: "kv" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      flowInfo,
    );
  }

  function renderErrors(entries) {
    const failures = entries.filter((e) => e.to_status === "failed" || e.to_status === "stale");
    fill(
      errors,
      h("h2", {}, "Errors"),
      job.error_message ? h("pre", { class: "form-error", testid: "job-error" }, job.error_message) : null,
      failures.length
        ? h(
            "ul",
            { class: "plain-list" },
            failures.map((e) => h("li", {}, timeEl(e.at), ` attempt ${e.attempt} → ${e.to_status}: `, e.reason ?? "(no reason recorded)")),
          )
        : job.error_message
          ? null
          : h("p", { class: "empty" }, "No errors."),
    );
  }

  /** The render status (outputs, last progress) where the hub has the render API. */
  async function renderStatus() {
    try {
      return await ctx.api.get(`/api/v1/render/${id}/status`);
    } catch (error) {
      if (error.status === 404) return null;
      throw error;
    }
  }

  /** Outputs from the first place that has them: the detail, the render API, the hand. */
  async function loadOutputs(detail, status) {
    const flow = job.hand_id ? await ctx.api.get("/api/data-flow", { hand_id: job.hand_id }) : null;
    if (Array.isArray(detail.outputs)) return { outputs: detail.outputs, flow };
    if (status) return { outputs: status.outputs, flow };
    if (flow) return { outputs: flow.outputs.filter((o) => o.instruction_id === id), flow };
    return { outputs: null, flow };
  }

  async function load() {
    let detail;
    try {
      detail = await ctx.api.get(`/api/instructions/${id}`);
    } catch (error) {
      fill(summary, h("h2", {}, "Summary"), unavailable(error.notAvailable ? "Job details are not available on this hub." : error.message, "job-missing"));
      return;
    }
    job = detail.instruction;
    let outputInfo = { outputs: null, flow: null };
    let outputError = null;
    let status = null;
    try {
      status = await renderStatus();
      outputInfo = await loadOutputs(detail, status);
    } catch (error) {
      outputError = error;
    }
    const flow = outputInfo.flow;
    renderActions();
    renderSummary(
      flow
        ? h("p", { class: "small muted" }, `Hand #${flow.hand.id} (table ${flow.hand.table_id}, hand ${flow.hand.hand_number}) has ${flow.instructions.length} instruction(s) and ${flow.outputs.length} output(s).`)
        : null,
    );
    renderErrors(detail.history);
    fill(history, h("h2", {}, "Transition history"), historyTable(detail.history));
    gallery.dispose();
    fill(
      outputs,
      h("h2", {}, "Outputs"),
      outputError
        ? unavailable(`Outputs not available: ${outputError.message}`)
        : outputInfo.outputs === null
          ? unavailable("Outputs are not available on this hub for a job without a hand.")
          : gallery.render(id, outputInfo.outputs),
    );
    fill(layer, h("h2", {}, "Layer data"), h("pre", { class: "mono" }, JSON.stringify(job.layer_data, null, 2)));
    if (job.status !== "processing") progress.hidden = true;
    else if (status?.progress) showProgress({ ...status.progress, instruction_id: id });
  }

  function showProgress(data) {
    const percent = Number(data.percent ?? (data.total ? (100 * data.frame) / data.total : 0));
    progress.hidden = false;
    fill(
      progress,
      h("h2", {}, "Rendering"),
      h(
        "div",
        { class: "progress" },
        h("progress", { max: 100, value: percent, testid: "job-progress-bar", "aria-label": `Render progress of job #${id}` }),
        h("span", { testid: "job-progress-text" }, `${percent.toFixed(0)} %`, data.stage ? ` · ${data.stage}` : "", data.total ? ` (${data.frame} of ${data.total})` : ""),
      ),
    );
  }

  const refresh = throttled(load, REFRESH_MS);
  refresh();
  return {
    unmount() {
      refresh.cancel();
      gallery.dispose();
    },
    onEvent(event) {
      const data = event.data || {};
      if (event.type === "render_progress" && Number(data.instruction_id) === id) showProgress(data);
      else if (event.type === "instruction_updated" && Number(data.id) === id) refresh();
      else if (event.type === "render_completed" && Number(data.instruction_id) === id) refresh();
    },
    onResync: refresh,
  };
}
