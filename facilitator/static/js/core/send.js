// The one way a control sends an action: one op_id per intent, its state shown where the
// user acted (in words, to screen readers too), and what was typed kept until acked.
//
// A form's submission or a button's press is one intent. While it waits for its ack
// a second submit or tap does nothing (Live.act also folds an identical action still in
// the outbox into the first, which covers buttons rebuilt by a push). Text typed into a
// form with a draft key survives a reload and the room moving away and back; it is
// cleared when its action is acked.
import { el } from "./dom.js";
import { t } from "./strings.js";

const TEXT = "textarea, input:not([type]), input[type=text], input[type=date], input[type=number]";

function draftKey(ctx, name) {
  // The page's path names the workshop and the screen (a phone and the control page
  // open in one browser keep their own drafts).
  const item = ctx.item ? ctx.item.id : "page";
  return `facilitator:draft:${location.pathname}:${item}:${name}`;
}

function statusNode(form) {
  let node = form.querySelector("[data-status], [data-field=status], .form-status, [role=status]");
  if (!node) {
    node = el("p", { class: "form-status", role: "status" });
    form.append(node);
  }
  return node;
}

/** What a form holds in its text fields, by field name. */
function fieldValues(form) {
  const values = {};
  for (const field of form.querySelectorAll(TEXT)) if (field.name) values[field.name] = field.value;
  return values;
}

function saveDraft(key, form) {
  const values = fieldValues(form);
  if (Object.values(values).some((v) => v.trim())) localStorage.setItem(key, JSON.stringify(values));
  else localStorage.removeItem(key);
}

function restoreDraft(key, form) {
  let values;
  try {
    values = JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    values = null;
  }
  if (!values) return;
  for (const field of form.querySelectorAll(TEXT)) {
    if (field.name in values && values[field.name] !== "") {
      field.value = values[field.name];
      // Modules refresh fields from the server unless the user has typed in them.
      field.dataset.dirty = "1";
      form.dataset.dirty = "1";
    }
  }
}

/**
 * Send `form` through an action on submit. `build(form)` returns [op, data] or null.
 * `after(ack, form)` runs once the action is acked or refused for good; without it a
 * success resets the form. `draft` (default: the form's data-form) names its saved text.
 */
export function sendForm(form, ctx, build, { after = null, okText = "", draft } = {}) {
  const name = draft === undefined ? form.dataset.form || form.id : draft;
  const key = name ? draftKey(ctx, name) : null;
  if (key) {
    restoreDraft(key, form);
    form.addEventListener("input", () => saveDraft(key, form));
  }
  const status = statusNode(form);
  const show = (state, text) => {
    form.dataset.state = state;
    status.textContent = text;
    if (state === "pending" || state === "queued" || state === "retrying") form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.pending) return; // the same intent: its action is on its way
    const what = build(form);
    if (!what) return;
    const [op, data] = what;
    form.dataset.pending = "1";
    const ack = await ctx.live.act(op, data, {
      onState: (state) => show(state === "sending" ? "pending" : state, t(`send.${state}`)),
    });
    delete form.dataset.pending;
    if (ack.ok) {
      if (key) localStorage.removeItem(key);
      for (const field of form.querySelectorAll(TEXT)) field.dataset.dirty = "";
      delete form.dataset.dirty;
      show("sent", okText || t("saved"));
      if (after) after(ack, form);
      else form.reset();
    } else {
      // Refused or given up: the text stays in the field (and in the draft).
      const reason = ack.error ? ack.error.message : "";
      show(ack.failed ? "failed" : "refused", ack.failed ? t("send.failed", { reason }) : reason);
      if (after) after(ack, form);
    }
  });
}

/**
 * A button's press as one intent: busy until acked, its state in a few words on the button
 * itself (shown and read out with its name), a refusal said at the top of the page
 * (buttons in lists are rebuilt by pushes, a line beside them would vanish with them).
 */
export async function press(ctx, op, data = {}, button = null) {
  if (button) {
    if (button.dataset.pending) return null;
    button.dataset.pending = "1";
    button.setAttribute("aria-busy", "true");
  }
  const onState = button
    ? (state) => {
        button.dataset.state = state;
        button.dataset.stateText = t(`send.short_${state}`);
      }
    : undefined;
  const ack = await ctx.live.act(op, data, { onState });
  if (button) {
    delete button.dataset.pending;
    delete button.dataset.state;
    delete button.dataset.stateText;
    button.removeAttribute("aria-busy");
  }
  if (!ack.ok && ack.error) {
    ctx.live.onError(ack.failed ? { ...ack.error, message: t("send.failed", { reason: ack.error.message }) } : ack.error);
  }
  return ack;
}
