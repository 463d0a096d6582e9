/** Sequential little-endian reader over bytes of an HDF5 structure, remembering the file offset for errors. */
export const UNDEFINED_ADDRESS = -1;

export class Cursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** File offset of bytes[0]. */
    readonly base: number,
    readonly offsetSize = 8,
    readonly lengthSize = 8,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get fileOffset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new RangeError(
        `structure at byte offset ${this.base} ends after ${this.bytes.length} bytes, needed ${this.pos + n}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Unsigned little-endian integer of `size` bytes (up to 8; exact below 2^53). All-ones reads as UNDEFINED_ADDRESS. */
  uint(size: number): number {
    this.need(size);
    let value = 0;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.bytes[this.pos + i] as number;
      if (b !== 0xff) allOnes = false;
      value = value * 256 + b;
    }
    this.pos += size;
    return allOnes && size >= 4 ? UNDEFINED_ADDRESS : value;
  }

  /** Plain unsigned integer of `size` bytes, never mapped to UNDEFINED_ADDRESS. */
  count(size: number): number {
    this.need(size);
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (this.bytes[this.pos + i] as number);
    this.pos += size;
    return value;
  }

  address(): number {
    return this.uint(this.offsetSize);
  }

  length(): number {
    return this.uint(this.lengthSize);
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  ascii(n: number): string {
    return String.fromCharCode(...this.take(n));
  }

  /** Null-terminated string starting here (consumes the terminator). */
  cstring(): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw new RangeError(`unterminated string at byte offset ${this.fileOffset}`);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  /** A cursor over a slice taken from this one (same offset/length sizes). */
  sub(bytes: Uint8Array): Cursor {
    const at = bytes.byteOffset - this.bytes.byteOffset;
    return new Cursor(bytes, this.base + at, this.offsetSize, this.lengthSize);
  }

  align(n: number, from = 0): void {
    const rel = this.pos - from;
    const pad = (n - (rel % n)) % n;
    this.pos += pad;
  }
}

/** Number of bytes needed to hold values up to `max` (HDF5's "variable size" fields). */
export function bytesFor(max: number): number {
  let n = 1;
  while (max >= 2 ** (8 * n) && n < 8) n++;
  return n;
}
