// Agreements: propose on a phone, confirm or decline when named; the board shows them as
// they are made; the facilitator edits, merges, withdraws.
import { known, people } from "../core/people.js";
import { press, sendForm } from "../core/send.js";
import { spotlightButton } from "../core/spotlight.js";
import { el, fromTemplate, keyed, rebuild } from "../core/dom.js";
import { scoped } from "../core/strings.js";

const S = scoped("agreements");

function describe(ctx, a) {
  const parts = [el("strong", { text: a.owner }), ": ", el("span", { text: a.what })];
  const meta = [S("due", { date: a.due_date })];
  if (a.with.length) meta.unshift(S("with", { names: a.with.join(", ") }));
  const lines = [el("p", {}, ...parts), el("p", { class: "meta", text: meta.join(" · ") })];
  if (a.check_how) lines.push(el("p", { class: "meta", text: S("check", { how: a.check_how }) }));
  return lines;
}

function answers(ctx, a) {
  if (!a.people.length) return null;
  return el(
    "ul",
    { class: "answers" },
    a.people.map((p) => {
      const label = p.answer ? S(p.answer) : S("waiting");
      const mark = p.answer === "confirmed" ? "✓ " : p.answer === "declined" ? "✗ " : "… ";
      const reason = p.reason ? ` — ${p.reason}` : "";
      return el("li", { class: `answer-${p.answer || "none"}`, text: `${mark}${p.name}: ${label}${reason}` });
    }),
  );
}

function statusLine(ctx, a) {
  const bits = [a.status_label];
  if (a.people.length) bits.push(S("count", { n: a.confirmed, total: a.people.length }));
  if (a.overdue) bits.push(`⚠ ${S("overdue")}`);
  if (!a.manager_visible) bits.push(S("hidden_from_managers"));
  return el("p", { class: `status status-${a.status}`, text: bits.join(" · ") });
}

function card(ctx, a, extra = []) {
  return [...describe(ctx, a), statusLine(ctx, a), answers(ctx, a), ...extra];
}

// --- the propose / edit form ---------------------------------------------------------------

function mountForm(slot, ctx, prefix, onSubmitted) {
  slot.append(fromTemplate("agreements-form"));
  const form = slot.querySelector("form");
  for (const node of form.querySelectorAll("[data-id]")) node.id = `${prefix}-${node.dataset.id}`;
  for (const label of form.querySelectorAll("label[data-for]")) label.htmlFor = `${prefix}-${label.dataset.for}`;
  const f = form.elements;
  sendForm(
    form,
    ctx,
    () => {
      const data = {
        owner_id: Number(f.owner_id.value || 0),
        owner_text: f.owner_text.value,
        what: f.what.value,
        with_ids: [...form.querySelectorAll("[data-list=with] input:checked")].map((i) => Number(i.value)),
        due_date: f.due_date.value,
        check_how: f.check_how.value,
        manager_visible: f.manager_visible.checked,
      };
      const editing = f.agreement_id.value;
      return editing ? ["agreements.edit", { agreement_id: Number(editing), ...data }] : ["agreements.propose", data];
    },
    {
      draft: prefix,
      okText: S("sent"),
      after: (ack) => {
        if (!ack.ok) return;
        resetForm(form);
        if (onSubmitted) onSubmitted();
      },
    },
  );
  return form;
}

function resetForm(form) {
  form.reset();
  form.elements.agreement_id.value = "";
  for (const box of form.querySelectorAll("[data-list=with] input")) box.checked = false;
  const cancel = form.querySelector("[data-action=cancel]");
  if (cancel) cancel.hidden = true;
}

function fillPeople(form, ctx, colleagues, today) {
  const owner = form.elements.owner_id;
  const chosen = owner.value;
  const key = JSON.stringify(colleagues);
  form.elements.due_date.min = today;
  if (form.dataset.people === key) return; // unchanged: leave the user's choices alone
  form.dataset.people = key;
  owner.replaceChildren(
    el("option", { value: "", text: "—" }),
    ...colleagues.map((c) => el("option", { value: String(c.id), text: c.name })),
    el("option", { value: "0", text: S("someone_else") }),
  );
  owner.value = chosen;
  const list = form.querySelector("[data-list=with]");
  const ticked = new Set([...list.querySelectorAll("input:checked")].map((i) => i.value));
  const idBase = owner.id;
  list.replaceChildren(
    ...colleagues.map((c) => {
      const id = `${idBase}-with-${c.id}`;
      return el(
        "div",
        { class: "check" },
        el("input", { type: "checkbox", id, value: String(c.id), checked: ticked.has(String(c.id)) }),
        el("label", { for: id, text: c.name }),
      );
    }),
  );
}

// --- phone ---------------------------------------------------------------------------------

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("agreements-phone"));
    mountForm(root.querySelector("[data-slot=form]"), ctx, "ag-phone");
    // Someone may have joined since this view: refresh the names when choosing.
    root.querySelector("[data-part=new]").addEventListener("toggle", () => this.fill(root, ctx));
  },
  /** The names to choose from, asked for when they changed (core/people.js). */
  async fill(root, ctx) {
    const rev = this.rev;
    const colleagues = await people(ctx.live, rev);
    if (!colleagues || rev !== this.rev) return;
    fillPeople(root.querySelector("[data-form=agreement]"), ctx, colleagues, this.today);
  },
  update(root, view, ctx) {
    const me = ctx.me || {};
    const pending = new Set(me.to_answer || []);
    this.rev = view.people_rev;
    this.today = view.today;
    const form = root.querySelector("[data-form=agreement]");
    form.elements.due_date.min = view.today;
    // The names once, then again when choosing: a join does not make every phone ask.
    if (!form.dataset.people || known(this.rev)) this.fill(root, ctx);
    const toAnswer = view.agreements.filter((a) => pending.has(a.id));
    root.querySelector("[data-part=answer]").hidden = toAnswer.length === 0;
    keyed(
      root.querySelector("[data-list=to-answer]"),
      toAnswer,
      (a) => answerCard(a, ctx),
      (node, a) => node.querySelector("[data-slot=text]").replaceChildren(...describe(ctx, a)),
    );
    root.querySelector("[data-list=agreements]").replaceChildren(
      ...(view.agreements.length
        ? view.agreements.map((a) => el("li", { class: "card", "data-id": String(a.id) }, card(ctx, a)))
        : [el("li", { text: S("none") })]),
    );
  },
};

function answerCard(a, ctx) {
  const reasonId = `ag-reason-${a.id}`;
  const reason = el("input", { id: reasonId, name: "reason", maxlength: "300", autocomplete: "off" });
  const status = el("p", { role: "status", class: "form-status" });
  const declineForm = el(
    "form",
    { class: "stack", hidden: true },
    el("label", { for: reasonId, text: S("reason") }),
    reason,
    el("button", { type: "submit", text: S("send_decline") }),
  );
  sendForm(declineForm, ctx, () => ["agreements.decline", { agreement_id: a.id, reason: reason.value }], {
    draft: `decline:${a.id}`,
  });
  const confirm = el("button", { type: "button", class: "primary", "data-action": "confirm", text: S("confirm") });
  confirm.addEventListener("click", async () => {
    const ack = await press(ctx, "agreements.confirm", { agreement_id: a.id }, confirm);
    if (ack && !ack.ok) status.textContent = ack.error.message;
  });
  const decline = el("button", { type: "button", "data-action": "decline", text: S("decline") });
  decline.addEventListener("click", () => {
    declineForm.hidden = false;
    reason.focus();
  });
  return el("li", { class: "card" }, el("div", { "data-slot": "text" }),
    el("div", { class: "buttons" }, confirm, decline), declineForm, status);
}

// --- board ---------------------------------------------------------------------------------

/** An agreement on the board (short texts from the server): who and what, then one line. */
export function boardAgreement(a, extra = []) {
  const meta = [S("due", { date: a.due_date })];
  if (a.with.length) meta.unshift(S("with", { names: a.with.join(", ") }));
  const status = [a.status_label];
  if (a.people) status.push(S("count", { n: a.confirmed, total: a.people }));
  if (a.overdue) status.push(`⚠ ${S("overdue")}`);
  return el(
    "li",
    { class: `status-${a.status}`, "data-id": String(a.id) },
    el("p", {}, el("strong", { text: a.owner }), ": ", el("span", { text: a.what })),
    el("p", { class: "meta", text: [...meta, ...status, ...extra].join(" · ") }),
  );
}

export const board = {
  mount(root) {
    root.append(fromTemplate("agreements-board"));
  },
  update(root, view, ctx) {
    root.querySelector("[data-field=empty]").hidden = view.agreements.length > 0;
    root.querySelector("[data-list=agreements]").replaceChildren(...view.agreements.map((a) => boardAgreement(a)));
  },
};

// --- control -------------------------------------------------------------------------------

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("agreements-control"));
    const form = mountForm(root.querySelector("[data-slot=form]"), ctx, "ag-control");
    form.querySelector("[data-action=cancel]").addEventListener("click", () => resetForm(form));
    const list = root.querySelector("[data-list=agreements]");
    // Never rebuild the list under a select the facilitator is using.
    ctx.on(list, "focusout", () => ctx.after(0, () => this.pending && this.draw(root, ctx)));
  },
  update(root, view, ctx) {
    this.pending = view;
    fillPeople(root.querySelector("[data-form=agreement]"), ctx, view.colleagues, view.today);
    // A clicked button keeps the focus: the list is redrawn under it (its answer is in
    // the new view), only not under a select the facilitator is choosing in.
    const active = document.activeElement;
    const choosing = active && active.tagName === "SELECT" && root.querySelector("[data-list=agreements]").contains(active);
    if (!choosing) this.draw(root, ctx);
  },
  draw(root, ctx) {
    const view = this.pending;
    this.pending = null;
    if (!view) return;
    const list = root.querySelector("[data-list=agreements]");
    const live = view.agreements.filter((a) => a.status !== "dropped");
    // The focus stays where it was: on the same button, or on the card's first one when
    // that button is gone (the "agreed by the room" that was just used).
    const active = document.activeElement;
    const focused = active && list.contains(active) ? active : null;
    const cardId = focused && focused.closest("li[data-id]")?.dataset.id;
    rebuild(list, [
      ...view.agreements.map((a) => el("li", { class: `card status-${a.status}`, "data-id": String(a.id) },
        card(ctx, a, a.status === "dropped" ? [] : [tools(root, ctx, a, live), spotlightButton(ctx, "agreement", a.id)]))),
    ]);
    if (focused && !list.contains(document.activeElement) && cardId) {
      list.querySelector(`li[data-id="${CSS.escape(cardId)}"] button`)?.focus();
    }
    if (!view.agreements.length) list.append(el("li", { text: S("none") }));
  },
};

function tools(root, ctx, a, all) {
  const act = (op, data) => press(ctx, op, { agreement_id: a.id, ...data });
  const key = (name) => `${name}-${a.id}`; // keeps the focus across a redraw (dom.rebuild)
  const buttons = [
    el("button", { type: "button", "data-key": key("edit"), text: S("edit"), onclick: () => startEdit(root, a) }),
    el("button", { type: "button", "data-key": key("withdraw"), text: S("withdraw"), onclick: () => act("agreements.withdraw", { note: "" }) }),
  ];
  if (!a.people.length && a.status === "proposed") {
    buttons.push(el("button", { type: "button", "data-key": key("agree"), text: S("agree_room"), onclick: () => act("agreements.agree") }));
  }
  const others = all.filter((o) => o.id !== a.id);
  if (others.length) {
    const id = `ag-merge-${a.id}`;
    const select = el("select", { id }, others.map((o) => el("option", { value: String(o.id), text: `${o.owner}: ${o.what}`.slice(0, 80) })));
    buttons.push(
      el("label", { for: id, text: S("merge_into") }),
      select,
      el("button", { type: "button", "data-key": key("merge"), text: S("merge"), onclick: () => act("agreements.merge", { into_id: Number(select.value) }) }),
    );
  }
  return el("div", { class: "buttons" }, buttons);
}

function startEdit(root, a) {
  const form = root.querySelector("[data-form=agreement]");
  const f = form.elements;
  f.agreement_id.value = String(a.id);
  f.what.value = a.what;
  f.owner_id.value = a.owner_id ? String(a.owner_id) : "0";
  f.owner_text.value = a.owner_id ? "" : a.owner;
  f.due_date.value = a.due_date;
  f.check_how.value = a.check_how;
  f.manager_visible.checked = a.manager_visible;
  const withIds = new Set(a.with_ids.map(String));
  for (const box of form.querySelectorAll("[data-list=with] input")) box.checked = withIds.has(box.value);
  form.querySelector("[data-action=cancel]").hidden = false;
  f.what.focus();
}
