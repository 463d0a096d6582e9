import pg from "pg";

/**
 * A new database on the test server for `work` (given its URL), dropped afterwards even while connections to it
 * remain: for tests that need a whole database (extensions, functions), not a schema of the shared one.
 */
export async function withScratchDatabase(
  serverUrl: string,
  name: string,
  work: (url: string) => Promise<void>,
): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
