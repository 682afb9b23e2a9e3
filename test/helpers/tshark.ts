// tshark as an outside oracle. Tests that need it skip with a message when it is not installed.
import { execFileSync, spawnSync } from 'node:child_process';

function probe(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasTshark = probe();
export const NO_TSHARK = 'tshark is not installed (apt-get install tshark): skipping the comparison with it';

export interface TsharkSmtpLine {
  stream: number;
  /** "ip:port" or "[ipv6]:port" of sender and receiver, written as our JSON writes endpoints. */
  src: string;
  dst: string;
  commands: string[];
  codes: number[];
}

/** `tshark -r F -Y smtp -T fields -e tcp.stream -e smtp.req.command -e smtp.response.code`, one row per frame;
 * `decodeAsPorts` adds `-d tcp.port==N,smtp` for SMTP on ports tshark does not know. */
export function tsharkSmtp(file: string, decodeAsPorts: number[] = []): TsharkSmtpLine[] {
  const args = ['-r', file, ...decodeAsPorts.flatMap((p) => ['-d', `tcp.port==${p},smtp`])];
  args.push('-Y', 'smtp', '-T', 'fields', '-E', 'separator=|', '-E', 'aggregator=,');
  args.push('-e', 'tcp.stream', '-e', 'smtp.req.command', '-e', 'smtp.response.code');
  // Endpoints too, to pair tshark's streams with our connections.
  args.push('-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport');
  // tshark exits non-zero on a damaged file after printing what it read: keep the rows either way.
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [stream, cmds, codes, src4, src6, sport, dst4, dst6, dport] = line.split('|');
      return {
        stream: Number(stream),
        src: endpoint(src4, src6, sport),
        dst: endpoint(dst4, dst6, dport),
        commands: cmds ? cmds.split(',').map((c) => c.toUpperCase()) : [],
        codes: codes ? codes.split(',').map(Number) : [],
      };
    });
}

// ICMP errors quoting a segment carry a second (inner) address: the first one is the real packet's.
function endpoint(v4 = '', v6 = '', port = ''): string {
  const p = port.split(',').pop();
  return v4 ? `${v4.split(',')[0]}:${p}` : `[${v6.split(',')[0]}]:${p}`;
}

/** Per TCP stream: the commands in order and the reply codes in order (one code per reply line tshark decodes). */
export interface TsharkStream {
  /** The two endpoints, sorted: the same key for both directions. */
  key: string;
  commands: string[];
  codes: number[];
}

export function endpointKey(a: string, b: string): string {
  return [a, b].sort().join(' <> ');
}

export function tsharkStreams(file: string, decodeAsPorts: number[] = []): Map<number, TsharkStream> {
  const streams = new Map<number, TsharkStream>();
  for (const row of tsharkSmtp(file, decodeAsPorts)) {
    let s = streams.get(row.stream);
    if (!s) streams.set(row.stream, (s = { key: endpointKey(row.src, row.dst), commands: [], codes: [] }));
    s.commands.push(...row.commands);
    s.codes.push(...row.codes);
  }
  return streams;
}
