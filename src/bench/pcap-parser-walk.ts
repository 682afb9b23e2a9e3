import { createRequire } from 'node:module';

interface PcapParserEmitter {
  on(event: 'packet', listener: (p: { header: unknown; data: Buffer }) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (e: Error) => void): void;
}

const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(input: string): PcapParserEmitter };

/** pcap-parser's event stream alone (the design card's library): one 'packet' event per record, nothing decoded. */
export function pcapParserWalk(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let packets = 0;
    const parser = pcapParser.parse(path);
    parser.on('packet', () => {
      packets++;
    });
    parser.on('end', () => resolve(packets));
    parser.on('error', reject);
  });
}
