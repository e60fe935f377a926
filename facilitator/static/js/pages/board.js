// The projected board: read-only, large, follows the room.
import { $ } from "../core/dom.js";
import { startPage } from "../core/page.js";
import { t } from "../core/strings.js";

const { timer, stage } = startPage({
  screen: "board",
  auth: { kind: "board", token: document.body.dataset.token },
  outboxKey: "facilitator:outbox:board",
  onView: (name, view) => name === "board" && render(view),
  quiet: true,
});

// Nobody can scroll a beamer: when an activity shows more than fits (many dilemmas,
// long arguments), its part of the board gets smaller in steps until the page fits:
// first its type (cards keep their width), then a CSS zoom of the whole part, down to
// 40 % (cards reflow into more columns). The join code, QR code and timer keep their size.
const STEPS = [
  ...[100, 95, 90, 85, 80, 75, 70].map((font) => [font, 100]),
  ...[90, 80, 70, 60, 50, 40].map((zoom) => [100, zoom]),
];

function fit() {
  const part = $(".board-stage");
  const apply = ([font, zoom]) => {
    part.style.fontSize = font < 100 ? `${font}%` : "";
    part.style.zoom = zoom < 100 ? `${zoom}%` : "";
    return document.scrollingElement.scrollHeight;
  };
  let best = null;
  for (const step of STEPS) {
    const height = apply(step);
    if (height <= window.innerHeight) return;
    if (!best || height < best.height) best = { step, height };
  }
  apply(best.step); // nothing fits: the step that needs the least scrolling
}

function render(view) {
  $("#people").textContent = t("joined", { n: view.people.joined });
  $("#closed").hidden = view.workshop.status !== "closed";
  timer.set(view.timer);
  const item = view.item;
  $("#step").textContent = item ? t("step", { n: item.position, total: item.total }) : "";
  stage.show(item).then(fit);
}

window.addEventListener("resize", fit);
// Activities may also grow on their own (a group's phase, an argument): fit again then.
new ResizeObserver(fit).observe($("#activity-body"));
