/**
 * HDF5 metadata checksums: Bob Jenkins' lookup3 hashlittle with initial value 0, over the bytes of a structure
 * before its 4-byte checksum field (File Format Specification, "Checksums"). Implemented from the published
 * algorithm: three 32-bit words mixed per 12-byte block, the last block's bytes added one by one, then final().
 */

const rot = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export function lookup3(bytes: Uint8Array, initval = 0): number {
  let length = bytes.length;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let i = 0;
  const word = (at: number) =>
    (bytes[at] as number) |
    ((bytes[at + 1] as number) << 8) |
    ((bytes[at + 2] as number) << 16) |
    ((bytes[at + 3] as number) << 24);
  while (length > 12) {
    a = (a + word(i)) | 0;
    b = (b + word(i + 4)) | 0;
    c = (c + word(i + 8)) | 0;
    // mix
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return c >>> 0;
  // the last 1..12 bytes, each added into its word at its place
  const tail = [0, 0, 0];
  for (let k = 0; k < length; k++)
    tail[k >> 2] = (tail[k >> 2] as number) + ((bytes[i + k] as number) << (8 * (k & 3)));
  a = (a + (tail[0] as number)) | 0;
  b = (b + (tail[1] as number)) | 0;
  c = (c + (tail[2] as number)) | 0;
  // final
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
