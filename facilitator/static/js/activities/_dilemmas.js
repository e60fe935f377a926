// Shared pieces of the dilemma activities' client modules (not an activity itself).
// Participant text only ever goes in through textContent (el(..., text)).
import { el, keyedBy } from "../core/dom.js";
import { spotlightButton } from "../core/spotlight.js";
import { press } from "../core/send.js";
import { t } from "../core/strings.js";

export const LETTERS = ["A", "B", "C", "D"];

/** One dilemma as an <article>: number, situation, options, values, optional author. */
export function dilemmaCard(d, ctx, extra = {}) {
  const options = el(
    "ol",
    { class: "dilemma-options", type: "A" },
    d.options.map((o) => el("li", { text: o })),
  );
  const meta = [];
  if (d.category) meta.push(el("span", { class: `badge cat-${d.category}`, text: t(`dilemma_collect.${d.category}`) }));
  if (d.author) meta.push(el("span", { class: "dilemma-author", text: t("dilemma_collect.by", { name: d.author }) }));
  if (d.approved === false) meta.push(el("span", { class: "badge", text: t("dilemma_collect.pending") }));
  if (d.merged_into_number) meta.push(el("span", { class: "badge", text: t("dilemma_collect.merged_into", { n: d.merged_into_number }) }));
  const merged = (d.merged || []).length
    ? el(
        "details",
        { class: "dilemma-merged" },
        el("summary", { text: `${t("dilemma_collect.merged")} (${d.merged.length})` }),
        d.merged.map((m) => el("p", { class: "merged-text" }, `#${m.number} `, m.situation)),
      )
    : null;
  return el(
    "article",
    { class: "dilemma", "data-dilemma": String(d.id), ...(extra.attrs || {}) },
    el("h3", { class: "dilemma-situation" }, d.number ? el("span", { class: "dilemma-number", text: `#${d.number} ` }) : null, d.situation),
    options,
    d.values ? el("p", { class: "dilemma-values" }, el("strong", { text: `${t("dilemma_collect.values")}: ` }), d.values) : null,
    meta.length ? el("p", { class: "dilemma-meta" }, meta) : null,
    merged,
    extra.children || null,
  );
}

// The CSP forbids style attributes; setting a property through the CSSOM is allowed.
function fill(percent) {
  const node = el("span", { class: "bar-fill" });
  node.style.width = `${percent}%`;
  return node;
}

/**
 * Horizontal bars with their numbers written out (colour never carries meaning alone).
 * With `share` each row carries its `percent` (of its own round's participants) and the
 * bar is that share: rounds compared on one scale. Otherwise the longest bar is full.
 */
export function bars(rows, total, label = (r) => r.label, { share = false } = {}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const width = (r) => (share ? r.percent : Math.round((100 * r.count) / max));
  const value = (r) => {
    if (share) return `${r.count} (${r.percent}%)`;
    return total ? `${r.count} (${Math.round((100 * r.count) / total)}%)` : String(r.count);
  };
  return el(
    "ul",
    { class: "bars" },
    rows.map((r) =>
      el(
        "li",
        { class: "bar-row" },
        el("span", { class: "bar-label", text: label(r) }),
        el("span", { class: "bar-track", "aria-hidden": "true" }, fill(width(r))),
        el("span", { class: "bar-value", text: value(r) }),
      ),
    ),
  );
}

/**
 * A live "n of max characters" under a text field (its data-max). The field has no
 * maxlength on purpose: that cut a pasted text without a word. Over the limit the
 * counter says by how much, and the server refuses it with the text kept in the field.
 */
export function charCounter(field, node) {
  const max = Number(field.dataset.max);
  const show = () => {
    const n = field.value.length;
    const key = n > max ? "dilemma_collect.chars_over" : "dilemma_collect.chars";
    node.textContent = t(key, { n, max, over: n - max });
    node.classList.toggle("warning", n > max);
    field.setAttribute("aria-invalid", String(n > max));
  };
  field.addEventListener("input", show);
  show();
  return show;
}

/** Options typed into a form's option fields, empty ones left out. */
export function formOptions(form) {
  return LETTERS.map((l) => form.elements[`option_${l}`]?.value.trim() || "").filter(Boolean);
}

function select(label, key, options, value, onchange) {
  const node = el(
    "select",
    { "aria-label": label, "data-key": key, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => el("option", { value: v, text, selected: String(v) === String(value) })),
  );
  return node;
}

/** The dilemmas the "merge into" lists offer, per list: always the latest push's. */
const latest = new WeakMap();

/**
 * The facilitator's list of dilemmas with approve, delete, theme, kind and merge, in
 * `list`. A row is rebuilt only when its dilemma or the themes changed (keyedBy), and its
 * "merge into" list is filled when it is opened: filled in every row, 1,000 dilemmas made
 * a million options on each push.
 */
export function renderManageList(list, view, ctx) {
  const themes = view.themes || [];
  latest.set(list, view.dilemmas);
  const themesSig = JSON.stringify(themes);
  keyedBy(
    list,
    view.dilemmas,
    (d) => JSON.stringify(d) + themesSig,
    (d) => manageRow(d, themes, () => latest.get(list) || [], ctx),
  );
}

function mergeSelect(d, tops, ctx) {
  const node = select(t("dilemma_sort.merge_into"), `${d.id}:merge`, [["", t("dilemma_sort.merge_into")]], "", (v) =>
    v && press(ctx, "dilemma.merge", { dilemma_id: d.id, into_id: Number(v) }),
  );
  const fill = () => {
    const others = tops().filter((o) => o.id !== d.id);
    node.replaceChildren(
      el("option", { value: "", text: t("dilemma_sort.merge_into") }),
      ...others.map((o) => el("option", { value: String(o.id), text: `#${o.number} ${o.situation.slice(0, 60)}` })),
    );
  };
  // Before it opens: by pointer, by keyboard (focus comes first), by touch.
  node.addEventListener("focus", fill);
  node.addEventListener("pointerdown", fill);
  return node;
}

function manageRow(d, themes, tops, ctx) {
  const id = d.id;
  const tools = el(
    "div",
    { class: "dilemma-tools" },
    d.approved ? spotlightButton(ctx, "dilemma", id) : null,
    el("button", {
      type: "button",
      "data-key": `${id}:approve`,
      text: d.approved ? t("dilemma_collect.hide") : t("dilemma_collect.approve"),
      onclick: (e) => press(ctx, "dilemma.approve", { dilemma_id: id, approved: !d.approved }, e.currentTarget),
    }),
    select(
      t("dilemma_sort.category"),
      `${id}:cat`,
      [
        ["none", t("dilemma_sort.unsorted")],
        ["content", t("dilemma_collect.content")],
        ["organisational", t("dilemma_collect.organisational")],
      ],
      d.category || "none",
      (v) => press(ctx, "dilemma.classify", { dilemma_id: id, category: v }),
    ),
    select(
      t("dilemma_sort.theme"),
      `${id}:theme`,
      [["", t("dilemma_sort.no_theme")], ...themes.map((th) => [th.id, th.name])],
      d.theme_id || "",
      (v) => press(ctx, "dilemma.set_theme", { dilemma_id: id, theme_id: v ? Number(v) : null }),
    ),
    mergeSelect(d, tops, ctx),
    el("button", {
      type: "button",
      class: "link",
      "data-key": `${id}:delete`,
      text: t("dilemma_collect.delete"),
      onclick: () => window.confirm(t("dilemma_collect.confirm_delete")) && press(ctx, "dilemma.delete", { dilemma_id: id }),
    }),
  );
  const splits = (d.merged || []).map((m) =>
    el("button", {
      type: "button",
      class: "link",
      "data-key": `${m.id}:unmerge`,
      text: `${t("dilemma_sort.unmerge")} #${m.number}`,
      onclick: (e) => press(ctx, "dilemma.unmerge", { dilemma_id: m.id }, e.currentTarget),
    }),
  );
  const themeName = themes.find((th) => th.id === d.theme_id)?.name;
  return dilemmaCard(d, ctx, {
    children: [themeName ? el("p", { class: "dilemma-theme", text: themeName }) : null, tools, splits.length ? el("p", {}, splits) : null],
  });
}

/** "content: 2 · organisational: 1 · not yet marked: 3" */
export function totalsText(totals, ctx) {
  return [
    `${t("dilemma_collect.content")}: ${totals.content}`,
    `${t("dilemma_collect.organisational")}: ${totals.organisational}`,
    `${t("dilemma_sort.unsorted")}: ${totals.none}`,
  ].join(" · ");
}

/** Dilemmas grouped by theme, as on the board and phones during sorting. */
export function groupedList(view, ctx) {
  const section = (title, dilemmas) =>
    dilemmas.length
      ? el("section", { class: "dilemma-group" }, el("h3", { text: title }), el("div", { class: "dilemma-grid" }, dilemmas.map((d) => dilemmaCard(d, ctx))))
      : null;
  return [
    ...view.groups.map((g) => section(g.theme.name, g.dilemmas)),
    section(t("dilemma_sort.no_theme"), view.loose),
  ].filter(Boolean);
}
