// A domain's mail (MX, SRV, DNSSEC, DANE, MTA-STS, TLS-RPT): the public surface, pure Node.
export { checkDomain, normalDomain } from './checkDomain';
export { everyFinding } from './findings';
export { mxPatternMatches, parsePolicy, parseStsTxt, POLICY_MAX_BYTES } from './mtaSts';
export { parseTlsRpt } from './tlsRpt';
export { SRV_SERVICES } from './discovery';
export type * from './types';
