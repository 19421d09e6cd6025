// One unified player: every field with the source it came from, the source records,
// active overrides (add one with a required reason), manual fields, and its links.

import { askForm, reasonField } from "../dialogs.js";
import { badge, fill, h, localInputToIso, numberText, timeEl, unavailable } from "../dom.js";
import { linksTable, sourcesText } from "./players.js";

/** Fields an override may replace (chip_count and hand_data are live source data). */
const OVERRIDABLE = ["name", "name_korean", "bio", "notable_wins", "country_code", "profile_image"];
const MANUAL_FIELDS = [
  ["display_name", "Display name (empty: let WSOP+ / PokerGFX name the player)", "text"],
  ["name_korean", "Korean name", "text"],
  ["country_code", "Country (ISO-2 code)", "text"],
  ["profile_image", "Profile image (path or URL)", "text"],
  ["bio", "Bio", "textarea"],
];

function valueText(field, player) {
  const value = player[field];
  if (field === "notable_wins") return value?.length ? JSON.stringify(value) : "";
  if (field === "chip_count") return value ? `${numberText(value.chips)} chips (${value.source})` : "";
  if (field === "hand_data") {
    if (!value) return "";
    const last = value.last_hand ? `; last hand #${value.last_hand.hand_num} in session ${value.last_hand.session_id}` : "";
    return `${value.hands_played} hands played${last}`;
  }
  return value ?? "";
}

function recordsTable(title, rows, columns, testid = null) {
  return h(
    "section",
    { class: "panel", testid },
    h("h2", {}, title),
    rows.length
      ? h(
          "div",
          { class: "table-wrap" },
          h("table", {}, h("thead", {}, h("tr", {}, columns.map(([label]) => h("th", { scope: "col" }, label)))), h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, render]) => h("td", {}, render(row))))))),
        )
      : h("p", { class: "empty" }, "None."),
  );
}

export function mount(root, ctx, route) {
  const id = Number(route.id);
  const body = h("div", { testid: "player-detail" });
  root.append(body);
  let player = null;

  async function addOverride(field = "name") {
    const values = await askForm({
      title: `Override a field of ${player.name}`,
      description: h("p", { class: "muted small" }, "An override wins over every source while it is in effect. For notable_wins the value is a JSON array of {year, event, place, prize}."),
      fields: [
        { name: "field", label: "Field", type: "select", options: OVERRIDABLE.map((f) => [f, f]), value: field, testid: "override-field" },
        { name: "value", label: "Value", type: "textarea", required: true, maxLength: 5000, value: valueText(field, player), testid: "override-value" },
        reasonField(),
        { name: "valid_from", label: "Valid from (local time; empty: now)", type: "datetime-local" },
        { name: "valid_until", label: "Valid until (local time; empty: open-ended)", type: "datetime-local" },
      ],
      confirmLabel: "Save override",
      testid: "override-dialog",
    });
    if (!values) return;
    const body = { field: values.field, value: values.value, reason: values.reason };
    const from = localInputToIso(values.valid_from);
    const until = localInputToIso(values.valid_until);
    if (from) body.valid_from = from;
    if (until) body.valid_until = until;
    try {
      await ctx.api.post(`/api/v1/players/${id}/override`, body);
      ctx.toast.show({ title: `${values.field} overridden`, severity: "success" });
      load();
    } catch (error) {
      ctx.toast.error(error, "Override refused");
    }
  }

  async function deactivate(override) {
    const values = await askForm({
      title: `Deactivate the ${override.field_name} override`,
      description: h("p", {}, `Value "${override.override_value}" (kept in the history); the sources name the field again.`),
      fields: [reasonField()],
      confirmLabel: "Deactivate",
      danger: true,
      testid: "deactivate-dialog",
    });
    if (!values) return;
    try {
      await ctx.api.post(`/api/v1/players/${id}/override/${override.id}/deactivate`, { reason: values.reason });
      ctx.toast.show({ title: `${override.field_name} override deactivated`, severity: "success" });
      load();
    } catch (error) {
      ctx.toast.error(error, "Cannot deactivate the override");
    }
  }

  async function editManual() {
    const manual = player.manual || {};
    const values = await askForm({
      title: `Manual fields of ${player.name}`,
      fields: MANUAL_FIELDS.map(([name, label, type]) => ({ name, label, type, value: manual[name] ?? "", maxLength: name === "bio" ? 5000 : 1000 })),
      confirmLabel: "Save",
      testid: "manual-dialog",
    });
    if (!values) return;
    const changes = {};
    for (const [name] of MANUAL_FIELDS) {
      const before = manual[name] ?? "";
      if (values[name] !== before) changes[name] = values[name] === "" ? null : values[name];
    }
    if (Object.keys(changes).length === 0) {
      ctx.toast.show({ title: "Nothing changed", severity: "info" });
      return;
    }
    try {
      await ctx.api.patch(`/api/v1/players/${id}`, changes);
      ctx.toast.show({ title: "Player updated", severity: "success" });
      load();
    } catch (error) {
      ctx.toast.error(error, "Update refused");
    }
  }

  function render() {
    const p = player;
    const fields = ["name", "name_korean", "bio", "notable_wins", "country_code", "profile_image", "chip_count", "hand_data"];
    fill(
      body,
      h(
        "div",
        { class: "view-header" },
        h("h1", { testid: "player-name" }, p.name),
        p.name_korean ? h("span", { class: "muted" }, p.name_korean) : null,
        h("a", { href: "#/players" }, "← players"),
        h("span", { class: "spacer" }),
        h("button", { type: "button", testid: "player-edit", onclick: editManual }, "Edit manual fields…"),
        h("button", { type: "button", class: "primary", testid: "player-override", onclick: () => addOverride() }, "Override a field…"),
      ),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, "Unified record"),
        h("p", { class: "muted small" }, `Sources: ${sourcesText(p)}. Created by ${p.created_by} `, timeEl(p.created_at), "; updated ", timeEl(p.updated_at), "."),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { testid: "player-fields" },
            h("thead", {}, h("tr", {}, ["Field", "Value", "Source", ""].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              {},
              fields.map((f) =>
                h(
                  "tr",
                  { testid: `player-field-${f}` },
                  h("th", { scope: "row" }, f),
                  h("td", { dataset: { field: "value" } }, valueText(f, p)),
                  h("td", { dataset: { field: "source" } }, p.sources?.[f] ? badge(p.sources[f]) : h("span", { class: "muted" }, "none")),
                  h("td", {}, OVERRIDABLE.includes(f) ? h("button", { type: "button", class: "ghost", onclick: () => addOverride(f), "aria-label": `Override ${f}` }, "Override…") : null),
                ),
              ),
            ),
          ),
        ),
      ),
      recordsTable("Active overrides", p.overrides || [], [
        ["Field", (o) => o.field_name],
        ["Value", (o) => o.override_value],
        ["Was", (o) => o.original_value ?? ""],
        ["Reason", (o) => o.reason],
        ["In effect", (o) => (o.in_effect ? "yes" : "not yet / expired")],
        ["From", (o) => timeEl(o.valid_from)],
        ["Until", (o) => timeEl(o.valid_until)],
        ["By", (o) => o.created_by],
        ["", (o) => h("button", { type: "button", testid: `override-deactivate-${o.id}`, onclick: () => deactivate(o) }, "Deactivate…")],
      ], "player-overrides"),
      recordsTable("PokerGFX records", p.gfx_players || [], [
        ["Name", (g) => g.name],
        ["Long name", (g) => g.long_name],
        ["Country", (g) => g.country_code ?? ""],
        ["Hands", (g) => numberText(g.hands_played)],
        ["First seen", (g) => timeEl(g.first_seen_at)],
        ["Last seen", (g) => timeEl(g.last_seen_at)],
      ]),
      recordsTable("WSOP+ records", p.wsop_players || [], [
        ["WSOP+ id", (w) => w.wsop_player_id],
        ["Name", (w) => w.name],
        ["Country", (w) => w.country_code ?? ""],
        ["Hometown", (w) => w.hometown ?? ""],
        ["Updated", (w) => timeEl(w.updated_at)],
      ]),
      h("section", { class: "panel" }, h("h2", {}, "Links"), linksTable(ctx, p.links || [], load)),
    );
  }

  async function load() {
    try {
      player = await ctx.api.get(`/api/v1/players/${id}`);
    } catch (error) {
      fill(body, h("h1", {}, `Player #${id}`), unavailable(error.notAvailable ? "The players API is not available on this hub yet." : error.message, "player-missing"));
      return;
    }
    render();
  }

  load();
  return { onResync: load };
}
