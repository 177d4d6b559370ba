// What the Check Domain input box accepts: a domain name. Says what is wrong with anything
// else (a URL, a mail address, an IP address), so the person can fix it in place. Pure.
import { isIP } from 'node:net';
import { normalDomain } from '../../core/domain';

/** The problem with the text, or undefined when it is a domain name. */
export function domainInputProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return 'Type a domain name, e.g. example.org';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return 'Type the domain only, without a scheme (example.org, not smtp://example.org)';
  if (t.includes('@')) return `Type the domain of the address: ${t.slice(t.lastIndexOf('@') + 1) || 'the part after @'}`;
  if (isIP(t.replace(/^\[|\]$/g, ''))) return 'An IP address has no MX records: type a domain name (to probe a server, use Probe Endpoint…)';
  if (/[:/]/.test(t)) return 'Type a domain name without a port or path';
  try {
    normalDomain(t);
    return undefined;
  } catch {
    return `'${t}' is not a domain name`;
  }
}

export function parseDomainInput(text: string): string | undefined {
  return domainInputProblem(text) === undefined ? normalDomain(text.trim()) : undefined;
}
