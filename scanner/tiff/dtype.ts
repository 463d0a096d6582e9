/** Zarr v2 dtype of TIFF samples: SampleFormat (1 uint, 2 int, 3 float) x BitsPerSample, in the file's byte order. */
export function sampleDtype(bits: number, format: number, littleEndian: boolean): string | undefined {
  const kind = format === 2 ? "i" : format === 3 ? "f" : format === 1 || format === 4 ? "u" : undefined;
  if (!kind || ![8, 16, 32, 64].includes(bits)) return undefined;
  if (kind === "f" && bits === 8) return undefined;
  if (bits === 8) return `|${kind}1`;
  return `${littleEndian ? "<" : ">"}${kind}${bits / 8}`;
}
