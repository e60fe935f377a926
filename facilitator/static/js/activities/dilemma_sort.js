// Sorting dilemmas: themes and content / organisational. The board shows the groups.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardCard } from "./_board.js";
import { groupedList, renderManageList, totalsText } from "./_dilemmas.js";

function shared(name) {
  return {
    mount(root) {
      root.append(fromTemplate(`dilemma_sort-${name}`));
    },
    update(root, view, ctx) {
      $("[data-field=totals]", root).textContent = totalsText(view.totals, ctx);
      rebuild($("[data-list=groups]", root), groupedList(view, ctx));
    },
  };
}

/** The page's cards in runs of one theme, each run under its theme's name. */
function themeRuns(view) {
  const runs = [];
  for (const d of view.dilemmas) {
    const last = runs[runs.length - 1];
    if (last && last.theme === d.theme) last.dilemmas.push(d);
    else runs.push({ theme: d.theme, dilemmas: [d] });
  }
  return runs.map((run) =>
    el(
      "section",
      { class: "dilemma-group" },
      el("h3", { text: run.theme || t("dilemma_sort.no_theme") }),
      el("div", { class: "dilemma-grid" }, run.dilemmas.map((d) => boardCard(d))),
    ),
  );
}

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_sort-board"));
  },
  update(root, view, ctx) {
    $("[data-field=totals]", root).textContent = totalsText(view.totals, ctx);
    rebuild($("[data-list=groups]", root), themeRuns(view));
  },
};
export const phone = shared("phone");

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_sort-control"));
    sendForm($("[data-form=theme]", root), ctx, (f) => ["dilemma.theme_add", { name: f.elements.name.value }]);
  },
  update(root, view, ctx) {
    $("[data-field=totals]", root).textContent = totalsText(view.totals, ctx);
    rebuild(
      $("[data-list=themes]", root),
      view.themes.map((th) =>
        el(
          "li",
          {},
          el("span", { text: th.name }),
          " ",
          el("button", {
            type: "button",
            class: "link",
            "data-key": `theme:${th.id}`,
            text: t("dilemma_collect.delete"),
            onclick: (e) => press(ctx, "dilemma.theme_delete", { theme_id: th.id }, e.currentTarget),
          }),
        ),
      ),
    );
    renderManageList($("[data-list=manage]", root), view, ctx);
  },
};
