// The control page's board controls (<section id="board-controls">): the join slide,
// the spotlight, the page of a long list and its pace, the harvest notes, and what is
// on the board now. It follows the control page's own views (the "facilitator:view"
// event of core/page.js) and acts through the page's connection.
import { $, el } from "../core/dom.js";
import { press } from "../core/send.js";
import { markSpotlight } from "../core/spotlight.js";
import { t } from "../core/strings.js";

const root = $("#board-controls");
const ctx = {
  get live() {
    return window.facilitatorLive;
  },
};
let board = null;
let turnTimer = null;

function nowText(b) {
  const now = b.now;
  let text = "";
  if (now.slide === "join") text = t("board.now_join");
  else if (now.slide === "closing") text = t("board.now_closing");
  else if (now.slide === "spotlight") text = `${t(`board.kind_${now.kind}`)}: ${t("board.now_spotlight", { text: now.text })}`;
  else text = now.title || "";
  if (now.slide === "activity" && b.paging && b.paging.pages > 1) {
    text += ` · ${t("board.now_page", { page: b.paging.page, pages: b.paging.pages })}`;
  }
  return text;
}

function render(view) {
  board = view.board;
  window.facilitatorBoard = board; // for the spotlight buttons in the activity's part
  const paging = board.paging;
  const closed = view.workshop.status === "closed";
  $("[data-field=now]", root).textContent = nowText(board);
  const join = $("[data-do=join]", root);
  join.textContent = board.join ? t("board.join_hide") : t("board.join_show");
  join.setAttribute("aria-pressed", String(board.join));
  join.disabled = closed;
  $("[data-do=unspotlight]", root).disabled = !board.spotlight;
  const many = Boolean(paging && paging.pages > 1);
  $("[data-field=page]", root).textContent = many ? `${paging.page} / ${paging.pages}` : "1 / 1";
  $("[data-do=prev]", root).disabled = !many || paging.page <= 1;
  $("[data-do=next]", root).disabled = !many || paging.page >= paging.pages;
  const pace = $("[name=pace]", root);
  if (pace.options.length !== board.paces.length) {
    pace.replaceChildren(
      ...board.paces.map((s) => el("option", { value: String(s), text: s ? t("board.every", { n: s }) : t("board.by_hand") })),
    );
  }
  if (document.activeElement !== pace) pace.value = String(board.pace);
  $("[name=notes]", root).checked = board.notes;
  markSpotlight(board.spotlight);
  // With a pace, the board turns by itself: follow it to show the right page here too.
  clearTimeout(turnTimer);
  if (paging && paging.next_at && ctx.live) {
    const wait = Math.max(250, Date.parse(paging.next_at) - ctx.live.now() + 300);
    turnTimer = setTimeout(() => ctx.live.sync(), Math.min(wait, 10 * 60 * 1000));
  }
}

document.addEventListener("facilitator:view", (e) => {
  if (e.detail.name === "control" && e.detail.view.board) render(e.detail.view);
});

$("[data-do=join]", root).addEventListener("click", (e) =>
  press(ctx, "board.join", { show: !(board && board.join) }, e.currentTarget),
);
$("[data-do=unspotlight]", root).addEventListener("click", (e) => press(ctx, "board.unspotlight", {}, e.currentTarget));
for (const [name, step] of [["prev", -1], ["next", 1]]) {
  $(`[data-do=${name}]`, root).addEventListener("click", (e) => {
    if (!board || !board.paging) return;
    press(ctx, "board.page", { page: Math.max(1, board.paging.page + step) }, e.currentTarget);
  });
}
$("[name=pace]", root).addEventListener("change", (e) => press(ctx, "board.pace", { seconds: Number(e.target.value) }));
$("[name=notes]", root).addEventListener("change", (e) => press(ctx, "board.notes", { show: e.target.checked }));
