import { FormatError, UnsupportedFeatureError } from "../errors.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Superblock {
  version: number;
  /** File offset of the signature (0, 512, 1024, ...: after a user block). */
  signatureOffset: number;
  rootObjectHeader: number;
  extensionAddress: number;
}

function isSignature(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/** Find and parse the superblock (versions 0-3); sets the file's offset/length sizes and base address. */
export async function readSuperblock(file: HdfFile): Promise<Superblock> {
  let at = 0;
  for (;;) {
    if (at + 8 > file.fileSize) {
      throw new FormatError(file.url, "", "no HDF5 signature found (not an HDF5 file)", 0);
    }
    const head = await file.reader.read(at, Math.min(96, file.fileSize - at));
    if (isSignature(head, 0)) return parse(file, new Cursor(head, at), at);
    at = at === 0 ? 512 : at * 2;
  }
}

function parse(file: HdfFile, c: Cursor, at: number): Superblock {
  c.skip(8);
  const version = c.u8();
  if (version <= 1) {
    c.skip(4); // free-space, root symbol table, reserved, shared header versions
    const offsetSize = c.u8();
    const lengthSize = c.u8();
    setSizes(file, offsetSize, lengthSize, at);
    c.skip(1 + 2 + 2 + 4); // reserved, leaf K, internal K, consistency flags
    if (version === 1) c.skip(4);
    const cc = new Cursor(c.bytes, c.base, offsetSize, lengthSize);
    cc.pos = c.pos;
    const base = cc.address();
    cc.address(); // free space
    cc.address(); // end of file
    cc.address(); // driver info
    cc.address(); // root link name offset
    const root = cc.address();
    file.baseAddress = base === -1 ? at : base;
    return { version, signatureOffset: at, rootObjectHeader: root, extensionAddress: -1 };
  }
  if (version === 2 || version === 3) {
    const offsetSize = c.u8();
    const lengthSize = c.u8();
    setSizes(file, offsetSize, lengthSize, at);
    c.skip(1); // flags
    const cc = new Cursor(c.bytes, c.base, offsetSize, lengthSize);
    cc.pos = c.pos;
    const base = cc.address();
    const extension = cc.address();
    cc.address(); // end of file
    const root = cc.address();
    file.verifyChecksum(cc, 0, cc.pos, `superblock version ${version}`);
    file.baseAddress = base === -1 ? at : base;
    return { version, signatureOffset: at, rootObjectHeader: root, extensionAddress: extension };
  }
  throw new UnsupportedFeatureError(file.url, "", `HDF5 superblock version ${version}`, { offset: at });
}

function setSizes(file: HdfFile, offsetSize: number, lengthSize: number, at: number): void {
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) {
    throw new FormatError(
      file.url,
      "",
      `bad sizes of offsets/lengths ${offsetSize}/${lengthSize} in superblock`,
      at,
    );
  }
  file.offsetSize = offsetSize;
  file.lengthSize = lengthSize;
}
