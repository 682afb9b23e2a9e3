/** Short texts seen lately, each kept once: servers answer every connection with the same lines ("PIPELINING",
 * "2.1.0 Ok", their own name), and a reply lives as long as its connection, so one string shared by all of them
 * replaces thousands of copies that would otherwise die in the old generation. Bounded: emptied when full. Server
 * text only: client arguments may carry AUTH credentials, which must not outlive their connection here. */
const recentTexts = new Map<string, string>();
const RECENT_TEXTS_KEPT = 4096;
/** Longer texts are rarely repeated (queue ids, long greetings): not worth a lookup. */
const SHARED_TEXT_MAX_CHARS = 64;

/** `text`, or an equal string seen lately. */
export function sharedText(text: string): string {
  if (text.length > SHARED_TEXT_MAX_CHARS) return text;
  const seen = recentTexts.get(text);
  if (seen !== undefined) return seen;
  if (recentTexts.size >= RECENT_TEXTS_KEPT) recentTexts.clear();
  recentTexts.set(text, text);
  return text;
}
