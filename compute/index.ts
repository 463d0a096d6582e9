/**
 * compute: reference set -> H3-indexed Parquet. The CLI (`refs compute <proj>`) calls computeProject with the
 * project's reference set, a reader over it, an output store and the run options it parsed; it alone reads the
 * environment (array-job variables, pipelines/cli/shard-args.ts) and prints Job manifests for `--k8s`.
 */
export type { CellMapping, MappingMethod } from "./cells/mapping.js";
export { cfDecoder, type Decoder } from "./cf/decode.js";
export { decoderAt, type PerFileDecoders, perFileDecoders } from "./cf/per-file.js";
export type { Aggregation, ComputeConfig, SelectValue, TimePartition, UnitLayout } from "./config.js";
export { parseSelectArg } from "./config.js";
export { CalendarError, ComputeConfigError, ComputeError, GridError, UnitError } from "./errors.js";
export type { ColumnOrigin } from "./grid/columns.js";
export { LocalOutput, type OutputStore, objectStoreOutput } from "./io/output.js";
export { COLUMNS_METADATA_KEY } from "./parquet/writer.js";
export type { Progress } from "./progress.js";
export { referenceReader } from "./read.js";
export {
  type ComputeIO,
  type ComputeSummary,
  computeProject,
  type IOModule,
  type PlanInfo,
  type RunOptions,
  type UnitFailure,
} from "./run.js";
export { type ArrayInfo, type ArrayReader, arrayInfo, type Region } from "./source.js";
export type { Bbox } from "./units/h0-regions.js";
export { listUnits, type UnitListing, type UnitPlan } from "./units/listing.js";
export { readAllRecords, recordBatches, recordIds, type UnitRecord } from "./units/record.js";
export { parseBbox } from "./units/select.js";
export { inShard, type Shard } from "./units/shard.js";
export type { TimeWindow } from "./units/windows.js";
