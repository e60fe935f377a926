// What the activities' board parts share (not an activity itself): cards and bars sized
// for the board (board.css). Texts arrive short from the server; the whole text is
// the spotlight's. Participant text only ever goes in through textContent.
import { el } from "../core/dom.js";
import { t } from "../core/strings.js";
import { LETTERS } from "./_dilemmas.js";

/** A dilemma on the board: number and situation, the options with their letters inside. */
export function boardCard(d, extra = []) {
  const meta = [];
  if (d.category) meta.push(el("span", { class: `badge cat-${d.category}`, text: t(`dilemma_collect.${d.category}`) }));
  if (d.author) meta.push(el("span", { class: "dilemma-author", text: t("dilemma_collect.by", { name: d.author }) }));
  if (d.merged_count) meta.push(el("span", { text: `${t("dilemma_collect.merged")} (${d.merged_count})` }));
  return el(
    "article",
    { class: "dilemma", "data-dilemma": String(d.id) },
    el("h3", { class: "dilemma-situation" }, el("span", { class: "dilemma-number", text: `#${d.number} ` }), d.situation),
    el(
      "ul",
      { class: "board-options" },
      d.options.map((o, i) => el("li", {}, el("span", { class: "option-letter", text: `${LETTERS[i]}.` }), el("span", { text: o }))),
    ),
    meta.length ? el("p", { class: "dilemma-meta" }, meta) : null,
    ...extra,
  );
}

// The CSP forbids style attributes; setting a property through the CSSOM is allowed.
function fill(percent) {
  const node = el("span", { class: "bar-fill" });
  node.style.width = `${percent}%`;
  return node;
}

/** Bars with their numbers written out; `max` scales them, `total` gives the percentage. */
export function boardBars(rows, total, max = Math.max(1, ...rows.map((r) => r.count))) {
  return el(
    "ul",
    { class: "bars" },
    rows.map((r) =>
      el(
        "li",
        { class: "bar-row" },
        el("span", { class: "bar-label", text: r.label }),
        el("span", { class: "bar-track", "aria-hidden": "true" }, fill(Math.round((100 * r.count) / Math.max(1, max)))),
        el("span", { class: "bar-value", text: total ? `${r.count} (${Math.round((100 * r.count) / total)}%)` : String(r.count) }),
      ),
    ),
  );
}
