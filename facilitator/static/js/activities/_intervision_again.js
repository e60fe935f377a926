// Intervision on the control page: groups that meet again across a programme. Keep this
// item's groups for the programme, make them again in a later workshop, and match last
// time's members who were not recognised to the people present, by name.
import { press } from "../core/send.js";
import { $, el } from "../core/dom.js";
import { t } from "../core/strings.js";
import { s } from "./_intervision_common.js";

export function mountAgain(root, ctx) {
  const status = () => $("[data-field=again_status]", root);
  $("[data-do=groups_keep]", root).addEventListener("click", async (e) => {
    const ack = await press(ctx, "intervision.groups_keep", { item_id: ctx.item.id }, e.currentTarget);
    if (ack && ack.ok) status().textContent = s("again_kept", { kept: ack.result.kept, total: ack.result.kept });
  });
  $("[data-do=groups_again]", root).addEventListener("click", async (e) => {
    const ack = await press(ctx, "intervision.groups_again", { item_id: ctx.item.id }, e.currentTarget);
    if (ack && ack.ok) status().textContent = s("again_made", ack.result);
  });
}

export function renderAgain(root, view, ctx) {
  const again = view.again || { programme: false };
  $("[data-part=again]", root).hidden = !again.programme;
  if (!again.programme) return;
  $("[data-do=groups_keep]", root).hidden = !view.groups.length;
  $("[data-do=groups_again]", root).hidden = !again.earlier;
  const status = $("[data-field=again_status]", root);
  status.textContent = again.kept
    ? s("again_kept", { kept: again.kept, total: again.groups })
    : again.earlier ? "" : s("again_none");
  const list = $("[data-list=rosters]", root);
  // Not rebuilt under the facilitator's hands, unless what it lists changed (a match
  // just made moves the person from "not here" to "here").
  const shown = JSON.stringify([again.rosters, view.unassigned]);
  if (shown === list.dataset.shown && list.contains(document.activeElement)) return;
  list.dataset.shown = shown;
  list.replaceChildren(...again.rosters.map((roster) => rosterPart(roster, view, ctx)));
}

function rosterPart(roster, view, ctx) {
  const free = view.unassigned;
  return el(
    "section",
    { class: "iv-roster" },
    el("h4", { text: s("again_from", { n: roster.number }) }),
    el(
      "ul",
      {},
      ...roster.members.map((m) => {
        const name = m.name || t("anonymous");
        if (m.participant_id) return el("li", {}, el("span", { text: `${name} · ${s("again_here")}` }));
        // Not recognised: the facilitator says who of those present this is.
        const parts = [el("span", { class: "iv-absent", text: `${name} · ${s("again_absent")}` })];
        if (m.recognised) {
          // Came late, recognised by their personal link: one tap puts them in.
          parts.push(
            " ",
            el(
              "button",
              {
                type: "button",
                "data-key": `recognised-${m.member_id}`,
                onclick: (e) =>
                  press(ctx, "intervision.roster_match", { item_id: ctx.item.id, member_id: m.member_id, participant_id: m.recognised }, e.currentTarget),
              },
              s("again_recognised", { name }),
            ),
          );
        }
        if (free.length) {
          parts.push(
            " ",
            el(
              "select",
              {
                "aria-label": `${name} ${s("again_is")}`,
                onchange: (e) =>
                  e.target.value &&
                  press(ctx, "intervision.roster_match", { item_id: ctx.item.id, member_id: m.member_id, participant_id: Number(e.target.value) }),
              },
              el("option", { value: "" }, `${s("again_match")}…`),
              ...free.map((p) => el("option", { value: String(p.id) }, p.name || t("anonymous"))),
            ),
          );
        }
        return el("li", {}, ...parts);
      }),
    ),
  );
}
