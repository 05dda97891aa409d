/** Items grouped by a key, groups in order of first appearance, items in their order. */
export function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const group = map.get(k);
    if (group) group.push(x);
    else map.set(k, [x]);
  }
  return map;
}
