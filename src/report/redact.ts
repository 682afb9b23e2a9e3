/** --redact: masks the local part of every e-mail address and hides message subjects, in any value of a report
 * (commands, replies, transactions, summaries, evidence). Each distinct local part becomes `redacted-N`, so a reader
 * can still tell recipients apart without learning who they are. */
const ADDRESS = /([A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)/g;

export class Redactor {
  private readonly locals = new Map<string, string>();

  text(s: string): string {
    return s.replace(ADDRESS, (_m, local: string, domain: string) => `${this.alias(local)}@${domain}`);
  }

  private alias(local: string): string {
    const key = local.toLowerCase();
    let a = this.locals.get(key);
    if (!a) {
      a = `redacted-${this.locals.size + 1}`;
      this.locals.set(key, a);
    }
    return a;
  }

  /** A deep copy with every string passed through `text` and every `subject` replaced. */
  value<T>(v: T): T {
    return this.walk(v, '') as T;
  }

  private walk(v: unknown, key: string): unknown {
    if (typeof v === 'string') return key === 'subject' ? '[subject hidden]' : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.walk(x, k);
      return out;
    }
    return v;
  }
}
