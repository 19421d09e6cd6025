// Announcements in the corner. The container is an aria-live region, so screen readers
// read each new toast; errors and critical alerts use role="alert" to interrupt.

import { h } from "./dom.js";

const LIFETIME_MS = { info: 6000, success: 5000, warning: 10000, error: 15000, critical: 30000 };
const MAX_VISIBLE = 5;

export class Toaster {
  constructor(region) {
    this.region = region;
  }

  /** severity: info | success | warning | error | critical */
  show({ title, message = "", severity = "info", testid = "toast" }) {
    const dismiss = h("button", { type: "button", class: "ghost", "aria-label": "Dismiss" }, "×");
    const toast = h(
      "div",
      {
        class: "toast",
        role: severity === "error" || severity === "critical" ? "alert" : "status",
        dataset: { severity },
        testid,
      },
      h("div", {}, h("strong", {}, title), message ? h("p", {}, message) : null),
      dismiss,
    );
    const remove = () => toast.remove();
    dismiss.addEventListener("click", remove);
    setTimeout(remove, LIFETIME_MS[severity] ?? LIFETIME_MS.info);
    this.region.append(toast);
    while (this.region.children.length > MAX_VISIBLE) this.region.firstElementChild.remove();
    return toast;
  }

  /** A failed request: the hub's own explanation. */
  error(error, title = "Request failed") {
    if (error?.status === 401) return null; // the app is already back at the login form
    return this.show({ title, message: error?.message || String(error), severity: "error" });
  }
}
