// Harvest: needs from phones (anonymous), notes and recommendations by the facilitator.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { spotlightButton } from "../core/spotlight.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardCard } from "./_board.js";
import { dilemmaCard } from "./_dilemmas.js";

function part(ctx, key, items, render, count = null) {
  // On the board a part whose entries are all on other pages is left out of this one.
  if (count && !items.length) return null;
  return el(
    "section",
    { class: "harvest-part" },
    el("h4", { text: count === null ? t(`dilemma_harvest.${key}`) : `${t(`dilemma_harvest.${key}`)} (${count})` }),
    items.length ? el("ul", {}, items.map(render)) : count ? null : el("p", { class: "hint", text: t("dilemma_harvest.nothing_yet") }),
  );
}

/** "Voor het management": the organisational dilemmas with owner and proposed answer. */
function managementNodes(view, ctx, edit) {
  const items = view.management || [];
  if (!items.length) return [];
  const shown = (m) =>
    el(
      "article",
      { class: "dilemma", "data-management": String(m.dilemma.id) },
      el("h4", { text: `#${m.dilemma.number} ${m.dilemma.situation}` }),
      el(
        "dl",
        { class: "facts" },
        el("dt", { text: t("dilemma_harvest.owner") }),
        el("dd", { text: m.owner || "—" }),
        el("dt", { text: t("dilemma_harvest.answer") }),
        el("dd", { text: m.answer || "—" }),
      ),
    );
  // The control page: one line per dilemma, opened to fill in owner and answer.
  const editable = (m) =>
    el(
      "details",
      { class: "dilemma", "data-management": String(m.dilemma.id) },
      el("summary", { text: `#${m.dilemma.number} ${m.dilemma.situation.slice(0, 90)}${m.owner ? ` · ${m.owner}` : ""}` }),
      managementForm(m, ctx),
    );
  return [
    el(
      "section",
      { class: "harvest harvest-management" },
      el("h3", { text: t("dilemma_harvest.management") }),
      el("p", { class: "hint", text: t("dilemma_harvest.management_hint") }),
      items.map(edit ? editable : shown),
    ),
  ];
}

function managementForm(m, ctx) {
  const id = m.dilemma.id;
  const owner = el("input", { id: `dhm-owner-${id}`, name: "owner", maxlength: "80", value: m.owner });
  const answer = el("textarea", { id: `dhm-answer-${id}`, name: "text", rows: "2", maxlength: "1000" });
  answer.value = m.answer;
  const form = el(
    "form",
    { class: "stack" },
    el("label", { for: `dhm-owner-${id}`, text: t("dilemma_harvest.owner") }),
    owner,
    el("label", { for: `dhm-answer-${id}`, text: t("dilemma_harvest.answer") }),
    answer,
    el("button", { type: "submit", text: t("dilemma_harvest.save") }),
  );
  sendForm(form, ctx, () => ["dilemma_harvest.management", { dilemma_id: id, owner: owner.value, answer: answer.value }], { draft: "", after: () => {} });
  return form;
}

/** Expected by the managers beside what was brought (the server's comparison). */
function expectedNodes(view, ctx) {
  const c = view.expected;
  if (!c || !c.expected.length) return [];
  const list = (key, items, text) =>
    el("section", {}, el("h4", { text: `${t(`dilemma_harvest.${key}`)} (${items.length})` }), items.length ? el("ul", {}, items.map((x) => el("li", { text: text(x) }))) : null);
  return [
    el(
      "section",
      { class: "harvest comparison" },
      list("expected_brought", c.expected_brought, (x) => `${x.expected.situation} → #${x.dilemma.number}`),
      list("expected_missing", c.expected_only, (x) => x.situation),
      list("brought_unexpected", c.brought_only, (d) => `#${d.number} ${d.situation}`),
    ),
  ];
}

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_harvest-board"));
  },
  update(root, view, ctx) {
    rebuild(
      $("[data-list=dilemmas]", root),
      view.dilemmas.map((h) =>
        el(
          "section",
          { class: "harvest" },
          boardCard(h.dilemma),
          // The facilitator's notes only when they chose to project them (board.notes).
          h.notes ? el("p", { class: "harvest-notes" }, el("strong", { text: `${t("dilemma_harvest.notes")}: ` }), h.notes) : null,
          el(
            "div",
            { class: "harvest-parts" },
            part(ctx, `recommendations`, h.recommendations, (r) => el("li", { text: r }), h.counts.recommendations),
            part(ctx, "needs", h.needs, (n) => el("li", { text: n }), h.counts.needs),
          ),
        ),
      ),
    );
  },
};

/**
 * A recommendation's item, built again only when the recommendation changed on the
 * server: a need arriving from a phone rebuilds the lists, not the form being typed in.
 */
function cachedRecommendation(root, r, ctx, remove) {
  root._recs = root._recs || new Map();
  const key = JSON.stringify(r);
  const cached = root._recs.get(r.id);
  if (cached && cached.key === key) return cached.node;
  const node = recommendationItem(r, ctx);
  node.append(remove({ recommendation_id: r.id }, `rrm:${r.id}`), " ", spotlightButton(ctx, "recommendation", r.id));
  root._recs.set(r.id, { key, node });
  return node;
}

/** A recommendation's owner (person or role), priority and date, and "make it an agreement". */
function recommendationItem(r, ctx) {
  const id = r.id;
  const pick = (name, values, value) =>
    el(
      "select",
      { name, id: `dhr-${name}-${id}` },
      values.map((v) => el("option", { value: v, text: t(`dilemma_harvest.${name === "owner_kind" ? "kind" : "priority"}_${v}`), selected: v === value })),
    );
  const kind = pick("owner_kind", ["person", "management", "team"], r.owner_kind || "management");
  const priority = pick("priority", ["high", "medium", "low"], r.priority || "medium");
  const owner = el("input", { name: "owner", id: `dhr-owner-${id}`, maxlength: "80", value: r.owner || "" });
  const due = el("input", { name: "due_date", id: `dhr-due-${id}`, type: "date", value: r.due_date || "" });
  const form = el(
    "form",
    { class: "inline-form" },
    el("label", { for: `dhr-owner_kind-${id}`, text: t("dilemma_harvest.owner_kind") }),
    kind,
    el("label", { for: `dhr-owner-${id}`, text: t("dilemma_harvest.owner") }),
    owner,
    el("label", { for: `dhr-priority-${id}`, text: t("dilemma_harvest.priority") }),
    priority,
    el("label", { for: `dhr-due-${id}`, text: t("dilemma_harvest.due") }),
    due,
    el("button", { type: "submit", text: t("dilemma_harvest.save") }),
  );
  sendForm(
    form,
    ctx,
    () => ["dilemma_harvest.assign", { recommendation_id: id, owner_kind: kind.value, owner: owner.value, priority: priority.value, due_date: due.value || null }],
    { draft: "", after: () => {} },
  );
  return el(
    "li",
    {},
    el("p", { text: r.text }),
    form,
    r.agreement_id
      ? el("p", { class: "ok", text: t("dilemma_harvest.is_agreement") })
      : el("button", {
          type: "button",
          "data-key": `agr:${id}`,
          disabled: !(r.owner_kind && r.due_date),
          text: t("dilemma_harvest.to_agreement"),
          onclick: (e) => press(ctx, "dilemma_harvest.to_agreement", { recommendation_id: id }, e.currentTarget),
        }),
  );
}

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_harvest-phone"));
    const form = $("[data-form=need]", root);
    sendForm(form, ctx, () => ["dilemma_harvest.need", { dilemma_id: Number(form.elements.dilemma_id.value), text: form.elements.text.value }], {
      okText: t("dilemma_harvest.need_sent"),
      after: (ack) => {
        if (ack.ok) form.elements.text.value = "";
      },
    });
  },
  update(root, view, ctx) {
    const select = $("[name=dilemma_id]", root);
    const wanted = view.dilemmas.map((d) => `${d.id}:${d.situation}`).join("|");
    if (select.dataset.list !== wanted) {
      const chosen = select.value;
      select.replaceChildren(...view.dilemmas.map((d) => el("option", { value: String(d.id), text: `#${d.number} ${d.situation.slice(0, 80)}` })));
      if (chosen) select.value = chosen;
      select.dataset.list = wanted;
    }
    const numbers = Object.fromEntries(view.dilemmas.map((d) => [d.id, d.number]));
    const mine = (ctx.me && ctx.me.needs) || [];
    rebuild(
      $("[data-list=mine]", root),
      mine.map((n) => el("li", { text: `#${numbers[n.dilemma_id] ?? "?"}: ${n.text}${n.approved === false ? ` (${t("dilemma_collect.pending")})` : ""}` })),
    );
    rebuild(
      $("[data-list=dilemmas]", root),
      view.dilemmas
        .filter((d) => d.recommendations.length)
        .map((d) => el("section", { class: "harvest" }, el("h3", { text: `#${d.number} ${d.situation}` }), part(ctx, "recommendations", d.recommendations, (r) => el("li", { text: r.text || r })))),
    );
  },
};

/** A per-dilemma block whose forms are built once, so typing is never interrupted. */
function block(root, ctx, id) {
  root._blocks = root._blocks || new Map();
  const cache = root._blocks;
  if (cache.has(id)) return cache.get(id);
  const notes = el("textarea", { name: "text", rows: "3", maxlength: "4000", id: `dh-notes-${id}`, "data-key": `notes:${id}` });
  const notesForm = el(
    "form",
    { class: "stack" },
    el("label", { for: `dh-notes-${id}`, text: t("dilemma_harvest.notes") }),
    notes,
    el("button", { type: "submit", text: t("dilemma_harvest.save_notes") }),
  );
  notes.addEventListener("input", () => (notes.dataset.dirty = "1"));
  sendForm(notesForm, ctx, () => ["dilemma_harvest.notes", { dilemma_id: id, text: notes.value }], { draft: `notes:${id}`, after: () => {} });
  const rec = el("textarea", { name: "text", rows: "2", maxlength: "1000", id: `dh-rec-${id}`, "data-key": `rec:${id}` });
  const recForm = el(
    "form",
    { class: "stack" },
    el("label", { for: `dh-rec-${id}`, text: t("dilemma_harvest.new_recommendation") }),
    rec,
    el("button", { type: "submit", text: t("dilemma_harvest.add_recommendation") }),
  );
  sendForm(recForm, ctx, () => ["dilemma_harvest.recommend", { dilemma_id: id, text: rec.value }], { draft: `rec:${id}` });
  const node = { card: el("div"), lists: el("div"), notes, section: null };
  node.section = el("section", { class: "harvest", "data-dilemma-block": String(id) }, node.card, node.lists, notesForm, recForm);
  cache.set(id, node);
  return node;
}

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_harvest-control"));
    const approval = $("[name=need_approval]", root);
    approval.addEventListener("change", () =>
      press(ctx, "dilemma_harvest.settings", { item_id: ctx.item.id, need_approval: approval.checked }),
    );
  },
  update(root, view, ctx) {
    $("[name=need_approval]", root).checked = Boolean(view.need_approval);
    // What waits for approval gets an "approve" button (needs here, arguments as in the game).
    const approve = (op, data, key) => el("button", { type: "button", "data-key": key, text: t("dilemma_collect.approve"), onclick: (e) => press(ctx, op, data, e.currentTarget) });
    const blocks = view.dilemmas.map((h) => {
      const b = block(root, ctx, h.dilemma.id);
      b.card.replaceChildren(dilemmaCard(h.dilemma, ctx));
      if (!b.notes.dataset.dirty && document.activeElement !== b.notes) b.notes.value = h.notes;
      const promote = (data, key) => el("button", { type: "button", class: "link", "data-key": key, text: t("dilemma_harvest.promote"), onclick: (e) => press(ctx, "dilemma_harvest.promote", data, e.currentTarget) });
      const remove = (data, key) => el("button", { type: "button", class: "link", "data-key": key, text: t("dilemma_collect.delete"), onclick: (e) => press(ctx, "dilemma_harvest.remove", data, e.currentTarget) });
      rebuild(b.lists, [
        part(ctx, "recommendations", h.recommendations, (r) => cachedRecommendation(root, r, ctx, remove)),
        part(ctx, "needs", h.needs, (n) =>
          el(
            "li",
            {},
            n.text,
            " ",
            n.approved === false ? approve("dilemma_harvest.approve_need", { need_id: n.id }, `nok:${n.id}`) : null,
            promote({ need_id: n.id }, `np:${n.id}`),
            remove({ need_id: n.id }, `nrm:${n.id}`),
            spotlightButton(ctx, "need", n.id),
          ),
        ),
        part(ctx, "arguments", (h.arguments || []).flatMap((g) => g.arguments), (a) =>
          el(
            "li",
            {},
            a.text,
            " ",
            a.approved === false ? approve("dilemma_game.approve_argument", { argument_id: a.id }, `aok:${a.id}`) : null,
            promote({ argument_id: a.id }, `ap:${a.id}`),
          ),
        ),
      ]);
      return b.section;
    });
    const container = $("[data-list=dilemmas]", root);
    // Re-appending moves the existing nodes: forms keep what is typed in them.
    if (blocks.some((b, i) => container.children[i] !== b) || container.children.length !== blocks.length) {
      container.replaceChildren(...blocks);
    }
    // Rebuilt only when what the server holds changed: a form being typed in stays.
    const key = JSON.stringify([view.management, view.expected]);
    if (root.dataset.managementKey !== key) {
      root.dataset.managementKey = key;
      rebuild($("[data-list=management]", root), managementNodes(view, ctx, true));
      rebuild($("[data-list=expected]", root), expectedNodes(view, ctx));
    }
  },
};
