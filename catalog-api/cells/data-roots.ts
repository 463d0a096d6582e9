import { realpath } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { apiError } from "../api/http-errors.js";
import type { PartitionFile } from "./layout.js";

/** A `--data-root` that is not a folder or an s3://, gs:// or http(s):// prefix the server can confine reads to. */
export class DataRootError extends Error {
  override name = "DataRootError";
  constructor(
    readonly root: string,
    why: string,
  ) {
    super(`data root "${root}": ${why}`);
  }
}

type Remote = { scheme: string; host: string; path: string };
type Root = { local: string } | { remote: Remote };

/** What DuckDB reads for a query: local files by their real path, remote files by their URL. */
export interface DataFiles {
  paths: string[];
  remote: string[];
}

const REMOTE_SCHEMES: Record<string, string> = {
  s3: "s3",
  gs: "gs",
  gcs: "gs",
  http: "http",
  https: "https",
};
// a data href names one file: no control character, backslash or glob pattern (DuckDB expands * ? [ ] { })
const GLOB_OR_BACKSLASH = /[\\*?[\]{}]/;
const unsafe = (s: string) =>
  GLOB_OR_BACKSLASH.test(s) || [...s].some((ch) => ch.charCodeAt(0) < 32 || ch === "\u007f");

/**
 * The folders and object-store prefixes whose Parquet files /cells may read (`refs serve --data-root`). An item's
 * `data` href is anything a holder of the write token chose, so every href is checked before DuckDB sees it: no
 * `.`/`..` segment (raw or percent-encoded), a local file by its real path (symbolic links resolved) inside a local
 * root's real path, a URL by scheme, bucket or host and path prefix inside a remote root. DuckDB itself is then
 * confined to the same places (duckdbDirectories), so a path that slipped past this check would still not be read.
 */
export class DataRoots {
  private constructor(private readonly roots: Root[]) {}

  static parse(roots: readonly string[]): DataRoots {
    return new DataRoots(roots.map(parseRoot));
  }

  get size(): number {
    return this.roots.length;
  }

  hasRemote(): boolean {
    return this.roots.some((r) => "remote" in r);
  }

  describe(): string[] {
    return this.roots.map((r) => ("local" in r ? r.local : remoteText(r.remote)));
  }

  /** Every root as DuckDB's `allowed_directories` takes it: a prefix ending in "/" (local ones also by real path). */
  async duckdbDirectories(): Promise<string[]> {
    const out = new Set<string>();
    for (const r of this.roots) {
      if ("remote" in r) {
        out.add(folder(remoteText(r.remote)));
        continue;
      }
      out.add(folder(r.local));
      const real = await realpath(r.local).catch(() => undefined);
      if (real) out.add(folder(real));
    }
    return [...out];
  }

  /** The paths DuckDB reads for the items' files; an item whose href lies outside every root is a 403 naming it. */
  async check(files: PartitionFile[]): Promise<DataFiles> {
    const localRoots = await Promise.all(
      this.roots
        .flatMap((r) => ("local" in r ? [r.local] : []))
        .map(async (p) => ({
          lexical: p,
          real: await realpath(p).catch(() => p),
        })),
    );
    const paths: string[] = [];
    const remote: string[] = [];
    await Promise.all(
      files.map(async (f, i) => {
        const href = parseHref(f);
        if ("remote" in href) {
          if (!this.roots.some((r) => "remote" in r && remoteInside(href.remote, r.remote)))
            throw outside(f, "is not under any data root of this server");
          paths[i] = remoteText(href.remote);
          remote.push(paths[i]!);
          return;
        }
        if (!localRoots.some((r) => inside(href.local, r.lexical) || inside(href.local, r.real)))
          throw outside(f, "is not under any data root of this server");
        const real = await realpath(href.local).catch((cause: NodeJS.ErrnoException) => {
          if (cause.code === "ENOENT" || cause.code === "ENOTDIR")
            throw apiError(500, `item "${f.itemId}": its data file ${f.href} does not exist`);
          throw apiError(500, `item "${f.itemId}": its data file ${f.href} cannot be opened (${cause.code})`);
        });
        if (!localRoots.some((r) => inside(real, r.real)))
          throw outside(f, "leads outside every data root of this server (through a symbolic link)");
        paths[i] = real;
      }),
    );
    return { paths, remote };
  }
}

function outside(f: PartitionFile, why: string) {
  return apiError(403, `item "${f.itemId}": its data href ${JSON.stringify(f.href)} ${why}; it was not read`);
}

function parseRoot(text: string): Root {
  if (unsafe(text)) throw new DataRootError(text, "holds a control character, a backslash or a glob pattern");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (hasDotSegment(text)) throw new DataRootError(text, "holds a . or .. segment");
    return { local: resolve(text) };
  }
  if (scheme === "file") {
    const local = fileUrlPath(text);
    if (!local) throw new DataRootError(text, "is not a file:// URL of a local folder");
    return { local };
  }
  const remote = parseRemote(text);
  if (!remote)
    throw new DataRootError(
      text,
      "is neither a folder, a file:// URL, nor an s3://, gs:// or http(s):// URL without user, query or fragment",
    );
  if (remote.path === "/" && (remote.scheme === "http" || remote.scheme === "https"))
    throw new DataRootError(text, "names a whole web server: give the path of the output folder");
  return { remote };
}

function parseHref(f: PartitionFile): { local: string } | { remote: Remote } {
  const refuse = (why: string) => outside(f, why);
  if (unsafe(f.href)) throw refuse("holds a control character, a backslash or a glob pattern");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(f.href)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (!isAbsolute(f.href)) throw refuse("is neither an absolute path nor a URL");
    if (hasDotSegment(f.href)) throw refuse("holds a . or .. segment");
    return { local: resolve(f.href) };
  }
  if (scheme === "file") {
    const local = fileUrlPath(f.href);
    if (!local) throw refuse("is not a file:// URL of a local file without . or .. segments");
    return { local };
  }
  if (!(scheme in REMOTE_SCHEMES)) throw refuse(`has a scheme (${scheme}:) this server does not read`);
  const remote = parseRemote(f.href);
  if (!remote) throw refuse("is not a URL without user, query, fragment, . or .. segments");
  return { remote };
}

/** A local path from a file:// URL on this host, or undefined (another host, . or .. segments). */
function fileUrlPath(text: string): string | undefined {
  const raw = text.replace(/^file:\/\/[^/]*/i, "");
  if (hasDotSegment(raw)) return undefined;
  try {
    return resolve(fileURLToPath(text));
  } catch {
    return undefined;
  }
}

/** s3://bucket/key, gs://bucket/key (gcs:// too) or http(s)://host[:port]/path; the path ends in "/" for a root. */
function parseRemote(text: string): Remote | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)(\/[^?#]*)?$/.exec(text);
  if (!m) return undefined;
  const scheme = REMOTE_SCHEMES[m[1]!.toLowerCase()];
  const authority = m[2]!;
  const path = m[3] ?? "/";
  if (!scheme || authority.includes("@") || hasDotSegment(path) || /%2f|%5c/i.test(path)) return undefined;
  if (scheme === "http" || scheme === "https") {
    let url: URL;
    try {
      url = new URL(`${scheme}://${authority}/`);
    } catch {
      return undefined;
    }
    return { scheme, host: url.host, path };
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(authority)) return undefined;
  return { scheme, host: authority, path };
}

/** A "." or ".." path segment, written out or percent-encoded. */
function hasDotSegment(path: string): boolean {
  return path.split(/[/\\]/).some((s) => {
    let decoded = s;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      // an invalid escape is left as written
    }
    return s === "." || s === ".." || decoded === "." || decoded === "..";
  });
}

function remoteText(r: Remote): string {
  return `${r.scheme}://${r.host}${r.path}`;
}

function remoteInside(file: Remote, root: Remote): boolean {
  return file.scheme === root.scheme && file.host === root.host && file.path.startsWith(folder(root.path));
}

function folder(p: string): string {
  return p.endsWith("/") ? p : `${p}/`;
}

function inside(path: string, root: string): boolean {
  return path.startsWith(folder(root));
}
