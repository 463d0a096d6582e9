import { walkBTreeV2 } from "./btree-v2.js";
import { Cursor } from "./cursor.js";
import type { HdfFile } from "./file.js";
import { FractalHeap } from "./fractal-heap.js";
import { parseAttribute, type RawAttribute } from "./messages/attribute.js";
import { parseAttributeInfo } from "./messages/links.js";
import { type HeaderMessage, MSG } from "./object-header.js";
import { resolveSharedDatatype } from "./shared-type.js";

/** Every attribute of an object: compact (attribute messages) and dense (fractal heap + v2 B-tree). */
export async function readAttributes(
  file: HdfFile,
  messages: HeaderMessage[],
  object: string,
): Promise<RawAttribute[]> {
  const out: RawAttribute[] = [];
  for (const m of messages) {
    if (m.type === MSG.attribute)
      out.push(await finish(file, parseAttribute(cursor(file, m.data, m.offset)), object));
  }
  const info = messages.find((m) => m.type === MSG.attributeInfo);
  if (info) {
    const { fractalHeap, nameIndex } = parseAttributeInfo(cursor(file, info.data, info.offset));
    if (fractalHeap >= 0 && nameIndex >= 0) {
      const heap = await FractalHeap.open(file, fractalHeap, object);
      const { records } = await walkBTreeV2(file, nameIndex, object);
      for (const record of records) {
        const id = record.take(8);
        const bytes = await heap.get(id);
        out.push(
          await finish(file, parseAttribute(new Cursor(bytes, 0, file.offsetSize, file.lengthSize)), object),
        );
      }
    }
  }
  return out;
}

function cursor(file: HdfFile, data: Uint8Array, offset: number): Cursor {
  return new Cursor(data, offset, file.offsetSize, file.lengthSize);
}

async function finish(file: HdfFile, a: RawAttribute, object: string): Promise<RawAttribute> {
  if (a.sharedType) a.type = await resolveSharedDatatype(file, a.sharedType, object);
  return a;
}
