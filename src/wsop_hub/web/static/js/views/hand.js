// Data flow of one hand: the hand → the instructions it produced (status chain and every
// transition) → their outputs, updated as the jobs move.

import { badge, fill, h, numberText, timeEl, unavailable } from "../dom.js";
import { OutputGallery } from "../outputs.js";
import { throttled } from "../timing.js";
import { historyTable } from "./job.js";

const REFRESH_MS = 2000;

function chain(statuses) {
  return h(
    "span",
    { class: "chain", testid: "status-chain" },
    statuses.flatMap((status, i) => (i ? [h("span", { class: "arrow", "aria-hidden": "true" }, "→"), badge(status)] : [badge(status)])),
  );
}

function handSummary(hand) {
  const players = Array.isArray(hand.players) ? hand.players : [];
  return [
    h(
      "dl",
      { class: "kv" },
      [
        ["table", hand.table_id],
        ["hand number", String(hand.hand_number)],
        ["source", hand.source],
        ["rank", hand.hand_rank ?? "—"],
        ["premium", hand.is_premium ? "yes" : "no"],
        ["pot", numberText(hand.pot_size)],
        ["winner", hand.winner ?? "—"],
        ["board", (hand.community_cards || []).join(" ") || "—"],
        ["started", timeEl(hand.started_at)],
        ["ingested", timeEl(hand.created_at)],
      ].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
    players.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { testid: "hand-players" },
            h("thead", {}, h("tr", {}, ["Seat", "Player", "Stack", "Cards"].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              {},
              players.map((p) =>
                h("tr", {}, h("td", { class: "num" }, String(p.seat ?? "")), h("td", {}, p.name ?? ""), h("td", { class: "num" }, numberText(p.stack)), h("td", { class: "mono" }, (p.hole_cards || []).join(" "))),
              ),
            ),
          ),
        )
      : null,
  ];
}

export function mount(root, ctx, route) {
  const handId = Number(route.id);
  const gallery = new OutputGallery(ctx);
  const body = h("div", { testid: "data-flow" });
  root.append(h("div", { class: "view-header" }, h("h1", {}, `Hand #${handId}: data flow`), h("a", { href: "#/queue" }, "← queue")), body);
  let instructionIds = new Set();

  async function load() {
    let flow;
    try {
      flow = await ctx.api.get("/api/data-flow", { hand_id: handId });
    } catch (error) {
      fill(body, unavailable(error.notAvailable ? "The data flow is not available on this hub." : error.message, "hand-missing"));
      return;
    }
    instructionIds = new Set(flow.instructions.map((i) => i.id));
    gallery.dispose();
    const outputsOf = (id) => flow.outputs.filter((o) => o.instruction_id === id);
    fill(
      body,
      h("section", { class: "panel", testid: "hand-summary" }, h("h2", {}, "Hand"), handSummary(flow.hand)),
      h(
        "section",
        { class: "panel", testid: "hand-instructions" },
        h("h2", {}, `Instructions (${flow.instructions.length})`),
        flow.instructions.length === 0
          ? h("p", { class: "empty" }, "This hand produced no render instruction.")
          : flow.instructions.map((instruction) =>
              h(
                "article",
                { class: "panel", testid: `flow-instruction-${instruction.id}` },
                h(
                  "h3",
                  {},
                  h("a", { href: `#/job/${instruction.id}` }, `Job #${instruction.id}`),
                  ` ${instruction.template_name} `,
                  badge(instruction.status),
                ),
                chain(instruction.status_chain),
                instruction.error_message ? h("p", { class: "form-error" }, instruction.error_message) : null,
                h("details", {}, h("summary", {}, "Transitions"), historyTable(instruction.history, `flow-history-${instruction.id}`)),
                h("h3", {}, "Outputs"),
                gallery.render(instruction.id, outputsOf(instruction.id)),
              ),
            ),
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
      if (event.type === "instruction_updated") {
        // A new job of this hand is not yet known by id: any unknown id may be one.
        if (instructionIds.has(Number(data.id)) || !instructionIds.size || Number(data.id) > Math.max(...instructionIds)) refresh();
      } else if (event.type === "render_completed" && instructionIds.has(Number(data.instruction_id))) {
        refresh();
      }
    },
    onResync: refresh,
  };
}
