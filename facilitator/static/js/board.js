// The projected board: read-only, large, follows the room.
import { $, strings, t } from "./dom.js";
import { Live } from "./live.js";
import { Stage } from "./stage.js";
import { TimerView } from "./timer.js";

const token = document.body.dataset.token;
const S = strings();

const live = new Live({
  auth: { kind: "board", token },
  outboxKey: "facilitator:outbox:board",
  onView: (name, view) => name === "board" && render(view),
  onStatus: (state) => {
    $("#connection").textContent = state === "online" ? "" : t(S, "offline");
    document.body.dataset.connection = state;
  },
});

const timer = new TimerView($("#timer"), live, S);
const stage = new Stage("board", $("#activity-title"), $("#activity-body"), { live, strings: S });

function render(view) {
  $("#people").textContent = t(S, "joined", { n: view.people.joined });
  $("#closed").hidden = view.workshop.status !== "closed";
  timer.set(view.timer);
  const item = view.item;
  $("#step").textContent = item ? t(S, "step", { n: item.position, total: item.total }) : "";
  stage.show(item);
}

window.facilitatorLive = live;
