/**
 * The string `pick` finds in each entry of an error's list field (`details`, `responses`,
 * `errors`), skipping entries without one; anything but an array gives none. Client libraries
 * attach these lists untyped, so every field is checked before use.
 */
export function messagesOf(list: unknown, pick: (entry: unknown) => unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const message = entry === null || entry === undefined ? undefined : pick(entry);
    return typeof message === 'string' ? [message] : [];
  });
}
