/**
 * The test zones under a private signed `test.` (the trust anchor): a good domain and one
 * zone per failure the domain check must see. Pure text: signing is in ./unbound.
 */

export interface ZoneAddresses {
  /** 127.R.S.n: one address per MX host, the MTA-STS web server and the resolver. */
  mx1: string;
  mx2: string;
  badTlsa: string;
  stsBad: string;
  unsigned: string;
  bogus: string;
  taNames: string;
  /** IPv4 of mx.dual.test; `dual6` its IPv6 (::1), null when [::1]:25 could not be had. */
  dual: string;
  dual6: string | null;
  /** Of mx.bogusmx.test, whose MX answer is bogus: nothing listens there. */
  bogusMx: string;
  web: string;
  resolver: string;
}

export interface ZoneInputs {
  addresses: ZoneAddresses;
  /** `3 1 1` data of the served key, `2 1 1` of its issuer, `3 1 1` of the next key. */
  leafSpki: string;
  issuerSpki: string;
  nextSpki: string;
  /** SRV ports of the client services on mx1 (submission, imaps). */
  srvPorts: { submission: number; imaps: number };
  stsId: string;
}

export interface ZoneText {
  origin: string;
  signed: boolean;
  /** Children whose DS goes into this zone before it is signed. */
  children: string[];
  text: string;
}

const SOA = (origin: string) => `$ORIGIN ${origin}\n$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n`;
const WRONG = 'ff'.repeat(32);

export function testZones(z: ZoneInputs): ZoneText[] {
  const a = z.addresses;
  const children = ['good.test.', 'badtlsa.test.', 'stsbad.test.', 'nullmx.test.', 'unsigned.test.', 'bogus.test.', 'tanames.test.', 'dual.test.', 'bogusmx.test.', 'cname.test.', 'nullmixed.test.'];
  const delegations = children.map((c) => `${c} NS ns.test.`).join('\n');
  return [
    { origin: 'test.', signed: true, children: children.filter((c) => c !== 'unsigned.test.'), text: `${SOA('test.')}ns A ${a.resolver}\n${delegations}\n` },
    {
      origin: 'good.test.',
      signed: true,
      children: [],
      text: `${SOA('good.test.')}@ MX 10 mx1.good.test.
@ MX 20 mx2.good.test.
mx1 A ${a.mx1}
mx2 A ${a.mx2}
_25._tcp.mx1 TLSA 3 1 1 ${z.leafSpki}
_25._tcp.mx1 TLSA 2 1 1 ${z.issuerSpki}
_25._tcp.mx2 TLSA 3 1 1 ${z.leafSpki}
_25._tcp.mx2 TLSA 3 1 1 ${z.nextSpki}
_mta-sts TXT "v=STSv1; id=${z.stsId}"
mta-sts A ${a.web}
_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.test"
_submission._tcp SRV 0 1 ${z.srvPorts.submission} mx1.good.test.
_imaps._tcp SRV 0 1 ${z.srvPorts.imaps} mx1.good.test.
_pop3._tcp SRV 0 0 0 .
`,
    },
    {
      origin: 'badtlsa.test.',
      signed: true,
      children: [],
      text: `${SOA('badtlsa.test.')}@ MX 10 mx.badtlsa.test.\nmx A ${a.badTlsa}\n_25._tcp.mx TLSA 3 1 1 ${WRONG}\n_25._tcp.mx TLSA 3 1 1 ${'ee'.repeat(32)}\n`,
    },
    {
      origin: 'stsbad.test.',
      signed: true,
      children: [],
      text: `${SOA('stsbad.test.')}@ MX 10 mx.stsbad.test.\nmx A ${a.stsBad}\n_mta-sts TXT "v=STSv1; id=${z.stsId}"\nmta-sts A ${a.web}\n`,
    },
    { origin: 'nullmx.test.', signed: true, children: [], text: `${SOA('nullmx.test.')}@ MX 0 .\n@ A ${a.web}\n` },
    // A null MX beside a real one (RFC 7505 §3 forbids it); the real one is mx1's address.
    { origin: 'nullmixed.test.', signed: true, children: [], text: `${SOA('nullmixed.test.')}@ MX 0 .\n@ MX 10 mx.nullmixed.test.\nmx A ${a.mx1}\n` },
    {
      origin: 'unsigned.test.',
      signed: false,
      children: [],
      text: `${SOA('unsigned.test.')}@ MX 10 mx.unsigned.test.\nmx A ${a.unsigned}\n_25._tcp.mx TLSA 3 1 1 ${z.leafSpki}\n_25._tcp.mx TLSA 2 1 1 ${z.issuerSpki}\n`,
    },
    {
      origin: 'bogus.test.',
      signed: true,
      children: [],
      // The TLSA data is changed after signing (see ./unbound): its signature no longer fits.
      text: `${SOA('bogus.test.')}@ MX 10 mx.bogus.test.\nmx A ${a.bogus}\n_25._tcp.mx TLSA 3 1 1 ${z.leafSpki}\n_25._tcp.mx TLSA 2 1 1 ${z.issuerSpki}\n`,
    },
    {
      origin: 'tanames.test.',
      signed: true,
      children: [],
      // Only the issuer's key: DANE-TA, so the certificate must name mx.tanames.test; it does not.
      text: `${SOA('tanames.test.')}@ MX 10 mx.tanames.test.\nmx A ${a.taNames}\n_25._tcp.mx TLSA 2 1 1 ${z.issuerSpki}\n`,
    },
    {
      origin: 'dual.test.',
      signed: true,
      children: [],
      // One MX host on an IPv4 and an IPv6 address: each is probed and matched on its own.
      text: `${SOA('dual.test.')}@ MX 10 mx.dual.test.\nmx A ${a.dual}\n${a.dual6 ? `mx AAAA ${a.dual6}\n` : ''}_25._tcp.mx TLSA 3 1 1 ${z.leafSpki}\n_25._tcp.mx TLSA 2 1 1 ${z.issuerSpki}\n_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@dual.test"\n`,
    },
    {
      origin: 'bogusmx.test.',
      signed: true,
      children: [],
      // The MX data is changed after signing (see ./environment): the domain's own MX answer is bogus.
      text: `${SOA('bogusmx.test.')}@ MX 10 mx.bogusmx.test.\nmx A ${a.bogusMx}\n`,
    },
    {
      origin: 'cname.test.',
      signed: true,
      children: [],
      // The MX host is a CNAME for mx1.good.test: its matching TLSA there comes first (RFC 7672
      // §2.2.2); the records at the MX name match nothing and must not be used.
      text: `${SOA('cname.test.')}@ MX 10 mail.cname.test.\nmail CNAME mx1.good.test.\n_25._tcp.mail TLSA 3 1 1 ${WRONG}\n`,
    },
  ];
}

/** MTA-STS policies by host: the good one covers both MX hosts; the other names a host that is not the MX. */
export function testPolicies(): Record<string, string> {
  return {
    'mta-sts.good.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.good.test\r\nmax_age: 86400\r\n',
    'mta-sts.stsbad.test': 'version: STSv1\r\nmode: enforce\r\nmx: mail.elsewhere.test\r\nmax_age: 86400\r\n',
    // Served by host name only to fetchPolicy tests: over the 64 KB cap.
    'mta-sts.large.test': `version: STSv1\r\nmode: testing\r\nmax_age: 86400\r\n${'mx: filler.example\r\n'.repeat(4000)}`,
  };
}
