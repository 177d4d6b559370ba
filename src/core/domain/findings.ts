// Domain findings: one constructor so that every finding names what it is about.
import type { Severity } from '../findings';
import type { DomainFinding } from './types';

export function domainFinding(id: string, severity: Severity, subject: string, title: string, detail: string): DomainFinding {
  return { id, severity, title, detail, subject };
}
