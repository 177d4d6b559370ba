// The report's element tree as DOM: elements by name from the closed list, attributes through
// setAttribute, text through text nodes, styles through CSSOM. Nothing is ever parsed as HTML.
import { isAllowedAttribute, safeCssValue, TAGS, type VNode } from '../core/report/vnode';

const ALLOWED = new Set<string>(TAGS);

export function toDom(node: VNode | string, doc: Document = document): Node {
  if (typeof node === 'string') return doc.createTextNode(node);
  if (!ALLOWED.has(node.tag)) throw new Error(`unexpected element ${node.tag}`);
  const el = doc.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) if (isAllowedAttribute(name)) el.setAttribute(name, value);
  for (const [name, value] of Object.entries(node.style)) if (safeCssValue(value)) el.style.setProperty(name, value);
  for (const child of node.children) el.appendChild(toDom(child, doc));
  return el;
}
