// Intervision on a table screen: one group's phase, time, roles and counts, large.
// The view never holds content (docs/intervision.md), so there is none to show here.
import { $, el, fillFields, fromTemplate } from "../core/dom.js";
import { t } from "../core/strings.js";
import { TimerView } from "../core/timer.js";
import { autoSync, groupName, phaseOf, s, secondsLeft } from "./_intervision_common.js";

// The phones' signal at two minutes and at the end, but visual only: a tablet on a
// table must not buzz or beep in the middle of a conversation.
class TableTimer extends TimerView {
  announce(text) {
    if (this.announcer) this.announcer.textContent = text;
    const node = this.root.closest(".tv-clock") || this.root;
    node.classList.remove("tv-signal");
    void node.offsetWidth; // restart the animation
    node.classList.add("tv-signal");
  }
}

function stateText(ctx, g) {
  const state = g.timer.state;
  if (state === "running") {
    const left = secondsLeft(g.timer, ctx.live);
    return left !== null && left < 0 ? s("over") : s("running");
  }
  return s(state); // ready: not started, paused, done: finished
}

function tick(root, ctx) {
  const g = root._group;
  if (!g) return;
  const node = $("[data-field=state]", root);
  node.textContent = stateText(ctx, g);
  const left = secondsLeft(g.timer, ctx.live);
  node.dataset.over = g.timer.state === "running" && left !== null && left < 0 ? "1" : "";
  if (g.auto) autoSync(ctx.live, [g.timer], root._asked);
}

function names(ctx, role) {
  if (!role.names.length) return s("nobody");
  return role.names.map((n) => n || t("anonymous")).join(", ");
}

export const table = {
  mount(root, ctx) {
    root.append(fromTemplate("intervision-table"));
    root._timer = new TableTimer($("[data-role=timer]", root), ctx.live, $("[data-role=alert]", root));
    ctx.own(() => root._timer.stop());
    root._asked = new Set();
    ctx.every(1000, () => tick(root, ctx));
  },

  update(root, view, ctx) {
    const g = view.group;
    root._group = g;
    $("[data-part=nogroup]", root).hidden = Boolean(g);
    $("[data-part=group]", root).hidden = !g;
    if (!g) {
      root._timer.set(null);
      return;
    }
    const section = $("[data-part=group]", root);
    if (section.dataset.phase !== String(g.phase.index) || section.dataset.state !== g.timer.state) {
      $("[data-role=alert]", root).textContent = "";
    }
    section.dataset.phase = String(g.phase.index);
    section.dataset.state = g.timer.state;
    fillFields(root, {
      group_name: groupName(ctx, g),
      method: g.method,
      phase_of: phaseOf(ctx, g),
      phase_title: g.phase.title,
    });
    const timerNode = $("[data-role=timer]", root);
    timerNode.dataset.endsAt = g.timer.ends_at || "";
    root._timer.set(g.timer.state === "running" || g.timer.state === "paused" ? g.timer : null);

    $("[data-list=roles]", root).replaceChildren(
      ...g.roles.flatMap((r) => [
        el("dt", { "data-role-name": r.role }, el("span", { class: "tv-role", text: s(r.role) }), " ",
          el("span", { class: "tv-names", text: names(ctx, r) })),
        el("dd", { text: r.instruction }),
      ]),
    );
    $("[data-part=counts]", root).hidden = !g.counts.length;
    $("[data-list=counts]", root).replaceChildren(
      ...g.counts.map((c) => el("li", { "data-kind": c.kind }, `${s(`count_${c.kind}`)}: `, el("strong", { text: String(c.n) }))),
    );
    $("[data-list=phases]", root).replaceChildren(
      ...g.phases.map((p) =>
        el(
          "li",
          { class: `tv-phase tv-${p.state}`, "aria-current": p.state === "current" ? "step" : null },
          el("span", { class: "tv-mark", text: p.state === "current" ? `${s("phase_now")}: ` : p.state === "done" ? `${s("phase_done")}: ` : "" }),
          p.title,
          el("span", { class: "tv-minutes", text: ` · ${s("minutes_n", { n: p.minutes })}` }),
        ),
      ),
    );
    tick(root, ctx);
  },
};
