/** The reference model: ReferenceSet (Zarr v2 metadata + chunk tables) and per-file packing attributes. */
export * from "./per-file-packing.js";
export * from "./reference-set.js";
