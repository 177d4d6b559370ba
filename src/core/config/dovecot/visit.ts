/** Walks over the document tree in source order, following includes. */
import type { DovecotNode, SectionNode, SettingNode } from './document';

export interface SettingVisit {
  node: SettingNode;
  /** Enclosing sections, outermost first. */
  sections: SectionNode[];
}

/** Every section in source order with its enclosing sections (outermost first), includes followed. */
export function visitSections(nodes: DovecotNode[], parents: SectionNode[] = [], out: { node: SectionNode; parents: SectionNode[] }[] = []): { node: SectionNode; parents: SectionNode[] }[] {
  for (const node of nodes) {
    if (node.kind === 'section') {
      out.push({ node, parents });
      visitSections(node.children, [...parents, node], out);
    } else if (node.kind === 'include') for (const f of node.files) visitSections(f.children, parents, out);
  }
  return out;
}

/** `service/inet_listener` for a setting or section inside those, filters left out. */
export function sectionPath(sections: SectionNode[]): string {
  return sections
    .filter((s) => !['protocol', 'local', 'remote', 'local_name'].includes(s.type))
    .map((s) => s.type)
    .join('/');
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
