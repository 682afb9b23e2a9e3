import type { ConnectionJson, FlightJson } from '../analysis/report-model.js';
import { flightVerbs } from '../report/evidence.js';
import { safeVerb } from '../report/exchange.js';

/** A POSIX-sh replay recipe for one flight. Nothing from the capture is pasted into the script except numbers and
 * verbs filtered to letters: the bytes themselves are read from the .bin file at run time. */
export function replayRecipe(c: ConnectionJson, f: FlightJson, binName: string): string {
  const cuts = c.commands.filter((k) => k.flight === f.index).map((k) => ({ at: k.offset - f.offset, len: k.length }));
  const splitLines = cuts.map((k) => `    dd if="$BIN" bs=1 skip=${k.at} count=${k.len} status=none; sleep 0.2`).join('\n');
  return `#!/bin/sh
# Replays flight ${f.index} of connection ${c.id} (${f.length} bytes: ${safeVerb(flightVerbs(c, f.index))}),
# which was ACKed but ${f.answered === 0 ? 'never answered' : `answered only up to offset ${f.replyBoundary}`} in the capture,
# against a server of your choosing, the way the incident was proven:
#   1. "whole": EHLO, then the exact ${f.length} bytes in one write (one TCP segment), then wait for replies;
#   2. "split": the same bytes, one command per write with 0.2 s pauses.
# If "whole" stalls and "split" is answered, something on the path mishandles that segment.
# The connection is closed without sending a message body: after a 354 nothing is delivered.
# Needs: nc (netcat), dd, timeout.   Usage: sh ${binName.replace(/\.bin$/, '.sh')} HOST [PORT] [whole|split]
set -eu
HOST=\${1:?usage: $0 HOST [PORT] [whole|split]}
PORT=\${2:-25}
MODE=\${3:-whole}
HELO=\${HELO:-replay.invalid}
BIN="$(dirname "$0")/${binName}"
WAIT=\${WAIT:-20}
{
  sleep 1
  printf 'EHLO %s\\r\\n' "$HELO"
  sleep 1
  if [ "$MODE" = split ]; then
${splitLines}
  else
    cat "$BIN"
  fi
  sleep "$WAIT"
} | timeout $((WAIT + 10)) nc "$HOST" "$PORT" || true
`;
}
