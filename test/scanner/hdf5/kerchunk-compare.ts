/**
 * Compare our reference set with kerchunk's JSON references for the same file: returns a list of differences,
 * each naming the key and what differs. Used by the conformance suite and handy when debugging.
 */
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import {
  chunkKey,
  type JsonObject,
  type JsonValue,
  type ReferenceSet,
} from "../../../refs/model/reference-set.js";
import { phonyClashGroups } from "../../../scanner/hdf5/phony-dims.js";

export interface Difference {
  key: string;
  /** Array or group path the key belongs to ("" for the root). */
  object: string;
  detail: string;
}

/** Python's json allows NaN/Infinity literals; turn them into strings outside of string literals. */
export function parsePythonJson(text: string): JsonValue {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (text.startsWith("NaN", i)) {
      out += '"NaN"';
      i += 2;
      continue;
    }
    if (text.startsWith("-Infinity", i)) {
      out += '"-Infinity"';
      i += 8;
      continue;
    }
    if (text.startsWith("Infinity", i)) {
      out += '"Infinity"';
      i += 7;
      continue;
    }
    out += ch;
  }
  return JSON.parse(out) as JsonValue;
}

/** Our JSON values with NaN/Infinity numbers written the way parsePythonJson reads them. */
function normalize(v: JsonValue | undefined): JsonValue | undefined {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Number.POSITIVE_INFINITY) return "Infinity";
    if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x) as JsonValue);
  if (v && typeof v === "object") {
    const o: Record<string, JsonValue> = {};
    for (const k of Object.keys(v).sort()) o[k] = normalize(v[k]) as JsonValue;
    return o;
  }
  return v;
}

export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

export function kerchunkRefs(path: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(path, "utf8")) as { refs: Record<string, unknown> };
  return doc.refs;
}

/** Every key of our set (metadata keys and chunk keys) mapped to its object path. */
function ourKeys(refs: ReferenceSet): Map<string, string> {
  const keys = new Map<string, string>();
  for (const k of refs.metadata.keys()) keys.set(k, k.includes("/") ? k.slice(0, k.lastIndexOf("/")) : "");
  for (const [path, table] of refs.arrays) {
    for (const flat of table.present()) keys.set(`${path}/${chunkKey(table.coords(flat))}`, path);
  }
  return keys;
}

function objectOf(key: string): string {
  return key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "";
}

function inlineBytes(value: string): Uint8Array {
  if (value.startsWith("base64:")) return Buffer.from(value.slice(7), "base64");
  return new TextEncoder().encode(value);
}

export function compareWithKerchunk(ours: ReferenceSet, kerchunk: Record<string, unknown>): Difference[] {
  const diffs: Difference[] = [];
  const mine = ourKeys(ours);
  const theirClashes = phonyClashGroups(metadataOf(kerchunk));
  for (const group of phonyClashGroups(ours.metadata))
    diffs.push({
      key: `${group}.zgroup`,
      object: group,
      detail: "phony dimension names clash (xarray refuses)",
    });
  for (const [key, value] of Object.entries(kerchunk)) {
    const object = objectOf(key);
    if (!mine.has(key)) {
      diffs.push({ key, object, detail: "missing in ours" });
      continue;
    }
    const name = key.slice(key.lastIndexOf("/") + 1);
    if (name.startsWith(".z")) {
      const theirs = parsePythonJson(value as string);
      const our = ours.metadata.get(key);
      if (name === ".zattrs" && theirClashes.has(groupOf(key)) && renamedPhonyOnly(our, theirs)) continue;
      if (name === ".zattrs" && membersAxisOnly(ours, object, our, theirs)) continue;
      if (!sameJson(our, theirs))
        diffs.push({
          key,
          object,
          detail: `ours ${JSON.stringify(normalize(our))} kerchunk ${JSON.stringify(theirs)}`,
        });
      continue;
    }
    const table = ours.arrays.get(object);
    const coords = name === "0" && table?.grid.length === 0 ? [] : name.split(".").map(Number);
    const ref = table?.get(table.flatIndex(coords));
    if (Array.isArray(value)) {
      const [, offset, length] = value as [string, number, number];
      if (ref?.kind !== "range" || ref.offset !== offset || ref.length !== length) {
        diffs.push({ key, object, detail: `ours ${describe(ref)} kerchunk [${offset}, ${length}]` });
      }
      continue;
    }
    const expected = inlineBytes(value as string);
    if (ref?.kind !== "inline") {
      diffs.push({ key, object, detail: `ours ${describe(ref)} kerchunk inline` });
      continue;
    }
    const text = new TextDecoder().decode(ref.data);
    const theirsText = new TextDecoder().decode(expected);
    const equal =
      Buffer.compare(Buffer.from(ref.data), Buffer.from(expected)) === 0 ||
      jsonEqual(text, theirsText) ||
      jsonEqual(inflated(ref.data), inflated(expected));
    if (!equal)
      diffs.push({
        key,
        object,
        detail: `inline bytes differ: ours ${text.slice(0, 80)} kerchunk ${theirsText.slice(0, 80)}`,
      });
  }
  for (const [key, object] of mine) {
    if (!(key in kerchunk)) diffs.push({ key, object, detail: "extra in ours" });
  }
  return diffs;
}

/**
 * Compound records embedded as json2 have their members as a last axis; kerchunk leaves that axis unnamed
 * (xarray then refuses the dataset), we name it `<name>_members`. Accept exactly that one appended name.
 */
function membersAxisOnly(ours: ReferenceSet, object: string, our: unknown, theirs: unknown): boolean {
  const zarray = ours.metadata.get(`${object}/.zarray`);
  const filters = (zarray?.filters ?? []) as { id?: string }[];
  if (!filters.some((f) => f.id === "json2")) return false;
  const mine = (our as JsonObject | undefined)?._ARRAY_DIMENSIONS;
  const their = (theirs as JsonObject | undefined)?._ARRAY_DIMENSIONS;
  if (!Array.isArray(mine) || !Array.isArray(their) || mine.length !== their.length + 1) return false;
  const rest = { ...(our as JsonObject), _ARRAY_DIMENSIONS: their };
  return mine.at(-1) === `${object.split("/").at(-1)}_members` && sameJson(rest, theirs as JsonValue);
}

/** Zarr metadata documents among kerchunk's references, parsed. */
function metadataOf(kerchunk: Record<string, unknown>): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const [key, value] of Object.entries(kerchunk))
    if (/(^|\/)\.z(array|attrs)$/.test(key)) out.set(key, parsePythonJson(value as string) as JsonObject);
  return out;
}

function groupOf(key: string): string {
  const prefix = key.slice(0, key.lastIndexOf("/") + 1);
  return prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
}

/**
 * Where kerchunk's phony_dim_<axis> names clash within a group (one name, two lengths: xarray cannot open the
 * group), we rename that group's phony dimensions by length, as netCDF-C does. The attributes are then the same
 * but for which phony name each axis has: the same axes are phony, and every other name is kerchunk's.
 */
function renamedPhonyOnly(ours: JsonValue | undefined, theirs: JsonValue): boolean {
  const phony = /^phony_dim_\d+$/;
  const a = (ours ?? {}) as JsonObject;
  const b = theirs as JsonObject;
  const da = a._ARRAY_DIMENSIONS as string[] | undefined;
  const db = b._ARRAY_DIMENSIONS as string[] | undefined;
  if (!Array.isArray(da) || !Array.isArray(db) || da.length !== db.length) return false;
  const sameAxes = da.every((d, i) => (phony.test(d) ? phony.test(db[i] as string) : d === db[i]));
  return sameAxes && sameJson({ ...a, _ARRAY_DIMENSIONS: null }, { ...b, _ARRAY_DIMENSIONS: null });
}

/** Embedded JSON chunks kerchunk compresses with zlib: compare their content, not the compressed bytes. */
function inflated(bytes: Uint8Array): string {
  try {
    return new TextDecoder().decode(inflateSync(bytes));
  } catch {
    return "";
  }
}

function jsonEqual(a: string, b: string): boolean {
  try {
    return sameJson(parsePythonJson(a), parsePythonJson(b));
  } catch {
    return false;
  }
}

function describe(ref: ReturnType<NonNullable<ReturnType<ReferenceSet["arrays"]["get"]>>["get"]>): string {
  if (!ref) return "no reference";
  if (ref.kind === "range") return `[${ref.offset}, ${ref.length}]`;
  if (ref.kind === "inline") return `inline ${ref.data.length} bytes`;
  return "whole file";
}
