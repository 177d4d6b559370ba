// The probe engine's public surface (pure Node: usable from the CLI and the extension).
export { probe, DEFAULT_TIMEOUTS, DEFAULT_EHLO_NAME, defaultEhloName } from './probe';
export { parseTarget, SCHEMES } from './target';
export * from './types';
export type { Finding, Severity } from '../findings';
export { HostLimiter, DEFAULT_PER_HOST_CONNECTIONS } from './hostLimiter';
export type { ConnectionGate } from './hostLimiter';
export { probeMany, DEFAULT_CONCURRENCY } from './probeMany';
export type { ProbeManyOptions } from './probeMany';
export { scanCipherSuites } from './scanOnly';
export type { ScanOptions } from './scanOnly';
export { cipherFindings } from './cipherFindings';
