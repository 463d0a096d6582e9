/**
 * Inputs too big to hold: chunk bytes made on demand from their byte offset, so memory measured while computing
 * is compute's own. The hourly case is ERA5-like: 0.25-degree global grid, one chunk per hour, int16 packed
 * with scale_factor/add_offset and a _FillValue.
 */

import { ChunkTable } from "../../../refs/model/reference-set.js";
import type { ByteSource } from "../../../refs/storage/types.js";
import { buildDataset, type Dataset } from "./dataset.js";

class SyntheticInt16Source implements ByteSource {
  constructor(
    readonly url: string,
    private readonly bytes: number,
  ) {}
  async size(): Promise<number> {
    return this.bytes;
  }
  async fetch(offset: number, length: number): Promise<Uint8Array> {
    const out = new Int16Array(length / 2);
    const first = offset / 2;
    for (let i = 0; i < out.length; i++) {
      const k = first + i;
      out[i] = k % 23 === 0 ? -32767 : ((k * 7919) % 20000) - 10000;
    }
    return new Uint8Array(out.buffer);
  }
}

export function syntheticHourly(
  nt: number,
  step = 0.25,
): { dataset: Dataset; open: (url: string) => ByteSource } {
  const ny = Math.round(180 / step);
  const nx = Math.round(360 / step);
  const lat = Float64Array.from({ length: ny }, (_, i) => 90 - step / 2 - i * step);
  const lon = Float64Array.from({ length: nx }, (_, i) => i * step);
  const coords = buildDataset({
    latitude: { dims: ["latitude"], shape: [ny], dtype: "<f8", data: lat, attrs: { units: "degrees_north" } },
    longitude: {
      dims: ["longitude"],
      shape: [nx],
      dtype: "<f8",
      data: lon,
      attrs: { units: "degrees_east" },
    },
    time: {
      dims: ["time"],
      shape: [nt],
      dtype: "<f8",
      data: Float64Array.from({ length: nt }, (_, i) => 1_070_000 + i),
      attrs: { units: "hours since 1900-01-01 00:00:00.0", calendar: "gregorian" },
    },
  });
  const refs = coords;
  const chunkBytes = ny * nx * 2;
  const url = "synthetic://tp.bin";
  refs.refs.metadata.set("tp/.zarray", {
    zarr_format: 2,
    shape: [nt, ny, nx],
    chunks: [1, ny, nx],
    dtype: "<i2",
    compressor: null,
    filters: null,
    fill_value: null,
    order: "C",
  });
  refs.refs.metadata.set("tp/.zattrs", {
    _ARRAY_DIMENSIONS: ["time", "latitude", "longitude"],
    scale_factor: 0.001,
    add_offset: 5,
    _FillValue: -32767,
  });
  const table = new ChunkTable([nt, 1, 1]);
  for (let t = 0; t < nt; t++)
    table.set(t, { kind: "range", url, offset: t * chunkBytes, length: chunkBytes });
  refs.refs.arrays.set("tp", table);
  const synthetic = new SyntheticInt16Source(url, nt * chunkBytes);
  return {
    dataset: refs,
    open: (u) => (u === url ? synthetic : (refs.sources.get(u) as ByteSource)),
  };
}
