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
    rebuild($("[data-list=mine]", root), mine.map((n) => el("li", { text: `#${numbers[n.dilemma_id] ?? "?"}: ${n.text}` })));
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
  mount(root) {
    root.append(fromTemplate("dilemma_harvest-control"));
  },
  update(root, view, ctx) {
    const blocks = view.dilemmas.map((h) => {
      const b = block(root, ctx, h.dilemma.id);
      b.card.replaceChildren(dilemmaCard(h.dilemma, ctx));
      if (!b.notes.dataset.dirty && document.activeElement !== b.notes) b.notes.value = h.notes;
      const promote = (data, key) => el("button", { type: "button", class: "link", "data-key": key, text: t("dilemma_harvest.promote"), onclick: (e) => press(ctx, "dilemma_harvest.promote", data, e.currentTarget) });
      const remove = (data, key) => el("button", { type: "button", class: "link", "data-key": key, text: t("dilemma_collect.delete"), onclick: (e) => press(ctx, "dilemma_harvest.remove", data, e.currentTarget) });
      rebuild(b.lists, [
        part(ctx, "recommendations", h.recommendations, (r) => el("li", {}, r.text, " ", remove({ recommendation_id: r.id }, `rrm:${r.id}`), spotlightButton(ctx, "recommendation", r.id))),
        part(ctx, "needs", h.needs, (n) => el("li", {}, n.text, " ", promote({ need_id: n.id }, `np:${n.id}`), remove({ need_id: n.id }, `nrm:${n.id}`), spotlightButton(ctx, "need", n.id))),
        part(ctx, "arguments", (h.arguments || []).flatMap((g) => g.arguments), (a) => el("li", {}, a.text, " ", promote({ argument_id: a.id }, `ap:${a.id}`))),
      ]);
      return b.section;
    });
    const container = $("[data-list=dilemmas]", root);
    // Re-appending moves the existing nodes: forms keep what is typed in them.
    if (blocks.some((b, i) => container.children[i] !== b) || container.children.length !== blocks.length) {
      container.replaceChildren(...blocks);
    }
  },
};
