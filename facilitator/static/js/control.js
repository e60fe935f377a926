// The facilitator's control page: lifecycle, agenda, timer, people, the activity.
import { $, el, strings, t } from "./dom.js";
import { Live } from "./live.js";
import { Stage } from "./stage.js";
import { TimerView } from "./timer.js";

const code = document.body.dataset.code;
const S = strings();
let current = null;

function showError(error) {
  const box = $("#errors");
  box.textContent = error.message;
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 8000);
}

const live = new Live({
  auth: { kind: "facilitator", code },
  outboxKey: `facilitator:outbox:control:${code}`,
  onView: (name, view) => name === "control" && render(view),
  onStatus: (state, pending) => {
    const parts = [t(S, state)];
    if (pending) parts.push(t(S, "pending", { n: pending }));
    $("#connection").textContent = parts.join(" · ");
    document.body.dataset.connection = state;
  },
  onError: showError,
});

const timer = new TimerView($("#timer"), live, S);
const stage = new Stage("control", $("#activity-title"), $("#activity-body"), {
  live,
  strings: S,
});

function renderAgenda(view) {
  const list = $("#agenda");
  const focused = document.activeElement && document.activeElement.dataset.item;
  list.replaceChildren(
    ...view.agenda.map((item) => {
      const isCurrent = view.item && item.id === view.item.id;
      const button = el(
        "button",
        {
          type: "button",
          "data-item": String(item.id),
          "aria-current": isCurrent ? "step" : false,
          onclick: () => live.act("agenda.goto", { item_id: item.id }),
        },
        item.title,
      );
      return el("li", { class: isCurrent ? "current" : "" }, button,
        isCurrent ? el("span", { class: "badge", text: t(S, "current") }) : null);
    }),
  );
  if (focused) list.querySelector(`[data-item="${focused}"]`)?.focus();
}

function renderPeople(view) {
  const people = view.people;
  const online = people.filter((p) => p.online).length;
  $("#people-summary").textContent =
    `${t(S, "joined", { n: people.length })} · ${t(S, "online_count", { n: online })}`;
  $("#people").replaceChildren(
    ...people.map((p) =>
      el(
        "li",
        { class: p.online ? "online" : "offline" },
        el("span", { text: p.name || t(S, "anonymous") }),
        " ",
        el("span", { class: "presence", text: p.online ? t(S, "online_now") : t(S, "dropped_out") }),
      ),
    ),
  );
}

function render(view) {
  current = view;
  const w = view.workshop;
  $("#status").textContent = t(S, `status_${w.status}`);
  $("#lock-state").textContent = w.locked ? t(S, "locked") : t(S, "unlocked");
  $("#lock").setAttribute("aria-pressed", String(w.locked));
  $("#open").disabled = w.status === "open";
  $("#close").disabled = w.status === "closed";
  timer.set(view.timer);
  renderAgenda(view);
  renderPeople(view);
  stage.show(view.item);
}

function startTimer() {
  const minutes = Number($("#timer-minutes").value);
  if (minutes > 0) live.act("timer.start", { seconds: Math.round(minutes * 60) });
}

function toggleTimer() {
  const state = current && current.timer && current.timer.state;
  if (state === "running") live.act("timer.pause");
  else if (state === "paused") live.act("timer.resume");
}

$("#open").addEventListener("click", () => live.act("workshop.open"));
$("#close").addEventListener("click", () => live.act("workshop.close"));
$("#lock").addEventListener("click", () =>
  live.act("workshop.lock", { locked: !(current && current.workshop.locked) }),
);
$("#prev").addEventListener("click", () => live.act("agenda.prev"));
$("#next").addEventListener("click", () => live.act("agenda.next"));
$("#timer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  startTimer();
});
$("#timer-pause").addEventListener("click", toggleTimer);
$("#timer-extend").addEventListener("click", () => live.act("timer.extend", { seconds: 60 }));
$("#timer-stop").addEventListener("click", () => live.act("timer.stop"));

// Shortcuts, but never while typing in a field.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key.toLowerCase();
  if (key === "n") live.act("agenda.next");
  else if (key === "p") live.act("agenda.prev");
  else if (key === "t") startTimer();
  else if (key === " " && !target.closest("button, a")) toggleTimer();
  else if (key === "r") document.dispatchEvent(new CustomEvent("facilitator:reveal"));
  else return;
  event.preventDefault();
});

window.facilitatorLive = live;
