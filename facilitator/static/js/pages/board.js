// The projected board: read-only, large, follows the room.
//
// Nothing is shrunk to fit: the server sends short texts and one page of each long list
// (room/board_state.py), and the board draws them in type sized to the screen's height
// (board.css). On top of the activity it shows the slide the facilitator chose: the
// join slide, a spotlight, or the closing slide after the end. The foot (people, page,
// timer) stays in its place under all of them.
import { $, el } from "../core/dom.js";
import { startPage } from "../core/page.js";
import { t } from "../core/strings.js";
import { LETTERS } from "../activities/_dilemmas.js";

const { live, timer, stage } = startPage({
  screen: "board",
  auth: { kind: "board", token: document.body.dataset.token },
  outboxKey: "facilitator:outbox:board",
  onView: (name, view) => name === "board" && render(view),
  quiet: true,
});

let turnTimer = null;

/** With a pace set, the next page is due at `next_at`: ask for it then. */
function scheduleTurn(paging) {
  clearTimeout(turnTimer);
  if (!paging || !paging.next_at) return;
  const wait = Math.max(250, Date.parse(paging.next_at) - live.now() + 100);
  turnTimer = setTimeout(() => live.sync(), Math.min(wait, 10 * 60 * 1000));
}

function showPaging(paging) {
  const node = $("#board-paging");
  const many = Boolean(paging && paging.pages > 1);
  node.hidden = !many;
  if (!many) return;
  node.textContent = `${paging.page} / ${paging.pages}`;
  node.setAttribute("aria-label", t("board.page_of", { page: paging.page, pages: paging.pages }));
}

function spotlightNodes(s) {
  const text = (value, cls) => (value ? el("p", { class: cls, text: value }) : null);
  if (s.kind === "dilemma") {
    return [
      text(s.text, "spotlight-text"),
      el("ol", { class: "spotlight-options", type: "A" }, s.options.map((o) => el("li", { text: o }))),
      s.values ? text(`${t("dilemma_collect.values")}: ${s.values}`, "spotlight-meta") : null,
      s.by ? text(t("dilemma_collect.by", { name: s.by }), "spotlight-meta") : null,
    ];
  }
  if (s.kind === "argument") {
    return [text(`${LETTERS[s.option] || ""}. ${s.label}`, "spotlight-meta"), text(s.text, "spotlight-text")];
  }
  if (s.kind === "agreement") {
    return [
      text(s.by, "spotlight-meta"),
      text(s.text, "spotlight-text"),
      text(t("agreements.due", { date: s.due_date }), "spotlight-meta"),
      s.check_how ? text(t("agreements.check", { how: s.check_how }), "spotlight-meta") : null,
    ];
  }
  if (s.kind === "feedback") {
    return [
      el(
        "dl",
        { class: "spotlight-four-g" },
        ["behaviour", "feeling", "effect", "wish"]
          .filter((k) => s[k])
          .flatMap((k) => [el("dt", { text: t(`feedback.short_${k}`) }), el("dd", { text: s[k] })]),
      ),
    ];
  }
  return [text(s.text, "spotlight-text")];
}

// The spotlight's type: as large as the whole text allows, never below the board's
// smallest (2.7 % of the height; the limit is 2.6 %). A short text is read from the back.
const SPOT_SIZES = [6, 5, 4.4, 3.8, 3.4, 3.1, 2.8, 2.7];

function fitSpotlight(box) {
  for (const size of SPOT_SIZES) {
    box.style.setProperty("--spot", `${size}vh`);
    if (box.scrollHeight <= box.clientHeight) return;
  }
}

function showSlides(view) {
  const own = view.board || {};
  const closing = Boolean(own.closing);
  const join = !closing && Boolean(own.join);
  const spot = !closing && !join ? own.spotlight : null;
  $("#closed").hidden = !closing;
  // After the end nobody joins any more: no code anywhere, also not in the corner.
  $(".board-join").hidden = closing;
  $("#join-slide").hidden = !join;
  $("#spotlight").hidden = !spot;
  if (closing) $("#closed [data-field=people]").textContent = t("board.took_part", { n: view.people.joined });
  if (spot) {
    const box = $("#spotlight");
    $("[data-field=kind]", box).textContent = t(`board.kind_${spot.kind}`);
    $("[data-field=body]", box).replaceChildren(...spotlightNodes(spot).filter(Boolean));
    box.dataset.kind = spot.kind;
    fitSpotlight(box);
  }
  // What a slide covers is out of reach for screen readers and the keyboard too.
  $("#board-main").inert = closing || join || Boolean(spot);
  document.body.dataset.slide = closing ? "closing" : join ? "join" : spot ? "spotlight" : "activity";
}

function render(view) {
  $("#people").textContent = t("joined", { n: view.people.joined });
  timer.set(view.timer);
  const item = view.item;
  $("#step").textContent = item ? t("step", { n: item.position, total: item.total }) : "";
  const paging = item && item.view ? item.view.paging : null;
  showSlides(view);
  // A slide covers the list: its page line would say something that is not on screen.
  showPaging(document.body.dataset.slide === "activity" ? paging : null);
  scheduleTurn(paging);
  stage.show(item);
}
