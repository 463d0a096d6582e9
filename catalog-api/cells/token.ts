import { CatalogInputError } from "../errors.js";

/** Where a page of cells ended: the last row's cell (and time, when rows are per time step). */
export interface CellsKey {
  cell: bigint;
  /** Epoch microseconds. */
  time?: bigint;
}

/**
 * Keyset paging token: the grouping it belongs to (the output resolution and whether rows carry time) and the last
 * key, as base64url JSON. A token of another grouping is refused rather than silently skipping rows.
 */
export function encodeCellsToken(shape: string, key: CellsKey): string {
  const body = {
    s: shape,
    c: key.cell.toString(16),
    ...(key.time === undefined ? {} : { t: key.time.toString() }),
  };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

export function decodeCellsToken(token: string, shape: string): CellsKey {
  let body: { s?: unknown; c?: unknown; t?: unknown };
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (cause) {
    throw new CatalogInputError("is not a token of this API", "token", { cause });
  }
  if (
    typeof body !== "object" ||
    body === null ||
    typeof body.c !== "string" ||
    !/^[0-9a-f]{1,16}$/.test(body.c)
  )
    throw new CatalogInputError("is not a token of this API", "token");
  if (body.s !== shape)
    throw new CatalogInputError("belongs to a query with another resolution or aggregation", "token");
  const key: CellsKey = { cell: BigInt(`0x${body.c}`) };
  if (body.t !== undefined) {
    if (typeof body.t !== "string" || !/^-?\d{1,20}$/.test(body.t))
      throw new CatalogInputError("is not a token of this API", "token");
    key.time = BigInt(body.t);
  }
  return key;
}
