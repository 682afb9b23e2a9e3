// Named thresholds of the diagnosis rules, with where each comes from (research/anchors.md section in brackets).

/** H1 [§4.4 rule 1, §4.6]: an ACK faster than this fraction of the handshake RTT cannot come from the endpoint that
 * answered the SYN. */
export const ACK_FASTER_THAN_RTT_FRACTION = 0.5;
/** Below this handshake RTT timing comparisons mean nothing (same host or LAN: jitter dominates). */
export const MIN_RTT_FOR_TIMING_NS = 2e6;

/** Split connection [§4.4 rule 2, US 2007/0192845]: the fastest reply to a trivial command takes at least this many
 * handshake RTTs, and at least MIN_EXTRA_NS longer, so TCP is terminated much closer than SMTP. */
export const SPLIT_REPLY_TO_RTT_RATIO = 4;
export const SPLIT_MIN_EXTRA_NS = 10e6;

/** p0f [§4.5]: initial TTLs in use; observed TTL rounds up to one of them, and distance = initial − observed. */
export const INITIAL_TTLS = [32, 64, 128, 255];

/** IP ID [§4.6 H4]: two packets share one counter when the later ID is at most this far ahead (mod 2^16). */
export const IPID_SAME_COUNTER_MAX_STEP = 2048;

/** TCP timestamps [§4.6 H5, RFC 7323 §5.4]: clocks tick between 1 ms and 1 s; a TSval further ahead than elapsed time
 * at 1 ms/tick plus this slack is on another clock. */
export const TSVAL_SLACK_TICKS = 50;

/** A reply is slow when the server took this long for one command (its service time), and SLOW_RTT_MULTIPLE RTTs. */
export const SLOW_REPLY_NS = 2e9;
export const SLOW_RTT_MULTIPLE = 20;

/** RFC 5321 §4.5.3.2 minimum client timeouts [§6.1]. */
export const RFC5321_TIMEOUTS_NS: Record<string, { ns: number; name: string }> = {
  banner: { ns: 5 * 60e9, name: 'initial 220 message: 5 min' },
  MAIL: { ns: 5 * 60e9, name: 'MAIL: 5 min' },
  RCPT: { ns: 5 * 60e9, name: 'RCPT: 5 min' },
  DATA: { ns: 2 * 60e9, name: 'DATA initiation: 2 min' },
  BDAT: { ns: 3 * 60e9, name: 'data block: 3 min' },
  '.': { ns: 10 * 60e9, name: 'DATA termination: 10 min' },
};
export const RFC5321_DEFAULT_TIMEOUT = { ns: 5 * 60e9, name: 'command: 5 min' };

/** Capture loss [§4.6 H8, Zeek CaptureLoss]: gap events per ACK above this blame the capture. */
export const CAPTURE_LOSS_RATIO = 0.1;

/** PowerMTA's PIX detector [§5.1]: a greeting with at least this many asterisks was masked by a PIX/ASA. */
export const PIX_BANNER_ASTERISKS = 10;

/** Common block sizes at which middleboxes cut streams [§10 item 5]. */
export const SUSPICIOUS_BLOCK = 512;
