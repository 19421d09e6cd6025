// Admin actions on one render instruction, shared by the queue and the job detail. Each
// asks for a reason (recorded with the operator's name in the job's history).

import { askForm, reasonField } from "./dialogs.js";
import { h } from "./dom.js";

/** Which statuses each action accepts (the hub checks again and answers 409 otherwise). */
const ALLOWED = {
  retry: new Set(["failed", "cancelled"]),
  cancel: new Set(["pending", "processing"]),
  priority: new Set(["pending", "failed"]),
};

export function allowed(action, job) {
  return Boolean(job) && ALLOWED[action].has(job.status);
}

function refuse(ctx, action, job) {
  const verb = { retry: "retried", cancel: "cancelled", priority: "re-prioritised" }[action];
  ctx.toast.show({
    title: `Job #${job.id} cannot be ${verb}`,
    message: `It is ${job.status}.`,
    severity: "warning",
  });
  return null;
}

function summary(job) {
  return h("p", {}, `#${job.id} · ${job.template_name} · ${job.status} · priority ${job.priority}`);
}

async function perform(ctx, path, body, successTitle) {
  try {
    const updated = await ctx.api.post(path, body);
    ctx.toast.show({ title: successTitle, severity: "success" });
    return updated;
  } catch (error) {
    ctx.toast.error(error, "Action refused");
    return null;
  }
}

/** Resolves to the updated instruction, or null when cancelled or refused. */
export async function retryJob(ctx, job) {
  if (!allowed("retry", job)) return refuse(ctx, "retry", job);
  const values = await askForm({
    title: `Retry job #${job.id}`,
    description: summary(job),
    fields: [reasonField()],
    confirmLabel: "Retry",
    testid: "retry-dialog",
  });
  if (!values) return null;
  return perform(ctx, "/api/actions/retry", { instruction_id: job.id, reason: values.reason }, `Job #${job.id} retried`);
}

export async function cancelJob(ctx, job) {
  if (!allowed("cancel", job)) return refuse(ctx, "cancel", job);
  const values = await askForm({
    title: `Cancel job #${job.id}`,
    description: summary(job),
    fields: [reasonField()],
    confirmLabel: "Cancel job",
    danger: true,
    testid: "cancel-dialog",
  });
  if (!values) return null;
  return perform(ctx, "/api/actions/cancel", { instruction_id: job.id, reason: values.reason }, `Job #${job.id} cancelled`);
}

export async function changePriority(ctx, job) {
  if (!allowed("priority", job)) return refuse(ctx, "priority", job);
  const values = await askForm({
    title: `Change the priority of job #${job.id}`,
    description: summary(job),
    fields: [
      { name: "priority", label: "Priority (1 is highest, 10 lowest)", type: "number", min: 1, max: 10, step: 1, required: true, value: String(job.priority), testid: "priority-input" },
      reasonField(),
    ],
    confirmLabel: "Change priority",
    testid: "priority-dialog",
  });
  if (!values) return null;
  return perform(
    ctx,
    "/api/actions/change-priority",
    { instruction_id: job.id, priority: values.priority, reason: values.reason },
    `Job #${job.id} now has priority ${values.priority}`,
  );
}
