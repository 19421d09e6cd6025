// The dashboard application: login, hash routing between views, the live socket, global
// toasts and keyboard shortcuts. Views are modules with `mount(root, ctx, route)`
// returning {unmount, onEvent, onResync, onKey} (each optional).

import { Api } from "./api.js";
import { dialogOpen, showShortcutHelp } from "./dialogs.js";
import { h } from "./dom.js";
import { LiveSocket } from "./live.js";
import { clearCredentials, loadCredentials, saveCredentials } from "./session.js";
import { Toaster } from "./toasts.js";
import * as events from "./views/events.js";
import * as hand from "./views/hand.js";
import * as job from "./views/job.js";
import * as overview from "./views/overview.js";
import * as player from "./views/player.js";
import * as players from "./views/players.js";
import * as queue from "./views/queue.js";
import * as sync from "./views/sync.js";
import * as workers from "./views/workers.js";

const NAV = [
  { name: "overview", label: "Overview", module: overview },
  { name: "queue", label: "Queue", module: queue },
  { name: "workers", label: "Workers", module: workers },
  { name: "events", label: "Events & alerts", module: events },
  { name: "players", label: "Players", module: players },
  { name: "sync", label: "Sync", module: sync },
];
/** Detail views and the navigation entry they belong to. */
const DETAIL = {
  job: { module: job, parent: "queue", label: "Job" },
  hand: { module: hand, parent: "queue", label: "Data flow" },
  player: { module: player, parent: "players", label: "Player" },
};
const PREFERENCES = { theme: "wsop-hub.theme", density: "wsop-hub.density" };
const ANNOUNCED_LIMIT = 500;

function parseRoute(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut >= 0 ? raw.slice(0, cut) : raw;
  const query = new URLSearchParams(cut >= 0 ? raw.slice(cut + 1) : "");
  const [name, id = null] = path.split("/");
  return { name: name || "overview", id, query };
}

function isTyping(target) {
  return Boolean(target?.closest?.('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

class App {
  constructor() {
    const byId = (id) => document.getElementById(id);
    this.els = {
      login: byId("login"),
      loginForm: byId("login-form"),
      loginError: byId("login-error"),
      shell: byId("shell"),
      main: byId("main"),
      nav: byId("nav"),
      wsStatus: byId("ws-status"),
      whoami: byId("whoami"),
      theme: byId("theme-toggle"),
      density: byId("density-toggle"),
      help: byId("help-button"),
      logout: byId("logout"),
    };
    this.toast = new Toaster(byId("toasts"));
    this.api = null;
    this.live = null;
    this.session = null;
    this.view = null;
    this.announced = new Set();
  }

  start() {
    this.applyPreferences();
    this.buildNav();
    const form = this.els.loginForm;
    form.addEventListener("submit", (event) => this.submitLogin(event));
    form.addEventListener("change", () => this.showLoginMethod());
    this.els.theme.addEventListener("click", () => this.togglePreference("theme", "light", "dark"));
    this.els.density.addEventListener("click", () => this.togglePreference("density", "wall", "normal"));
    this.els.help.addEventListener("click", () => this.showHelp());
    this.els.logout.addEventListener("click", () => this.logout());
    window.addEventListener("hashchange", () => this.route(true));
    document.addEventListener("keydown", (event) => this.onKey(event));
    const saved = loadCredentials();
    if (saved) this.enter(saved);
    else this.showLogin();
  }

  // -- preferences (not secrets: localStorage is fine) ------------------------------------

  applyPreferences() {
    const root = document.documentElement;
    root.dataset.theme = localStorage.getItem(PREFERENCES.theme) === "light" ? "light" : "dark";
    root.dataset.density = localStorage.getItem(PREFERENCES.density) === "wall" ? "wall" : "normal";
    this.els.theme.setAttribute("aria-pressed", String(root.dataset.theme === "light"));
    this.els.density.setAttribute("aria-pressed", String(root.dataset.density === "wall"));
  }

  togglePreference(name, on, off) {
    const current = document.documentElement.dataset[name];
    localStorage.setItem(PREFERENCES[name], current === on ? off : on);
    this.applyPreferences();
  }

  // -- login ----------------------------------------------------------------------------

  showLoginMethod() {
    const useKey = this.els.loginForm.elements.method.value === "api_key";
    this.els.loginForm.querySelector(".login-basic").hidden = useKey;
    this.els.loginForm.querySelector(".login-key").hidden = !useKey;
  }

  showLogin(message = "") {
    this.els.shell.hidden = true;
    this.els.login.hidden = false;
    this.els.loginError.textContent = message;
    this.els.loginError.hidden = !message;
    this.showLoginMethod();
    const first = this.els.loginForm.querySelector(".login-basic:not([hidden]) input, .login-key:not([hidden]) input");
    first?.focus();
  }

  async submitLogin(event) {
    event.preventDefault();
    const form = this.els.loginForm.elements;
    const useKey = form.method.value === "api_key";
    const candidate = useKey
      ? { kind: "api_key", key: form.api_key.value }
      : { kind: "basic", username: form.username.value.trim(), password: form.password.value };
    const missing = useKey ? !candidate.key : !candidate.username || !candidate.password;
    if (missing) {
      this.showLogin(useKey ? "Enter an API key." : "Enter your username and password.");
      return;
    }
    const submit = this.els.loginForm.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const me = await new Api(candidate).get("/api/me");
      saveCredentials(candidate);
      this.enter(candidate, me);
    } catch (error) {
      if (error.status === 401) {
        this.showLogin(useKey ? "That API key was refused." : "Wrong username or password.");
      } else if (error.status === 429) {
        this.showLogin(`Too many failed attempts; try again in ${error.retryAfterS ?? 60} s.`);
      } else {
        this.showLogin(`Cannot sign in: ${error.message}`);
      }
    } finally {
      submit.disabled = false;
    }
  }

  /** Opens the dashboard; `me` is null for credentials restored from sessionStorage. */
  async enter(credentials, me = null) {
    const session = {};
    this.session = session;
    this.api = new Api(credentials, () => {
      if (this.session === session) this.logout("The hub refused your credentials; sign in again.");
    });
    let who = me;
    if (!who) {
      // One probe before anything else: stale credentials then cost one refusal, not a
      // dozen parallel ones that would trip the hub's failed-login limiter.
      try {
        who = await this.api.get("/api/me");
      } catch (error) {
        if (error.status !== 401 && this.session === session) {
          this.session = null;
          this.api = null;
          this.showLogin(`Cannot reach the hub: ${error.message}`);
        }
        return;
      }
      if (this.session !== session) return;
    }
    this.els.whoami.textContent = who.name;
    this.els.loginForm.elements.password.value = "";
    this.els.loginForm.elements.api_key.value = "";
    this.els.login.hidden = true;
    this.els.shell.hidden = false;
    this.live = new LiveSocket(this.api, {
      onEvent: (event) => this.onEvent(event),
      onStatus: (status) => this.setLiveStatus(status),
      onResync: () => this.route(false),
    });
    this.live.start();
    if (!window.location.hash || window.location.hash === "#") {
      window.history.replaceState(null, "", "#/overview");
    }
    this.route(false);
  }

  logout(message = "") {
    if (!this.session) return;
    this.session = null;
    clearCredentials();
    this.live?.stop();
    this.live = null;
    this.unmountView();
    this.api = null;
    this.els.main.replaceChildren();
    this.els.whoami.textContent = "";
    this.setLiveStatus("reconnecting");
    this.showLogin(message);
  }

  setLiveStatus(status) {
    const el = this.els.wsStatus;
    if (el.dataset.state === status) return;
    el.dataset.state = status;
    el.textContent = status;
    el.title = status === "live" ? "Receiving live events" : "Connection lost; reconnecting";
  }

  // -- routing ----------------------------------------------------------------------------

  buildNav() {
    this.els.nav.replaceChildren(
      ...NAV.map((entry, index) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#/${entry.name}`, dataset: { view: entry.name }, testid: `nav-${entry.name}` },
            entry.label,
            h("kbd", { "aria-hidden": "true" }, String(index + 1)),
          ),
        ),
      ),
    );
  }

  unmountView() {
    try {
      this.view?.unmount?.();
    } finally {
      this.view = null;
    }
  }

  route(focus = false) {
    if (!this.api) return;
    const route = parseRoute(window.location.hash);
    const entry = NAV.find((item) => item.name === route.name);
    const detail = DETAIL[route.name];
    if (!entry && !(detail && route.id)) {
      window.history.replaceState(null, "", "#/overview");
      this.route(focus);
      return;
    }
    this.unmountView();
    const active = entry ? entry.name : detail.parent;
    for (const link of this.els.nav.querySelectorAll("a")) {
      if (link.dataset.view === active) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    const root = h("div", { class: "view", testid: `view-${route.name}` });
    this.els.main.replaceChildren(root);
    const module = entry ? entry.module : detail.module;
    document.title = `${entry ? entry.label : `${detail.label} ${route.id}`} · WSOP Hub`;
    this.view = module.mount(root, this.context(), route) ?? {};
    if (focus) this.els.main.focus({ preventScroll: true });
  }

  context() {
    return {
      api: this.api,
      toast: this.toast,
      navigate: (hash) => {
        window.location.hash = hash;
      },
    };
  }

  // -- live events ------------------------------------------------------------------------

  onEvent(event) {
    this.announce(event);
    this.view?.onEvent?.(event);
  }

  /** A toast for every new warning or worse; an alert and its notification are announced once. */
  announce(event) {
    const data = event.data || {};
    let key;
    let toast;
    if (event.type === "alert") {
      key = data.id ? `event:${data.id}` : `log:${event.id}`;
      toast = { title: `${data.severity || "alert"}: ${data.event_type || "alert"}`, message: data.message || "" };
    } else if (event.type === "notification") {
      key = data.event_id ? `event:${data.event_id}` : `log:${event.id}`;
      toast = { title: data.title || `${data.severity || "info"} notification`, message: data.message || "" };
    } else {
      return;
    }
    // Info (a sync completed, a new player) is for the events list, not an interruption.
    if (data.severity === "info" || this.announced.has(key)) return;
    this.announced.add(key);
    if (this.announced.size > ANNOUNCED_LIMIT) this.announced.delete(this.announced.values().next().value);
    const severity = ["warning", "error", "critical"].includes(data.severity) ? data.severity : "warning";
    this.toast.show({ ...toast, severity, testid: "alert-toast" });
  }

  // -- keyboard -------------------------------------------------------------------------

  onKey(event) {
    if (!this.api || dialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const { key } = event;
    if (key === "?") {
      event.preventDefault();
      this.showHelp();
      return;
    }
    const index = key.length === 1 ? "123456".indexOf(key) : -1;
    if (index >= 0) {
      event.preventDefault();
      window.location.hash = `#/${NAV[index].name}`;
      return;
    }
    if (this.view?.onKey?.(key, event)) event.preventDefault();
  }

  showHelp() {
    if (dialogOpen()) return;
    showShortcutHelp([
      [
        "Anywhere",
        [
          ["?", "show this help"],
          ["1 – 6", NAV.map((entry) => entry.label).join(", ")],
          ["Esc", "close a dialog"],
        ],
      ],
      ["Queue", queue.SHORTCUTS],
    ]);
  }
}

new App().start();
