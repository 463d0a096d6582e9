/** Test helper: the values of an uncompressed Zarr v2 chunk of a simple numeric or |S1 dtype, as numbers. */
export function decodeRaw(bytes: Uint8Array, dtype: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = dtype.startsWith("<");
  const kind = dtype.slice(1);
  const readers: Record<string, [number, (o: number) => number]> = {
    i1: [1, (o) => view.getInt8(o)],
    u1: [1, (o) => view.getUint8(o)],
    S1: [1, (o) => view.getUint8(o)],
    i2: [2, (o) => view.getInt16(o, little)],
    u2: [2, (o) => view.getUint16(o, little)],
    i4: [4, (o) => view.getInt32(o, little)],
    u4: [4, (o) => view.getUint32(o, little)],
    i8: [8, (o) => Number(view.getBigInt64(o, little))],
    u8: [8, (o) => Number(view.getBigUint64(o, little))],
    f4: [4, (o) => view.getFloat32(o, little)],
    f8: [8, (o) => view.getFloat64(o, little)],
  };
  const reader = readers[kind];
  if (!reader) throw new Error(`decodeRaw: dtype ${dtype} not handled`);
  const [size, read] = reader;
  const out: number[] = [];
  for (let o = 0; o + size <= bytes.length; o += size) out.push(read(o));
  return out;
}
