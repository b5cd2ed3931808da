function parse(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

function atLeast(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/**
 * Whether the version the peer provides satisfies a package's declared dependency: an exact
 * `x.y.z`, a caret `^x.y.z` (same major; same minor below 1.0) or a tilde `~x.y.z` (same minor).
 * Anything else (tags, wildcards, URLs) is refused: the peer cannot promise it.
 */
export function satisfiesDeclaredVersion(declared: string, provided: string): boolean {
  const have = parse(provided);
  if (have === undefined) return false;
  const op = declared[0] === '^' || declared[0] === '~' ? declared[0] : '';
  const want = parse(declared.slice(op.length));
  if (want === undefined) return false;
  if (op === '') return want.every((n, i) => n === have[i]);
  if (!atLeast(have, want) || have[0] !== want[0]) return false;
  if (op === '~' || want[0] === 0) return have[1] === want[1];
  return true;
}
