import { describe, expect, it } from "vitest";
import { cutMember } from "../../catalog-api/api/json-member.js";
import { CatalogStoreError } from "../../catalog-api/errors.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "links",
  '"links":',
  "é",
  "\u2028",
  "\n",
  " ",
  "\\u0022",
];

/** Random JSON values whose strings are full of the characters a scanner could trip on. */
function value(rnd: () => number, depth: number): unknown {
  const pick = Math.floor(rnd() * (depth > 3 ? 4 : 6));
  if (pick === 0)
    return Array.from({ length: Math.floor(rnd() * 4) }, () => NASTY[Math.floor(rnd() * NASTY.length)]).join(
      "",
    );
  if (pick === 1) return rnd() < 0.5 ? Math.round(rnd() * 1e6) / 1e3 : -1e-7;
  if (pick === 2) return rnd() < 0.5 ? null : rnd() < 0.5;
  if (pick === 3) return "";
  if (pick === 4) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1));
  return object(rnd, depth + 1, false);
}

function object(rnd: () => number, depth: number, withLinks: boolean): Record<string, unknown> {
  const keys = ["type", "id", 'a"b', "{", "links ", "properties", "assets", "x\\y"];
  const out: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  const linksAt = Math.floor(rnd() * (n + 1));
  for (let i = 0; i <= n; i++) {
    if (withLinks && i === linksAt) out.links = value(rnd, depth);
    if (i < n) out[keys[Math.floor(rnd() * keys.length)]!] = value(rnd, depth);
  }
  return out;
}

describe("cutMember", () => {
  it("cuts `links` out of random objects, compact and spaced, wherever it stands", () => {
    const rnd = rng(3);
    for (let n = 0; n < 3000; n++) {
      const withLinks = rnd() < 0.8;
      const obj = object(rnd, 0, withLinks);
      const { links, ...others } = obj;
      for (const text of [
        JSON.stringify(obj),
        JSON.stringify(obj, null, 2),
        ` ${JSON.stringify(obj, null, "\t")}\n`,
      ]) {
        const cut = cutMember(text, "links");
        expect(JSON.parse(cut.rest)).toEqual(others);
        expect(cut.value === undefined ? undefined : JSON.parse(cut.value)).toEqual(
          withLinks ? links : undefined,
        );
      }
    }
  });

  it("handles the only member, an escaped name, and an empty object", () => {
    expect(cutMember('{"links":[]}', "links")).toEqual({ rest: "{}", value: "[]" });
    expect(cutMember('{ "a": 1 , "links" : [ 1 ] }', "links")).toEqual({
      rest: '{ "a": 1 }',
      value: "[ 1 ]",
    });
    expect(cutMember('{"\\u006cinks":[2],"b":{}}', "links")).toEqual({ rest: '{"b":{}}', value: "[2]" });
    expect(cutMember("{}", "links")).toEqual({ rest: "{}", value: undefined });
  });

  it("rejects text that is not a JSON object", () => {
    for (const bad of ["[]", '{"a" 1}', '{"a":1', '{"a":"x', '{"a":1 "b":2}', '{"a":}'])
      expect(() => cutMember(bad, "links"), bad).toThrow(CatalogStoreError);
  });
});
