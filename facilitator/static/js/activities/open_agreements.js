// Open agreements: the room looks back at what the team agreed earlier.
import { el, fromTemplate, t } from "../dom.js";

const S = (ctx, key, params) => t(ctx.strings, `open_agreements.${key}`, params);
const A = (ctx, key, params) => t(ctx.strings, `agreements.${key}`, params);

function text(ctx, a) {
  const meta = [A(ctx, "due", { date: a.due_date }), S(ctx, "from", { title: a.workshop_title, date: a.workshop_date })];
  if (a.with.length) meta.unshift(A(ctx, "with", { names: a.with.join(", ") }));
  const status = [a.status_label];
  if (a.overdue) status.push(`⚠ ${A(ctx, "overdue")}`);
  if (a.reviewed) status.push(S(ctx, "reviewed"));
  return [
    el("p", {}, el("strong", { text: a.owner }), ": ", el("span", { text: a.what })),
    el("p", { class: "meta", text: meta.join(" · ") }),
    el("p", { class: `status status-${a.status}`, text: status.join(" · ") }),
    a.note ? el("p", { class: "meta", text: S(ctx, "last_note", { note: a.note }) }) : null,
  ];
}

function empty(root, view, ctx) {
  const node = root.querySelector("[data-field=empty]");
  node.textContent = view.has_team ? S(ctx, "none") : S(ctx, "no_team");
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
  update: readOnly,
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
    const list = root.querySelector("[data-list=agreements]");
    const old = new Map([...list.children].map((n) => [n.dataset.id, n]));
    const nodes = view.agreements.map((a) => {
      const node = old.get(String(a.id)) || reviewCard(a, view, ctx);
      node.querySelector("[data-slot=text]").replaceChildren(...text(ctx, a).filter(Boolean));
      return node;
    });
    nodes.forEach((node, i) => {
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
    });
    for (const node of [...list.children]) if (!nodes.includes(node)) node.remove();
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
    el("label", { for: `${base}-status`, text: S(ctx, "status") }), select,
    el("label", { for: `${base}-note`, text: S(ctx, "note") }), note,
    el("button", { type: "submit", class: "primary", text: S(ctx, "save") }), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ack = await ctx.live.act("open_agreements.review", {
      agreement_id: a.id, status: select.value, note: note.value });
    if (ack.ok) note.value = "";
    status.textContent = ack.ok ? t(ctx.strings, "saved") : ack.error.message;
  });
  return el("li", { class: "card", "data-id": String(a.id) }, el("div", { "data-slot": "text" }), form);
}
