/** `refs schemas fetch`: fill the local STAC schema cache now (e.g. before going offline). */
import { fetchSchemaTree, stacSchemaCacheDir } from "../../stac-schemas/index.js";
import { type Command, EXIT, option, UsageError } from "../command.js";

export const schemasCommand: Command = {
  name: "schemas",
  usage: `usage: refs schemas fetch [--cache DIR] [--json]
  fetch   download the STAC schemas \`refs catalog\` validates against (core 1.0.0 and the extensions its items
          declare, with everything they refer to) into the local cache, where every later run finds them offline
  --cache DIR  the cache folder (default $REFS_STAC_SCHEMA_CACHE, else $XDG_CACHE_HOME/refs/stac-schemas, else
               ~/.cache/refs/stac-schemas); --stac-schemas DIR / $REFS_STAC_SCHEMAS, when given, win over it
exit status: 0 when every schema is cached, 1 when one could not be had (the reason is printed)`,
  valueOptions: ["cache"],
  flags: ["json", "q", "quiet"],
  async run(args) {
    const [action, ...extra] = args.positionals;
    if (action !== "fetch")
      throw new UsageError(action ? `unknown action "${action}"` : "missing the action (fetch)");
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const cacheDir = option(args, "cache") ?? stacSchemaCacheDir(process.env);
    const result = await fetchSchemaTree(cacheDir);
    if (args.flags.has("json")) console.log(JSON.stringify({ cacheDir, ...result }, null, 2));
    else if (!args.flags.has("q") && !args.flags.has("quiet")) {
      console.log(`${result.cached.length} schemas in ${cacheDir}`);
      for (const m of result.missing) console.error(`refs schemas: missing ${m.schema}: ${m.reason}`);
    }
    return result.missing.length ? EXIT.failure : EXIT.ok;
  },
};
