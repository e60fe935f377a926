// The facilitator's control page: lifecycle, agenda (moving and building it), timer,
// people, the activity. Leaving an item while work is in progress, and closing the
// workshop, ask first in a <dialog> (core of issue 15, point 3).
import { $, el, keyed, rebuild } from "../core/dom.js";
import { startPage } from "../core/page.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";

const code = document.body.dataset.code;
const texts = $("#confirm-texts").dataset;
let current = null;

const { live, timer, stage } = startPage({
  screen: "control",
  auth: { kind: "facilitator", code, patches: true }, // its pushes as changes (core/patch.js)
  outboxKey: `facilitator:outbox:control:${code}`,
  onView: (name, view) => name === "control" && render(view),
});
const ctx = { live };

/** "%(name)s" placeholders filled in, as t() does for client strings. */
function fill(text, params = {}) {
  let out = text;
  for (const [name, value] of Object.entries(params)) out = out.replaceAll(`%(${name})s`, String(value));
  return out;
}

// --- what is going on: the reasons to ask before leaving -------------------------------

/** Work in progress in the current item, as reason keys: the room's timer, and what the
 * activity's control module reports (`control.busy(view)`) from the view the server sent. */
function busyReasons() {
  if (!current || current.workshop.status !== "open") return [];
  const reasons = [];
  const state = current.timer && current.timer.state;
  if (state === "running" || state === "paused") reasons.push("timer");
  const item = current.item;
  const part = stage.part;
  if (item && stage.itemId === item.id && part && typeof part.busy === "function") {
    reasons.push(...part.busy(item.view || {}));
  }
  // Phones with text typed and not sent for this item (only the count reaches us).
  if (item && current.drafts > 0) reasons.push("drafts");
  return reasons;
}

function reasonText(key) {
  if (key === "drafts") {
    const n = current ? current.drafts : 0;
    return fill(n === 1 ? texts.reasonDraftsOne : texts.reasonDrafts, { n });
  }
  return texts[`reason${key[0].toUpperCase()}${key.slice(1)}`] || key;
}

const dialog = $("#confirm");

/** Ask in the dialog; resolves true when the facilitator confirms. */
function ask({ title, text, reasons = [], yes }) {
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  const list = $("#confirm-reasons");
  list.replaceChildren(...reasons.map((key) => el("li", { text: reasonText(key) })));
  list.hidden = reasons.length === 0;
  $("#confirm-yes").textContent = yes;
  const opener = document.activeElement;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        // Focus goes back where it was (the button, or the page for a shortcut).
        if (opener && opener !== document.body && document.contains(opener)) opener.focus();
        resolve(dialog.returnValue === "yes");
      },
      { once: true },
    );
    dialog.showModal();
    $("#confirm-no").focus();
  });
}

/** Move the room (next, previous, another item): ask first when work is in progress. */
async function leave(op, data = {}, button = null) {
  if (dialog.open) return null;
  const reasons = busyReasons();
  if (reasons.length) {
    const sure = await ask({ title: texts.leaveTitle, text: texts.leaveText, reasons, yes: texts.leaveYes });
    if (!sure) return null;
  }
  return press(ctx, op, data, button);
}

async function closeWorkshop(button) {
  if (dialog.open) return;
  const reasons = busyReasons();
  const text = reasons.length ? `${texts.closeText} ${texts.closeBusy}` : texts.closeText;
  if (await ask({ title: texts.closeTitle, text, reasons, yes: texts.closeYes })) {
    press(ctx, "workshop.close", {}, button);
  }
}

// --- the agenda: the side panel to move, the editor to build -------------------------

function renderAgenda(view) {
  const list = $("#agenda");
  rebuild(
    list,
    view.agenda.map((item) => {
      const isCurrent = view.item && item.id === view.item.id;
      const button = el(
        "button",
        {
          type: "button",
          "data-item": String(item.id),
          "data-key": `item:${item.id}`,
          "aria-current": isCurrent ? "step" : false,
          onclick: (e) => !isCurrent && leave("agenda.goto", { item_id: item.id }, e.currentTarget),
        },
        item.title,
      );
      return el("li", { class: isCurrent ? "current" : "" }, button,
        isCurrent ? el("span", { class: "badge", text: t("current") }) : null);
    }),
  );
}

function createEditRow(item) {
  const row = el("li", { class: "agenda-edit-row" });
  const form = el("form", { class: "inline-form" });
  const input = el("input", { name: "title", maxlength: "120", required: true, "data-key": `title:${item.id}` });
  const label = el("label", { class: "visually-hidden" });
  const id = `agenda-title-${item.id}`;
  input.id = id;
  label.htmlFor = id;
  input.addEventListener("input", () => (input.dataset.dirty = "1"));
  const rename = el("button", { type: "submit", text: texts.rename });
  form.append(label, input, rename);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ack = await press(ctx, "agenda.rename", { item_id: item.id, title: input.value }, rename);
    if (ack && ack.ok) delete input.dataset.dirty;
  });
  const tools = el("span", { class: "agenda-tools" },
    el("button", { type: "button", "data-do": "up" }, "↑"),
    el("button", { type: "button", "data-do": "down" }, "↓"),
    el("button", { type: "button", "data-do": "remove" }, "✕"),
  );
  tools.addEventListener("click", async (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    const index = current.agenda.findIndex((i) => i.id === item.id);
    const what = button.dataset.do;
    if (what === "up" && index > 0) press(ctx, "agenda.move", { item_id: item.id, position: index - 1 }, button);
    else if (what === "down") press(ctx, "agenda.move", { item_id: item.id, position: index + 1 }, button);
    else if (what === "remove") {
      const title = current.agenda[index].title;
      const sure = await ask({ title: fill(texts.removeAsk, { title }), text: texts.removeText, yes: texts.removeYes });
      if (sure) press(ctx, "agenda.remove", { item_id: item.id }, button);
    }
  });
  row.append(form, tools);
  return row;
}

function updateEditRow(row, item, index, count) {
  const input = row.querySelector("input");
  const title = item.title;
  row.querySelector("label").textContent = fill(texts.titleOf, { n: index + 1 });
  if (!input.dataset.dirty && document.activeElement !== input) input.value = title;
  const [up, down, remove] = row.querySelectorAll(".agenda-tools button");
  up.setAttribute("aria-label", fill(texts.up, { title }));
  down.setAttribute("aria-label", fill(texts.down, { title }));
  remove.setAttribute("aria-label", fill(texts.remove, { title }));
  up.disabled = index === 0;
  down.disabled = index === count - 1;
  remove.disabled = count === 1;
}

function renderEditor(view) {
  const count = view.agenda.length;
  keyed($("#agenda-edit"), view.agenda, createEditRow, (row, item) =>
    updateEditRow(row, item, view.agenda.indexOf(item), count),
  );
  const place = $("#add-position");
  const chosen = place.value;
  place.replaceChildren(
    ...view.agenda.map((item, i) => el("option", { value: String(i), text: fill(texts.positionBefore, { title: item.title }) })),
    el("option", { value: "end", text: texts.positionEnd }),
  );
  place.value = [...place.options].some((o) => o.value === chosen) ? chosen : "end";
}

sendForm($("#agenda-add"), ctx, (form) => {
  const data = { kind: form.elements.kind.value, title: form.elements.title.value.trim() || null };
  if (form.elements.position.value !== "end") data.position = Number(form.elements.position.value);
  return ["agenda.add", data];
}, {
  draft: "",
  after: (ack, form) => {
    if (ack.ok) form.elements.title.value = "";
  },
});

sendForm($("#template-save"), ctx, (form) => ["agenda.save_template", { name: form.elements.name.value }], {
  draft: "",
  okText: texts.templateSaved,
  after: () => {},
});

// --- people, status -------------------------------------------------------------------

function renderPeople(view) {
  const people = view.people;
  const online = people.filter((p) => p.online).length;
  $("#people-summary").textContent =
    `${t("joined", { n: people.length })} · ${t("online_count", { n: online })}`;
  // Kept per person and changed in place: a push in a room of 1,000 builds no new rows.
  keyed(
    $("#people"),
    people,
    () => el("li", {}, el("span", { class: "person-name" }), " ", el("span", { class: "presence" })),
    (li, p) => {
      li.className = p.online ? "online" : "offline";
      li.firstChild.textContent = p.name || t("anonymous");
      li.lastChild.textContent = p.online ? t("online_now") : t("dropped_out");
    },
  );
}

function render(view) {
  current = view;
  const language = $("#room-language");
  if (document.activeElement !== language) language.value = view.workshop.language;
  const w = view.workshop;
  $("#status").textContent = t(`status_${w.status}`);
  // A closed workshop takes no one in, whatever the lock says: say that, not "open for joins".
  $("#lock-state").textContent = w.status === "closed" ? texts.closedNote : w.locked ? t("locked") : t("unlocked");
  $("#lock").setAttribute("aria-pressed", String(w.locked));
  $("#lock").disabled = w.status === "closed";
  $("#open").disabled = w.status === "open";
  $("#close").disabled = w.status === "closed";
  document.body.dataset.status = w.status;
  timer.set(view.timer);
  $("#timer-running").hidden = !(view.timer && view.timer.state);
  renderAgenda(view);
  renderEditor(view);
  renderPeople(view);
  stage.show(view.item);
}

function startTimer() {
  const minutes = Number($("#timer-minutes").value);
  if (minutes > 0) press(ctx, "timer.start", { seconds: Math.round(minutes * 60) });
}

function toggleTimer() {
  const state = current && current.timer && current.timer.state;
  if (state === "running") press(ctx, "timer.pause");
  else if (state === "paused") press(ctx, "timer.resume");
}

$("#open").addEventListener("click", (e) => press(ctx, "workshop.open", {}, e.currentTarget));
// The board, tables and phones switch to it; this page keeps its user's language.
$("#room-language").addEventListener("change", (e) =>
  press(ctx, "workshop.language", { language: e.currentTarget.value }),
);
$("#close").addEventListener("click", (e) => closeWorkshop(e.currentTarget));
// New board and table links: the page reloads to show the new board link.
$("#renew-links").addEventListener("click", async (e) => {
  const ack = await press(ctx, "workshop.renew_links", {}, e.currentTarget);
  if (ack && ack.ok) window.location.reload();
});
$("#lock").addEventListener("click", () =>
  press(ctx, "workshop.lock", { locked: !(current && current.workshop.locked) }),
);
$("#prev").addEventListener("click", (e) => leave("agenda.prev", {}, e.currentTarget));
$("#next").addEventListener("click", (e) => leave("agenda.next", {}, e.currentTarget));
$("#timer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  startTimer();
});
$("#timer-pause").addEventListener("click", toggleTimer);
$("#timer-extend").addEventListener("click", () => press(ctx, "timer.extend", { seconds: 60 }));
$("#timer-stop").addEventListener("click", () => press(ctx, "timer.stop"));

// Shortcuts, but never while typing in a field, nor while the dialog asks.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key.toLowerCase();
  if (key === "n") leave("agenda.next");
  else if (key === "p") leave("agenda.prev");
  else if (key === "t") startTimer();
  else if (key === " " && !target.closest("button, a, summary")) toggleTimer();
  else if (key === "r") document.dispatchEvent(new CustomEvent("facilitator:reveal"));
  else return;
  event.preventDefault();
});
