// The participant's phone: follows the room, sends what they type through the outbox.
import { $, strings, t } from "./dom.js";
import { Live } from "./live.js";
import { Stage } from "./stage.js";
import { TimerView } from "./timer.js";

const code = document.body.dataset.code;
const S = strings();
let shared = null;
let mine = null;
let announced = null;

// Screen readers hear what changed for the room: a new step, the workshop closing.
function announce(key, text) {
  if (key === announced) return;
  announced = key;
  $("#announce").textContent = text;
}

function showError(error) {
  const box = $("#errors");
  if (error.code === "gone") {
    window.location.assign(`/j/${encodeURIComponent(code)}`);
    return;
  }
  box.textContent = error.message;
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 8000);
}

const live = new Live({
  auth: { kind: "participant", code },
  outboxKey: `facilitator:outbox:${code}`,
  onView: (name, view) => {
    if (name === "phone") shared = view;
    if (name === "me") mine = view;
    render();
  },
  onStatus: (state, pending) => {
    const parts = [t(S, state)];
    if (pending) parts.push(t(S, "pending", { n: pending }));
    $("#connection").textContent = parts.join(" · ");
    document.body.dataset.connection = state;
  },
  onError: showError,
});

const timer = new TimerView($("#timer"), live, S, $("#timer-alert"));
const stage = new Stage("phone", $("#activity-title"), $("#activity-body"), { live, strings: S });

function render() {
  if (!shared) return;
  const status = shared.workshop.status;
  $("#waiting").hidden = status !== "draft";
  $("#closed").hidden = status !== "closed";
  $("#activity").hidden = status !== "open";
  // Only a sync carries the name; a pushed "me" view has none and must not blank it.
  if (mine && mine.name !== undefined) $("#me").textContent = mine.name || t(S, "anonymous");
  timer.set(status === "open" ? shared.timer : null);
  if (status === "closed") announce("closed", $("#closed h1").textContent);
  if (status !== "open") return;
  const item = shared.item;
  if (item) announce(`item:${item.id}`, item.title);
  // The phone's own part belongs to one agenda item; an older one is not shown.
  const own = mine && item && mine.item_id === item.id ? mine.view : {};
  stage.show(item, { me: own });
}

window.facilitatorLive = live; // for the browser tests and for debugging in the room
