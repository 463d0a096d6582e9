import type { JsonObject } from "../model/index.js";

/**
 * The JSON text a metadata document was read from. JavaScript cannot tell 7.0 from 7, Python can (and xarray
 * gives attributes the type): writing the original text back, when the document is unchanged, keeps them apart.
 */
const sourceText = new WeakMap<JsonObject, string>();

export function rememberText(doc: JsonObject, text: string): void {
  sourceText.set(doc, text);
}

/** The original text of `doc` if it still says the same thing. */
export function originalText(doc: JsonObject): string | undefined {
  const text = sourceText.get(doc);
  if (text === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(doc) ? text : undefined;
  } catch {
    // Text with NaN: JSON.parse refuses it, and JSON.stringify(doc) would print null; compare loosely.
    return text;
  }
}

/**
 * The literal text of a top-level integer field in the document's source, e.g. fill_value 18446744073709551614,
 * which a JavaScript number cannot hold exactly. Undefined when unknown or not an integer literal.
 */
export function integerLiteral(doc: JsonObject, field: string): string | undefined {
  const text = sourceText.get(doc);
  if (text === undefined) return undefined;
  const m = new RegExp(`"${field}"\\s*:\\s*(-?\\d+)\\s*[,}]`).exec(text);
  return m?.[1];
}
