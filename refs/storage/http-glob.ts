/**
 * Globs over http(s) URLs. As in fsspec's HTTPFileSystem, `?` is never a wildcard there: it starts the query
 * string (signed URLs, `?raw=1`). Wildcards are `*`, `**`, `[...]` and `{a,b}` in the path; matching is on
 * percent-decoded paths, so `my%20file.nc` and a listed `my file.nc` agree.
 */
import picomatch from "picomatch";
import { UnsupportedUrlError } from "./errors.js";

/** A URL without wildcards: it names one object. */
export interface HttpLiteral {
  kind: "literal";
  url: string;
}

export interface HttpGlob {
  kind: "glob";
  /** The folder to list first, as written (percent-encoding kept), ending in `/`. */
  folderUrl: string;
  /** Whether a decoded path (`/list/2021/01/x.nc`) matches the glob. */
  matches(path: string): boolean;
  /** Whether a folder (decoded path ending in `/`) may hold a match, so that the walk must enter it. */
  mayHoldMatches(folderPath: string): boolean;
}

const WILDCARD = /[*[\]{}]/;

export function parseHttpGlob(glob: string): HttpLiteral | HttpGlob {
  const parts = /^(https?:\/\/[^/?#]+)([^?#]*)([?#].*)?$/i.exec(glob);
  if (!parts) throw new UnsupportedUrlError(glob, "not an http(s) URL with a host");
  const origin = parts[1] ?? "";
  const path = parts[2] || "/";
  const tail = parts[3] ?? "";
  if (!WILDCARD.test(path)) return { kind: "literal", url: glob };
  if (tail !== "") {
    throw new UnsupportedUrlError(glob, "a query string or fragment cannot be combined with wildcards");
  }
  const prefix = path.slice(0, path.search(WILDCARD));
  const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1) || "/";
  const pattern = decodePattern(path);
  const whole = picomatch(pattern, { dot: true });
  return {
    kind: "glob",
    folderUrl: origin + folder,
    matches: (key) => whole(key),
    mayHoldMatches: segmentPruner(pattern),
  };
}

/** A URL path, percent-decoded; a malformed escape leaves the path as it is. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The path as a picomatch pattern: escapes decoded, a decoded character that picomatch would read as syntax
 * escaped, and parentheses and `|` escaped outside `[...]` (URLs hold them literally; picomatch reads groups).
 */
function decodePattern(path: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i] ?? "";
    const escapes = /^(?:%[0-9a-f]{2})+/i.exec(path.slice(i))?.[0];
    if (escapes) {
      out += decodePath(escapes).replace(/[*?[\]{}()!+@|\\,]/g, "\\$&");
      i += escapes.length - 1;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    out += !inClass && (c === "(" || c === ")" || c === "|") ? `\\${c}` : c;
  }
  return out;
}

/**
 * Whether a folder can hold a match, judged segment by segment against the pattern until a `**`: what keeps
 * `era5/*\/01/*.nc` from reading every month's index. Patterns whose `[...]` or `{...}` span a `/` are not pruned.
 */
function segmentPruner(pattern: string): (folderPath: string) => boolean {
  const segments = splitSegments(pattern);
  if (!segments) return () => true;
  const matchers = segments.map((s) =>
    s.includes("**") ? undefined : s === "" ? (name: string) => name === "" : picomatch(s, { dot: true }),
  );
  return (folderPath) => {
    const folder = folderPath.split("/").slice(0, -1); // "/a/b/" -> ["", "a", "b"]
    for (const [i, name] of folder.entries()) {
      if (i < segments.length && !matchers[i]) return true; // a `**` from here on matches at any depth
      if (i >= segments.length - 1) return false; // as deep as the file name's segment already
      if (!matchers[i]?.(name)) return false;
    }
    return true;
  };
}

/** The pattern cut at the `/` outside brackets and braces, or undefined when a bracket or brace holds one. */
function splitSegments(pattern: string): string[] | undefined {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[" || c === "{") depth++;
    else if ((c === "]" || c === "}") && depth > 0) depth--;
    else if (c === "/" && depth > 0) return undefined;
  }
  return pattern.split("/");
}
