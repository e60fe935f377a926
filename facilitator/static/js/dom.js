// Small DOM helpers. Participant text only ever goes in through textContent.

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A fresh copy of <template id="tpl-NAME">, or an empty fragment. */
export function fromTemplate(name) {
  const tpl = document.getElementById(`tpl-${name}`);
  return tpl ? tpl.content.cloneNode(true) : document.createDocumentFragment();
}

/** Set textContent of every [data-field=key] under root from an object. */
export function fillFields(root, values) {
  for (const node of root.querySelectorAll("[data-field]")) {
    const key = node.dataset.field;
    if (key in values) node.textContent = values[key] ?? "";
  }
}

export function strings() {
  try {
    return JSON.parse(document.body.dataset.strings || "{}");
  } catch {
    return {};
  }
}

/** Translate with %(name)s placeholders filled in. */
export function t(table, key, params = {}) {
  // A count of one has its own text under `<key>.one` where the language needs it
  // ("1 dilemma", "1 heeft gestemd"), not "1 dilemmas".
  let text = (params.n === 1 && table[`${key}.one`]) || (table[key] ?? key);
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`%(${name})s`, String(value));
  }
  return text;
}

/** Replace a container's content, keeping focus where it was if that node survives. */
export function replace(container, ...nodes) {
  container.replaceChildren(...nodes);
}
