// Overview: the three roles, metric windows with small charts, queue depth, active alerts
// and data-flow health. Live events only *request* a refresh; it runs at most every 2 s.

import { barChart, sparkline } from "../charts.js";
import { badge, durationText, fill, h, msText, numberText, percentText, timeEl, unavailable } from "../dom.js";
import { throttled } from "../timing.js";

const WINDOWS = ["15m", "1h", "24h"];
const WINDOW_LABELS = { "15m": "15 min", "1h": "1 hour", "24h": "24 hours" };
const REFRESH_MS = 2000;
/** With no events at all the figures still age (windows slide): refresh this often. */
const IDLE_REFRESH_MS = 30000;
const SPARK_SAMPLES = 60;
const RELEVANT = new Set([
  "instruction_updated",
  "render_completed",
  "hand_created",
  "alert",
  "notification",
  "worker_updated",
]);

const ROLES = [
  ["feature_table", "Feature table", "hands ingested", "hands_1h"],
  ["sub", "Sub", "instructions created", "instructions_1h"],
  ["ae", "AE (render)", "renders completed", "completed_1h"],
];

/** active: < 5 min since last activity; idle: < 1 h; quiet: older; none: never. */
function roleState(lastActivity) {
  if (!lastActivity) return "none";
  const ageS = (Date.now() - new Date(lastActivity).getTime()) / 1000;
  if (ageS < 300) return "active";
  if (ageS < 3600) return "idle";
  return "quiet";
}

export function mount(root, ctx) {
  const roles = h("div", { class: "grid", testid: "roles" });
  const metrics = h("div", { class: "grid", testid: "metrics" });
  const lower = h("div", { class: "grid wide" });
  const depthPanel = h("section", { class: "panel", testid: "queue-depth", "aria-labelledby": "ov-depth" });
  const healthPanel = h("section", { class: "panel", testid: "data-flow-health", "aria-labelledby": "ov-health" });
  const alertsPanel = h("section", { class: "panel", testid: "active-alerts", "aria-labelledby": "ov-alerts" });
  lower.append(depthPanel, healthPanel, alertsPanel);
  const updated = h("span", { class: "muted small", testid: "overview-updated" });
  root.append(
    h("div", { class: "view-header" }, h("h1", {}, "Overview"), h("span", { class: "spacer" }), updated),
    roles,
    metrics,
    lower,
  );
  const history = { throughput: [], latency: [], errors: [] };
  let latest = null;

  function remember(series, value) {
    series.push(value);
    if (series.length > SPARK_SAMPLES) series.shift();
  }

  async function load() {
    const get = (path, query) => ctx.api.get(path, query).then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
    const [dashboard, depth, ...windows] = await Promise.all([
      get("/api/dashboard"),
      get("/api/metrics/queue-depth"),
      ...WINDOWS.flatMap((window) => [
        get("/api/metrics/throughput", { window }),
        get("/api/metrics/latency", { window }),
        get("/api/metrics/error-rate", { window }),
      ]),
    ]);
    const byWindow = Object.fromEntries(
      WINDOWS.map((window, i) => [window, { throughput: windows[i * 3], latency: windows[i * 3 + 1], errors: windows[i * 3 + 2] }]),
    );
    latest = { dashboard, depth, byWindow };
    const m15 = byWindow["15m"];
    if (m15.throughput.ok) remember(history.throughput, m15.throughput.v.per_minute);
    if (m15.latency.ok) remember(history.latency, m15.latency.v.wait_avg);
    if (m15.errors.ok) remember(history.errors, m15.errors.v.error_rate);
    render();
    fill(updated, "updated ", timeEl(new Date().toISOString()));
  }

  function render() {
    if (!latest) return;
    const { dashboard, depth, byWindow } = latest;
    renderRoles(dashboard);
    renderMetrics(byWindow);
    renderDepth(depth);
    renderHealth(dashboard);
    renderAlerts(dashboard);
  }

  function renderRoles(dashboard) {
    if (!dashboard.ok) {
      fill(roles, unavailable(`Roles not available: ${dashboard.e.message}`));
      return;
    }
    const projects = dashboard.v.projects || {};
    fill(
      roles,
      ROLES.map(([key, title, what, countKey]) => {
        const role = projects[key] || {};
        const state = roleState(role.last_activity);
        const ageS = role.last_activity ? (Date.now() - new Date(role.last_activity).getTime()) / 1000 : null;
        return h(
          "section",
          { class: "panel role", testid: `role-${key}` },
          h("h2", {}, title),
          h("span", { class: "role-status", dataset: { state }, testid: "role-status" }, state === "none" ? "no activity" : state),
          h("div", {}, h("span", { class: "figure" }, numberText(role[countKey] ?? 0)), h("span", { class: "muted" }, ` ${what} in the last hour`)),
          h(
            "div",
            { class: "muted small" },
            "last activity ",
            timeEl(role.last_activity),
            ageS === null ? "" : ` (${durationText(ageS)} ago)`,
          ),
        );
      }),
    );
  }

  function metricPanel(title, testid, rows, chartItems, chartFormat, series, seriesFormat) {
    return h(
      "section",
      { class: "panel", testid },
      h("h2", {}, title),
      h(
        "div",
        { class: "figure-row" },
        rows.map(([window, value, valueTestid]) =>
          h("div", {}, h("div", { class: "figure-label" }, WINDOW_LABELS[window]), h("div", { class: "figure", testid: valueTestid }, value)),
        ),
      ),
      barChart(chartItems, { label: `${title} by window`, format: chartFormat }),
      h("h3", { class: "small" }, "15 min window while this page is open"),
      series.filter((v) => v !== null && v !== undefined).length >= 2
        ? sparkline(series, { label: `${title} (15 min window) over time`, format: seriesFormat })
        : h("p", { class: "muted small" }, "The trend line appears after a few updates."),
    );
  }

  function renderMetrics(byWindow) {
    const value = (window, kind) => (byWindow[window][kind].ok ? byWindow[window][kind].v : null);
    const anyMissing = WINDOWS.some((w) => !byWindow[w].throughput.ok || !byWindow[w].latency.ok || !byWindow[w].errors.ok);
    const perMinute = (v) => `${Number(v).toFixed(2)}/min`;
    fill(
      metrics,
      metricPanel(
        "Throughput",
        "metric-throughput",
        WINDOWS.map((w) => [w, value(w, "throughput") ? numberText(value(w, "throughput").completed) : "—", `throughput-${w}`]),
        WINDOWS.map((w) => ({ label: w, value: value(w, "throughput")?.per_minute ?? null })),
        perMinute,
        history.throughput,
        perMinute,
      ),
      metricPanel(
        "Queue wait (avg)",
        "metric-latency",
        WINDOWS.map((w) => [w, msText(value(w, "latency")?.wait_avg ?? null), `latency-${w}`]),
        WINDOWS.map((w) => ({ label: w, value: value(w, "latency")?.wait_avg ?? null })),
        msText,
        history.latency,
        msText,
      ),
      metricPanel(
        "Error rate",
        "metric-error-rate",
        WINDOWS.map((w) => [w, percentText(value(w, "errors")?.error_rate ?? null), `error-rate-${w}`]),
        WINDOWS.map((w) => ({ label: w, value: value(w, "errors")?.error_rate ?? null })),
        percentText,
        history.errors,
        percentText,
      ),
      anyMissing ? unavailable("Some metric windows are not available.") : null,
    );
  }

  function renderDepth(depth) {
    if (!depth.ok) {
      fill(depthPanel, h("h2", { id: "ov-depth" }, "Queue depth"), unavailable(`not available: ${depth.e.message}`));
      return;
    }
    const d = depth.v;
    const priorities = Array.from({ length: 10 }, (_, i) => ({
      label: String(i + 1),
      value: Number(d.pending_by_priority?.[String(i + 1)] ?? 0),
    }));
    fill(
      depthPanel,
      h("h2", { id: "ov-depth" }, "Queue depth"),
      h(
        "div",
        { class: "figure-row" },
        [
          ["pending", d.pending, "depth-pending", "#/queue?status=pending"],
          ["processing", d.processing, "depth-processing", "#/queue?status=processing"],
          ["retry scheduled", d.retry_scheduled, "depth-retry", "#/queue?status=failed"],
        ].map(([label, value, testid, href]) =>
          h("div", {}, h("div", { class: "figure-label" }, label), h("a", { class: "figure", href, testid }, numberText(value))),
        ),
      ),
      barChart(priorities, { label: "Pending jobs by priority (1 highest)", format: numberText, testid: "depth-by-priority" }),
    );
  }

  function renderHealth(dashboard) {
    const title = h("h2", { id: "ov-health" }, "Data-flow health");
    if (!dashboard.ok) {
      fill(healthPanel, title, unavailable(`not available: ${dashboard.e.message}`));
      return;
    }
    const { metrics: m, data_flow_health: health } = dashboard.v;
    fill(
      healthPanel,
      title,
      h(
        "div",
        { class: "figure-row" },
        [
          ["orphan hands", numberText(health.orphan_hands), "health-orphans"],
          ["delayed jobs", numberText(health.delayed_instructions), "health-delayed"],
          ["completion rate (1 h)", percentText(health.completion_rate), "health-completion"],
        ].map(([label, value, testid]) =>
          h("div", {}, h("div", { class: "figure-label" }, label), h("div", { class: "figure", testid }, value)),
        ),
      ),
      h(
        "dl",
        { class: "kv small" },
        h("dt", {}, "completed (1 h)"),
        h("dd", {}, numberText(m.throughput_1h)),
        h("dt", {}, "avg wait (1 h)"),
        h("dd", {}, msText(m.avg_latency_1h_ms)),
        h("dt", {}, "error rate (1 h)"),
        h("dd", {}, percentText(m.error_rate_1h)),
      ),
    );
  }

  function renderAlerts(dashboard) {
    const title = h("h2", { id: "ov-alerts" }, "Active alerts");
    if (!dashboard.ok) {
      fill(alertsPanel, title, unavailable(`not available: ${dashboard.e.message}`));
      return;
    }
    const alerts = dashboard.v.active_alerts || [];
    fill(
      alertsPanel,
      title,
      alerts.length === 0
        ? h("p", { class: "empty" }, "No open alerts.")
        : h(
            "ul",
            { class: "plain-list", testid: "active-alert-list" },
            alerts.map((alert) =>
              h(
                "li",
                { testid: `active-alert-${alert.id}` },
                badge(alert.severity),
                " ",
                h("a", { href: "#/events?resolved=false" }, alert.event_type),
                " ",
                h("span", {}, alert.message),
                " ",
                h("span", { class: "muted small" }, timeEl(alert.created_at)),
              ),
            ),
          ),
    );
  }

  const refresh = throttled(load, REFRESH_MS);
  refresh();
  const idle = setInterval(refresh, IDLE_REFRESH_MS);
  return {
    unmount() {
      refresh.cancel();
      clearInterval(idle);
    },
    onEvent(event) {
      if (RELEVANT.has(event.type)) refresh();
    },
    onResync: refresh,
  };
}
