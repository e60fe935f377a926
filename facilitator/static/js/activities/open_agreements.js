// Open agreements: the room looks back at what the team agreed earlier.
import { sendForm } from "../core/send.js";
import { el, fromTemplate, keyed } from "../core/dom.js";
import { scoped } from "../core/strings.js";
import { boardAgreement } from "./agreements.js";

const S = scoped("open_agreements");
const A = scoped("agreements");

function text(ctx, a) {
  const meta = [A("due", { date: a.due_date }), S("from", { title: a.workshop_title, date: a.workshop_date })];
  if (a.with.length) meta.unshift(A("with", { names: a.with.join(", ") }));
  const status = [a.status_label];
  if (a.overdue) status.push(`⚠ ${A("overdue")}`);
  if (a.reviewed) status.push(S("reviewed"));
  return [
    el("p", {}, el("strong", { text: a.owner }), ": ", el("span", { text: a.what })),
    el("p", { class: "meta", text: meta.join(" · ") }),
    el("p", { class: `status status-${a.status}`, text: status.join(" · ") }),
    a.note ? el("p", { class: "meta", text: S("last_note", { note: a.note }) }) : null,
  ];
}

function empty(root, view, ctx) {
  const node = root.querySelector("[data-field=empty]");
  node.textContent = view.has_team ? S("none") : S("no_team");
  node.hidden = view.agreements.length > 0;
}

function readOnly(root, view, ctx) {
  empty(root, view, ctx);
  root.querySelector("[data-list=agreements]").replaceChildren(
    ...view.agreements.map((a) => el("li", { class: `card status-${a.status}`, "data-id": String(a.id) }, text(ctx, a))),
  );
}

export const board = {
  mount(root) {
    root.append(fromTemplate("open_agreements-board"));
  },
  update(root, view, ctx) {
    empty(root, view, ctx);
    root.querySelector("[data-list=agreements]").replaceChildren(
      ...view.agreements.map((a) =>
        boardAgreement(a, [S("from", { title: a.workshop_title, date: a.workshop_date }), a.note ? S("last_note", { note: a.note }) : ""].filter(Boolean)),
      ),
    );
  },
};

export const phone = {
  mount(root) {
    root.append(fromTemplate("open_agreements-phone"));
  },
  update: readOnly,
};

// Control: one review form per agreement, kept across updates so a note being typed survives.
export const control = {
  mount(root) {
    root.append(fromTemplate("open_agreements-control"));
  },
  update(root, view, ctx) {
    empty(root, view, ctx);
    keyed(
      root.querySelector("[data-list=agreements]"),
      view.agreements,
      (a) => reviewCard(a, view, ctx),
      (node, a) => node.querySelector("[data-slot=text]").replaceChildren(...text(ctx, a).filter(Boolean)),
    );
  },
};

function reviewCard(a, view, ctx) {
  const base = `oa-${a.id}`;
  const select = el("select", { id: `${base}-status`, name: "status" },
    view.choices.map((c) => el("option", { value: c.value, text: c.label })));
  if (view.choices.some((c) => c.value === a.status)) select.value = a.status;
  const note = el("input", { id: `${base}-note`, name: "note", maxlength: "500", autocomplete: "off" });
  const status = el("p", { class: "form-status", role: "status" });
  const form = el("form", { class: "inline-form review-form" },
    el("label", { for: `${base}-status`, text: S("status") }), select,
    el("label", { for: `${base}-note`, text: S("note") }), note,
    el("button", { type: "submit", class: "primary", text: S("save") }), status);
  sendForm(form, ctx, () => ["open_agreements.review", { agreement_id: a.id, status: select.value, note: note.value }], {
    draft: `review:${a.id}`,
    after: (ack) => {
        if (ack.ok) note.value = "";
      },
  });
  return el("li", { class: "card", "data-id": String(a.id) }, el("div", { "data-slot": "text" }), form);
}
