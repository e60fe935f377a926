// Shared pieces of the intervision client (not an activity itself).
import { el } from "../core/dom.js";
import { scoped } from "../core/strings.js";

export { clock } from "../core/time.js";

export const s = scoped("intervision");

/** Seconds left of a group's phase, from the server's ends_at and our clock offset. */
export function secondsLeft(timer, live) {
  if (!timer) return null;
  if (timer.state === "running" && timer.ends_at) return (Date.parse(timer.ends_at) - live.now()) / 1000;
  if (timer.state === "paused") return timer.remaining;
  return null;
}

/** With auto-advance on, the server moves a phase on lazily: ask for a fresh view
 * once a running phase's time is up (one sync per ends_at). */
export function autoSync(live, timers, asked) {
  for (const timer of timers) {
    if (!timer || timer.state !== "running" || !timer.ends_at) continue;
    if (secondsLeft(timer, live) <= 0 && !asked.has(timer.ends_at)) {
      asked.add(timer.ends_at);
      live.sync();
    }
  }
}

export function phaseOf(ctx, group) {
  return s("phase_of", { n: group.phase.index + 1, total: group.phase.count });
}

export function groupName(ctx, group) {
  return s("group_n", { n: group.number });
}

/** A group outside its method's size, in words (the group may start anyway), or null. */
export function sizeWarning(g) {
  if (!g.size_range || g.size_fits !== false) return null;
  const text = g.size < g.size_range.min ? s("size_small", { min: g.size_range.min }) : s("size_large", { max: g.size_range.max });
  return el("p", { class: "iv-size-warning", role: "note", text });
}
