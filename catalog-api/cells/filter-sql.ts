import type { Expr } from "../cql2/ast.js";
import { compileCql2, type FilterTarget, fail, type Group } from "../cql2/sql-compiler.js";
import { SQL_DIALECTS } from "../cql2/sql-dialects.js";
import { type DuckFragment, ident } from "./duck-sql.js";
import type { CellsLayout } from "./layout.js";

const ONLY = "the cells have only numbers and time";

/**
 * Compile a CQL2 tree (from the catalog's own parser) to a DuckDB condition on the rows of the H3 table, with the
 * catalog's one compiler (cql2/sql-compiler.ts) in its DuckDB dialect. Only the table's variables, `time` and
 * `count` may be named; every literal is a typed bound parameter, so nothing a client writes becomes SQL text.
 * Spatial and H3 tests belong to the bbox and h3 parameters.
 */
export function compileCellsFilter(expr: Expr, layout: CellsLayout): DuckFragment {
  const columns = new Map<string, Group>(layout.variables.map((v) => [v, "number"]));
  if (layout.count) columns.set("count", "number");
  if (layout.time) columns.set("time", "time");
  const column = (name: string) => {
    const group = columns.get(name);
    if (!group)
      fail(`"${name}" is not a column of these cells (${[...columns.keys()].join(", ") || "none"})`);
    return { sql: { text: ident(name), params: [] }, group };
  };
  const target: FilterTarget = {
    property: column,
    span(name) {
      const c = column(name);
      if (c.group !== "time") fail(`"${name}" is not a time column`);
      return [c.sql, c.sql];
    },
    lacks: (what) =>
      ({
        text: `text (strings, LIKE) is not supported on cells: ${ONLY}`,
        boolean: "the cells have no boolean columns",
        spatial: "spatial tests are not supported on cells: use the bbox parameter",
        array: `array functions are not supported on cells: ${ONLY}`,
        h3: "h3_intersects is not supported on cells: use the h3 parameter",
        casei: `CASEI needs text; ${ONLY}`,
        accenti: `ACCENTI needs text; ${ONLY}`,
      })[what],
  };
  // the DuckDB dialect binds only DuckLiterals, a part of DuckParam: the fragment is a DuckFragment
  return compileCql2(expr, target, SQL_DIALECTS.duckdb) as DuckFragment;
}
