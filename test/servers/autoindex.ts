/**
 * HTML directory index pages for the test range server, imitating what real servers send:
 *   apache   mod_autoindex's FancyIndexing table: sort links (`?C=N;O=D`), icons, an absolute parent link,
 *            relative hrefs;
 *   nginx    autoindex: a <pre> with `../` and relative hrefs;
 *   absolute full URLs on this origin, plus links the lister must drop (another host, a sibling folder, the
 *            root, a query) and the same file again with a fragment.
 * Names are percent-encoded per segment and HTML-escaped, as both servers do.
 */

export type AutoindexStyle = "apache" | "nginx" | "absolute";

/** The page for folder `path` (ending in `/`), or undefined when no object lies below it (except at `/`). */
export function autoindexPage(
  objects: Map<string, Uint8Array>,
  path: string,
  style: AutoindexStyle,
  origin: string,
): string | undefined {
  const folders = new Set<string>();
  const files = new Map<string, number>();
  for (const [key, bytes] of objects) {
    if (!key.startsWith(path)) continue;
    const rest = key.slice(path.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) folders.add(rest.slice(0, slash + 1));
    else if (rest !== "") files.set(rest, bytes.length);
  }
  if (folders.size === 0 && files.size === 0 && path !== "/") return undefined;
  const entries = [
    ...[...folders].sort().map((name) => ({ name, size: undefined as number | undefined })),
    ...[...files.keys()].sort().map((name) => ({ name, size: files.get(name) })),
  ];
  const href = (name: string) => escapeHtml(name.split("/").map(encodeURIComponent).join("/"));
  const parent = path.slice(0, path.lastIndexOf("/", path.length - 2) + 1) || "/";
  if (style === "nginx") {
    const rows = entries.map(
      (e) => `<a href="${href(e.name)}">${escapeHtml(e.name)}</a>   01-Jan-2024 00:00   ${e.size ?? "-"}`,
    );
    return `<html>\r\n<head><title>Index of ${escapeHtml(path)}</title></head>\r\n<body>\r\n<h1>Index of ${escapeHtml(path)}</h1><hr><pre><a href="../">../</a>\r\n${rows.join("\r\n")}\r\n</pre><hr></body>\r\n</html>\r\n`;
  }
  if (style === "absolute") {
    const here = `${origin}/${href(path.slice(1))}`;
    const rows = entries.map(
      (e) =>
        `<li><a href='${here}${href(e.name)}'>${escapeHtml(e.name)}</a> <a href="${here}${href(e.name)}#top">(again)</a></li>`,
    );
    return [
      "<!DOCTYPE html><html><body><ul>",
      `<li><a href="${origin}/">home</a> <a href="https://example.org${escapeHtml(path)}x.nc">mirror</a></li>`,
      `<li><a href="${origin}${escapeHtml(parent)}zz-sibling/">sibling</a> <a href="${here}?format=json">json</a></li>`,
      ...rows,
      "</ul></body></html>",
    ].join("\n");
  }
  const sort = ["N", "M", "S", "D"].map((c) => `<th><a href="?C=${c};O=A">${c}</a></th>`).join("");
  const parentRow =
    path === "/"
      ? ""
      : `<tr><td><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="${escapeHtml(parent)}">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>\n`;
  const rows = entries.map(
    (e) =>
      `<tr><td valign="top"><img src="/icons/${e.size === undefined ? "folder" : "unknown"}.gif" alt="[   ]"></td><td><a href="${href(e.name)}">${escapeHtml(e.name)}</a></td><td align="right">2024-01-01 00:00  </td><td align="right">${e.size ?? "-"}</td></tr>`,
  );
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n  <title>Index of ${escapeHtml(path)}</title>\n </head>\n <body>\n<h1>Index of ${escapeHtml(path)}</h1>\n  <table>\n   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th>${sort}</tr>\n${parentRow}${rows.join("\n")}\n</table>\n</body></html>\n`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
