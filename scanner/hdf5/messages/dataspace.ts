import type { Cursor } from "../cursor.js";

/** Dataspace message: shape, maximum shape (-1 = unlimited), and whether it is a null dataspace. */
export interface Dataspace {
  shape: number[];
  maxShape: number[];
  isNull: boolean;
}

export function parseDataspace(c: Cursor): Dataspace {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  let isNull = false;
  if (version === 1) c.skip(5);
  else {
    const type = c.u8();
    isNull = type === 2;
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.length());
  const maxShape: number[] = [];
  if (flags & 1) for (let i = 0; i < rank; i++) maxShape.push(c.length());
  else maxShape.push(...shape);
  return { shape, maxShape, isNull };
}
