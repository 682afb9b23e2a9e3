/** Short texts seen lately, each kept once: servers answer every connection with the same lines ("PIPELINING",
 * "2.1.0 Ok", their own name), and a reply lives as long as its connection, so one string shared by all of them
 * replaces thousands of copies that would otherwise die in the old generation. Server text only: client arguments
 * may carry AUTH credentials, which must not outlive their connection here.
 *
 * Looked up by the bytes themselves, before any string is made: a hash of the bytes picks one slot of a small
 * direct-mapped table, and the slot's string is taken if its characters are those bytes. A hit then costs neither a
 * string nor a Map lookup; a miss makes the string and takes the slot. */
const SLOT_BITS = 12;
const slots: string[] = new Array<string>(1 << SLOT_BITS).fill('');
/** Longer texts are rarely repeated (queue ids, long greetings): not worth a slot. */
const SHARED_TEXT_MAX_CHARS = 64;

/** bytes[start, end) as latin1 text, or an equal string seen lately. */
export function sharedTextOf(bytes: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length > SHARED_TEXT_MAX_CHARS || length <= 0) return bytes.toString('latin1', start, end);
  let h = 0x811c9dc5; // FNV-1a
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const slot = (h >>> 0) >>> (32 - SLOT_BITS);
  const seen = slots[slot]!;
  if (seen.length === length && sameText(seen, bytes, start)) return seen;
  const text = bytes.toString('latin1', start, end);
  slots[slot] = text;
  return text;
}

function sameText(text: string, bytes: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
