import { RefsError, registerErrors } from "../errors.js";

/** A reference file is malformed; names the file (when known), the key and what is wrong with it. */
export class ReferenceFormatError extends RefsError {
  override name = "ReferenceFormatError";
  constructor(
    readonly key: string | undefined,
    readonly detail: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(`${file ? `${file}: ` : ""}${key !== undefined ? `key "${key}": ` : ""}${detail}`, options);
  }
}

/** Where JSON text breaks: position, and the object keys / array indexes being read there, outermost first. */
export class JsonSyntaxError extends RefsError {
  override name = "JsonSyntaxError";
  constructor(
    readonly reason: string,
    /** Characters from the start of the text. */
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    readonly frames: ReadonlyArray<{ key?: string | number; previous?: string }>,
    options?: { cause?: unknown },
  ) {
    super(
      `${reason} at line ${line}, column ${column} (character ${offset})${describeFrames(frames)}`,
      options,
    );
  }

  /** Keys and indexes from the outermost value to the one being read. */
  get path(): Array<string | number> {
    const path: Array<string | number> = [];
    for (const f of this.frames) {
      if (f.key === undefined) break;
      path.push(f.key);
    }
    return path;
  }
}

function describeFrames(frames: ReadonlyArray<{ key?: string | number; previous?: string }>): string {
  const path: string[] = [];
  for (const f of frames) {
    if (f.key === undefined) break;
    path.push(typeof f.key === "number" ? `[${f.key}]` : JSON.stringify(f.key));
  }
  // The innermost object's last complete entry: where a reader can find the damage if the key itself is cut.
  const previous = [...frames].reverse().find((f) => typeof f.key !== "number")?.previous;
  return (
    (path.length ? `, in ${path.join(" > ")}` : "") +
    (previous !== undefined ? `, after the complete entry ${JSON.stringify(previous)}` : "")
  );
}

registerErrors({ ReferenceFormatError, JsonSyntaxError });
