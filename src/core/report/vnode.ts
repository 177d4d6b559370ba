// A tiny element tree that the report is built as, and its HTML serialisation. The same tree
// becomes DOM in the webview (src/webview/dom.ts, text through textContent only) and a string
// here, where every text and attribute value is escaped: server text can never become markup.

export type Child = VNode | string | null | undefined | false;

export interface VNode {
  tag: Tag;
  attrs: Record<string, string>;
  /** CSS properties, set through CSSOM in the webview (its CSP forbids style attributes). */
  style: Record<string, string>;
  children: (VNode | string)[];
}

/** The only elements the report uses: a closed list, so no probe text can pick a tag. */
export const TAGS = [
  'article', 'aside', 'b', 'button', 'code', 'details', 'div', 'em', 'footer', 'h1', 'h2', 'h3', 'h4', 'header',
  'li', 'main', 'ol', 'p', 'pre', 'section', 'small', 'span', 'strong', 'summary', 'table', 'tbody', 'td',
  'th', 'thead', 'tr', 'ul',
] as const;
export type Tag = (typeof TAGS)[number];

/** Attribute names allowed on report elements; no event handlers, no URLs. */
const ATTRIBUTE = /^(class|id|title|role|tabindex|open|colspan|lang|type|aria-[a-z]+|data-[a-z-]+)$/;

export function isAllowedAttribute(name: string): boolean {
  return ATTRIBUTE.test(name);
}

export function h(tag: Tag, attrs: Record<string, string | number | boolean | undefined> | null, ...children: (Child | Child[])[]): VNode {
  const clean: Record<string, string> = {};
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (name === 'style') throw new Error('use css() for styles');
    if (!isAllowedAttribute(name)) throw new Error(`attribute '${name}' is not allowed in the report`);
    clean[name] = value === true ? '' : String(value);
  }
  const flat: (VNode | string)[] = [];
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) flat.push(c);
  return { tag, attrs: clean, style, children: flat };
}

/** Adds CSS properties (only numbers with units and keywords: see `safeCssValue`). */
export function css(node: VNode, properties: Record<string, string>): VNode {
  for (const [name, value] of Object.entries(properties)) {
    if (!/^[a-z-]+$/.test(name) || !safeCssValue(value)) throw new Error(`unsafe style ${name}: ${value}`);
    node.style[name] = value;
  }
  return node;
}

/** Lengths, percentages and custom-property references: nothing that could carry text. */
export function safeCssValue(value: string): boolean {
  return /^(-?\d+(\.\d+)?(%|px|em|rem|ch)?|var\(--[a-z0-9-]+\)|[a-z-]+)$/.test(value);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function toHtml(node: VNode | string): string {
  if (typeof node === 'string') return escapeHtml(node);
  let attrs = '';
  for (const [name, value] of Object.entries(node.attrs)) attrs += value === '' ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  const style = Object.entries(node.style).map(([k, v]) => `${k}:${v}`).join(';');
  if (style) attrs += ` style="${escapeHtml(style)}"`;
  return `<${node.tag}${attrs}>${node.children.map(toHtml).join('')}</${node.tag}>`;
}

/** All text of a tree, for tests and the accessible summary. */
export function textOf(node: VNode | string): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
