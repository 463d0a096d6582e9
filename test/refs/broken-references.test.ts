/**
 * Truncated or hand-broken reference files: the error names the file, where the text breaks (line, column,
 * character) and the key being read or the last complete entry; a well-formed file with a broken entry names that
 * entry's key; a reference beyond the end of its file names the chunk key, the URL and the file's size.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { JsonSyntaxError, ReferenceFormatError } from "../../refs/formats/errors.js";
import { readKerchunkJson } from "../../refs/formats/kerchunk-json.js";
import { readZmetadata } from "../../refs/formats/kerchunk-parquet/index.js";
import { parsePythonJson } from "../../refs/formats/python-json.js";
import { FileSource } from "../../refs/storage/file.js";
import { ChunkReadError } from "../../refs/store/errors.js";
import { readArray } from "../../refs/store/read-array.js";
import { ReferenceStore } from "../../refs/store/zarrita-store.js";

const dir = mkdtempSync(join(tmpdir(), "refs-broken-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const zarray = JSON.stringify({
  chunks: [2],
  compressor: null,
  dtype: "<i4",
  fill_value: 0,
  filters: null,
  order: "C",
  shape: [6],
  zarr_format: 2,
});
const doc = {
  version: 1,
  refs: {
    ".zgroup": '{"zarr_format":2}',
    "t/.zarray": zarray,
    "t/0": ["data.bin", 0, 8],
    "t/1": ["data.bin", 8, 8],
    "t/2": ["data.bin", 16, 8],
  },
};
/** One entry per line, as kerchunk's indent=... output or a hand-edited file has them. */
const text = JSON.stringify(doc, null, 1);

/** Line and column (1-based) of a character offset, counted here independently of the parser. */
function lineColumn(s: string, offset: number): { line: number; column: number } {
  const lines = s.slice(0, offset).split("\n");
  return { line: lines.length, column: (lines.at(-1) as string).length + 1 };
}

function failure(input: string): ReferenceFormatError {
  try {
    readKerchunkJson(input, { file: "cut.json" });
  } catch (error) {
    expect(error).toBeInstanceOf(ReferenceFormatError);
    return error as ReferenceFormatError;
  }
  throw new Error("no error");
}

describe("truncated reference files", () => {
  it("cut inside a chunk reference: names the key, its line and column, and the entry before it", () => {
    const opened = text.indexOf('"data.bin"', text.indexOf('"t/1"'));
    const cut = opened + '"data.b'.length;
    const error = failure(text.slice(0, cut));
    expect(error.key).toBe("t/1");
    const syntax = error.cause as JsonSyntaxError;
    expect(syntax).toBeInstanceOf(JsonSyntaxError);
    expect(syntax.offset).toBe(cut);
    expect({ line: syntax.line, column: syntax.column }).toEqual(lineColumn(text, cut));
    expect(syntax.path).toEqual(["refs", "t/1", 0]);
    const { line, column } = lineColumn(text, cut);
    expect(error.message).toBe(
      `cut.json: key "t/1": not valid JSON: unterminated string starting at character ${opened}: the text ends ` +
        `(truncated?) at line ${line}, ` +
        `column ${column} (character ${cut}), in "refs" > "t/1" > [0], after the complete entry "t/0"`,
    );
  });

  it("cut between entries or inside a key: no key is being read, the last complete entry is named", () => {
    for (const cut of [text.indexOf('"t/2"'), text.indexOf('"t/2"') + 3]) {
      const error = failure(text.slice(0, cut));
      expect(error.key).toBeUndefined();
      expect(error.message).toMatch(/the text ends \(truncated\?\) at line \d+, column \d+/);
      expect(error.message).toMatch(/in "refs", after the complete entry "t\/1"$/);
      expect((error.cause as JsonSyntaxError).offset).toBe(cut);
      expect(error.message).not.toContain("t/2");
    }
  });

  it("cut inside a metadata string: names the metadata key", () => {
    const cut = text.indexOf('"t/.zarray"') + 30;
    const error = failure(text.slice(0, cut));
    expect(error.key).toBe("t/.zarray");
    expect(error.message).toMatch(/after the complete entry "\.zgroup"$/);
  });

  it("every cut of the file is an error naming a position inside the text", () => {
    // Strings are JSON too (inline data): only cuts that leave a complete document are not errors.
    for (let cut = 0; cut < text.length - 1; cut++) {
      const syntax = failure(text.slice(0, cut)).cause as JsonSyntaxError;
      expect(syntax, `cut at ${cut}`).toBeInstanceOf(JsonSyntaxError);
      expect(syntax.offset, `cut at ${cut}`).toBeLessThanOrEqual(cut);
    }
  });
});

describe("hand-broken reference files", () => {
  it("a missing comma between entries: position of the next key, after the entry before it", () => {
    const broken = text.replace('8\n  ],\n  "t/2"', '8\n  ]\n  "t/2"');
    expect(broken).not.toBe(text);
    const error = failure(broken);
    const at = broken.indexOf('"t/2"');
    const syntax = error.cause as JsonSyntaxError;
    expect(syntax.offset).toBe(at);
    expect(syntax.reason).toBe("expected , or }");
    expect(error.message).toMatch(/in "refs", after the complete entry "t\/1"$/);
  });

  it("a stray character inside an entry names that entry", () => {
    const broken = text.replace('"data.bin",\n   8,', '"data.bin",\n   8x,');
    const error = failure(broken);
    expect(error.key).toBe("t/1");
    expect((error.cause as JsonSyntaxError).reason).toBe("expected , or ]");
    expect(error.message).toContain('in "refs" > "t/1" > [1]');
  });

  it("a v0 file (no version): the top-level key is named", () => {
    const v0 = JSON.stringify(doc.refs, null, 1);
    const cut = v0.indexOf('"t/0"') + 12;
    expect(failure(v0.slice(0, cut)).key).toBe("t/0");
  });

  it("Python's NaN tokens still parse; a broken file with them gets the same position report", () => {
    expect(parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity]}')).toEqual({
      a: Number.NaN,
      b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    });
    expect(() => parsePythonJson('{"a": NaN,\n "b": [1, 2}')).toThrow(
      /expected , or \] at line 2, column 12 \(character 22\), in "b" > \[1\], after the complete entry "a"/,
    );
    expect(() => parsePythonJson('{"a": 01}')).toThrow(/expected , or \}/);
  });
});

describe("well-formed JSON with a broken entry", () => {
  const withEntry = (key: string, value: unknown) =>
    JSON.stringify({ ...doc, refs: { ...doc.refs, [key]: value } });

  it.each([
    [
      "t/1",
      ["data.bin", "x", 3],
      /key "t\/1": expected \[url, offset, length\] with non-negative integers, got \["data.bin","x",3\]/,
    ],
    ["t/1", ["data.bin", -8, 8], /key "t\/1": expected \[url, offset, length\]/],
    ["t/1", ["data.bin", 8], /key "t\/1": expected \[url, offset, length\]/],
    ["t/1", { url: "data.bin" }, /key "t\/1": expected "inline data", \[url\] or \[url, offset, length\]/],
    [
      "t/.zarray",
      '{"shape": [6], "chunks": [2],',
      /key "t\/.zarray": metadata is not valid JSON: .*the text ends/,
    ],
    ["t/.zarray", '{"shape": [6]}', /key "t\/.zarray": shape and chunks must be integer lists/],
    ["t/.zattrs", "[1, 2]", /key "t\/.zattrs": metadata must be a JSON object/],
    ["t/9", ["data.bin", 0, 8], /key "t\/9": chunk index "9" is outside the chunk grid \[3\]/],
  ])("%s = %j", (key, value, pattern) => {
    const error = failure(withEntry(key, value));
    expect(error.message).toMatch(pattern);
    expect(error.key).toBe(key);
  });

  it("metadata text that is not JSON: the position inside the metadata string", () => {
    const error = failure(withEntry("t/.zattrs", '{"units": "m",\n "long_name": }'));
    expect(error.message).toMatch(
      /key "t\/.zattrs": metadata is not valid JSON: unexpected character "}" at line 2, column 15 \(character 29\), in "long_name", after the complete entry "units"/,
    );
  });

  it("a Parquet .zmetadata that is not JSON says where", async () => {
    const bytes = new TextEncoder().encode('{"metadata": {".zgroup": {"zarr_format": 2}}, "record_size": ');
    const error = await readZmetadata({ read: async () => bytes }, "refs.parq").then(
      () => new Error("no error"),
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(ReferenceFormatError);
    expect(error.message).toMatch(
      /refs.parq: key ".zmetadata": not valid JSON: expected a value: the text ends \(truncated\?\) at line 1, column 62 .*after the complete entry "metadata"/,
    );
  });
});

describe("a reference beyond the end of its file", () => {
  const data = join(dir, "data.bin");
  writeFileSync(data, new Uint8Array(new Int32Array([1, 2, 3, 4, 5, 6]).buffer));
  const refs = readKerchunkJson(
    JSON.stringify({ ...doc, refs: { ...doc.refs, "t/2": ["data.bin", 20, 8] } }),
    { file: "beyond.json" },
  );
  const open = (url: string) => new FileSource(join(dir, url));

  it("readArray names the chunk key, the URL and the file's size", async () => {
    const error = await readArray(refs, "t", { open }).then(
      () => new Error("no error"),
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(ChunkReadError);
    expect((error as ChunkReadError).key).toBe("t/2");
    expect(error.message).toMatch(
      /^chunk t\/2 \(data.bin\): range 20\+8 is outside \S*data.bin \(size 24 bytes\)/,
    );
    // The chunks before it read normally.
    const { data: head } = await readArray(refs, "t", { open, region: [[0, 4]] });
    expect(Array.from(head as Int32Array)).toEqual([1, 2, 3, 4]);
  });

  it("through zarrita the same key is named", async () => {
    const array = await zarr.open.v2(zarr.root(new ReferenceStore(refs, { open })).resolve("t"), {
      kind: "array",
    });
    await expect(zarr.get(array)).rejects.toThrow(/chunk t\/2 \(data.bin\): range 20\+8 is outside/);
  });
});
