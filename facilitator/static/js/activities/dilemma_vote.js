// Dot voting: + and - per dilemma on the phone, counts hidden until the reveal.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardBars } from "./_board.js";
import { bars, dilemmaCard } from "./_dilemmas.js";

function stateText(view, ctx) {
  return t(`dilemma_vote.state_${view.state}`);
}

function results(view, ctx) {
  if (!view.results) return [];
  const total = view.results.reduce((sum, r) => sum + r.dots, 0);
  return [
    bars(
      view.results.map((r) => ({ label: `${r.rank}. #${r.number} ${r.situation}`, count: r.dots })),
      total,
    ),
  ];
}

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_vote-board"));
  },
  update(root, view, ctx) {
    $("[data-field=state]", root).textContent = stateText(view, ctx);
    $("[data-field=voters]", root).textContent = view.revealed ? "" : t("dilemma_vote.voters", { n: view.voters });
    rebuild(
      $("[data-list=dilemmas]", root),
      (view.dilemmas || []).map((d) => el("li", {}, el("strong", { text: `#${d.number} ` }), d.situation)),
    );
    // The ranking: bars scaled to the most dots, percentages of all dots given.
    const rows = (view.results || []).map((r) => ({ label: `${r.rank}. #${r.number} ${r.situation}`, count: r.dots }));
    rebuild($("[data-list=results]", root), view.results ? [boardBars(rows, view.total_dots, view.top_dots)] : []);
  },
};

export const phone = {
  mount(root) {
    root.append(fromTemplate("dilemma_vote-phone"));
  },
  update(root, view, ctx) {
    const own = ctx.me && ctx.me.dots ? ctx.me : { dots: {}, used: 0 };
    // What is left follows the budget this view carries: never an old budget's count.
    const me = { ...own, left: view.budget - own.used };
    const open = view.state === "open";
    $("[data-field=state]", root).textContent = stateText(view, ctx);
    $("[data-field=left]", root).textContent = view.revealed ? "" : t("dilemma_vote.dots_left", { n: me.left, budget: view.budget });
    rebuild(
      $("[data-list=dilemmas]", root),
      (view.dilemmas || []).map((d) => {
        const mine = me.dots[String(d.id)] || 0;
        const full = me.left <= 0 || (view.per_dilemma > 0 && mine >= view.per_dilemma);
        return dilemmaCard(d, ctx, {
          children: el(
            "div",
            { class: "vote-tools" },
            el("button", {
              type: "button",
              "data-key": `${d.id}:remove`,
              "aria-label": `${t("dilemma_vote.remove_dot")} #${d.number}`,
              disabled: !open || mine === 0,
              text: "−",
              onclick: (e) => press(ctx, "dilemma_vote.remove", { dilemma_id: d.id }, e.currentTarget),
            }),
            el("span", { class: "my-dots", text: t("dilemma_vote.your_dots", { n: mine }) }),
            el("button", {
              type: "button",
              class: "primary",
              "data-key": `${d.id}:add`,
              "aria-label": `${t("dilemma_vote.add_dot")} #${d.number}`,
              disabled: !open || full,
              text: "+",
              onclick: (e) => press(ctx, "dilemma_vote.add", { dilemma_id: d.id }, e.currentTarget),
            }),
          ),
        });
      }),
    );
    rebuild($("[data-list=results]", root), results(view, ctx));
  },
};

export const control = {
  // Work in progress for the control page's "leave this item?" question.
  busy(view) {
    return view.state === "open" ? ["vote"] : [];
  },
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_vote-control"));
    const form = $("[data-form=configure]", root);
    sendForm(
      form,
      ctx,
      () => [
        "dilemma_vote.configure",
        {
          item_id: ctx.item.id,
          budget: Number(form.elements.budget.value),
          per_dilemma: Number(form.elements.per_dilemma.value || 0),
          organisational_out: form.elements.organisational_out.checked,
        },
      ],
      { draft: "", after: () => (form.dataset.dirty = "") },
    );
    form.addEventListener("input", () => (form.dataset.dirty = "1"));
    form.addEventListener("change", () => (form.dataset.dirty = "1"));
    for (const button of root.querySelectorAll("[data-do]")) {
      button.addEventListener("click", () => press(ctx, `dilemma_vote.${button.dataset.do}`, { item_id: ctx.item.id }, button));
    }
    // The control page's "r" shortcut, for as long as this item is shown.
    ctx.on(document, "facilitator:reveal", () => press(ctx, "dilemma_vote.reveal", { item_id: ctx.item.id }));
  },
  update(root, view, ctx) {
    const form = $("[data-form=configure]", root);
    if (!form.dataset.dirty) {
      form.elements.budget.value = view.budget;
      form.elements.per_dilemma.value = view.per_dilemma;
      form.elements.organisational_out.checked = view.organisational_out;
    }
    for (const field of form.elements) field.disabled = view.state !== "ready";
    // The settings matter before voting opens; afterwards they fold away (once per change).
    if (root._state !== view.state) {
      $("[data-box=settings]", root).open = view.state === "ready";
      root._state = view.state;
    }
    $("[data-do=open]", root).disabled = view.revealed || view.state === "open";
    $("[data-do=close]", root).disabled = view.state !== "open";
    $("[data-do=reveal]", root).disabled = view.revealed;
    $("[data-field=state]", root).textContent = stateText(view, ctx);
    $("[data-field=voters]", root).textContent = t("dilemma_vote.voters", { n: view.voters });
    rebuild($("[data-list=results]", root), results(view, ctx));
  },
};
