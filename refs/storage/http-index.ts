/**
 * The links of an HTML directory index (Apache mod_autoindex, nginx autoindex, and pages like them), as fsspec's
 * HTTPFileSystem reads them: every href, resolved against the page, kept when it lies strictly below the page's
 * folder on the same origin. Sort links (`?C=N;O=D`), parents (`../`, `/`), other hosts and links with a query
 * are dropped; a link ending in `/` is a folder, any other a file.
 */

export interface IndexLinks {
  /** Absolute URLs of folders below the page (ending in `/`), without fragment, in page order, unique. */
  folders: URL[];
  /** Absolute URLs of files below the page, without fragment, in page order, unique. */
  files: URL[];
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`=]+))/gi;

export function indexLinks(html: string, pageUrl: string): IndexLinks {
  const page = new URL(pageUrl);
  // The folder the page lists: its URL up to the last `/` (a page served at /list/index.html lists /list/).
  const folder = page.pathname.slice(0, page.pathname.lastIndexOf("/") + 1);
  const seen = new Set<string>();
  const out: IndexLinks = { folders: [], files: [] };
  for (const match of html.matchAll(HREF)) {
    const raw = decodeEntities((match[1] ?? match[2] ?? match[3] ?? "").trim());
    if (raw === "" || raw.startsWith("?") || raw.startsWith("#")) continue;
    let link: URL;
    try {
      link = new URL(raw, page);
    } catch {
      continue;
    }
    link.hash = "";
    if (link.origin !== page.origin || link.search !== "" || link.username || link.password) continue;
    if (!link.pathname.startsWith(folder) || link.pathname.length === folder.length) continue;
    if (seen.has(link.href)) continue;
    seen.add(link.href);
    (link.pathname.endsWith("/") ? out.folders : out.files).push(link);
  }
  return out;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** The character references an href may hold (`&amp;`, `&#39;`, `&#x2F;`); unknown ones stay as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] !== "#") return NAMED[body.toLowerCase()] ?? whole;
    const code =
      body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
