import type { Datatype } from "./messages/datatype.js";

/**
 * The numpy dtype string h5py gives a dataset of this HDF5 type (what kerchunk writes into .zarray), or
 * undefined when the type has no plain numpy equivalent (vlen, compound, references, ...).
 */
export function numpyDtype(t: Datatype): string | undefined {
  const order = (bigEndian: boolean, size: number) => (size === 1 ? "|" : bigEndian ? ">" : "<");
  switch (t.kind) {
    case "int":
      return [1, 2, 4, 8].includes(t.size)
        ? `${order(t.bigEndian, t.size)}${t.signed ? "i" : "u"}${t.size}`
        : undefined;
    case "bitfield":
      return [1, 2, 4, 8].includes(t.size) ? `${order(t.bigEndian, t.size)}u${t.size}` : undefined;
    case "float":
      return [2, 4, 8].includes(t.size) ? `${order(t.bigEndian, t.size)}f${t.size}` : undefined;
    case "string":
      return `|S${t.size}`;
    case "enum":
      if (isBoolEnum(t)) return "|b1";
      return numpyDtype(t.base);
    case "compound": {
      const complex = complexOf(t);
      return complex;
    }
    case "opaque": {
      // h5py's datetime64/timedelta64 tags; other opaque bytes as fixed-length bytes, as kerchunk writes them.
      const m = /^NUMPY:([<>|][mM]8\[[A-Za-z]+\])$/.exec(t.tag);
      return m ? m[1] : `|S${t.size}`;
    }
    default:
      return undefined;
  }
}

/** h5py reads an int8 enum of exactly FALSE=0, TRUE=1 as numpy bool. */
export function isBoolEnum(t: Datatype): boolean {
  return (
    t.kind === "enum" &&
    t.base.kind === "int" &&
    t.size === 1 &&
    t.names.length === 2 &&
    t.names[0] === "FALSE" &&
    t.names[1] === "TRUE" &&
    t.values[0]?.[0] === 0 &&
    t.values[1]?.[0] === 1
  );
}

/** h5py maps a compound of two equal floats named r and i to numpy complex. */
function complexOf(t: Datatype): string | undefined {
  if (t.kind !== "compound" || t.members.length !== 2) return undefined;
  const [r, i] = t.members;
  if (!r || !i || r.name !== "r" || i.name !== "i") return undefined;
  if (r.type.kind !== "float" || i.type.kind !== "float" || r.type.size !== i.type.size) return undefined;
  if (r.offset !== 0 || i.offset !== r.type.size || r.type.bigEndian !== i.type.bigEndian) return undefined;
  if (r.type.size !== 4 && r.type.size !== 8) return undefined;
  return `${r.type.bigEndian ? ">" : "<"}c${r.type.size * 2}`;
}

/** Short name of the type for error messages ("compound", "object reference", ...). */
export function describeType(t: Datatype): string {
  if (t.kind === "reference") return t.region ? "region reference" : "object reference";
  if (t.kind === "vlen") return t.string ? "variable-length string" : "variable-length sequence";
  if (t.kind === "compound") {
    // Say which members make it more than a flat record (those are what no Zarr v2 reader decodes).
    const flat = (m: Datatype) =>
      ["int", "float", "string", "enum", "bitfield"].includes(m.kind) || (m.kind === "vlen" && m.string);
    const nested = t.members.filter((m) => !flat(m.type));
    if (nested.length > 0)
      return `compound with ${nested.map((m) => `${describeType(m.type)} member "${m.name}"`).join(", ")}`;
  }
  return t.kind;
}
