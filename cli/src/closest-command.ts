/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The command paths a mistyped `words` most likely meant, closest first: each path is compared
 * with as many leading words of the input as it has, and kept when at most a third of its letters
 * (at least one, at most three) differ. Empty when nothing is close.
 */
export function closestCommands(words: readonly string[], paths: readonly (readonly string[])[]): string[] {
  const scored: { text: string; distance: number }[] = [];
  for (const path of paths) {
    const text = path.join(' ');
    const typed = words.slice(0, path.length).join(' ');
    const distance = editDistance(typed, text);
    const allowed = Math.min(3, Math.max(1, Math.floor(text.length / 3)));
    if (distance > 0 && distance <= allowed) scored.push({ text, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.text.localeCompare(y.text));
  return [...new Set(scored.map((s) => s.text))];
}
