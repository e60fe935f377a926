// The bootstrap every live page shares: one connection, its status line, errors, the
// stage for the current activity and the room's timer.
import { $ } from "./dom.js";
import { Live } from "./live.js";
import { Stage } from "./stage.js";
import { t } from "./strings.js";
import { TimerView } from "./timer.js";

/**
 * @param {object} options
 * @param {string} options.screen      "board" | "control" | "phone" | "table"
 * @param {object} options.auth        handshake auth for Live
 * @param {string} options.outboxKey   localStorage key of this page's outbox
 * @param {(name: string, view: object) => void} options.onView
 * @param {boolean} [options.quiet]    a read-only screen: say nothing while online
 * @param {(error: object) => boolean} [options.onError]  true when it handled the error
 */
export function startPage({ screen, auth, outboxKey, onView, quiet = false, onError = null }) {
  const showError = (error) => {
    if (onError && onError(error)) return;
    const box = $("#errors");
    if (!box) {
      $("#connection").textContent = error.message;
      return;
    }
    box.textContent = error.message;
    box.hidden = false;
    clearTimeout(box._hide);
    box._hide = setTimeout(() => (box.hidden = true), 8000);
  };
  // The board, tables and phones speak the room's language: when the facilitator changes
  // it, they load their page again in it (drafts and the outbox survive a reload). The
  // control page speaks its user's own language.
  let reloading = false;
  const follow = (name, view) => {
    const lang = view && view.workshop && view.workshop.language;
    // A phone that chose its own language keeps it whatever the room's.
    const own = document.body.dataset.ownLanguage;
    if (screen !== "control" && !own && lang && lang !== document.documentElement.lang) {
      // Once: a second push before the page has gone would abort the first reload.
      if (!reloading) window.location.reload();
      reloading = true;
      return;
    }
    onView(name, view);
  };
  const live = new Live({
    // The page's language, for a refused handshake's message (the server can't know it).
    auth: { ...auth, lang: document.documentElement.lang },
    room: document.body.dataset.code,
    outboxKey,
    onView: (name, view) => {
      follow(name, view);
      // Parts of a page that are modules of their own (the control page's board
      // controls) follow the same views without a connection of their own.
      document.dispatchEvent(new CustomEvent("facilitator:view", { detail: { name, view } }));
    },
    onStatus: (state, pending) => {
      const parts = quiet && state === "online" ? [] : [t(state)];
      if (pending && !quiet) parts.push(t("pending", { n: pending }));
      $("#connection").textContent = parts.join(" · ");
      document.body.dataset.connection = state;
    },
    onError: showError,
  });
  const timerNode = $("#timer");
  const timer = timerNode ? new TimerView(timerNode, live, $("#timer-alert")) : null;
  const stage = new Stage(screen, $("#activity-title"), $("#activity-body"), { live });
  window.facilitatorLive = live; // for the browser tests and for debugging in the room
  return { live, timer, stage };
}
