/** A comparable picture of an output folder: every data file's bytes hash and every record minus its timestamp. */
import { createHash } from "node:crypto";
import { LocalOutput } from "../../../compute/io/output.js";

export async function snapshot(root: string): Promise<Record<string, string>> {
  const out = new LocalOutput(root);
  const picture: Record<string, string> = {};
  for (const path of await out.list("")) {
    const bytes = (await out.read(path)) as Uint8Array;
    if (path.endsWith(".json")) {
      const record = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      delete record.finishedAt;
      picture[path] = JSON.stringify(record);
    } else {
      picture[path] = createHash("sha256").update(bytes).digest("hex");
    }
  }
  return picture;
}
