/** Elements made with DOM calls only: no innerHTML, so data is never markup and the CSP needs no inline anything. */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

function apply(el: Element, attrs: Attrs | undefined): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** A table with a caption and header cells in a thead; `rows` are cells already made. */
export function table(id: string, caption: string, headers: string[], rows: { attrs?: Attrs; cells: Child[] }[]): HTMLTableElement {
  return h(
    'table',
    { id },
    h('caption', undefined, caption),
    h('thead', undefined, h('tr', undefined, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', undefined, ...rows.map((r) => h('tr', r.attrs, ...r.cells.map((c) => (c instanceof HTMLTableCellElement ? c : h('td', undefined, c)))))),
  );
}

export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLDivElement {
  return h('div', { className: 'field' }, h('label', { for: control.id }, label), control);
}

export function select(id: string, name: string, options: { value: string; label: string }[], value: string): HTMLSelectElement {
  const el = h('select', { id, name }, ...options.map((o) => h('option', { value: o.value }, o.label)));
  el.value = value;
  return el;
}

/** Says something to screen-reader users without moving focus (the page's polite live region). */
export function announce(message: string): void {
  const region = document.getElementById('announce');
  if (region) region.textContent = message;
}

/** The page's visible message line (outside `main`, so it outlives a view's re-render after an action). */
export function notify(message: string | Node, kind: 'ok' | 'error' = 'ok'): void {
  const flash = document.getElementById('flash');
  if (!flash) return;
  flash.replaceChildren(h('p', { className: kind }, message));
}
