export { type EncodedRollup, encodeRollup } from "./encode.js";
export {
  dayNumber,
  ROLLUP_FIRST,
  ROLLUP_LAST,
  ROLLUP_LEVEL,
  ROLLUP_SUFFIX,
  type RollupGroups,
  RollupGroupsBuilder,
  rollupColumn,
  rollupColumns,
  rollupGroups,
  rollupPath,
} from "./rollup.js";
