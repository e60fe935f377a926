// Shows the current agenda item with its activity's client module.
//
// An activity module (static/js/activities/KIND.js) exports, per screen
// ("board", "phone", "control", "table"), an object { mount(root, ctx), update(root, view, ctx) }.
// mount runs once per agenda item, update on every fresh view, so a form the user is
// typing in is never rebuilt under their fingers.
//
// What a module starts, it starts through ctx: ctx.every(ms, fn), ctx.after(ms, fn),
// ctx.on(target, type, fn) and ctx.own(cleanup). The stage ends all of it when the
// screen leaves the item, so returning to an item never doubles its timers.
// A module that throws (or fails to load) costs a short notice, never the screen:
// the error goes to the console and the next push renders again.
import { t } from "./strings.js";

const modules = new Map();

function load(kind) {
  if (!modules.has(kind)) {
    const loading = import(`../activities/${kind}.js`);
    // A failed import is tried again on the next push, not cached as failed.
    loading.catch(() => modules.delete(kind));
    modules.set(kind, loading);
  }
  return modules.get(kind);
}

/** Everything one mounted activity started, to end it in one go. */
class Scope {
  constructor() {
    this.cleanups = [];
  }

  own(cleanup) {
    this.cleanups.push(cleanup);
  }

  every(ms, fn) {
    const id = setInterval(fn, ms);
    this.own(() => clearInterval(id));
    return id;
  }

  after(ms, fn) {
    const id = setTimeout(fn, ms);
    this.own(() => clearTimeout(id));
    return id;
  }

  on(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    this.own(() => target.removeEventListener(type, fn, options));
  }

  close() {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch (error) {
        console.error(error);
      }
    }
  }
}

export class Stage {
  constructor(screen, titleNode, bodyNode, ctx) {
    this.screen = screen;
    this.titleNode = titleNode;
    this.bodyNode = bodyNode;
    this.ctx = ctx;
    this.itemId = null;
    this.part = null;
    this.scope = null;
    this.latest = null;
    this.rendering = Promise.resolve();
    this.notice = document.createElement("p");
    this.notice.className = "stage-error";
    this.notice.setAttribute("role", "alert");
    this.notice.hidden = true;
    bodyNode.before(this.notice);
  }

  /** Show `item` ({id, kind, title, view}); `extra` goes to the module (the phone's own part). */
  show(item, extra = {}) {
    this.latest = { item, extra };
    this.rendering = this.rendering.then(() => this.render()).catch((error) => this.fail(error));
    return this.rendering;
  }

  fail(error) {
    console.error(error);
    this.notice.textContent = t("stage_error");
    this.notice.hidden = false;
  }

  context(item, extra = {}) {
    const scope = this.scope;
    return {
      ...this.ctx,
      item,
      ...extra,
      every: (ms, fn) => scope.every(ms, fn),
      after: (ms, fn) => scope.after(ms, fn),
      on: (target, type, fn, options) => scope.on(target, type, fn, options),
      own: (cleanup) => scope.own(cleanup),
    };
  }

  unmount() {
    if (this.scope) this.scope.close();
    this.scope = null;
    this.part = null;
    this.itemId = null;
    this.bodyNode.replaceChildren();
    delete this.bodyNode.dataset.kind;
  }

  async render() {
    const { item, extra } = this.latest;
    if (!item) {
      this.unmount();
      this.titleNode.textContent = "";
      this.notice.hidden = true;
      return;
    }
    this.titleNode.textContent = item.title;
    if (item.id !== this.itemId || !this.part) {
      this.unmount();
      const module = await load(item.kind);
      // Another item may have been shown while this module loaded: the last one wins.
      if (this.latest.item !== item) return;
      const part = module[this.screen];
      if (!part) throw new Error(`activities/${item.kind}.js has no ${this.screen} part`);
      this.scope = new Scope();
      this.bodyNode.dataset.kind = item.kind;
      part.mount(this.bodyNode, this.context(item));
      // Only a module that mounted is kept: after a failed mount the next push mounts anew.
      this.part = part;
      this.itemId = item.id;
    }
    this.part.update(this.bodyNode, item.view, this.context(item, extra));
    this.notice.hidden = true;
  }
}
