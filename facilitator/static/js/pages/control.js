// The facilitator's control page: lifecycle, agenda, timer, people, the activity.
import { $, el, rebuild } from "../core/dom.js";
import { startPage } from "../core/page.js";
import { press } from "../core/send.js";
import { t } from "../core/strings.js";

const code = document.body.dataset.code;
let current = null;

const { live, timer, stage } = startPage({
  screen: "control",
  auth: { kind: "facilitator", code },
  outboxKey: `facilitator:outbox:control:${code}`,
  onView: (name, view) => name === "control" && render(view),
});
const ctx = { live };

function renderAgenda(view) {
  const list = $("#agenda");
  rebuild(
    list,
    view.agenda.map((item) => {
      const isCurrent = view.item && item.id === view.item.id;
      const button = el(
        "button",
        {
          type: "button",
          "data-item": String(item.id),
          "data-key": `item:${item.id}`,
          "aria-current": isCurrent ? "step" : false,
          onclick: (e) => press(ctx, "agenda.goto", { item_id: item.id }, e.currentTarget),
        },
        item.title,
      );
      return el("li", { class: isCurrent ? "current" : "" }, button,
        isCurrent ? el("span", { class: "badge", text: t("current") }) : null);
    }),
  );
}

function renderPeople(view) {
  const people = view.people;
  const online = people.filter((p) => p.online).length;
  $("#people-summary").textContent =
    `${t("joined", { n: people.length })} · ${t("online_count", { n: online })}`;
  $("#people").replaceChildren(
    ...people.map((p) =>
      el(
        "li",
        { class: p.online ? "online" : "offline" },
        el("span", { text: p.name || t("anonymous") }),
        " ",
        el("span", { class: "presence", text: p.online ? t("online_now") : t("dropped_out") }),
      ),
    ),
  );
}

function render(view) {
  current = view;
  const w = view.workshop;
  $("#status").textContent = t(`status_${w.status}`);
  $("#lock-state").textContent = w.locked ? t("locked") : t("unlocked");
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
  if (minutes > 0) press(ctx, "timer.start", { seconds: Math.round(minutes * 60) });
}

function toggleTimer() {
  const state = current && current.timer && current.timer.state;
  if (state === "running") press(ctx, "timer.pause");
  else if (state === "paused") press(ctx, "timer.resume");
}

$("#open").addEventListener("click", () => press(ctx, "workshop.open"));
$("#close").addEventListener("click", () => press(ctx, "workshop.close"));
// New board and table links: the page reloads to show the new board link.
$("#renew-links").addEventListener("click", async (e) => {
  const ack = await press(ctx, "workshop.renew_links", {}, e.currentTarget);
  if (ack && ack.ok) window.location.reload();
});
$("#lock").addEventListener("click", () =>
  press(ctx, "workshop.lock", { locked: !(current && current.workshop.locked) }),
);
$("#prev").addEventListener("click", () => press(ctx, "agenda.prev"));
$("#next").addEventListener("click", () => press(ctx, "agenda.next"));
$("#timer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  startTimer();
});
$("#timer-pause").addEventListener("click", toggleTimer);
$("#timer-extend").addEventListener("click", () => press(ctx, "timer.extend", { seconds: 60 }));
$("#timer-stop").addEventListener("click", () => press(ctx, "timer.stop"));

// Shortcuts, but never while typing in a field.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key.toLowerCase();
  if (key === "n") press(ctx, "agenda.next");
  else if (key === "p") press(ctx, "agenda.prev");
  else if (key === "t") startTimer();
  else if (key === " " && !target.closest("button, a")) toggleTimer();
  else if (key === "r") document.dispatchEvent(new CustomEvent("facilitator:reveal"));
  else return;
  event.preventDefault();
});

