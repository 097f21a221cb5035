// Small DOM helpers. Server data only ever becomes text (textContent, text nodes, attributes):
// nothing here parses HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function assign(node, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.setAttribute('class', value);
    else if (key === 'dataset') for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: el('button', { type: 'button', onclick }, 'text', otherNode). */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  assign(node, props);
  append(node, children);
  return node;
}

/** An SVG element. */
export function svg(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  assign(node, props);
  append(node, children);
  return node;
}

/** A <label> and its control, joined by id. */
export function field(id, labelKey, control, t) {
  control.id = id;
  return el('div', { class: 'field' }, el('label', { for: id, 'data-i18n': labelKey, text: t(labelKey) }), control);
}

/** An <option> for each [value, text]. */
export function options(select, pairs, selected) {
  select.replaceChildren(...pairs.map(([value, text]) => el('option', { value, selected: value === selected }, text)));
  return select;
}

/** Shows a message in a live region: an error (default) or a confirmation. */
export function say(node, text, ok = false) {
  node.textContent = text;
  node.classList.toggle('ok', ok);
}

let idCounter = 0;
/** A fresh id for label/control pairs made at run time. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
