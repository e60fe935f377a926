// Shows the current agenda item with its activity's client module.
//
// An activity module (static/js/activities/KIND.js) exports, per screen
// ("board", "phone", "control"), an object { mount(root, ctx), update(root, view, ctx) }.
// mount runs once per agenda item, update on every fresh view, so a form the user is
// typing in is never rebuilt under their fingers.

const modules = new Map();

async function load(kind) {
  if (!modules.has(kind)) modules.set(kind, import(`./activities/${kind}.js`));
  return modules.get(kind);
}

export class Stage {
  constructor(screen, titleNode, bodyNode, ctx) {
    this.screen = screen;
    this.titleNode = titleNode;
    this.bodyNode = bodyNode;
    this.ctx = ctx;
    this.itemId = null;
    this.part = null;
    this.latest = null;
    this.rendering = Promise.resolve();
  }

  /** Show `item` ({id, kind, title, view}); `extra` goes to the module (the phone's own part). */
  show(item, extra = {}) {
    this.latest = { item, extra };
    this.rendering = this.rendering.then(() => this.render());
    return this.rendering;
  }

  async render() {
    const { item, extra } = this.latest;
    if (!item) {
      this.itemId = null;
      this.titleNode.textContent = "";
      this.bodyNode.replaceChildren();
      return;
    }
    this.titleNode.textContent = item.title;
    if (item.id !== this.itemId) {
      const module = await load(item.kind);
      this.part = module[this.screen];
      this.itemId = item.id;
      this.bodyNode.replaceChildren();
      this.bodyNode.dataset.kind = item.kind;
      this.part.mount(this.bodyNode, { ...this.ctx, item });
    }
    this.part.update(this.bodyNode, item.view, { ...this.ctx, item, ...extra });
  }
}
