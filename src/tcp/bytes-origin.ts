/** Where bytes handed to the tracker can be read again after their frame is gone: the capture file they were read
 * from, when it is a regular uncompressed file. Lets a direction remember where its recent bytes lie instead of
 * copying them (see FirstCopies). */
export interface BytesOrigin {
  /** Position in input `input`'s file of bytes[index], or -1 when those bytes are not the file's as read in place
   * (a copy, a reassembled datagram, an input read as a stream). */
  positionOf(input: number, bytes: Buffer, index: number): number;
  /** Reads up to `length` bytes at `position` of input `input`'s file into into[offset..]; returns how many were read
   * (fewer only if the file can no longer give them). */
  read(input: number, position: number, into: Buffer, offset: number, length: number): number;
}
