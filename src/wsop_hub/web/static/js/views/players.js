// Players: the unified player list and search, link suggestions (PokerGFX ↔ WSOP+) to
// confirm or reject, and a form for a player only the admin knows about.

import { askForm } from "../dialogs.js";
import { field, fill, h, timeEl, unavailable } from "../dom.js";
import { debounced } from "../timing.js";

const PAGE_SIZE = 50;

export function sourcesText(player) {
  const parts = [];
  if (player.has_gfx) parts.push("PokerGFX");
  if (player.has_wsop) parts.push("WSOP+");
  return parts.length ? parts.join(" + ") : "manual";
}

function playersTable(items, extraHeader = null, extraCell = null) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { testid: "players-table" },
      h("thead", {}, h("tr", {}, ["Player", "Korean name", "Country", "Sources", "Linked", extraHeader].filter(Boolean).map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        items.map((p) =>
          h(
            "tr",
            { testid: `player-row-${p.id}` },
            h("td", {}, h("a", { href: `#/player/${p.id}` }, p.name)),
            h("td", {}, p.name_korean ?? ""),
            h("td", {}, p.country_code ?? ""),
            h("td", {}, sourcesText(p)),
            h("td", {}, p.linked ? "yes" : "no"),
            extraCell ? h("td", { class: "small muted" }, extraCell(p)) : null,
          ),
        ),
      ),
    ),
  );
}

/** Confirm / reject buttons for a suggested link; `after` runs on success. */
export function linkActions(ctx, link, after) {
  const decide = async (decision) => {
    const values = await askForm({
      title: `${decision === "confirm" ? "Confirm" : "Reject"} link #${link.id}`,
      description: h("p", {}, `PokerGFX "${link.gfx_name}" ↔ WSOP+ "${link.wsop_name}" (${link.match_method}, ${(link.match_confidence * 100).toFixed(0)} %)`),
      fields: [{ name: "reason", label: "Reason (optional)", type: "textarea", maxLength: 500, testid: "link-reason" }],
      confirmLabel: decision === "confirm" ? "Confirm link" : "Reject link",
      danger: decision === "reject",
      testid: `link-${decision}-dialog`,
    });
    if (!values) return;
    try {
      await ctx.api.post(`/api/v1/players/links/${link.id}/${decision}`, values.reason ? { reason: values.reason } : {});
      ctx.toast.show({ title: `Link #${link.id} ${decision === "confirm" ? "confirmed" : "rejected"}`, severity: "success" });
      after();
    } catch (error) {
      ctx.toast.error(error, `Cannot ${decision} the link`);
    }
  };
  if (link.status !== "suggested") return h("span", { class: "muted small" }, `${link.status}${link.decided_by ? ` by ${link.decided_by}` : ""}`);
  return h(
    "span",
    { class: "actionbar" },
    h("button", { type: "button", testid: `link-confirm-${link.id}`, onclick: () => decide("confirm") }, "Confirm…"),
    h("button", { type: "button", class: "danger", testid: `link-reject-${link.id}`, onclick: () => decide("reject") }, "Reject…"),
  );
}

export function linksTable(ctx, links, after) {
  if (!links.length) return h("p", { class: "empty" }, "No link suggestions.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { testid: "links-table" },
      h("thead", {}, h("tr", {}, ["Link", "PokerGFX player", "WSOP+ player", "Method", "Confidence", "Evidence", "Suggested", ""].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        links.map((link) =>
          h(
            "tr",
            { testid: `link-row-${link.id}` },
            h("td", { class: "num" }, `#${link.id}`),
            h("td", {}, link.gfx_name),
            h("td", {}, link.wsop_name),
            h("td", {}, link.match_method),
            h("td", { class: "num" }, `${(link.match_confidence * 100).toFixed(0)} %`),
            h("td", {}, h("details", {}, h("summary", {}, "evidence"), h("pre", { class: "mono" }, JSON.stringify(link.match_evidence, null, 2)))),
            h("td", {}, timeEl(link.created_at)),
            h("td", {}, linkActions(ctx, link, after)),
          ),
        ),
      ),
    ),
  );
}

export function mount(root, ctx) {
  const search = h("input", { id: "player-search-input", type: "search", placeholder: "name, in any script", testid: "player-search", autocomplete: "off" });
  const newButton = h("button", { type: "button", testid: "player-new" }, "New player…");
  const results = h("section", { class: "panel", testid: "player-results", "aria-live": "polite" });
  const links = h("section", { class: "panel", testid: "link-suggestions" });
  const olderButton = h("button", { type: "button", testid: "players-older" }, "Older");
  root.append(
    h("div", { class: "view-header" }, h("h1", {}, "Players"), h("span", { class: "spacer" }), newButton),
    h("form", { class: "filters", role: "search", "aria-label": "Search players", onsubmit: (e) => e.preventDefault() }, field("Search players", search)),
    results,
    links,
  );
  const state = { generation: 0, items: [], nextBeforeId: null };

  async function list(beforeId = null) {
    const generation = ++state.generation;
    try {
      const page = await ctx.api.get("/api/v1/players", { limit: PAGE_SIZE, before_id: beforeId });
      if (generation !== state.generation) return;
      state.items = beforeId ? [...state.items, ...page.items] : page.items;
      state.nextBeforeId = page.next_before_id;
      olderButton.disabled = state.nextBeforeId === null;
      fill(
        results,
        h("h2", {}, "All players"),
        state.items.length ? playersTable(state.items) : h("p", { class: "empty" }, "No players yet."),
        h("div", { class: "pager" }, olderButton),
      );
    } catch (error) {
      if (generation !== state.generation) return;
      fill(results, h("h2", {}, "All players"), unavailable(error.notAvailable ? "The players API is not available on this hub yet." : `Cannot list players: ${error.message}`, "players-not-available"));
    }
  }

  async function find(q) {
    const generation = ++state.generation;
    try {
      const result = await ctx.api.get("/api/v1/players/search", { q });
      if (generation !== state.generation) return;
      fill(
        results,
        h("h2", {}, `Search: ${q}`),
        result.items.length ? playersTable(result.items, "Match", (p) => p.match) : h("p", { class: "empty", testid: "player-search-empty" }, "No player matches."),
      );
    } catch (error) {
      if (generation !== state.generation) return;
      fill(results, h("h2", {}, `Search: ${q}`), unavailable(error.notAvailable ? "Player search is not available on this hub yet." : `Search failed: ${error.message}`, "players-not-available"));
    }
  }

  async function suggestLinks(button) {
    button.disabled = true;
    try {
      const result = await ctx.api.post("/api/v1/players/links/suggest");
      ctx.toast.show({ title: `${result.created} new link suggestion${result.created === 1 ? "" : "s"}`, severity: "success" });
      loadLinks();
    } catch (error) {
      ctx.toast.error(error, "Cannot suggest links");
    } finally {
      button.disabled = false;
    }
  }

  async function loadLinks() {
    try {
      const page = await ctx.api.get("/api/v1/players/links", { status: "suggested" });
      const suggest = h("button", { type: "button", testid: "links-suggest", title: "Match unlinked PokerGFX players to WSOP+ players by name" }, "Find suggestions");
      suggest.addEventListener("click", () => suggestLinks(suggest));
      fill(links, h("div", { class: "view-header" }, h("h2", {}, "Link suggestions"), h("span", { class: "spacer" }), suggest), linksTable(ctx, page.items, loadLinks));
    } catch (error) {
      fill(links, h("h2", {}, "Link suggestions"), unavailable(error.notAvailable ? "Link suggestions are not available on this hub yet." : `Cannot load link suggestions: ${error.message}`));
    }
  }

  async function createPlayer() {
    const values = await askForm({
      title: "New player",
      description: h("p", { class: "muted small" }, "A person no PokerGFX or WSOP+ record names yet."),
      fields: [
        { name: "display_name", label: "Display name", required: true, maxLength: 200, testid: "new-player-name" },
        { name: "name_korean", label: "Korean name", maxLength: 200 },
        { name: "country_code", label: "Country (ISO-2 code)", maxLength: 60 },
        { name: "bio", label: "Bio", type: "textarea", maxLength: 5000 },
      ],
      confirmLabel: "Create",
      testid: "new-player-dialog",
    });
    if (!values) return;
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    try {
      const created = await ctx.api.post("/api/v1/players", body);
      ctx.toast.show({ title: `Player ${created.name ?? body.display_name} created`, severity: "success" });
      ctx.navigate(`#/player/${created.id}`);
    } catch (error) {
      ctx.toast.error(error, "Cannot create the player");
    }
  }

  const onSearch = debounced(() => {
    const q = search.value.trim();
    if (q) find(q);
    else list();
  }, 250);
  search.addEventListener("input", onSearch);
  newButton.addEventListener("click", createPlayer);
  olderButton.addEventListener("click", () => list(state.nextBeforeId));
  list();
  loadLinks();
  return {
    unmount() {
      state.generation += 1;
      onSearch.cancel();
    },
    onResync() {
      onSearch();
      loadLinks();
    },
  };
}
