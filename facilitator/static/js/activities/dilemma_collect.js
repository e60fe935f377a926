// Dilemma collection: a form on the phone, a live count (and texts) on the board,
// approval, preparation, import and sorting tools on the control page.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardCard } from "./_board.js";
import { LETTERS, charCounter, dilemmaCard, formOptions, renderManageList } from "./_dilemmas.js";

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
  form.elements.situation.dispatchEvent(new Event("input"));
  $("[data-role=cancel]", form).hidden = false;
  form.elements.situation.focus();
}

function resetForm(form) {
  form.reset();
  form.elements.dilemma_id.value = "";
  form.elements.situation.dispatchEvent(new Event("input"));
  $("[data-role=cancel]", form).hidden = true;
}

/** Link an expected dilemma to a brought one, or give it a theme or a kind (one at a time). */
function sortExpected(ctx, e, change) {
  press(ctx, "dilemma.expect_sort", {
    expected_id: e.id,
    matched_id: e.matched_id,
    theme_id: e.theme_id,
    category: e.category || "none",
    ...change,
  });
}

async function withdraw(ctx, form, d, button) {
  if (!window.confirm(t("dilemma_collect.confirm_withdraw"))) return;
  const ack = await press(ctx, "dilemma.withdraw", { dilemma_id: d.id }, button);
  if (ack && ack.ok) {
    if (form.elements.dilemma_id.value === String(d.id)) resetForm(form);
    $("[data-status]", form).textContent = t("dilemma_collect.withdrawn");
  }
}

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_collect-phone"));
    const form = $("[data-form=dilemma]", root);
    $("[data-role=cancel]", form).addEventListener("click", () => resetForm(form));
    // An edit typed before a reload comes back as that edit, with its way out.
    form.addEventListener("draft-restored", () => {
      $("[data-role=cancel]", form).hidden = !form.elements.dilemma_id.value;
    });
    charCounter(form.elements.situation, $("[data-field=situation-count]", form));
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
    // The dilemma being edited is gone (withdrawn, or merged or deleted by the
    // facilitator): what was typed stays in the form, to be sent as a new dilemma.
    const editing = form.elements.dilemma_id.value;
    if (editing && !mine.some((d) => String(d.id) === editing)) {
      form.elements.dilemma_id.value = "";
      $("[data-role=cancel]", form).hidden = true;
    }
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
                    onclick: (e) => withdraw(ctx, form, d, e.currentTarget),
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
    // A file is read here and put in the box: the facilitator sees what is imported.
    imp.elements.file.addEventListener("change", async () => {
      const file = imp.elements.file.files[0];
      if (!file) return;
      imp.elements.text.value = await file.text();
      imp.elements.format.value = /\.(md|markdown)$/i.test(file.name) ? "markdown" : "csv";
      $("[data-status]", imp).textContent = t("dilemma_collect.file_read");
    });
    const approveAll = $("[data-do=approve_all]", root);
    approveAll.addEventListener("click", async () => {
      const ack = await press(ctx, "dilemma.approve_all", {}, approveAll);
      if (ack && ack.ok) $("[data-field=approve-status]", root).textContent = t("dilemma_collect.approved_all", { n: ack.result.approved });
    });
    const expect = $("[data-form=expect]", root);
    sendForm(expect, ctx, () => ["dilemma.expect", { situation: expect.elements.situation.value }]);

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
    const link = $("[data-field=expected-link]", root);
    link.href = view.expected_url;
    link.textContent = new URL(view.expected_url, location.href).href;
    $("[data-do=approve_all]", root).disabled = !view.dilemmas.some((d) => d.approved === false);
    rebuild(
      $("[data-list=expected]", root),
      (view.expected || []).map((e) =>
        el(
          "li",
          {},
          e.situation,
          e.author ? el("span", { class: "dilemma-author", text: ` (${e.author})` }) : null,
          " ",
          el(
            "select",
            {
              "aria-label": t("dilemma_collect.expected_match"),
              "data-key": `expm:${e.id}`,
              onchange: (ev) => sortExpected(ctx, e, { matched_id: ev.target.value ? Number(ev.target.value) : null }),
            },
            [
              el("option", { value: "", text: t("dilemma_collect.expected_none") }),
              ...view.dilemmas
                .filter((d) => d.approved)
                .map((d) => el("option", { value: String(d.id), text: `#${d.number} ${d.situation.slice(0, 60)}`, selected: d.id === e.matched_id })),
            ],
          ),
          " ",
          el(
            "select",
            { "aria-label": t("dilemma_sort.theme"), "data-key": `expt:${e.id}`, onchange: (ev) => sortExpected(ctx, e, { theme_id: ev.target.value ? Number(ev.target.value) : null }) },
            [["", t("dilemma_sort.no_theme")], ...(view.themes || []).map((th) => [th.id, th.name])].map(([v, text]) =>
              el("option", { value: String(v), text, selected: String(v) === String(e.theme_id || "") }),
            ),
          ),
          " ",
          el(
            "select",
            { "aria-label": t("dilemma_sort.category"), "data-key": `expc:${e.id}`, onchange: (ev) => sortExpected(ctx, e, { category: ev.target.value }) },
            [
              ["none", t("dilemma_sort.unsorted")],
              ["content", t("dilemma_collect.content")],
              ["organisational", t("dilemma_collect.organisational")],
            ].map(([v, text]) => el("option", { value: v, text, selected: v === (e.category || "none") })),
          ),
          " ",
          el("button", {
            type: "button",
            class: "link",
            "data-key": `exp:${e.id}`,
            text: t("dilemma_collect.delete"),
            onclick: (ev) => press(ctx, "dilemma.expect_remove", { expected_id: e.id }, ev.currentTarget),
          }),
        ),
      ),
    );
    renderManageList($("[data-list=manage]", root), view, ctx);
  },
};
