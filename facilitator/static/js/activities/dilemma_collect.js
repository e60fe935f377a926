// Dilemma collection: a form on the phone, a live count (and texts) on the board,
// approval, preparation, import and sorting tools on the control page.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardCard } from "./_board.js";
import { LETTERS, dilemmaCard, formOptions, manageList } from "./_dilemmas.js";

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_collect-board"));
  },
  update(root, view, ctx) {
    $("[data-field=count]", root).textContent = t("dilemma_collect.count", { n: view.count });
    $("[data-field=state]", root).textContent = view.open ? "" : t("dilemma_collect.closed");
    rebuild($("[data-list=dilemmas]", root), (view.dilemmas || []).map((d) => boardCard(d)));
  },
};

function fillForm(form, d) {
  form.elements.dilemma_id.value = String(d.id);
  form.elements.situation.value = d.situation;
  LETTERS.forEach((l, i) => {
    form.elements[`option_${l}`].value = d.options[i] || "";
  });
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
    let editing = "";
    sendForm(
      form,
      ctx,
      () => {
        editing = form.elements.dilemma_id.value;
      const data = {
        situation: form.elements.situation.value,
        options: formOptions(form),
        values: form.elements.values.value,
        show_name: form.elements.show_name.checked,
      };
        if (editing) data.dilemma_id = Number(editing);
        return [editing ? "dilemma.edit" : "dilemma.submit", data];
      },
      {
        after: (ack) => {
          if (!ack.ok) return;
          $("[data-status]", form).textContent = t(editing ? "dilemma_collect.updated" : "dilemma_collect.sent");
          resetForm(form);
        },
      },
    );
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
                  el("button", { type: "button", "data-key": `${d.id}:edit`, text: t("dilemma_collect.edit"), onclick: () => fillForm(form, d) }),
                  el("button", {
                    type: "button",
                    "data-key": `${d.id}:withdraw`,
                    text: t("dilemma_collect.withdraw"),
                    onclick: (e) => press(ctx, "dilemma.withdraw", { dilemma_id: d.id }, e.currentTarget),
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
      press(ctx, "dilemma_collect.settings", {
        item_id: ctx.item.id,
        open: box.querySelector("[name=open]").checked,
        show_texts: box.querySelector("[name=show_texts]").checked,
        approval: box.querySelector("[name=approval]").checked,
      }),
    );
    sendForm($("[data-form=prepare]", root), ctx, (f) => [
      "dilemma.prepare",
      { situation: f.elements.situation.value, options: formOptions(f), values: f.elements.values.value },
    ]);
    const imp = $("[data-form=import]", root);
    sendForm(imp, ctx, () => ["dilemma.import", { text: imp.elements.text.value, format: imp.elements.format.value }], {
      after: (ack) => {
        if (!ack.ok) return;
        $("[data-status]", imp).textContent = t("dilemma_collect.imported", { n: ack.result.added });
        imp.elements.text.value = "";
      },
    });
  },
  update(root, view, ctx) {
    for (const name of ["open", "show_texts", "approval"]) root.querySelector(`.dilemma-settings [name=${name}]`).checked = view[name];
    $("[data-field=count]", root).textContent = t("dilemma_collect.count", { n: view.count });
    rebuild($("[data-list=manage]", root), manageList(view, ctx));
  },
};
