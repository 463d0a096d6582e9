import { createApp } from "../../../catalog-api/api/app.js";
import { startServer } from "../../../catalog-api/api/server.js";
import { PostgresStore } from "../../../catalog-api/backend/postgres-store.js";
import { SqliteStore } from "../../../catalog-api/backend/sqlite-store.js";
import type { CatalogStore } from "../../../catalog-api/backend/store.js";
import { apiDatabasePath } from "../../project/workspace.js";
import { type Command, EXIT, option, UsageError } from "../command.js";
import { cliContext } from "../context.js";

export const serveCommand: Command = {
  name: "serve",
  summary: "serve the STAC API (SQLite file by default, or PostgreSQL with --pg)",
  usage: `usage: refs serve [--workdir DIR | --db catalog.sqlite | --pg postgres://...] [--port 8080] [--host 127.0.0.1]
                  [--token T]

  --workdir  projects folder whose catalog to serve: <workdir>/catalog.sqlite, where \`refs catalog\` writes
             (default $REFS_WORKDIR or ./refs-projects)
  --db     SQLite catalog file instead (created if missing)
  --pg     PostgreSQL connection URL instead of SQLite (needs PostGIS)
  --port   TCP port (default 8080; 0 picks a free one)
  --host   address to listen on (default 127.0.0.1)
  --token  bearer token enabling transactions (or REFS_API_TOKEN); without one the API is read-only`,
  valueOptions: ["db", "pg", "port", "host", "token", "workdir"],
  async run(args) {
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const portText = option(args, "port") ?? "8080";
    if (!/^\d+$/.test(portText) || Number(portText) > 65535)
      throw new UsageError(`--port must be 0..65535, found "${portText}"`);
    const pg = option(args, "pg");
    const db = option(args, "db");
    if ([pg, db, option(args, "workdir")].filter(Boolean).length > 1)
      throw new UsageError("give one of --workdir, --db or --pg");
    const store: CatalogStore = pg
      ? await PostgresStore.open(pg)
      : new SqliteStore(db ?? apiDatabasePath(cliContext(args).workdir));
    const token = option(args, "token") ?? process.env.REFS_API_TOKEN;
    const app = createApp({ store, token: token || undefined });
    const server = await startServer(app, {
      port: Number(portText),
      host: option(args, "host") ?? "127.0.0.1",
    });
    console.log(
      `refs serve: STAC API at ${server.url}/ (${pg ? "PostgreSQL" : "SQLite"}, transactions ${token ? "on" : "off"})`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    await store.close();
    return EXIT.ok;
  },
};
