import { catalogPhase } from "../../phases/catalog/catalog-phase.js";
import { type Command, EXIT, option, type ParsedArgs } from "../command.js";
import {
  type CliContext,
  cliContext,
  GLOBAL_FLAGS,
  GLOBAL_VALUE_OPTIONS,
  projectArg,
  report,
} from "../context.js";

export const catalogCommand: Command = {
  name: "catalog",
  usage: `usage: refs catalog <proj> [--pg postgres://...] [--stac-schemas DIR] [--workdir DIR] [--json] [-q]

  Writes <proj>/catalog/ (catalog.json, collection.json, items with relative links) and ingests the items into
  <workdir>/catalog.sqlite, which \`refs serve\` serves. Re-cataloguing replaces the project's items.
  --pg URL            ingest into this PostgreSQL database instead (or $REFS_PG_URL), the one \`refs serve --pg\` serves
  --stac-schemas DIR  local STAC JSON Schemas (or $REFS_STAC_SCHEMAS); otherwise the schema cache
                      ($REFS_STAC_SCHEMA_CACHE, else $XDG_CACHE_HOME/refs/stac-schemas, else ~/.cache/...), filled from
                      the network on first use (\`refs schemas fetch\` fills it now); offline with nothing cached, the
                      objects are checked structurally and the status records "schema validation skipped: <why>"`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "stac-schemas", "pg"],
  flags: GLOBAL_FLAGS,
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const schemasDir = option(args, "stac-schemas") ?? ctx.env.REFS_STAC_SCHEMAS;
    const pgUrl = catalogPgUrl(args, ctx);
    const { status, items, collectionId } = await catalogPhase(ws, {
      ...(schemasDir ? { schemasDir } : {}),
      ...(pgUrl ? { pgUrl } : {}),
      quiet: ctx.quiet || ctx.json,
    });
    report(
      ctx,
      { status, items, collectionId, store: pgUrl ? "postgres" : "sqlite" },
      `catalog ${status.state}: ${items} items in collection ${collectionId}`,
    );
    return status.state === "done" ? EXIT.ok : EXIT.failure;
  },
};

/** The PostgreSQL database the catalog goes to: --pg, else $REFS_PG_URL; none means the workdir's SQLite file. */
export function catalogPgUrl(args: ParsedArgs, ctx: CliContext): string | undefined {
  return option(args, "pg") || ctx.env.REFS_PG_URL || undefined;
}
