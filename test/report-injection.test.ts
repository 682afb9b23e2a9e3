// Hostile capture text (fixtures/crafted/injection.pcap, made by fixtures/craft/injection.mjs) and AUTH credentials
// (that fixture and the real swaks captures fixtures/spine/auth-*.pcap) through every renderer.
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { Redactor } from '../src/report/redact.js';
import { renderText } from '../src/report/text.js';
import { buildMessageView } from '../src/select/message-view.js';

const INJECTION = 'fixtures/crafted/injection.pcap';
const CREDENTIALS = [
  'AGluamVjdAB0b3Atc2VjcmV0LWluamVjdGlvbg==', // injection.pcap AUTH PLAIN initial response
  'aW5qZWN0LXVzZXI=', // injection.pcap AUTH LOGIN user
  'dG9wLXNlY3JldC1pbmplY3Rpb24=', // injection.pcap AUTH LOGIN password
  'top-secret-injection',
  'AGZpeHR1cmUAczNjcmV0LWZpeHR1cmU=', // fixtures/spine/auth-plain.pcap
  'czNjcmV0LWZpeHR1cmU=', // fixtures/spine/auth-login.pcap
  's3cret-fixture',
];

async function allFormats(file: string, redact = false): Promise<Record<string, string>> {
  const { report } = await analyze([file]);
  const r = redact ? new Redactor().value(report) : report;
  const doc = { report: r, redacted: redact };
  return {
    text: renderText(r, { verbose: false }),
    verbose: renderText(r, { verbose: true }),
    json: renderJson(r),
    markdown: renderMarkdown(doc),
    html: renderHtml(doc),
  };
}

/** Markdown outside fenced code blocks (inside them everything is literal text). */
function outsideFences(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

describe('hostile capture text', () => {
  it('the fixture really carries the payloads (so the checks below can fail)', async () => {
    const { report } = await analyze([INJECTION]);
    const [c1, c2] = report.connections;
    expect(c1!.banner!.text).toContain("<script>alert('banner')</script>");
    expect(c1!.banner!.text).toContain('](javascript:alert(1))');
    expect(c1!.banner!.text).toContain('\x1b[2J');
    expect(c1!.transactions[0]!.mailFrom).toContain('](javascript:');
    expect(c2!.transactions[0]!.subject).toContain('<script>');
  });

  it('no ANSI escape reaches the terminal, verbose or not', async () => {
    const out = await allFormats(INJECTION);
    for (const f of ['text', 'verbose', 'markdown', 'html', 'json']) expect(out[f], f).not.toContain('\x1b');
    expect(out.verbose).toContain('\\x1b[2J'); // shown, as an inert escape
  });

  it('HTML keeps every tag from the capture as text', async () => {
    const { html } = await allFormats(INJECTION);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href=/i);
    expect(html).toContain('&lt;script&gt;alert(&#39;banner&#39;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('Markdown forms no link or tag from capture text', async () => {
    const { report } = await analyze([INJECTION]);
    const markdown = renderMarkdown({ report, messageView: buildMessageView(report, { from: ['@inject.example'] }) });
    const prose = outsideFences(markdown);
    expect(prose).not.toMatch(/<script/i);
    expect(prose).not.toMatch(/(?<!\\)\]\(javascript:/i); // only the escaped form, which renders as text
    expect(prose).toContain('evil\\](javascript:alert(3))@inject.example'); // the address, escaped
    expect(prose).toContain('Greeting: 220 mx.inject.example &lt;script&gt;'); // the banner, escaped
    // In the transcript code block the banner is shown verbatim (control characters made visible).
    expect(markdown).toMatch(/```text\n[\s\S]*<script>alert\('banner'\)<\/script>[\s\S]*```/);
    // The mermaid block carries no capture text at all.
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(markdown)![1]!;
    expect(mermaid).not.toMatch(/<|;|#|javascript|script/);
  });

  it('no credential in any format', async () => {
    for (const file of [INJECTION, 'fixtures/spine/auth-plain.pcap', 'fixtures/spine/auth-login.pcap']) {
      for (const redact of [false, true]) {
        const out = await allFormats(file, redact);
        for (const [format, text] of Object.entries(out)) for (const secret of CREDENTIALS) expect(text, `${file} ${format}`).not.toContain(secret);
      }
    }
  });

  it('AUTH is still visible as a command (mechanism only)', async () => {
    const { verbose } = await allFormats('fixtures/spine/auth-plain.pcap');
    expect(verbose).toMatch(/AUTH PLAIN\s/);
  });
});

describe('--redact', () => {
  it('masks local parts and subjects everywhere, keeps domains and distinguishes addresses', async () => {
    const { report } = await analyze([INJECTION]);
    const sel = { from: ['sender@inject.example'] };
    const redactor = new Redactor();
    const r = redactor.value(report);
    const view = redactor.value(buildMessageView(report, sel));
    const out = [renderJson(r), renderMarkdown({ report: r, messageView: view, redacted: true }), renderHtml({ report: r, messageView: view, redacted: true }), renderText(r, { verbose: true, messageView: view })];
    for (const text of out) {
      expect(text).not.toContain('victim.person');
      expect(text).not.toContain('sender@');
      expect(text).not.toContain('secret subject line');
      expect(text).toContain('@inject.example');
    }
    const t = r.connections[1]!.transactions[0]!;
    expect(t.subject).toBe('[subject hidden]');
    expect(t.mailFrom).toMatch(/^redacted-\d+@inject\.example$/);
    expect(t.rcptTo[0]).not.toBe(t.mailFrom);
  });
});
