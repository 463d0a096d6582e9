/**
 * Combining marks (Unicode blocks of combining diacritics) that ACCENTI drops after canonical decomposition (NFD).
 * One list for both backends: SQLite runs accentFold() in JavaScript, PostgreSQL runs regexp_replace() with the
 * same class over normalize(x, NFD).
 */
export const COMBINING_MARKS =
  "[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]";

const MARKS = new RegExp(COMBINING_MARKS, "gu");

/** ACCENTI on SQLite: "Crème Brûlée" -> "Creme Brulee". */
export function accentFold(s: string): string {
  return s.normalize("NFD").replace(MARKS, "");
}

/** CASEI on SQLite: full Unicode lower case (SQLite's lower() folds ASCII only). */
export function caseFold(s: string): string {
  return s.toLowerCase();
}
