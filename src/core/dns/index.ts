// DNS with DNSSEC status: the resolver client and the codec behind it (pure Node, no vscode).
export { DnsClient, DnsError, parseResolver, formatResolver, systemResolvers } from './client';
export type { DnsClientOptions, ResolverAddress } from './client';
export { dnssecStatus, probeValidation, ancestors } from './dnssec';
export type { DnssecStatus, ResolverValidation } from './dnssec';
export { normalName } from './message';
export type * from './types';
