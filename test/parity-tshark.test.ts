// Issue 2 item 7: parity with `tshark -r F -Y smtp -T fields -e tcp.stream -e smtp.req.command -e smtp.response.code`
// (plus `-d tcp.port==N,smtp` for SMTP on ports tshark does not know) on our fixtures and on ../shared/captures:
// the same SMTP connections, the same commands in order and the same reply codes in order.
//
// tshark is not a perfect oracle. Every place where it is known wrong — or where our JSON deliberately says the same
// thing differently — is an entry in EXCEPTIONS below with its reason; the comparison then adjusts only that.
// Places where WE are wrong are in OUR_BUGS and run as `it.fails` until the SMTP layer is fixed.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionJson } from '../src/analysis/report-model.js';
import { fixturePath, hasSharedCaptures, runJson, SHARED_CAPTURES } from './helpers/cli.js';
import { endpointKey, hasTshark, NO_TSHARK, tsharkStreams } from './helpers/tshark.js';

interface Side {
  commands: string[];
  codes: number[];
  /** Ours only: replies with no command waiting (JSON `anomalies`), placed among tshark's codes by alignment. */
  unsolicited?: number[];
}
interface Exception {
  why: string;
  tshark?: (s: Side) => Side;
  ours?: (s: Side, tshark: Side) => Side;
}

// ---- adjustments, each named for what it undoes ----
/** Applied to every connection with an AUTH command: our JSON folds AUTH's 334 continuation replies into the AUTH
 * command (whose reply is the final 235/5xx); tshark lists each 334. */
const AUTH_334: Exception = {
  why: 'our JSON gives AUTH one reply (the final 235/5xx); the 334 continuation challenges are part of the exchange, tshark lists each',
  tshark: (s) => ({ ...s, codes: s.codes.filter((c) => c !== 334) }),
};
/** tshark 4.0 shows STARTTLS as "STAR" in smtp.req.command. */
const STARTTLS_STAR: Exception = {
  why: 'tshark 4.0 puts only "STAR" into smtp.req.command for STARTTLS',
  tshark: (s) => ({ ...s, commands: s.commands.map((c) => (c === 'STAR' ? 'STARTTLS' : c)) }),
};
// Applied to every file (anchors.md §1.3, SOURCES.md): tshark enters message mode on the DATA *command*, not on the
// 354, so after a DATA that was rejected or never answered it reads the following commands as message text, up to a
// "." line. Our transcript lists them (the server answered them). `ourSides` drops them before comparing.
function tsharkInDataMode(drop: string[], why: string): Exception {
  return {
    why,
    ours: (s, t) => (s.commands.length > t.commands.length ? { ...s, commands: dropSubsequence(s.commands, drop) } : s),
  };
}

function dropSubsequence(list: string[], drop: string[]): string[] {
  const out = [...list];
  for (const d of drop) {
    const i = out.lastIndexOf(d);
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

/** A piece of a rotated capture that begins inside a message body: tshark takes the body lines for commands (their
 * first four characters as the verb); we skip lines until the "." that ends the body (unsynchronised state). */
const STARTS_IN_BODY: Exception = {
  why: 'this piece of a rotated capture begins inside the message body: tshark reads body lines as commands, we skip them until the "." that ends the body',
  tshark: (s) => ({ ...s, commands: s.commands.filter((c) => /^(EHLO|HELO|MAIL|RCPT|DATA|BDAT|RSET|NOOP|QUIT|AUTH|STARTTLS|VRFY|EXPN)$/.test(c)) }),
};

const SPINE = 'spine/';
const EXCEPTIONS: Record<string, Exception[]> = {
  'formats/rotated-real-01.pcap': [STARTS_IN_BODY],
  'formats/rotated-real-02.pcap': [STARTS_IN_BODY],
  [`${SPINE}postfix-starttls.pcap`]: [STARTTLS_STAR],
  'lab/proxy-bug512-1025-server.pcap': [{
    why: 'the proxy cut a RCPT line at byte 512 and the client\'s QUIT was appended to it: the server read "RCPT TO:<rcpt07-xxxxxxQUIT" and answered 501; tshark counts the cut line as one command and "QUIT" as another',
    tshark: (s) => ({ ...s, commands: dropSubsequence(s.commands, ['QUIT']) }),
  }],
  'crafted/ack-before-data.pcap': [{
    why: 'the server\'s ACK is recorded before the envelope it acknowledges; tshark then takes the envelope for a retransmission and does not dissect MAIL, RCPT, RCPT, DATA',
    ours: (s) => ({ ...s, commands: dropSubsequence(s.commands, ['MAIL', 'RCPT', 'RCPT', 'DATA']) }),
  }],
  'ndpi__smtp-starttls.pcap': [STARTTLS_STAR],
  'arkime__smtp-decrypted.pcap': [STARTTLS_STAR, {
    why: 'written by a TLS-decrypting device: after the 220 to STARTTLS the dialogue goes on in plaintext; tshark expects TLS there and loses track part-way (it misses the pipelined BDAT and the final QUIT/221 that we read), so only the part tshark shows is compared',
    ours: (s, t) => ({ ...s, commands: s.commands.slice(0, t.commands.length), codes: s.codes.slice(0, t.codes.length) }),
  }],
  [`${SPINE}variant-snap96.pcap`]: [{
    why: 'snaplen 96 cuts every payload after its first ~30 bytes: tshark dissects those fragments as if they were whole lines, we treat the cut bytes as a capture gap and pair no reply across it (so we list fewer commands and codes)',
    tshark: (s) => ({ ...s, commands: s.commands.filter((c) => c === 'EHLO' || c === 'QUIT'), codes: s.codes.filter((c) => c !== 220).slice(-2) }),
  }],
  'zeek__smtp-starttls.pcap': [STARTTLS_STAR],
  'pcapplusplus__Smtp.pcap': [{
    why: 'tshark reads the AUTH LOGIN base64 continuation line as a command ("CHVU")',
    tshark: (s) => ({ ...s, commands: s.commands.filter((c) => c !== 'CHVU') }),
  }],
  'arkime__socks5-smtp-503.pcap': [{
    why: 'with decode-as on port 1080, tshark reads the binary SOCKS5 greeting/CONNECT as the start of an unterminated command line and swallows the EHLO into it',
    ours: (s) => ({ ...s, commands: dropSubsequence(s.commands, ['EHLO']) }),
  }],
  'suricata-verify__bug-1045__smtpsuricataflowbitsFN.pcap': [
    tsharkInDataMode(['QUIT'], 'QUIT travels in the same segment as the end of the message; tshark reads the whole segment as message data'),
  ],
  'suricata-verify__smtp-pipelining__input.pcap': [
    tsharkInDataMode(['MAIL', 'RCPT', 'DATA'], 'MAIL, RCPT, DATA and the whole message travel in one segment; tshark does not dissect those pipelined commands (SOURCES.md)'),
  ],
  'zeek__smtp-bdat-pipeline-8bitmime.pcap': [{
    why: 'MAIL, RCPT and BDAT with its chunk are pipelined in one segment; tshark does not dissect those commands',
    ours: (s) => ({ ...s, commands: s.commands.filter((c) => c === 'EHLO' || c === 'QUIT') }),
  }],
  'zeek__smtp-bdat-gap.pcap': [{
    why: 'part of the BDAT chunk is missing from the capture; tshark loses count of the chunk and reads the DATA and QUIT that follow as chunk data, we resume after the gap',
    ours: (s) => ({ ...s, commands: dropSubsequence(s.commands, ['DATA', 'QUIT']) }),
  }],
  'zeek__smtp-bdat-cmd-invalid.pcapng': [
    tsharkInDataMode(['QUIT'], 'the BDAT command was rejected (521); tshark still counts the declared chunk length and reads the QUIT as chunk data'),
  ],
  'suricata-verify__smtp-errors__smtperr.pcap': [{
    why: 'a spam bot sends binary lines (and a TLS ClientHello to a port-25 style dialogue on 465); tshark gives no smtp.req.command for non-text lines, we list them as "(binary)"',
    ours: (s) => ({ ...s, commands: s.commands.filter((c) => c !== '(binary)' && /^[\x21-\x7e]+$/.test(c)) }),
  }],
  'suricata-verify__smtp-bug-5989__input.pcap': [{
    why: 'edited upstream: the 5002-byte banner segment overlaps every later server segment with different bytes, so no reply after the banner is readable; tshark reads the AUTH LOGIN base64 lines as commands (Z2FS, VJF2, SOURCES.md) and lists a QUIT that our transcript ends before (see the report)',
    tshark: (s) => ({ ...s, commands: s.commands.filter((c) => c !== 'Z2FS' && c !== 'VJF2' && c !== 'QUIT') }),
  }],
};

/** Where our output is wrong; each runs as it.fails with the evidence until the SMTP layer is fixed. */
const OUR_BUGS: Record<string, string> = {};

/** Ports tshark dissects as SMTP without being told. */
const TSHARK_SMTP_PORTS = new Set([25, 587]);

function ourSides(connections: ConnectionJson[]): Map<string, Side> {
  const sides = new Map<string, Side>();
  for (const c of connections) {
    if (c.outcome === 'not-smtp') continue;
    const commands: string[] = [];
    let blindAfterData = false; // the generic tshark rule above
    for (const x of c.commands) {
      if (x.command === '.') blindAfterData = false; // "." is our end-of-message pseudo-command
      else if (!blindAfterData) commands.push(x.command);
      if (x.command === 'DATA' && x.reply?.code !== 354) blindAfterData = true;
    }
    sides.set(endpointKey(c.client, c.server), {
      commands,
      codes: [...(c.banner ? [c.banner.code] : []), ...c.commands.flatMap((x) => (x.reply ? [x.reply.code] : []))],
      unsolicited: c.anomalies.filter((a) => a.kind === 'unsolicited-reply').map((a) => Number(a.detail.slice(0, 3))),
    });
  }
  return sides;
}

/** tshark's codes with our unsolicited replies taken out wherever they fall (equal codes are interchangeable), so the
 * rest can be compared in order with the replies we paired to commands. Unchanged when that is impossible. */
function withoutUnsolicited(theirs: number[], paired: number[], unsolicited: number[]): number[] {
  const pool = [...unsolicited];
  const kept: number[] = [];
  let i = 0;
  for (const code of theirs) {
    if (i < paired.length && paired[i] === code) {
      kept.push(code);
      i++;
      continue;
    }
    const j = pool.indexOf(code);
    if (j < 0) return theirs;
    pool.splice(j, 1);
  }
  return pool.length ? theirs : kept;
}

function compare(file: string, label: string): void {
  const report = runJson([file]).report;
  const ours = ourSides(report.connections);
  const ports = [...new Set(report.connections.filter((c) => ours.has(endpointKey(c.client, c.server))).map((c) => Number(c.server.split(':').pop())))];
  const theirs = new Map<string, Side>(
    [...tsharkStreams(file, ports.filter((p) => !TSHARK_SMTP_PORTS.has(p))).values()].map((s) => [s.key, { commands: s.commands, codes: s.codes }]),
  );
  // Streams with nothing SMTP in them (a bare TCP stream on port 25, a TLS-only one) say nothing either way.
  for (const m of [ours, theirs]) for (const [k, s] of m) if (!s.commands.length && !s.codes.length && !s.unsolicited?.length) m.delete(k);
  const exceptions = EXCEPTIONS[label] ?? [];
  const a: Record<string, Side> = {};
  const b: Record<string, Side> = {};
  for (const key of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    let o = ours.get(key);
    let t = theirs.get(key);
    if (t) t = exceptions.reduce((acc, e) => e.tshark?.(acc) ?? acc, t);
    if (o && t) {
      if (o.commands.includes('AUTH')) t = AUTH_334.tshark!(t);
      o = exceptions.reduce((acc, e) => e.ours?.(acc, t!) ?? acc, o);
      t = { ...t, codes: withoutUnsolicited(t.codes, o.codes, o.unsolicited ?? []) };
    }
    // What an exception leaves of tshark's side may be nothing SMTP at all.
    if (!o && t && !t.commands.length && !t.codes.length) t = undefined;
    if (o) a[key] = { commands: o.commands, codes: o.codes };
    if (t) b[key] = { commands: t.commands, codes: t.codes };
  }
  expect(a).toEqual(b);
}

function captures(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();
}

if (!hasTshark) console.warn(NO_TSHARK);

describe.skipIf(!hasTshark)('same SMTP connections, commands and reply codes as tshark', () => {
  for (const sub of ['spine', 'lab', 'crafted', 'formats']) {
    describe(`fixtures/${sub}`, () => {
      for (const name of captures(fixturePath(sub))) {
        const label = `${sub}/${name}`;
        const bug = OUR_BUGS[label];
        const why = (EXCEPTIONS[label] ?? []).map((e) => e.why).join('; ');
        const title = bug ? `${name} — OUR BUG: ${bug}` : why ? `${name} (tshark exception: ${why})` : name;
        (bug ? it.fails : it)(title, () => compare(fixturePath(label), label));
      }
    });
  }

  describe.skipIf(!hasSharedCaptures)('../shared/captures', () => {
    for (const name of hasSharedCaptures ? captures(SHARED_CAPTURES) : []) {
      const bug = OUR_BUGS[name];
      const why = (EXCEPTIONS[name] ?? []).map((e) => e.why).join('; ');
      const title = bug ? `${name} — OUR BUG: ${bug}` : why ? `${name} (tshark exception: ${why})` : name;
      (bug ? it.fails : it)(title, () => compare(path.join(SHARED_CAPTURES, name), name));
    }
  });
});
