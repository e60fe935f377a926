// Counts down from the server's ends_at, corrected by the measured clock offset.
import { t } from "./strings.js";
import { clock } from "./time.js";

export class TimerView {
  constructor(root, live, announcer = null) {
    this.root = root;
    this.value = root.querySelector(".timer-value");
    this.live = live;
    this.announcer = announcer;
    this.timer = null;
    this.warned = false;
    this.ended = false;
    this.interval = setInterval(() => this.tick(), 250);
  }

  /** End the countdown (an activity's timer goes when its item is left). */
  stop() {
    clearInterval(this.interval);
  }

  set(timer) {
    const same = this.timer && timer && this.timer.ends_at === timer.ends_at;
    this.timer = timer;
    if (!same) {
      this.warned = false;
      this.ended = false;
    }
    this.tick();
  }

  remaining() {
    const timer = this.timer;
    if (!timer || !timer.state) return null;
    if (timer.state === "running") return (Date.parse(timer.ends_at) - this.live.now()) / 1000;
    return timer.remaining;
  }

  tick() {
    const left = this.remaining();
    this.root.hidden = left === null;
    if (left === null) return;
    const paused = this.timer.state === "paused";
    this.value.textContent = clock(Math.max(0, left)) + (paused ? ` (${t("paused")})` : "");
    this.root.classList.toggle("ending", left <= 120 && !paused);
    this.root.classList.toggle("ended", left <= 0);
    if (paused) return;
    if (left <= 120 && left > 0 && !this.warned && this.timer.duration > 120) {
      this.warned = true;
      this.announce(t("two_minutes"));
    }
    if (left <= 0 && !this.ended) {
      this.ended = true;
      this.announce(t("time_up"));
    }
  }

  announce(text) {
    if (this.announcer) this.announcer.textContent = text;
    // A gentle signal on phones that allow it; silent where they do not.
    if (navigator.vibrate && !matchMedia("(prefers-reduced-motion: reduce)").matches) {
      navigator.vibrate(200);
    }
  }
}
