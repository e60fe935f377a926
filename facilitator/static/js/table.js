// A table screen: read-only, large, one group of the current activity (docs/intervision.md).
// It never acts; its view carries phases, times, roles and counts, never content.
import { $, strings, t } from "./dom.js";
import { Live } from "./live.js";
import { Stage } from "./stage.js";

const token = document.body.dataset.token;
const S = strings();

const live = new Live({
  auth: { kind: "table", token },
  outboxKey: "facilitator:outbox:table",
  onView: (name, view) => name === "table" && render(view),
  onStatus: (state) => {
    $("#connection").textContent = state === "online" ? "" : t(S, "offline");
    document.body.dataset.connection = state;
  },
  onError: (error) => {
    $("#connection").textContent = error.message;
  },
});

const stage = new Stage("table", $("#activity-title"), $("#activity-body"), { live, strings: S });

function render(view) {
  $("#closed").hidden = view.workshop.status !== "closed";
  // An activity without a table view (or no activity): the room follows the main screen.
  const follow = !view.item || view.view === null;
  $("#follow").hidden = !follow;
  document.body.dataset.follow = follow ? "1" : "";
  if (!follow) return stage.show({ ...view.item, view: view.view });
  // Still name the agenda item, so people at the table know what the room is doing.
  return stage.show(null).then(() => ($("#activity-title").textContent = view.item ? view.item.title : ""));
}

window.facilitatorLive = live;
