import { FormatError } from "../errors.js";
import { isDataset } from "./dataset.js";
import { guarded, type HdfFile } from "./file.js";
import { readLinks } from "./groups.js";
import { type ObjectHeader, readObjectHeader } from "./object-header.js";

/** One object reached by hard links: its first path (h5py's visititems order) and its header. */
export interface WalkedObject {
  /** Path without the leading "/" ("" for the root group). */
  path: string;
  header: ObjectHeader;
  kind: "group" | "dataset" | "datatype";
}

const MAX_DEPTH = 256;

/**
 * Depth-first walk over hard links in name order, visiting each object once (like H5Ovisit), reading the
 * headers of a group's children concurrently. Soft and external links are not followed.
 */
export async function walkObjects(file: HdfFile, root: number): Promise<WalkedObject[]> {
  const out: WalkedObject[] = [];
  const seen = new Set<number>([root]);
  const rootHeader = await readObjectHeader(file, root, "/");
  out.push({ path: "", header: rootHeader, kind: "group" });
  await visit(file, rootHeader, "", out, seen, 0);
  return out;
}

async function visit(
  file: HdfFile,
  header: ObjectHeader,
  path: string,
  out: WalkedObject[],
  seen: Set<number>,
  depth: number,
): Promise<void> {
  if (depth > MAX_DEPTH)
    throw new FormatError(
      file.url,
      `/${path}`,
      "groups nested deeper than 256 levels",
      file.fileOffset(header.address),
    );
  const at = file.fileOffset(header.address);
  const links = (
    await guarded(file, `/${path}`, "links", at, () => readLinks(file, header.messages, `/${path}`))
  )
    .filter((l) => l.kind === "hard")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fresh = links.filter((l) => l.kind === "hard" && !seen.has(l.address)) as Array<{
    name: string;
    address: number;
  }>;
  const unique = fresh.filter((l, i) => fresh.findIndex((m) => m.address === l.address) === i);
  for (const l of unique) seen.add(l.address);
  const headers = await Promise.all(
    unique.map((l) => readObjectHeader(file, l.address, childPath(path, l.name))),
  );
  for (let i = 0; i < unique.length; i++) {
    const link = unique[i] as { name: string; address: number };
    const child = headers[i] as ObjectHeader;
    const childP = path ? `${path}/${link.name}` : link.name;
    const kind = classify(child);
    out.push({ path: childP, header: child, kind });
    if (kind === "group") await visit(file, child, childP, out, seen, depth + 1);
  }
}

function childPath(path: string, name: string): string {
  return `/${path ? `${path}/` : ""}${name}`;
}

function classify(header: ObjectHeader): WalkedObject["kind"] {
  if (isDataset(header.messages)) return "dataset";
  const isGroupish = header.messages.some(
    (m) => m.type === 0x11 || m.type === 0x02 || m.type === 0x06 || m.type === 0x0a,
  );
  if (!isGroupish && header.messages.some((m) => m.type === 0x03)) return "datatype";
  return "group";
}
