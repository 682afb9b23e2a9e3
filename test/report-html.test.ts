// The HTML report: one self-contained page with a time-scaled SVG ladder per problem connection, checked in real
// headless Chromium (Debian's chromium; skipped with a message where it is absent).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analysis/analyzer.js';
import { renderHtml } from '../src/report/html.js';
import { ladderSvg } from '../src/report/ladder-svg.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-html: ${CHROMIUM} not found — skipping the headless Chromium check (apt-get install chromium)`);

async function htmlOf(files: string[]): Promise<string> {
  const { report } = await analyze(files);
  return renderHtml({ report });
}

/** y coordinates of the ladder's arrows, by CSS class, in drawing order. */
function arrows(svg: string, cls: string): { y1: number; y2: number }[] {
  return [...svg.matchAll(new RegExp(`<line class="${cls}[^"]*" x1="[\\d.]+" y1="([\\d.]+)" x2="[\\d.]+" y2="([\\d.]+)"`, 'g'))].map((m) => ({ y1: Number(m[1]), y2: Number(m[2]) }));
}

describe('HTML report', () => {
  it('is self-contained: no script, no external reference, a CSP that forbids them', async () => {
    const html = await htmlOf(['fixtures/lab/incident-513-client.pcap']);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)|src=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('draws one ladder per problem connection, and only the others in a table', async () => {
    const html = await htmlOf(['fixtures/crafted/message-view-00.pcap', 'fixtures/crafted/message-view-01.pcap', 'fixtures/crafted/message-view-02.pcap']);
    expect(html.match(/<svg class="ladder"/g)).toHaveLength(2);
    expect(html).toContain('<h2>Other connections (no problem found)</h2>');
    expect(html).toMatch(/<td>4<\/td><td>16:14:02\.877<\/td>/);
  });

  it('to time scale: the forged ACK (0.4 ms) is nearly flat while the 40 ms handshake visibly slopes', async () => {
    const { report } = await analyze(['fixtures/crafted/forged-ack-blackhole.pcap']);
    const svg = ladderSvg(report.connections[0]!);
    const synAck = arrows(svg, 'handshake')[1]!;
    const forged = arrows(svg, 'ack alarm')[0]!;
    const handshakeDrop = synAck.y2 - synAck.y1;
    const ackDrop = forged.y2 - forged.y1;
    expect(handshakeDrop).toBeGreaterThan(50 * Math.abs(ackDrop) + 10);
    // It left the server before the data could have got there, and says so.
    expect(svg).toContain('faster than a round trip to the server');
    expect(svg).toMatch(/✗ unanswered/);
    // The 300 s silence is cut short and labelled, not drawn.
    expect(svg).toMatch(/5\.0 min not to scale/);
  });

  it.skipIf(!hasChromium)('loads in headless Chromium without console errors, the diagram rendered', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
    const file = join(dir, 'incident.html');
    writeFileSync(file, await htmlOf(['fixtures/lab/incident-513-client.pcap']));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${file}`);
      const box = await page.locator('svg.ladder').first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(200);
      expect(await page.locator('svg.ladder line.alarm').count()).toBeGreaterThan(0);
      expect(await page.locator('text=middlebox (split-proxy, inferred)').count()).toBe(1);
      await page.screenshot({ path: join(dir, 'incident.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
