import { withOffset as namingOffset, UnsupportedFeatureError } from "../errors.js";
import { Cursor } from "./cursor.js";
import { guarded, type HdfFile } from "./file.js";
import { type Dataspace, parseDataspace } from "./messages/dataspace.js";
import { type Datatype, parseDatatype } from "./messages/datatype.js";
import { type FillValue, parseFillValue, parseFillValueOld } from "./messages/fill-value.js";
import { type Filter, parseFilterPipeline } from "./messages/filter-pipeline.js";
import { type Layout, parseLayout } from "./messages/layout.js";
import { type HeaderMessage, MSG } from "./object-header.js";
import { resolveSharedDatatype } from "./shared-type.js";

/** What a dataset's object header says about its storage. */
export interface DatasetInfo {
  type: Datatype;
  space: Dataspace;
  fill: FillValue;
  filters: Filter[];
  layout: Layout;
  external: boolean;
  /** File offsets of the message bodies, for errors about what they say. */
  offsets: { type: number; space: number; layout: number; filters?: number };
}

export function isDataset(messages: HeaderMessage[]): boolean {
  return messages.some((m) => m.type === MSG.layout);
}

export async function readDataset(
  file: HdfFile,
  messages: HeaderMessage[],
  object: string,
): Promise<DatasetInfo> {
  const cursor = (m: HeaderMessage) => new Cursor(m.data, m.offset, file.offsetSize, file.lengthSize);
  const find = (type: number) => messages.find((m) => m.type === type);
  const typeMessage = find(MSG.datatype);
  const spaceMessage = find(MSG.dataspace);
  const layoutMessage = find(MSG.layout);
  if (!typeMessage || !spaceMessage || !layoutMessage) {
    throw new UnsupportedFeatureError(
      file.url,
      object,
      "dataset without datatype, dataspace or layout message",
    );
  }
  if (spaceMessage.flags & 2) throw new UnsupportedFeatureError(file.url, object, "shared dataspace message");
  const parse = <T>(m: HeaderMessage, what: string, fn: () => Promise<T> | T) =>
    guarded(file, object, `${what} message`, m.offset, async () => withOffset(fn, m.offset));
  const type = await parse(typeMessage, "datatype", () =>
    typeMessage.flags & 2
      ? resolveSharedDatatype(file, typeMessage.data, object)
      : parseDatatype(cursor(typeMessage)),
  );
  const space = await parse(spaceMessage, "dataspace", () => parseDataspace(cursor(spaceMessage)));
  const fillNew = find(MSG.fillValue);
  const fillOld = find(MSG.fillValueOld);
  const fill = fillNew
    ? await parse(fillNew, "fill value", () => parseFillValue(cursor(fillNew)))
    : fillOld
      ? await parse(fillOld, "fill value", () => parseFillValueOld(cursor(fillOld)))
      : { value: undefined };
  const pipeline = find(MSG.filterPipeline);
  const filters = pipeline
    ? await parse(pipeline, "filter pipeline", () => parseFilterPipeline(cursor(pipeline)))
    : [];
  const storageBytes = space.shape.reduce((a, b) => a * b, 1) * type.size;
  const layout = await parse(layoutMessage, "layout", () => parseLayout(cursor(layoutMessage), storageBytes));
  return {
    type,
    space,
    fill,
    filters,
    layout,
    external: find(MSG.externalFiles) !== undefined,
    offsets: {
      type: typeMessage.offset,
      space: spaceMessage.offset,
      layout: layoutMessage.offset,
      filters: pipeline?.offset,
    },
  };
}

/** Run a message parser; a ScanError it throws without an offset names the message's. */
async function withOffset<T>(fn: () => Promise<T> | T, offset: number): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw namingOffset(error, offset);
  }
}
