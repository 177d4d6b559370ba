/** Walks over the document tree in source order, following includes. */
import type { DovecotNode, SectionNode, SettingNode } from './document';

export interface SettingVisit {
  node: SettingNode;
  /** Enclosing sections, outermost first. */
  sections: SectionNode[];
}

/** Every section in source order, includes followed. */
export function visitSections(nodes: DovecotNode[], out: SectionNode[] = []): SectionNode[] {
  for (const node of nodes) {
    if (node.kind === 'section') {
      out.push(node);
      visitSections(node.children, out);
    } else if (node.kind === 'include') for (const f of node.files) visitSections(f.children, out);
  }
  return out;
}

/** Every setting in source order, includes followed. */
export function visitSettings(nodes: DovecotNode[], sections: SectionNode[] = [], out: SettingVisit[] = []): SettingVisit[] {
  for (const node of nodes) {
    if (node.kind === 'setting') out.push({ node, sections });
    else if (node.kind === 'section') visitSettings(node.children, [...sections, node], out);
    else for (const f of node.files) visitSettings(f.children, sections, out);
  }
  return out;
}
