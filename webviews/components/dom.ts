// Building DOM without HTML strings: every text goes in as a text node, so a run named
// `<img src=x onerror=alert(1)>` is shown as exactly those characters. Nothing here uses innerHTML.

type Child = Node | string | null | undefined | false;

export interface Attrs {
  class?: string;
  title?: string;
  id?: string;
  role?: string;
  /** Other attributes (aria-*, data-*, type, tabindex, …); never event handlers or style. */
  attrs?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (e: HTMLElementEventMap[K]) => void }>;
}

const FORBIDDEN = /^(on|style$|srcdoc$)/i;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, a: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (a.class) node.className = a.class;
  if (a.title !== undefined) node.title = a.title;
  if (a.id) node.id = a.id;
  if (a.role) node.setAttribute('role', a.role);
  for (const [k, v] of Object.entries(a.attrs ?? {})) {
    if (FORBIDDEN.test(k)) throw new Error(`refusing attribute ${k}`);
    node.setAttribute(k, v);
  }
  for (const [event, handler] of Object.entries(a.on ?? {})) node.addEventListener(event, handler as EventListener);
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces all children. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

export function text(node: Node, value: string): void {
  if (node.textContent !== value) node.textContent = value;
}

export function root(): HTMLElement {
  const r = document.getElementById('root');
  if (!r) throw new Error('no #root');
  return r;
}
