/**
 * Listing http(s) folders the way fsspec's HTTPFileSystem does: fetch a folder's URL, read the links of its HTML
 * index page, recurse into linked subfolders while the glob can still match below them.
 */
import { DirectoryIndexError, TimeoutError } from "./errors.js";
import { decodePath, type HttpGlob } from "./http-glob.js";
import { type IndexLinks, indexLinks } from "./http-index.js";
import { networkError, statusError } from "./http-response.js";
import type { HttpOptions } from "./options.js";

/** Index pages fetched at once while walking a tree (servers of directory indexes are often small). */
const PAGE_CONCURRENCY = 4;

/** URLs of the files below the glob's folder that match it, in lexical order. */
export async function listHttpFiles(
  glob: HttpGlob,
  options: HttpOptions,
  signal?: AbortSignal,
): Promise<string[]> {
  const root = new URL(glob.folderUrl);
  const first = await fetchIndex(root.href, options, signal);
  if (!first) {
    await checkFolderAbsent(root, options, signal);
    return []; // the folder does not exist: nothing matches, as on the other stores
  }
  const found = new Set<string>();
  const visited = new Set<string>([root.href]);
  let pages: IndexLinks[] = [first];
  while (pages.length > 0) {
    const next: URL[] = [];
    for (const page of pages) {
      for (const file of page.files) if (glob.matches(decodePath(file.pathname))) found.add(file.href);
      for (const folder of page.folders) {
        if (visited.has(folder.href) || !glob.mayHoldMatches(decodePath(folder.pathname))) continue;
        visited.add(folder.href);
        next.push(folder);
      }
    }
    pages = await mapLimit(next, PAGE_CONCURRENCY, async (folder) => {
      const links = await fetchIndex(folder.href, options, signal);
      if (links) return links;
      throw new DirectoryIndexError(folder.href, 404, "linked from the folder above, but has no index page");
    });
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The links of a folder's index page; undefined for 404/410. Other failures throw the usual storage errors;
 * an answer that is not HTML throws DirectoryIndexError.
 */
export function fetchIndex(
  url: string,
  options: HttpOptions,
  signal?: AbortSignal,
): Promise<IndexLinks | undefined> {
  return withTimeout(url, options.timeoutMs, signal, async (combined) => {
    const headers = { accept: "text/html, application/xhtml+xml;q=0.9, */*;q=0.1", ...options.headers };
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: combined, redirect: "follow" });
    } catch (error) {
      throw networkError(url, error, combined, "list");
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(url, response.status, response.statusText, response.headers, "list");
    }
    const type = response.headers.get("content-type");
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw networkError(url, error, combined, "list");
    }
    if (!isHtml(type, text)) {
      throw new DirectoryIndexError(
        url,
        response.status,
        `answered ${type ?? "without a Content-Type"}, not an HTML index page`,
      );
    }
    return indexLinks(text, response.url || url);
  });
}

/**
 * A folder that answered 404: absent if the nearest folder above with an index page does not link it. When no
 * folder up to the server's root has one, the server does not list folders, and that is the error.
 */
async function checkFolderAbsent(folder: URL, options: HttpOptions, signal?: AbortSignal): Promise<void> {
  let child = folder;
  while (child.pathname !== "/") {
    const path = child.pathname.slice(0, child.pathname.lastIndexOf("/", child.pathname.length - 2) + 1);
    const parent = new URL(path, child);
    let links: IndexLinks | undefined;
    try {
      links = await fetchIndex(parent.href, options, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      const detail = `no index page (HTTP 404), and ${parent.href} could not be listed to tell whether it exists`;
      throw new DirectoryIndexError(folder.href, 404, detail, { cause: error });
    }
    if (links) {
      if (!links.folders.some((f) => f.pathname === child.pathname)) return;
      throw new DirectoryIndexError(folder.href, 404, `linked from ${parent.href}, but has no index page`);
    }
    child = parent;
  }
  throw new DirectoryIndexError(
    folder.href,
    404,
    "no index page (HTTP 404) there nor in any folder above: the server does not list folders",
  );
}

function isHtml(type: string | null, text: string): boolean {
  if (type !== null) return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type);
  return /^\s*(<!doctype html|<html|<head|<body|<pre|<a\s)/i.test(text);
}

/**
 * Runs `task` with the caller's signal combined with a per-request time limit; running out of time is a
 * TimeoutError, the caller's own abort passes through.
 */
export async function withTimeout<T>(
  url: string,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  task: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!timeoutMs) return task(signal);
  const timer = AbortSignal.timeout(timeoutMs);
  try {
    return await task(signal ? AbortSignal.any([signal, timer]) : timer);
  } catch (error) {
    if (timer.aborted && !signal?.aborted) throw new TimeoutError(url, timeoutMs, { cause: error });
    throw error;
  }
}

/** `task` over every item, at most `limit` at a time, results in item order; the first failure rejects. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
