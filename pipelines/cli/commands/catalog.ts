import { catalogPhase } from "../../phases/catalog/catalog-phase.js";
import { type Command, EXIT, option } from "../command.js";
import { cliContext, GLOBAL_FLAGS, GLOBAL_VALUE_OPTIONS, projectArg, report } from "../context.js";

export const catalogCommand: Command = {
  name: "catalog",
  summary: "STAC collection and items of every output, validated, as a static catalog and in the API's store",
  usage: `usage: refs catalog <proj> [--stac-schemas DIR] [--workdir DIR] [--json] [-q]

  Writes <proj>/catalog/ (catalog.json, collection.json, items with relative links) and ingests the items into
  <workdir>/catalog.sqlite, which \`refs serve\` serves. Re-cataloguing replaces the project's items.
  --stac-schemas DIR  local STAC JSON Schemas (or $REFS_STAC_SCHEMAS); otherwise fetched from the network`,
  valueOptions: [...GLOBAL_VALUE_OPTIONS, "stac-schemas"],
  flags: GLOBAL_FLAGS,
  async run(args) {
    const ctx = cliContext(args);
    const ws = projectArg(args, ctx);
    const schemasDir = option(args, "stac-schemas") ?? ctx.env.REFS_STAC_SCHEMAS;
    const { status, items, collectionId } = await catalogPhase(ws, {
      ...(schemasDir ? { schemasDir } : {}),
      quiet: ctx.quiet || ctx.json,
    });
    report(
      ctx,
      { status, items, collectionId },
      `catalog ${status.state}: ${items} items in collection ${collectionId}`,
    );
    return status.state === "done" ? EXIT.ok : EXIT.failure;
  },
};
