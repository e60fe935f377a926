// A table screen: read-only, large, one group of the current activity (docs/intervision.md).
// It never acts; its view carries phases, times, roles and counts, never content.
import { $ } from "../core/dom.js";
import { startPage } from "../core/page.js";

const { stage } = startPage({
  screen: "table",
  auth: { kind: "table", token: document.body.dataset.token },
  outboxKey: "facilitator:outbox:table",
  onView: (name, view) => name === "table" && render(view),
  quiet: true,
});

function render(view) {
  $("#closed").hidden = view.workshop.status !== "closed";
  // An activity without a table view (or no activity): the room follows the main screen.
  const follow = !view.item || view.view === null;
  $("#follow").hidden = !follow;
  document.body.dataset.follow = follow ? "1" : "";
  if (!follow) return stage.show({ ...view.item, view: view.view });
  // Still name the agenda item, so people at the table know what the room is doing.
  return stage.show(null).then(() => {
    $("#activity-title").textContent = view.item ? view.item.title : "";
  });
}
