// The spotlight button an activity's control part puts next to an item: it puts that
// dilemma, argument, need, recommendation, agreement or feedback full screen on the
// board, and pressed again takes it off (board.spotlight / board.unspotlight).
import { el } from "./dom.js";
import { press } from "./send.js";
import { t } from "./strings.js";

/** Whether `kind`/`id` is in the spotlight now, from the control view's board part. */
function lit(kind, id) {
  const spot = window.facilitatorBoard && window.facilitatorBoard.spotlight;
  return Boolean(spot && spot.kind === kind && spot.id === id);
}

export function spotlightButton(ctx, kind, id) {
  const on = lit(kind, id);
  return el("button", {
    type: "button",
    class: "spotlight-button",
    "data-key": `spot:${kind}:${id}`,
    "data-spot": `${kind}:${id}`,
    "aria-pressed": String(on),
    title: on ? t("board.spotlight_off") : t("board.spotlight_label"),
    text: on ? t("board.spotlight_off") : t("board.spotlight"),
    onclick: (e) =>
      press(ctx, lit(kind, id) ? "board.unspotlight" : "board.spotlight", lit(kind, id) ? {} : { kind, id }, e.currentTarget),
  });
}

/** Bring every spotlight button on the page in line with the board (after a push). */
export function markSpotlight(spot) {
  for (const button of document.querySelectorAll("[data-spot]")) {
    const on = Boolean(spot && button.dataset.spot === `${spot.kind}:${spot.id}`);
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? t("board.spotlight_off") : t("board.spotlight");
    button.title = on ? t("board.spotlight_off") : t("board.spotlight_label");
  }
}
