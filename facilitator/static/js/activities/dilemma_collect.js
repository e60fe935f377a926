// Dilemma collection: a form on the phone, a live count (and texts) on the board,
// approval, preparation, import and sorting tools on the control page.
import { $, el, fromTemplate } from "../dom.js";
import { LETTERS, act, actForm, dilemmaCard, formOptions, manageList, rebuild, s } from "./_dilemmas.js";

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_collect-board"));
  },
  update(root, view, ctx) {
    $("[data-field=count]", root).textContent = s(ctx, "dilemma_collect.count", { n: view.count });
    $("[data-field=state]", root).textContent = view.open ? "" : s(ctx, "dilemma_collect.closed");
    rebuild($("[data-list=dilemmas]", root), (view.dilemmas || []).map((d) => dilemmaCard(d, ctx)));
  },
};

function fillForm(form, d) {
  form.elements.dilemma_id.value = String(d.id);
  form.elements.situation.value = d.situation;
  LETTERS.forEach((l, i) => (form.elements[`option_${l}`].value = d.options[i] || ""));
  form.elements.values.value = d.values || "";
  form.elements.show_name.checked = Boolean(d.show_name);
  $("[data-role=cancel]", form).hidden = false;
  form.elements.situation.focus();
}

function resetForm(form) {
  form.reset();
  form.elements.dilemma_id.value = "";
  $("[data-role=cancel]", form).hidden = true;
}

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_collect-phone"));
    const form = $("[data-form=dilemma]", root);
    $("[data-role=cancel]", form).addEventListener("click", () => resetForm(form));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const editing = form.elements.dilemma_id.value;
      const data = {
        situation: form.elements.situation.value,
        options: formOptions(form),
        values: form.elements.values.value,
        show_name: form.elements.show_name.checked,
      };
      if (editing) data.dilemma_id = Number(editing);
      const send = $("[data-role=send]", form);
      send.disabled = true;
      const ack = await ctx.live.act(editing ? "dilemma.edit" : "dilemma.submit", data);
      send.disabled = false;
      $("[data-status]", form).textContent = ack.ok
        ? s(ctx, editing ? "dilemma_collect.updated" : "dilemma_collect.sent")
        : ack.error.message;
      if (ack.ok) resetForm(form);
    });
  },
  update(root, view, ctx) {
    const form = $("[data-form=dilemma]", root);
    form.hidden = !view.open;
    $("[data-field=closed]", root).hidden = view.open;
    // A phone that joined anonymously has no name to show.
    const named = Boolean(ctx.me && ctx.me.named);
    const check = form.elements.show_name;
    check.closest("label").hidden = !named;
    if (!named) check.checked = false;
    const mine = (ctx.me && ctx.me.dilemmas) || [];
    rebuild(
      $("[data-list=mine]", root),
      mine.map((d) =>
        el(
          "li",
          {},
          dilemmaCard({ ...d, author: d.show_name ? d.author : null }, ctx, {
            children: view.open
              ? el(
                  "div",
                  { class: "buttons" },
                  el("button", { type: "button", "data-key": `${d.id}:edit`, text: s(ctx, "dilemma_collect.edit"), onclick: () => fillForm(form, d) }),
                  el("button", {
                    type: "button",
                    "data-key": `${d.id}:withdraw`,
                    text: s(ctx, "dilemma_collect.withdraw"),
                    onclick: () => act(ctx, "dilemma.withdraw", { dilemma_id: d.id }),
                  }),
                )
              : null,
          }),
        ),
      ),
    );
  },
};

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_collect-control"));
    const box = $(".dilemma-settings", root);
    box.addEventListener("change", () =>
      act(ctx, "dilemma_collect.settings", {
        item_id: ctx.item.id,
        open: box.querySelector("[name=open]").checked,
        show_texts: box.querySelector("[name=show_texts]").checked,
        approval: box.querySelector("[name=approval]").checked,
      }),
    );
    actForm($("[data-form=prepare]", root), ctx, "dilemma.prepare", (f) => ({
      situation: f.elements.situation.value,
      options: formOptions(f),
      values: f.elements.values.value,
    }));
    const imp = $("[data-form=import]", root);
    imp.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await ctx.live.act("dilemma.import", { text: imp.elements.text.value, format: imp.elements.format.value });
      $("[data-status]", imp).textContent = ack.ok ? s(ctx, "dilemma_collect.imported", { n: ack.result.added }) : ack.error.message;
      if (ack.ok) imp.elements.text.value = "";
    });
  },
  update(root, view, ctx) {
    for (const name of ["open", "show_texts", "approval"]) root.querySelector(`.dilemma-settings [name=${name}]`).checked = view[name];
    $("[data-field=count]", root).textContent = s(ctx, "dilemma_collect.count", { n: view.count });
    rebuild($("[data-list=manage]", root), manageList(view, ctx));
  },
};
