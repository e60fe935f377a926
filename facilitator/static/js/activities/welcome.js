// Welcome / instructions: a text on the board and the phones, edited on the control page.
import { sendForm } from "../core/send.js";
import { fillFields, fromTemplate } from "../core/dom.js";

export const board = {
  mount(root) {
    root.append(fromTemplate("welcome-board"));
  },
  update(root, view) {
    fillFields(root, { text: view.text });
  },
};

export const phone = {
  mount(root) {
    root.append(fromTemplate("welcome-phone"));
  },
  update(root, view) {
    fillFields(root, { text: view.text });
  },
};

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("welcome-control"));
    const form = root.querySelector("[data-form=text]");
    sendForm(form, ctx, () => ["welcome.set_text", { item_id: ctx.item.id, text: form.elements.text.value }], {
      after: () => {},
    });
    form.elements.text.addEventListener("input", (e) => (e.target.dataset.dirty = "1"));
  },
  update(root, view) {
    const area = root.querySelector("textarea[name=text]");
    // Never overwrite what the facilitator is typing.
    if (area && !area.dataset.dirty && document.activeElement !== area) area.value = view.text;
  },
};
