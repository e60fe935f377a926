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

/** Replace a container's children, keeping focus on the node with the same data-key. */
export function rebuild(container, nodes) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : null;
  container.replaceChildren(...nodes);
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/**
 * Keep one child per item id: create new ones, update existing ones in place, drop the
 * rest. A form inside a kept node keeps what is typed in it and its focus.
 */
export function keyed(list, items, create, update = () => {}) {
  const old = new Map([...list.children].map((node) => [node.dataset.id, node]));
  const nodes = items.map((item) => {
    const id = String(item.id);
    const node = old.get(id) || create(item);
    node.dataset.id = id;
    update(node, item);
    return node;
  });
  place(list, nodes);
}

const signatures = new WeakMap();

/**
 * Keep one child per item id for as long as what it shows (its signature) is unchanged,
 * and build the others anew: one new dilemma among 1,000 builds one row, not 1,000.
 * Focus follows the node with the same data-key, as in rebuild.
 */
export function keyedBy(list, items, signature, create) {
  const active = document.activeElement;
  const key = active && list.contains(active) ? active.dataset.key : null;
  const old = new Map([...list.children].map((node) => [node.dataset.id, node]));
  const nodes = items.map((item) => {
    const id = String(item.id);
    const sig = signature(item);
    let node = old.get(id);
    if (!node || signatures.get(node) !== sig) {
      node = create(item);
      node.dataset.id = id;
      signatures.set(node, sig);
    }
    return node;
  });
  place(list, nodes);
  if (key && !list.contains(document.activeElement)) list.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** Put `nodes` in `list` in this order, touching the DOM only where the order changed. */
function place(list, nodes) {
  nodes.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
  });
  const kept = new Set(nodes);
  for (const node of [...list.children]) if (!kept.has(node)) node.remove();
}
