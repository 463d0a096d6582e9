/** The reference model: ReferenceSet (Zarr v2 metadata + chunk tables), per-file packing attributes, dtypes. */
export * from "./dtype.js";
export * from "./per-file-packing.js";
export * from "./reference-set.js";
