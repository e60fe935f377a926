// Shared pieces of the intervision client (not an activity itself).
import { t } from "../dom.js";

export function s(ctx, key, params = {}) {
  return t(ctx.strings || {}, `intervision.${key}`, params);
}

export function clock(seconds) {
  const sign = seconds < 0 ? "−" : "";
  const left = Math.abs(Math.ceil(seconds));
  return `${sign}${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

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
  return s(ctx, "phase_of", { n: group.phase.index + 1, total: group.phase.count });
}

export function groupName(ctx, group) {
  return s(ctx, "group_n", { n: group.number });
}

/** Re-render a list, keeping keyboard focus on the element with the same data-key. */
export function keepFocus(list, render) {
  const active = document.activeElement;
  const key = active && list.contains(active) ? active.dataset.key : null;
  render();
  if (key) list.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}
