// TLS 1.3 suites and the key-exchange groups, learnt together: a TLS 1.3 hello without a key
// share gets a HelloRetryRequest naming both the suite and the group the server chose, so one
// removal run takes one of each per hello. It also spares the server its key generation and
// signature: an HRR costs it neither. Without TLS 1.3 the groups come from TLS 1.2 ECDHE suites.
import { GROUPS, GroupName, clientHello, groupName } from '../tls/hello';
import type { ServerHelloInfo } from '../tls/serverFlight';
import { CipherSuite, TLS13_OFFER, suiteByCode } from '../tls/suites';
import { ScanHooks, describe, refusal, serverOrderOf, suiteResult } from './scanHello';
import type { VersionSuites } from './types';

export interface GroupScan {
  /** Group names, in the order the server chose them. */
  groups: string[];
  complete: boolean;
}

/** The two lists the removal narrows, and whether each is known to be exhausted. */
interface Narrowing {
  suites: CipherSuite[];
  groups: number[];
  suitesDone: boolean;
  groupsDone: boolean;
  /**
   * A refusal while both lists were open says that one of them ran out, not which. The suites
   * are then taken as done while the groups go on with the suites found: a group found proves
   * it; a refusal means the groups ran out instead, and the suites open again.
   */
  suitesPresumed: boolean;
}

/**
 * TLS 1.3 by removal over suites and groups at once. The version is refused when the very first
 * hello (every suite, every group) is. `groups` is null when TLS 1.3 is not spoken.
 */
export async function scanTls13(h: ScanHooks, serverName: string | undefined): Promise<{ version: VersionSuites; groups: GroupScan | null }> {
  const version: VersionSuites = { version: 'TLSv1.3', accepted: null, suites: [], serverOrder: null, complete: false };
  const picks: { suite: CipherSuite; hello: ServerHelloInfo }[] = [];
  const groups: number[] = [];
  const left: Narrowing = { suites: [...TLS13_OFFER], groups: Object.values(GROUPS), suitesDone: false, groupsDone: false, suitesPresumed: false };
  // Without a key share the server must answer with an HRR (RFC 8446 §4.2.8 allows an empty
  // list); a server that refuses such a hello instead is asked again with a share.
  let keyShare: 'none' | 'first' = 'none';
  const hello = (suites: number[], offered: number[]) => clientHello({ version: 'TLSv1.3', suites, groups: offered, keyShare, serverName });
  const firstOffer = left.suites.map((s) => s.code);
  const result = (complete: boolean) => {
    version.suites = picks.map((p) => ({ ...suiteResult(p.suite, p.hello), keyExchange: groups.length ? groupName(groups[0]!) : null }));
    version.complete = complete;
    return { version, groups: version.accepted ? { groups: groups.map(groupName), complete } : null };
  };
  while (!(left.suitesDone && left.groupsDone)) {
    if (left.suites.length === 0) left.suitesDone = true;
    if (left.groups.length === 0) left.groupsDone = true;
    if (left.suitesDone && left.groupsDone) break;
    if (!h.inTime()) return (h.note('TLSv1.3: stopped for time'), result(false));
    const suites = left.suitesDone ? picks.map((p) => p.suite.code) : left.suites.map((s) => s.code);
    const offered = left.groupsDone ? groups : left.groups;
    const x = await h.exchange('TLSv1.3 suites and groups', hello(suites, offered));
    if (x.kind === 'hello') {
      const { suite, group, version: wire } = x.hello;
      if (wire !== 0x0304) {
        if (picks.length === 0) [version.accepted, version.complete] = [false, true];
        else h.note('TLSv1.3: the server switched versions mid-scan');
        return { ...result(version.complete), groups: null };
      }
      if (!suites.includes(suite)) return (h.note(`TLSv1.3: the server chose ${suiteByCode(suite).hex}, which was not offered`), result(false));
      if (group === null || !offered.includes(group)) return (h.note(`TLSv1.3: the server chose ${group === null ? 'no group' : groupName(group)}, which was not offered`), result(false));
      if (!version.accepted && keyShare === 'first') h.note('TLSv1.3: the server refused a hello without a key share (RFC 8446 §4.2.8 allows one); the scan sends a share for the first group offered');
      version.accepted = true;
      if (!left.suitesDone) {
        picks.push({ suite: suiteByCode(suite), hello: x.hello });
        left.suites = left.suites.filter((s) => s.code !== suite);
      }
      if (!left.groupsDone) {
        groups.push(group);
        left.groups = left.groups.filter((g) => g !== group);
      }
      left.suitesPresumed = false;
    } else if (refusal(x)) {
      if (picks.length === 0 && keyShare === 'none') {
        keyShare = 'first';
        continue;
      }
      if (picks.length === 0) {
        [version.accepted, version.complete] = [false, true];
        return { version, groups: null };
      }
      if (!left.suitesDone) {
        // Groups already done: the suites ran out. Both open: presume the suites did (see Narrowing).
        left.suitesPresumed = !left.groupsDone;
        left.suitesDone = true;
      } else {
        left.groupsDone = true;
        if (left.suitesPresumed) [left.suitesDone, left.suitesPresumed] = [false, false];
      }
    } else return (h.note(`TLSv1.3: ${describe(x)}`), result(false));
  }
  if (picks.length >= 2 && h.inTime()) {
    const [first, second] = picks as [(typeof picks)[0], (typeof picks)[0]];
    version.serverOrder = await serverOrderOf(first.suite.code, second.suite.code, firstOffer, (swapped) => h.exchange('TLSv1.3 order', hello(swapped, groups)));
  }
  return result(true);
}

/** Without TLS 1.3: groups by removal over TLS 1.2 hellos offering only the ECDHE suites found (the ServerKeyExchange names the group). */
export async function enumerateGroups12(h: ScanHooks, tls12: VersionSuites | undefined, serverName: string | undefined): Promise<GroupScan | null> {
  const ecdhe = tls12?.suites.filter((s) => s.kx === 'ECDHE') ?? [];
  if (ecdhe.length === 0) return null;
  let remaining: number[] = (['X25519', 'X448', 'P-256', 'P-384', 'P-521'] as GroupName[]).map((g) => GROUPS[g]);
  const suites = ecdhe.map((s) => parseInt(s.hex, 16));
  const groups: string[] = [];
  while (remaining.length > 0) {
    if (!h.inTime()) return { groups, complete: false };
    const x = await h.exchange('groups', clientHello({ version: 'TLSv1.2', suites, groups: remaining, serverName }), () => 'ecdhe');
    if (x.kind !== 'hello') return refusal(x) ? { groups, complete: true } : (h.note(`groups: ${describe(x)}`), { groups, complete: false });
    const chosen = x.hello.keyExchangeGroup;
    if (chosen === null || !remaining.includes(chosen)) return (h.note(`groups: the server chose ${chosen === null ? 'no group' : groupName(chosen)}, which was not offered`), { groups, complete: false });
    groups.push(groupName(chosen));
    remaining = remaining.filter((g) => g !== chosen);
  }
  return { groups, complete: true };
}
