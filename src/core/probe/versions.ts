// The TLS versions a probe tries, oldest first: the one list the engine, the reports and the
// editor iterate over.
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersionName = (typeof TLS_VERSIONS)[number];

/** Versions deprecated by RFC 8996: accepting them is a finding. */
export const LEGACY_TLS_VERSIONS: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1'];

export const TLS_VERSION_LABEL: Record<TlsVersionName, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/** A version as people write it, SSL 2 and 3 (seen only by the cipher scan) included. */
export function versionLabel(version: string): string {
  return TLS_VERSION_LABEL[version as TlsVersionName] ?? { SSLv2: 'SSL 2', SSLv3: 'SSL 3' }[version] ?? version;
}

export function isLegacyVersion(version: TlsVersionName): boolean {
  return LEGACY_TLS_VERSIONS.includes(version);
}

/** The versions the server accepted, oldest first. */
export function acceptedVersions(result: { readonly versions: Readonly<Record<TlsVersionName, boolean | null>> }): TlsVersionName[] {
  return TLS_VERSIONS.filter((v) => result.versions[v] === true);
}
