import { describe, expect, it } from "vitest";
import { blocksSharedByGroups, SharedBlockReader } from "../../compute/shared-blocks.js";
import type { ArrayReader, Region } from "../../compute/source.js";
import type { WorkUnit } from "../../compute/units/plan.js";

// a (time, extra, y, x) = (4, 2, 10, 12) int16 array whose value encodes its index, read through a counting reader
const valueAt = (i: number[]) =>
  (i[0] as number) * 1000 + (i[1] as number) * 500 + (i[2] as number) * 20 + (i[3] as number) - 3000;

function direct(region: Region): Int16Array {
  const count = region.start.map((s, d) => (region.stop[d] as number) - s);
  const out = new Int16Array(count.reduce((n, c) => n * c, 1));
  let k = 0;
  for (let t = region.start[0] as number; t < (region.stop[0] as number); t++)
    for (let e = region.start[1] as number; e < (region.stop[1] as number); e++)
      for (let y = region.start[2] as number; y < (region.stop[2] as number); y++)
        for (let x = region.start[3] as number; x < (region.stop[3] as number); x++)
          out[k++] = valueAt([t, e, y, x]);
  return out;
}

describe("blocks shared by unit groups are read once", () => {
  it("serves every sub-region with the source's values, reading each block x time slice x extra range once", async () => {
    const calls: Region[] = [];
    const inner: ArrayReader = async (_path, region) => {
      calls.push(region);
      return direct(region);
    };
    const blocks = [
      { y0: 0, y1: 5, x0: 0, x1: 12 },
      { y0: 5, y1: 10, x0: 0, x1: 12 },
    ];
    const shared = new SharedBlockReader(inner, blocks, { yAxis: 2, xAxis: 3 });
    const regions: Region[] = [];
    for (const group of [0, 1, 2])
      for (let t = 0; t < 4; t++)
        for (const [y0, y1, x0, x1] of [
          [group, 5, 2 + group, 9],
          [6, 10 - group, 0, 12 - group],
        ] as const)
          regions.push({ start: [t, 0, y0, x0], stop: [t + 1, 2, y1, x1] });
    regions.push({ start: [1, 1, 1, 3], stop: [3, 2, 4, 7] }); // two time steps, one extra element: another key
    regions.push({ start: [0, 0, 3, 0], stop: [1, 2, 7, 12] }); // across both blocks: read as it is
    try {
      for (const r of regions) expect(await shared.read("v", r)).toEqual(direct(r));
    } finally {
      await shared.close();
    }
    // 4 time slices x 2 blocks, then one block for the other key, then the region across blocks
    expect(calls.length).toBe(4 * 2 + 1 + 1);
    expect(calls[0]).toEqual({ start: [0, 0, 0, 0], stop: [1, 2, 5, 12] });
    expect(calls.at(-1)).toEqual({ start: [0, 0, 3, 0], stop: [1, 2, 7, 12] });
  });

  it("bounded and releasable: past maxSpillBytes and after release() blocks are read again, with the same values", async () => {
    const calls: Region[] = [];
    const inner: ArrayReader = async (_path, region) => {
      calls.push(region);
      return direct(region);
    };
    const blocks = [{ y0: 0, y1: 10, x0: 0, x1: 12 }];
    const region = (t: number): Region => ({ start: [t, 0, 2, 3], stop: [t + 1, 2, 6, 9] });
    const other = (t: number): Region => ({ start: [t, 0, 5, 0], stop: [t + 1, 2, 9, 4] });
    // one block x time slice is 2 x 10 x 12 int16 = 480 bytes: room for exactly one
    const bounded = new SharedBlockReader(inner, blocks, { yAxis: 2, xAxis: 3 }, 480);
    try {
      for (const t of [0, 1]) expect(await bounded.read("v", region(t))).toEqual(direct(region(t)));
      for (const t of [0, 1]) expect(await bounded.read("v", other(t))).toEqual(direct(other(t)));
    } finally {
      await bounded.close();
    }
    // slice 0 was kept; slice 1 was over the bound, so it is read again for the second region
    expect(calls.length).toBe(3);
    calls.length = 0;
    const released = new SharedBlockReader(inner, blocks, { yAxis: 2, xAxis: 3 });
    try {
      expect(await released.read("v", region(0))).toEqual(direct(region(0)));
      await released.release();
      expect(await released.read("v", other(0))).toEqual(direct(other(0)));
      expect(await released.read("v", region(0))).toEqual(direct(region(0)));
    } finally {
      await released.close();
    }
    // after release the block is read once more, then kept again
    expect(calls.length).toBe(2);
  });

  it("only blocks that units of two or more groups read are shared", () => {
    const unit = (blocks: [number, number][]): WorkUnit => ({
      id: "u",
      base: 0,
      h0: "8001fffffffffff",
      windows: [],
      blocks: blocks.map(([y0, x0]) => ({ y0, y1: y0 + 1, x0, x1: x0 + 1 })),
      bounds: [0, 0, 0, 0],
    });
    const shared = blocksSharedByGroups([
      [unit([[0, 0]]), unit([[0, 1]])],
      [
        unit([
          [0, 1],
          [1, 1],
        ]),
      ],
      [unit([[2, 2]]), unit([[2, 2]])],
    ]);
    expect(shared).toEqual([{ y0: 0, y1: 1, x0: 1, x1: 2 }]);
  });
});
