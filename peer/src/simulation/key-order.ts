/**
 * Orders keys as Fabric's LevelDB state does: by their UTF-8 bytes. JavaScript's `<` compares
 * UTF-16 code units, which disagrees for characters above U+FFFF versus U+E000–U+FFFF, and a
 * different order would make two endorsers' read/write sets differ.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
