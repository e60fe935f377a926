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

// A form sent this soon after its last answer, with nothing typed since, is the same
// intent: the second tap of a double tap, after a quick ack had emptied the form.
const AGAIN_MS = 700;
// The click being handled now counts the clicks on one spot in quick succession: the
// second click of a double click lands on whatever a push put there after the first (the
// same button rebuilt without its busy mark, the next agreement to confirm moved up), and
// no control here wants a double click.
let clicks = 0;
document.addEventListener(
  "click",
  (event) => {
    clicks = event.detail;
    setTimeout(() => {
      clicks = 0;
    });
  },
  true,
);
const TEXT = "textarea, input:not([type]), input[type=text], input[type=date], input[type=number]";
// Kept with the text, though typing never starts a draft by them alone: which dilemma an
// edit is for (a hidden field), and the form's ticks and choices.
const KEPT = `${TEXT}, input[type=hidden], input[type=checkbox], input[type=radio], select`;

function draftPrefix(item) {
  // The page's path names the workshop and the screen (a phone and the control page
  // open in one browser keep their own drafts).
  return `facilitator:draft:${location.pathname}:${item}:`;
}

function draftKey(ctx, name) {
  return `${draftPrefix(ctx.item ? ctx.item.id : "page")}${name}`;
}

/** Whether this page holds unsent text for agenda item `itemId` (a draft kept). */
export function hasDraft(itemId) {
  const prefix = draftPrefix(itemId);
  for (let i = 0; i < localStorage.length; i++) {
    if (localStorage.key(i)?.startsWith(prefix)) return true;
  }
  return false;
}

/** Tell the server whether this phone has unsent text for the item it shows (Live.draft). */
export function reportDraft(ctx) {
  const item = ctx.item ? ctx.item.id : null;
  if (ctx.live && item) ctx.live.draft(hasDraft(item) ? item : null);
}

function statusNode(form) {
  let node = form.querySelector("[data-status], [data-field=status], .form-status, [role=status]");
  if (!node) {
    node = el("p", { class: "form-status", role: "status" });
    form.append(node);
  }
  return node;
}

/**
 * A refusal about one field (`error.field`) said at that field: marked invalid, the
 * message right after it and read with it (aria-describedby), and the field focused, so
 * nobody looks for it at the top of the page. Gone once the field is changed or sent.
 */
function markField(form, error) {
  clearField(form);
  const field = error && error.field ? form.elements.namedItem(error.field) : null;
  if (!(field instanceof HTMLElement) || !field.id) return false;
  const note = el("p", { class: "field-error", id: `${field.id}-error`, text: error.message });
  field.after(note);
  // Marked as this refusal's, so that clearing it leaves a field's own check (a
  // character counter's aria-invalid) alone.
  field.dataset.fieldError = "1";
  field.setAttribute("aria-invalid", "true");
  field.dataset.describedBefore = field.getAttribute("aria-describedby") || "";
  field.setAttribute("aria-describedby", `${field.dataset.describedBefore} ${note.id}`.trim());
  field.focus();
  return true;
}

function clearField(form) {
  for (const field of form.querySelectorAll("[data-field-error]")) {
    field.removeAttribute("aria-invalid");
    delete field.dataset.fieldError;
    const before = field.dataset.describedBefore;
    if (before) field.setAttribute("aria-describedby", before);
    else field.removeAttribute("aria-describedby");
    delete field.dataset.describedBefore;
  }
  for (const note of form.querySelectorAll(".field-error[id$=-error]")) note.remove();
}

function isTick(field) {
  return field.type === "checkbox" || field.type === "radio";
}

/** What a form holds, by field name (a tick as true/false, a radio group as its value). */
function fieldValues(form) {
  const values = {};
  for (const field of form.querySelectorAll(KEPT)) {
    if (!field.name) continue;
    if (field.type === "radio") {
      if (field.checked) values[field.name] = field.value;
    } else values[field.name] = isTick(field) ? field.checked : field.value;
  }
  return values;
}

function saveDraft(key, form) {
  const typed = [...form.querySelectorAll(TEXT)].some((field) => field.name && field.value.trim());
  if (typed) localStorage.setItem(key, JSON.stringify(fieldValues(form)));
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
  for (const field of form.querySelectorAll(KEPT)) {
    if (!(field.name in values)) continue;
    const value = values[field.name];
    if (field.type === "radio") field.checked = field.value === value;
    else if (field.type === "checkbox") field.checked = Boolean(value);
    else if (value !== "") field.value = value;
    else continue;
    // Modules refresh fields from the server unless the user has typed in them.
    field.dataset.dirty = "1";
    form.dataset.dirty = "1";
  }
  // A module may show more for what came back (the "cancel edit" of an edit draft).
  form.dispatchEvent(new CustomEvent("draft-restored"));
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
    form.addEventListener("input", () => {
      saveDraft(key, form);
      reportDraft(ctx);
    });
  }
  const status = statusNode(form);
  const show = (state, text) => {
    form.dataset.state = state;
    status.textContent = text;
    if (state === "pending" || state === "queued" || state === "retrying") form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  };
  const onState = (state) => show(state === "sending" ? "pending" : state, t(`send.${state}`));
  let answered = 0; // when the last submission was answered,
  let typed = false; // and whether anything was typed since
  form.addEventListener("input", (event) => {
    typed = true;
    if (event.target.dataset && event.target.dataset.fieldError) clearField(form);
  });
  const settle = (ack) => {
    delete form.dataset.pending;
    answered = Date.now();
    typed = false;
    if (ack.ok) {
      clearField(form);
      if (key) localStorage.removeItem(key);
      reportDraft(ctx);
      for (const field of form.querySelectorAll(TEXT)) field.dataset.dirty = "";
      delete form.dataset.dirty;
      show("sent", okText || t("saved"));
      if (after) after(ack, form);
      else form.reset();
    } else {
      // Refused or given up: the text stays in the field (and in the draft).
      const reason = ack.error ? ack.error.message : "";
      show(ack.failed ? "failed" : "refused", ack.failed ? t("send.failed", { reason }) : reason);
      if (!ack.failed) markField(form, ack.error);
      if (after) after(ack, form);
    }
  };
  // Sent before a reload and not yet acked: the form says so and waits for it, instead
  // of offering its text as if it had never been sent.
  const earlier = key && ctx.live.queued(key);
  if (earlier) {
    form.dataset.pending = "1";
    ctx.live.wait(earlier, { onState }).then(settle);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.pending) return; // the same intent: its action is on its way
    // The second click of a double click, after a quick ack had emptied the form.
    if ((!typed && Date.now() - answered < AGAIN_MS) || (event.submitter && clicks > 1)) return;
    const what = build(form);
    if (!what) return;
    const [op, data] = what;
    form.dataset.pending = "1";
    settle(await ctx.live.act(op, data, { onState, tag: key || undefined }));
  });
}

/**
 * A button's press as one intent: busy until acked, its state in a few words on the button
 * itself (shown and read out with its name), a refusal said at the top of the page
 * (buttons in lists are rebuilt by pushes, a line beside them would vanish with them).
 */
export async function press(ctx, op, data = {}, button = null) {
  // Two separate taps are two intents (two dots for one dilemma); a double click is one.
  if (clicks > 1) return null;
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
