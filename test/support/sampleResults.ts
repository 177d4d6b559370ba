// Probe results shaped like the engine's, for the report's pure functions: a clean STARTTLS
// SMTP session by default, with overrides per test. (The real-server suite renders real ones.)
import type { Finding } from '../../src/core/findings';
import type { CertificateInfo, ProbeResult } from '../../src/core/probe/types';

export function cert(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    subject: 'CN=mx.example.org', issuer: 'CN=Example CA', subjectAltNames: ['DNS:mx.example.org'],
    notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-06-01T00:00:00.000Z', keyType: 'rsa', keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption', fingerprint256: 'AA:BB', serialNumber: '01', selfSigned: false,
    ...overrides,
  };
}

export function finding(id: string, severity: Finding['severity'] = 'warning', title = id, detail = ''): Finding {
  return { id, severity, title, detail };
}

export function sample(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target: 'smtp://mx.example.org:25', protocol: 'smtp', tlsMode: 'starttls', ok: true, address: '192.0.2.1',
    greeting: '220 mx.example.org ESMTP',
    capabilities: { beforeTls: ['PIPELINING', 'STARTTLS'], afterTls: ['PIPELINING'] },
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherStandardName: 'TLS_AES_256_GCM_SHA384', group: 'X25519', alpn: null },
    ocsp: null,
    certificate: {
      chain: [cert(), cert({ subject: 'CN=Example CA', issuer: 'CN=Example Root', keyBits: 4096 })],
      trusted: true, validationError: null, hostnameMatches: true, daysLeft: 300,
    },
    versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    ciphers: null,
    connections: 4,
    pipeliningGuard: null,
    findings: [],
    transcript: [
      { direction: 'server', text: '220 mx.example.org ESMTP', at: 30 },
      { direction: 'client', text: 'EHLO probe.example', at: 31 },
      { direction: 'server', text: '250-mx.example.org', at: 40 },
      { direction: 'server', text: '250 STARTTLS', at: 40 },
      { direction: 'client', text: 'STARTTLS', at: 41 },
      { direction: 'server', text: '220 2.0.0 Ready to start TLS', at: 45 },
      { direction: 'info', text: 'TLS established: TLSv1.3 TLS_AES_256_GCM_SHA384 (X25519)', at: 95 },
      { direction: 'client', text: 'EHLO probe.example', at: 95 },
      { direction: 'server', text: '250 mx.example.org', at: 100 },
      { direction: 'client', text: 'QUIT', at: 100 },
      { direction: 'server', text: '221 Bye', at: 102 },
      { direction: 'info', text: 'TLSv1 handshake: refused', at: 150 },
    ],
    timings: { connect: 10, greeting: 20, starttls: 4, handshake: 50, total: 160 },
    startedAt: '2026-12-02T10:00:00.000Z',
    ...overrides,
  };
}
