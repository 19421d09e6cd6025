// Modal forms on the native <dialog>: focus is trapped and returned, Escape cancels, and
// the browser's own constraint validation (required, minlength) runs before we see values.

import { field, h } from "./dom.js";

let openCount = 0;

/** Whether a modal is open (global shortcuts stand down while one is). */
export function dialogOpen() {
  return openCount > 0;
}

/** The reason every admin action records in the job's history (the API wants 3–500). */
export function reasonField(label = "Reason (recorded in the history)") {
  return { name: "reason", label, type: "textarea", required: true, minLength: 3, maxLength: 500, testid: "reason-input" };
}

function control(spec) {
  const common = {
    name: spec.name,
    required: spec.required,
    minlength: spec.minLength,
    maxlength: spec.maxLength,
    testid: spec.testid || `field-${spec.name}`,
    placeholder: spec.placeholder,
  };
  if (spec.type === "textarea") return h("textarea", common, spec.value ?? "");
  if (spec.type === "select") {
    return h(
      "select",
      common,
      spec.options.map(([value, text]) => h("option", { value, selected: value === spec.value }, text)),
    );
  }
  return h("input", {
    ...common,
    type: spec.type || "text",
    min: spec.min,
    max: spec.max,
    step: spec.step,
    value: spec.value ?? "",
  });
}

/**
 * Shows a modal form; resolves to {name: value} on confirm, null on cancel.
 * spec: {title, description (string or Node), fields: [{name, label, type, required, …}],
 *        confirmLabel, danger, testid}
 */
export function askForm({ title, description, fields = [], confirmLabel = "Confirm", danger = false, testid = "dialog" }) {
  return new Promise((resolve) => {
    const controls = fields.map((spec) => [spec, control(spec)]);
    const error = h("p", { class: "form-error", role: "alert", hidden: true, testid: "dialog-error" });
    const cancel = h("button", { type: "button", testid: "dialog-cancel" }, "Cancel");
    const confirm = h("button", { type: "submit", class: danger ? "danger" : "primary", testid: "dialog-confirm" }, confirmLabel);
    const titleId = `dlg-${Math.random().toString(36).slice(2, 10)}`;
    const form = h(
      "form",
      {},
      h("h2", { id: titleId }, title),
      description ? h("div", { class: "dialog-description", testid: "dialog-description" }, description) : null,
      controls.map(([spec, el]) => {
        const wrapper = field(spec.label, el);
        if (spec.hint) wrapper.append(h("span", { class: "muted small" }, spec.hint));
        return wrapper;
      }),
      error,
      h("div", { class: "dialog-buttons" }, cancel, confirm),
    );
    const dialog = h("dialog", { "aria-labelledby": titleId, testid }, form);
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      openCount -= 1;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = {};
      for (const [spec, el] of controls) {
        const value = el.value;
        if (spec.required && !value.trim()) {
          error.textContent = `${spec.label} is required.`;
          error.hidden = false;
          el.focus();
          return;
        }
        values[spec.name] = spec.type === "number" ? Number(value) : value.trim();
      }
      finish(values);
    });
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    openCount += 1;
    dialog.showModal();
    (controls[0]?.[1] ?? confirm).focus();
  });
}

/** The keyboard shortcut list ("?"). */
export function showShortcutHelp(groups) {
  const titleId = "shortcut-help-title";
  const close = h("button", { type: "button", class: "primary", testid: "shortcut-help-close" }, "Close");
  const dialog = h(
    "dialog",
    { "aria-labelledby": titleId, testid: "shortcut-help" },
    h("h2", { id: titleId }, "Keyboard shortcuts"),
    h("p", { class: "muted small" }, "Shortcuts are off while you type in a field."),
    groups.map(([heading, keys]) =>
      h(
        "section",
        {},
        h("h3", {}, heading),
        h("dl", { class: "shortcuts" }, keys.map(([key, text]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, text)])),
      ),
    ),
    h("div", { class: "dialog-buttons" }, close),
  );
  const done = () => {
    openCount -= 1;
    dialog.close();
    dialog.remove();
  };
  close.addEventListener("click", done);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    done();
  });
  document.body.append(dialog);
  openCount += 1;
  dialog.showModal();
  close.focus();
}
