import type { Vantage } from '../analysis/report-model.js';
import type { ConnectionFacts } from './facts.js';
import { ttlClass } from './fingerprint.js';
import { MIN_RTT_FOR_TIMING_NS } from './thresholds.js';

/** Where the capture was taken. Timing first (the leg near the capture point answers at once: near the client the
 * SYN/ACK→ACK leg is tiny, near the server the SYN→SYN/ACK leg is), then TTLs (a side whose packets arrive with an
 * unused initial TTL — 64, 128, 255 — was captured on its own host or link). */
export function inferVantage(f: ConnectionFacts): { vantage: Vantage; reason: string } {
  const rtt = f.rtt;
  if (rtt && rtt.total >= MIN_RTT_FOR_TIMING_NS) {
    const clientShare = rtt.toClient / rtt.total;
    if (clientShare < 0.1) return { vantage: 'client', reason: 'the client answered the SYN/ACK at once' };
    if (clientShare > 0.9) return { vantage: 'server', reason: 'the server answered the SYN at once' };
    return { vantage: 'middle', reason: `both handshake legs took time (${Math.round(clientShare * 100)} % on the client side)` };
  }
  const c = f.connection;
  const clientTtl = c.clientHalf.packets.mostCommonTtl();
  const serverTtl = c.serverHalf.packets.mostCommonTtl();
  const clientLocal = clientTtl !== undefined && ttlClass(clientTtl).hops === 0;
  const serverLocal = serverTtl !== undefined && ttlClass(serverTtl).hops === 0;
  if (clientLocal && !serverLocal) return { vantage: 'client', reason: `client packets arrive with TTL ${clientTtl} (no hop), server's with ${serverTtl}` };
  if (serverLocal && !clientLocal) return { vantage: 'server', reason: `server packets arrive with TTL ${serverTtl} (no hop), client's with ${clientTtl}` };
  return { vantage: 'unknown', reason: rtt ? 'handshake too fast to tell the legs apart, and TTLs do not say' : 'no handshake seen' };
}
