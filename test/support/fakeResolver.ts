/**
 * A tiny DNS server on 127.0.0.1 (UDP and TCP on one port) answering from a function, for
 * unit tests of the resolver client and of what is built on it. The real validating resolver
 * (unbound over signed zones) is in test/servers/domain.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as packet from 'dns-packet';

export type Reply = (q: packet.DecodedPacket, via: 'udp' | 'tcp') => packet.Packet | null;

export interface FakeResolver {
  address: string;
  seen: { udp: number; tcp: number };
  close(): Promise<void>;
}

export async function fakeResolver(reply: Reply): Promise<FakeResolver> {
  // The UDP port's number may be taken for TCP by another process on a shared machine: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await bindBoth(reply);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
    }
  }
}

async function bindBoth(reply: Reply): Promise<FakeResolver> {
  const udp = dgram.createSocket('udp4');
  const seen = { udp: 0, tcp: 0 };
  udp.on('message', (msg, from) => {
    seen.udp++;
    const answer = reply(packet.decode(msg), 'udp');
    if (answer) udp.send(packet.encode(answer), from.port, from.address);
  });
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const port = udp.address().port;
  const tcp = net.createServer((s) => {
    s.on('data', (buf) => {
      seen.tcp++;
      const answer = reply(packet.decode(buf.subarray(2)), 'tcp');
      if (!answer) return;
      const body = packet.encode(answer);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length);
      s.end(Buffer.concat([len, body]));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  const close = () => new Promise<void>((r) => { udp.close(); tcp.close(() => r()); });
  return { address: `127.0.0.1:${port}`, seen, close };
}

/** A response to `q` with the given header flags, answers and rcode (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN). */
export function response(q: packet.DecodedPacket, flags: number, answers: packet.Answer[], rcode = 0): packet.Packet {
  return { type: 'response', id: q.id, flags: flags | rcode, questions: q.questions, answers };
}
