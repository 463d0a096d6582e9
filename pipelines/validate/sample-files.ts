/**
 * Which source files to compare: the first, the last and random others, `count` in all (default 3). A seed
 * makes the choice repeatable.
 */
export function sampleFiles(files: readonly string[], count = 3, seed = 1): string[] {
  if (files.length <= count) return [...files];
  const chosen = new Set<string>([files[0] as string, files[files.length - 1] as string]);
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: small, seeded, good enough to pick files.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  while (chosen.size < count) chosen.add(files[1 + Math.floor(random() * (files.length - 2))] as string);
  return files.filter((f) => chosen.has(f));
}
