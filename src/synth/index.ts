// Packet and capture-file synthesis for tests, benchmarks and crafted fixtures.
//
//   const c = new Conversation({ client: { ip: '198.18.5.10', port: 47318 },
//                                server: { ip: '198.18.6.25', port: 25, ttl: 52, ipIdStart: 31000 },
//                                startNs: 1710234847_250000000n });
//   c.handshake({ rttNs: 40_000_000 });
//   c.serverSends('220 mx ESMTP\r\n', { afterNs: 42_000_000 });
//   const [flight] = c.clientSends(envelope, { afterNs: 300_000 });
//   c.serverAcks({ afterNs: 400_000, ttl: 255, ipId: 0, timestamps: false }); // a forged ACK
//   fs.writeFileSync('x.pcap', c.toPcap());            // or c.toPcapng(), or c.frames()
//
// For big files, pass `sink` to PcapWriter / PcapngWriter and feed it c.frames() per session.
export * from './checksum.js';
export * from './addresses.js';
export * from './link.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp.js';
export { tcpFrame, fragmentedTcpFrames, type IPSpec, type TcpFrameSpec } from './frames.js';
export * from './pcap-writer.js';
export * from './pcapng-writer.js';
export * from './conversation.js';
