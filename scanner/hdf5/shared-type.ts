import { UnsupportedFeatureError } from "../errors.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import { type Datatype, parseDatatype } from "./messages/datatype.js";
import { MSG, readObjectHeader } from "./object-header.js";

/** A shared (committed) datatype: the message body points at the object header holding the real datatype. */
export async function resolveSharedDatatype(
  file: HdfFile,
  body: Uint8Array,
  object: string,
): Promise<Datatype> {
  const c = new Cursor(body, 0, file.offsetSize, file.lengthSize);
  const version = c.u8();
  const type = c.u8();
  if (version === 1) c.skip(6);
  if (version >= 3 && type === 1) {
    throw new UnsupportedFeatureError(
      file.url,
      object,
      "datatype stored in the shared object header message heap",
    );
  }
  const address = c.address();
  const header = await readObjectHeader(file, address, object);
  const message = header.messages.find((m) => m.type === MSG.datatype);
  if (!message)
    throw new UnsupportedFeatureError(file.url, object, "committed datatype without a datatype message");
  if (message.flags & 2) return resolveSharedDatatype(file, message.data, object);
  return parseDatatype(new Cursor(message.data, message.offset, file.offsetSize, file.lengthSize));
}
