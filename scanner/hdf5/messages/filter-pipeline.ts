import type { Cursor } from "../cursor.js";

/** One filter of a dataset's pipeline, in the order HDF5 applied it when writing. */
export interface Filter {
  id: number;
  name: string;
  optional: boolean;
  values: number[];
}

export function parseFilterPipeline(c: Cursor): Filter[] {
  const version = c.u8();
  const count = c.u8();
  if (version === 1) c.skip(6);
  const filters: Filter[] = [];
  for (let i = 0; i < count; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    const flags = c.u16();
    const nValues = c.u16();
    let name = "";
    if (nameLength > 0) {
      const start = c.pos;
      const bytes = c.take(nameLength);
      const end = bytes.indexOf(0);
      name = new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
      if (version === 1) c.pos = start + Math.ceil(nameLength / 8) * 8;
    }
    const values: number[] = [];
    for (let v = 0; v < nValues; v++) values.push(c.u32());
    if (version === 1 && nValues % 2 === 1) c.skip(4);
    filters.push({ id, name, optional: (flags & 1) !== 0, values });
  }
  return filters;
}
