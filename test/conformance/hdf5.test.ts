/**
 * HDF5 / NetCDF4 conformance: for every hdf5-format fixture with kerchunk 0.2.7 references beside it, our scan
 * gives the same keys, the same [offset, length] per chunk and the same .zarray/.zattrs. Every place where we
 * differ is listed below with the reason; objects we add or change are checked against h5wasm (the HDF5 C
 * library) reading the original file, through refs/store's readArray. Objects we leave out must be reported
 * in ScanResult.issues. Besides, every array of every fixture is read through our references and compared with
 * h5wasm, except where h5wasm cannot serve as the oracle (listed, with why).
 */
import { describe, expect, it } from "vitest";
import { FileSource } from "../../refs/storage/file.js";
import "../../refs/store/codecs/index.js";
import { readArray } from "../../refs/store/read-array.js";
import { scanHdf5 } from "../../scanner/hdf5/scan.js";
import { fixtureFiles, haveFixtures } from "../fixtures.js";
import { compareWithH5wasm } from "../scanner/hdf5/h5wasm-oracle.js";
import { compareWithKerchunk, kerchunkRefs } from "../scanner/hdf5/kerchunk-compare.js";

type Kind = "extra" | "missing" | "meta";
interface Known {
  file: string;
  objects: string[];
  kind: Kind;
  reason: string;
  /** Only differences in keys ending so (".zarray", ".zattrs"); every key of the objects when absent. */
  keys?: string[];
  /** The array holds 0, 1, ..., values-1 (known from the script that wrote the file). */
  values?: number;
}

const FLETCHER =
  "fletcher32: kerchunk 0.2.7 raises 'not supported' and drops the dataset; we reference it with numcodecs fletcher32";
const COMPOUND =
  "compound with nested compound, array or variable-length sequence members: left out, the issue naming each such member ('compound with array member \"x\"'). kerchunk's json2 embedding gives numpy object arrays of another shape (comp_complex's records come out as (2, 1, 2)), and a nested structured dtype in .zarray is decoded by no JavaScript Zarr reader; compounds of plain numbers and strings are embedded as kerchunk does";
const RECORDS_PARTIAL =
  "kerchunk wrote .zarray but no .zattrs and no data for these compound records (it failed part-way); we embed them";
const VLEN_SEQ =
  "variable-length sequences of numbers: kerchunk wrote .zarray but no data for most of them (RC1); we embed them as json2 lists";
const REFS = "object/region references in data: UnsupportedFeatureError (kerchunk writes nulls, RC1)";
const MASK =
  "chunks stored with some filters skipped (per-chunk filter mask): kerchunk references the stored bytes, which fail to decode (RC1); we re-encode those chunks with the whole pipeline and embed them. kerchunk's tests/gen_mini_hdf5.py writes arange values, which our references must give";
const DROPPED = "kerchunk 0.2.7 left this dataset out (missing_in_refs in INDEX.md); we reference it";
const SCALAR_STR =
  "scalar variable-length string: kerchunk fails (str.decode) and writes no data; we embed it as json2";
const COMPACT_VLEN =
  "compact variable-length strings: kerchunk's zarr call lacks an object codec and drops them; we embed json2";
const COMPACT_SCALAR = "compact scalar: kerchunk's h5obj[:] fails on a scalar dataspace; we inline its bytes";
const MULTI_DIM_COORD =
  "2-D coordinate variable z(z, string3) with no DIMENSION_LIST: kerchunk repeats its own name on every axis ([z, z], which xarray refuses); we name axis 1 through _Netcdf4Coordinates and the scales' _Netcdf4Dimid, as netCDF-C and h5netcdf do";
const TWO_SCALES =
  "two dimension scales on one axis: kerchunk raises and writes only .zattrs without _ARRAY_DIMENSIONS (RC1); we keep the array and name the axis after the last scale, as netCDF-C (H5DSiterate_scales visitor) and h5netcdf (ref[-1]) do";
const ARRAY_TYPE =
  "HDF5 array datatype (int64[3][5] per element): kerchunk embeds JSON with one phony dimension for three axes; we reference the stored bytes as <i8 of shape (4, 3, 5), the array numpy/h5py give, with phony names for the element axes";
const NC_FILL =
  "netCDF variable never written: kerchunk writes fill_value null so it reads as zeros (RC1); we write HDF5's fill value";

const KNOWN: Known[] = [
  { file: "hdf5-json/dset_gzip.h5", objects: ["dset3"], kind: "extra", reason: FLETCHER },
  { file: "hdf5-json/h5ex_d_checksum.h5", objects: ["DS1"], kind: "extra", reason: FLETCHER },
  { file: "pyfive/btreev2.hdf5", objects: ["btreev2_filters"], kind: "extra", reason: FLETCHER },
  ...["earliest", "latest"].map((v) => ({
    file: `jhdf/fletcher32_datasets_${v}.hdf5`,
    objects: ["float/float32", "float/float64", "int/int16", "int/int32", "int/int8"],
    kind: "extra" as Kind,
    reason: FLETCHER,
  })),
  {
    file: "jhdf/bitfield_datasets.hdf5",
    objects: ["compressed_chunked_2d_bitfield", "compressed_chunked_bitfield"],
    kind: "extra",
    reason: FLETCHER,
  },
  { file: "hdf5-json/scalar.h5", objects: ["0ds"], kind: "extra", reason: SCALAR_STR },
  ...["earliest", "latest"].map((v) => ({
    file: `jhdf/test_scalar_empty_datasets_${v}.hdf5`,
    objects: ["scalar_string"],
    kind: "extra" as Kind,
    reason: SCALAR_STR,
  })),
  ...["earliest", "latest"].map((v) => ({
    file: `jhdf/test_compact_datasets_${v}.hdf5`,
    objects: ["string/variable_length_ascii", "string/variable_length_utf8"],
    kind: "extra" as Kind,
    reason: COMPACT_VLEN,
  })),
  {
    file: "jhdf/issue255_example.hdf5",
    objects: ["groupA/date", "groupA/string"],
    kind: "extra",
    reason: COMPACT_SCALAR,
  },
  {
    file: "hdf5-json/tall.h5",
    objects: ["g1/g1.1/dset1.1.1", "g1/g1.1/dset1.1.2", "g2/dset2.1", "g2/dset2.2"],
    kind: "extra",
    reason: DROPPED,
  },
  { file: "jhdf/hdf_v14_test1.hdf5", objects: ["dset1", "dset2"], kind: "extra", reason: DROPPED },
  { file: "jhdf/hdf_v14_test2.hdf5", objects: ["dset1", "dset2"], kind: "extra", reason: DROPPED },
  {
    file: "hdf5-json/tstr.h5",
    objects: ["string1", "string2", "string3", "string4"],
    kind: "extra",
    reason: DROPPED,
  },
  { file: "jhdf/utf8-fixed-length.hdf5", objects: ["a0"], kind: "extra", reason: DROPPED },
  {
    file: "netcdf-c/nctest_netcdf4_classic.nc",
    objects: ["tt", "tu", "uu", "vv", "ww", "yet_another_variable", "yy", "zz"],
    kind: "meta",
    reason: NC_FILL,
  },
  {
    file: "pyfive/h5netcdf_test.hdf5",
    objects: ["z"],
    kind: "meta",
    keys: [".zarray"],
    reason:
      "fill value of a |S1 netCDF variable: kerchunk wrote 'W', the _FillValue attribute (and h5wasm) say 'X'",
  },
  {
    file: "pyfive/h5netcdf_test.hdf5",
    objects: ["z"],
    kind: "meta",
    keys: [".zattrs"],
    reason: MULTI_DIM_COORD,
  },
  { file: "kerchunk/hdf5_mali_chunk.h5", objects: ["data"], kind: "meta", reason: MASK, values: 8 },
  { file: "kerchunk/hdf5_mali_chunk2.h5", objects: ["data"], kind: "meta", reason: MASK, values: 8 },
  { file: "kerchunk/hdf5_mini_blosc.h5", objects: ["data"], kind: "meta", reason: MASK, values: 6 },
  { file: "kerchunk/hdf5_mini_shuffle_blosc.h5", objects: ["data"], kind: "meta", reason: MASK, values: 6 },
  {
    file: "hdf5-json/h5ex_d_extern.h5",
    objects: ["DS1"],
    kind: "missing",
    reason: "external raw data file (not part of the fixtures): UnsupportedFeatureError",
  },
  { file: "pyfive/dim_scales.hdf5", objects: ["dset1"], kind: "extra", reason: TWO_SCALES },
  { file: "pyfive/dim_scales.hdf5", objects: ["dset1"], kind: "meta", keys: [".zattrs"], reason: TWO_SCALES },
  { file: "hdf5-json/array_dset.h5", objects: ["DS1"], kind: "meta", reason: ARRAY_TYPE },
  {
    file: "hdf5-json/opaque_dset.h5",
    objects: ["DS1"],
    kind: "extra",
    reason:
      "opaque datatype without a numpy tag: kerchunk 0.2.7 left it out here but references jhdf's opaque_2d_string as |S<size>; we do the same for both (bytes checked against h5wasm)",
  },
  { file: "hdf5-json/objref_dset.h5", objects: ["DS1"], kind: "missing", reason: REFS },
  { file: "hdf5-json/regionref_dset.h5", objects: ["DS1"], kind: "missing", reason: REFS },
  { file: "pyfive/references.hdf5", objects: ["*"], kind: "missing", reason: REFS },
  { file: "hdf5-json/vlen_dset.h5", objects: ["DS1"], kind: "extra", reason: VLEN_SEQ },
  { file: "jhdf/test_vlen_datasets_earliest.hdf5", objects: ["*"], kind: "extra", reason: VLEN_SEQ },
  { file: "jhdf/test_vlen_datasets_latest.hdf5", objects: ["*"], kind: "extra", reason: VLEN_SEQ },
  { file: "hdf5-json/comp_complex.h5", objects: ["phony_compound_var"], kind: "missing", reason: COMPOUND },
  ...["earliest", "latest"].map((v) => ({
    file: `jhdf/compound_datasets_${v}.hdf5`,
    objects: [
      "array_vlen_chunked_compound",
      "array_vlen_contiguous_compound",
      "nested_chunked_compound",
      "nested_contiguous_compound",
    ],
    kind: "missing" as Kind,
    reason: COMPOUND,
  })),
  {
    file: "jhdf/isssue-523.hdf5",
    objects: [
      "42571/Protocols/Generic/TRIGGER/0/Frames",
      "42571/Protocols/Generic/VCC/0/Frames",
      "42571/Protocols/ISO7816/Bits/0/Frames",
      "42571/Protocols/ISO7816/Bytes/0/Frames",
      "42571/Protocols/ISO7816/CLK/0/Frames",
      "42571/Protocols/ISO7816/DIR/0/Frames",
      "42571/Protocols/ISO7816/IO/0/Frames",
      "42571/Protocols/ISO7816/ISO7816/ISO7816/Frames",
      "42571/Protocols/ISO7816/ISO7816/Level 1/Frames",
      "42571/Protocols/ISO7816/RST/0/Frames",
      "42571/Protocols/Marker/MarkerStr/MarkerStr/Frames",
      "42571/Protocols/Marker/MarkerStr/MarkerStr Level 1/Frames",
      "42571/Protocols/SWP/IO S1/0/Frames",
      "42571/Protocols/SWP/IO S2/0/Frames",
    ],
    kind: "extra",
    reason: RECORDS_PARTIAL,
  },
  { file: "jhdf/issue318_example.hdf5", objects: ["DOMAINS"], kind: "extra", reason: RECORDS_PARTIAL },
  { file: "netcdf-c/ref_tst_compounds.nc", objects: ["obs"], kind: "extra", reason: DROPPED },
];

/** Arrays h5wasm cannot check, and why. */
function oracleSkip(
  file: string,
  path: string,
  meta: { dtype?: unknown; filters?: unknown },
): string | undefined {
  const filters = Array.isArray(meta.filters) ? (meta.filters as Array<{ id: string }>).map((f) => f.id) : [];
  const builtIn = new Set(["zlib", "shuffle", "fletcher32", "json2"]);
  if (filters.some((id) => !builtIn.has(id))) return "h5wasm has no zstd/blosc/lz4 plugin";
  if (String(meta.dtype).includes("M8")) return "h5wasm returns opaque datetime as raw bytes";
  if (file.endsWith("enum_dset.h5"))
    return "h5wasm does not byte-swap big-endian enums (we and kerchunk agree)";
  if (file.endsWith("test_byteshuffle_compressed_datasets_latest.hdf5"))
    return "HDF5 refuses to open: marked open for write";
  if (file.endsWith("var-length-strings-reused.hdf5")) return "h5wasm aborts reading it";
  if (file.endsWith("f03tst_open_mem.nc") && path === "var2")
    return "never written, no fill: HDF5 returns uninitialised memory";
  return undefined;
}

function explained(file: string, object: string, kind: Kind, key: string): Known | undefined {
  return KNOWN.find(
    (k) =>
      k.file === file &&
      k.kind === kind &&
      (k.objects.includes(object) || k.objects.includes("*")) &&
      (k.keys === undefined || k.keys.some((suffix) => key.endsWith(suffix))),
  );
}

const hdf5Fixtures = fixtureFiles().filter((f) => f.format === "hdf5");

describe.skipIf(!haveFixtures)("hdf5 scanner vs kerchunk 0.2.7 (fixtures)", () => {
  for (const f of hdf5Fixtures.filter((x) => x.kerchunkPath)) {
    const name = `${f.origin}/${f.file}`;
    it(`${name} [${f.kerchunkChecked}]`, async () => {
      const { refs, issues } = await scanHdf5(new FileSource(f.path), f.file, {
        inlineThreshold: 0,
        onError: "warn",
      });
      const diffs = compareWithKerchunk(refs, kerchunkRefs(f.kerchunkPath as string));
      const unexplained: string[] = [];
      const toCheck = new Set<string>();
      for (const d of diffs) {
        const kind: Kind = d.detail.startsWith("extra")
          ? "extra"
          : d.detail.startsWith("missing")
            ? "missing"
            : "meta";
        const allMissing = kind === "missing" && !refs.metadata.has(`${d.object}/.zarray`);
        const known = explained(name, d.object, allMissing ? "missing" : kind, d.key);
        if (!known) {
          unexplained.push(`${d.key}: ${d.detail}`);
          continue;
        }
        if (known.kind === "missing") {
          expect(
            issues.map((i) => i.object),
            `${d.object} left out without an issue`,
          ).toContain(`/${d.object}`);
        } else toCheck.add(d.object);
      }
      expect(unexplained).toEqual([]);
      for (const k of KNOWN.filter((x) => x.file === name && x.values !== undefined)) {
        for (const path of k.objects) {
          const got = await readArray(refs, path, { open: () => new FileSource(f.path) });
          expect(Array.from(got.data as ArrayLike<number>), path).toEqual(
            Array.from({ length: k.values as number }, (_, i) => i),
          );
        }
      }
      for (const path of toCheck) {
        const meta = (refs.metadata.get(`${path}/.zarray`) ?? {}) as { dtype?: unknown; filters?: unknown };
        if (oracleSkip(name, path, meta)) continue;
        expect(await compareWithH5wasm(refs, path, f.path), `${path} vs h5wasm`).toBeUndefined();
      }
    }, 180_000); // isssue-523.hdf5 embeds 1.4 million compound records, as kerchunk does
  }
});

describe.skipIf(!haveFixtures)("hdf5 scanner: every array read through our references equals h5wasm", () => {
  for (const f of hdf5Fixtures) {
    const name = `${f.origin}/${f.file}`;
    it(name, async () => {
      const { refs } = await scanHdf5(new FileSource(f.path), f.file, {
        inlineThreshold: 0,
        onError: "warn",
      });
      for (const path of refs.arrays.keys()) {
        const meta = (refs.metadata.get(`${path}/.zarray`) ?? {}) as { dtype?: unknown; filters?: unknown };
        if (oracleSkip(name, path, meta)) continue;
        expect(await compareWithH5wasm(refs, path, f.path), `${path} vs h5wasm`).toBeUndefined();
      }
    }, 180_000); // isssue-523.hdf5 embeds 1.4 million compound records, as kerchunk does
  }
});
