// The participant's phone: follows the room, sends what they type through the outbox.
import { $ } from "../core/dom.js";
import { startPage } from "../core/page.js";
import { hasDraft } from "../core/send.js";
import { t } from "../core/strings.js";

const code = document.body.dataset.code;
let shared = null;
let mine = null;
let announced = null;
let step = null;

// Screen readers hear what changed for the room: a new step, the workshop closing.
function announce(key, text) {
  if (key === announced) return;
  announced = key;
  $("#announce").textContent = text;
}

const { live, timer, stage } = startPage({
  screen: "phone",
  auth: { kind: "participant", code },
  outboxKey: `facilitator:outbox:${code}`,
  onView: (name, view) => {
    if (name === "phone") shared = view;
    if (name === "me") mine = view;
    render();
  },
  onError: (error) => {
    // A closed workshop says so in its own card; the same words in the error line too
    // would say it twice.
    if (error.code === "closed") return true;
    if (error.code !== "gone") return false;
    window.location.assign(`/j/${encodeURIComponent(code)}`);
    return true;
  },
});

function render() {
  if (!shared) return;
  const status = shared.workshop.status;
  $("#waiting").hidden = status !== "draft";
  $("#closed").hidden = status !== "closed";
  $("#activity").hidden = status !== "open";
  // Only a sync carries the name; a pushed "me" view has none and must not blank it.
  if (mine && mine.name !== undefined) $("#me").textContent = mine.name || t("anonymous");
  timer.set(status === "open" ? shared.timer : null);
  if (status === "closed") {
    announce("closed", $("#closed h1").textContent);
    offerRecord();
  }
  if (status !== "open") return;
  const item = shared.item;
  if (item) announce(`item:${item.id}`, item.title);
  // The phone's own part belongs to one agenda item; an older one is not shown.
  const own = mine && item && mine.item_id === item.id ? mine.view : {};
  const shown = stage.show(item, { me: own });
  // Unsent text for this item (a draft kept on this phone) is work in progress the
  // control page asks about before moving on; only the fact leaves the phone.
  live.draft(item && hasDraft(item.id) ? item.id : null);
  // A new step starts at its top (the first load keeps where the browser put it).
  const id = item ? item.id : null;
  if (step !== null && id !== step) shown.then(() => window.scrollTo({ top: 0 }));
  step = id;
}

// The phone's own language: the server keeps the choice (its pushes come in it), then
// the page loads anew in it; drafts and the outbox survive the reload.
const languageButton = $("#phone-language");
languageButton.addEventListener("click", async () => {
  if (languageButton.dataset.pending) return;
  languageButton.dataset.pending = "1";
  languageButton.setAttribute("aria-busy", "true");
  const ack = await live.act("participant.language", { language: languageButton.dataset.language });
  delete languageButton.dataset.pending;
  languageButton.removeAttribute("aria-busy");
  if (ack.ok) window.location.reload();
  else if (ack.error) live.onError(ack.error);
});
// A closed workshop's phone offers its own record when the server has one for this
// phone (an intervision round it took part in, before retention deleted it).
let recordAsked = false;
function offerRecord() {
  if (recordAsked) return;
  recordAsked = true;
  fetch(`/w/${encodeURIComponent(code)}/record.txt`, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
    .then((response) => {
      $("#record").hidden = !response.ok;
    })
    .catch(() => {
      recordAsked = false;
    });
}
