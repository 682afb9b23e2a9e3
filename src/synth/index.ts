// Packet and capture-file synthesis for tests, benchmarks and crafted fixtures.
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
