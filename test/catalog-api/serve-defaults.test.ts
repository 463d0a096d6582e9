import { describe, expect, it } from "vitest";
import { defaultProcesses, isLocalDatabase } from "../../pipelines/cli/commands/serve.js";

describe("refs serve defaults", () => {
  it("recognises a PostgreSQL server on this machine", () => {
    for (const url of [
      "postgres://u@127.0.0.1:5432/db",
      "postgres://u@127.0.1.1/db",
      "postgres://localhost/db",
      "postgres://u@[::1]:5432/db",
      "postgres:///db",
      "postgres://u@%2Fvar%2Frun%2Fpostgresql/db",
      "postgres://u@host/db?host=/var/run/postgresql",
    ])
      expect(isLocalDatabase(url), url).toBe(true);
    for (const url of ["postgres://u@db.example.org/db", "postgres://10.0.0.5/db", "not a url"])
      expect(isLocalDatabase(url), url).toBe(false);
  });

  it("one process per core, leaving a core to a local database, never fewer than one", () => {
    expect(defaultProcesses(undefined, 8)).toBe(8);
    expect(defaultProcesses("postgres://db.example.org/x", 8)).toBe(8);
    expect(defaultProcesses("postgres://127.0.0.1/x", 8)).toBe(7);
    expect(defaultProcesses("postgres://127.0.0.1/x", 2)).toBe(1);
    expect(defaultProcesses("postgres://127.0.0.1/x", 1)).toBe(1);
  });
});
