/**
 * NetCDF3 external types (classic, 64-bit offset and CDF5): size, Zarr v2 dtype (big-endian, as kerchunk writes)
 * and the library's default fill value, used where a variable has no _FillValue.
 */
export interface NcType {
  code: number;
  name: string;
  size: number;
  /** Zarr v2 / numpy dtype string. */
  dtype: string;
  /** NetCDF default fill (netcdf.h NC_FILL_*): a bigint for the 64-bit integers, the byte value for char. */
  defaultFill: number | bigint;
  read(view: DataView, offset: number): number | bigint;
}

const types: NcType[] = [
  { code: 1, name: "byte", size: 1, dtype: "|i1", defaultFill: -127, read: (v, o) => v.getInt8(o) },
  // NC_FILL_CHAR is '\0' (written as the base64 of that byte, see attributes.ts)
  { code: 2, name: "char", size: 1, dtype: "|S1", defaultFill: 0, read: (v, o) => v.getUint8(o) },
  { code: 3, name: "short", size: 2, dtype: ">i2", defaultFill: -32767, read: (v, o) => v.getInt16(o) },
  { code: 4, name: "int", size: 4, dtype: ">i4", defaultFill: -2147483647, read: (v, o) => v.getInt32(o) },
  {
    code: 5,
    name: "float",
    size: 4,
    dtype: ">f4",
    defaultFill: Math.fround(9.969209968386869e36),
    read: (v, o) => v.getFloat32(o),
  },
  {
    code: 6,
    name: "double",
    size: 8,
    dtype: ">f8",
    defaultFill: 9.969209968386869e36,
    read: (v, o) => v.getFloat64(o),
  },
  { code: 7, name: "ubyte", size: 1, dtype: "|u1", defaultFill: 255, read: (v, o) => v.getUint8(o) },
  { code: 8, name: "ushort", size: 2, dtype: ">u2", defaultFill: 65535, read: (v, o) => v.getUint16(o) },
  { code: 9, name: "uint", size: 4, dtype: ">u4", defaultFill: 4294967295, read: (v, o) => v.getUint32(o) },
  // NC_FILL_INT64 / NC_FILL_UINT64: beyond 2^53, so bigints, written exactly into the metadata text (scan.ts)
  {
    code: 10,
    name: "int64",
    size: 8,
    dtype: ">i8",
    defaultFill: -9223372036854775806n,
    read: (v, o) => v.getBigInt64(o),
  },
  {
    code: 11,
    name: "uint64",
    size: 8,
    dtype: ">u8",
    defaultFill: 18446744073709551614n,
    read: (v, o) => v.getBigUint64(o),
  },
];

const byCode = new Map(types.map((t) => [t.code, t]));

/** The type of an nc_type code, or undefined for a code no NetCDF3 version defines. */
export function ncType(code: number): NcType | undefined {
  return byCode.get(code);
}

/** Types 7..11 exist only in CDF5. */
export function isCdf5Only(type: NcType): boolean {
  return type.code >= 7;
}
