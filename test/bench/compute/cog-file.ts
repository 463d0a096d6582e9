/**
 * A global EPSG:4326 uint16 GeoTIFF in cloud-optimised layout (header, then the IFD and its tile tables, then the
 * tiles in row-major order; uncompressed 512 x 512 tiles, so every offset is known before the first tile is
 * written and the file is streamed to disk a row of tiles at a time, never held). GDAL_NODATA 65535 marks a band
 * of "ocean" pixels; the others hold a pattern of values. No overviews: compute reads the full image only.
 */
import { open } from "node:fs/promises";

const TILE = 512;

export async function writeGlobalCog(path: string, width: number, height: number): Promise<number> {
  const across = Math.ceil(width / TILE);
  const down = Math.ceil(height / TILE);
  const tiles = across * down;
  const tileBytes = TILE * TILE * 2;
  const nodata = "65535\0";
  const geoKeys = [1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326];
  // entries: [tag, type, count, values]; type 3 SHORT, 4 LONG, 12 DOUBLE, 2 ASCII
  const entries: [number, number, number, number[] | string][] = [
    [256, 4, 1, [width]],
    [257, 4, 1, [height]],
    [258, 3, 1, [16]],
    [259, 3, 1, [1]],
    [262, 3, 1, [1]],
    [277, 3, 1, [1]],
    [284, 3, 1, [1]],
    [322, 3, 1, [TILE]],
    [323, 3, 1, [TILE]],
    [324, 4, tiles, []],
    [325, 4, tiles, []],
    [339, 3, 1, [1]],
    [33550, 12, 3, [360 / width, 180 / height, 0]],
    [33922, 12, 6, [0, 0, 0, -180, 90, 0]],
    [34735, 3, geoKeys.length, geoKeys],
    [42113, 2, nodata.length, nodata],
  ];
  const size = { 2: 1, 3: 2, 4: 4, 12: 8 } as Record<number, number>;
  const ifdAt = 8;
  const ifdBytes = 2 + entries.length * 12 + 4;
  let extra = ifdAt + ifdBytes;
  const outOfLine = entries.map(([, type, count]) => {
    const bytes = count * (size[type] as number);
    if (bytes <= 4) return -1;
    const at = extra;
    extra += bytes + (bytes % 2);
    return at;
  });
  const dataAt = Math.ceil(extra / 16) * 16;
  const head = Buffer.alloc(dataAt);
  head.write("II", 0, "latin1");
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(ifdAt, 4);
  head.writeUInt16LE(entries.length, ifdAt);
  entries.forEach(([tag, type, count, given], i) => {
    const e = ifdAt + 2 + i * 12;
    head.writeUInt16LE(tag, e);
    head.writeUInt16LE(type, e + 2);
    head.writeUInt32LE(count, e + 4);
    const values =
      tag === 324
        ? Array.from({ length: tiles }, (_, t) => dataAt + t * tileBytes)
        : tag === 325
          ? new Array<number>(tiles).fill(tileBytes)
          : given;
    const at = outOfLine[i] === -1 ? e + 8 : (outOfLine[i] as number);
    if (outOfLine[i] !== -1) head.writeUInt32LE(at, e + 8);
    if (typeof values === "string") head.write(values, at, "latin1");
    else
      values.forEach((v, k) => {
        const s = size[type] as number;
        if (type === 3) head.writeUInt16LE(v, at + k * s);
        else if (type === 4) head.writeUInt32LE(v, at + k * s);
        else head.writeDoubleLE(v, at + k * s);
      });
  });
  const file = await open(path, "w");
  try {
    await file.write(head, 0, head.length, 0);
    const row = new Uint16Array(across * TILE * TILE);
    for (let ty = 0; ty < down; ty++) {
      for (let tx = 0; tx < across; tx++) {
        const tile = row.subarray(tx * TILE * TILE, (tx + 1) * TILE * TILE);
        for (let r = 0; r < TILE; r++) {
          const y = ty * TILE + r;
          // "ocean": a band whose edge waves with longitude, as nodata
          for (let c = 0; c < TILE; c++) {
            const x = tx * TILE + c;
            const ocean = Math.abs(((x * 7 + y * 3) % 4096) - 2048) < 600;
            tile[r * TILE + c] = ocean ? 65535 : (x * 31 + y * 17) % 60000;
          }
        }
      }
      await file.write(new Uint8Array(row.buffer), 0, row.byteLength, dataAt + ty * across * tileBytes);
    }
  } finally {
    await file.close();
  }
  return dataAt + tiles * tileBytes;
}
