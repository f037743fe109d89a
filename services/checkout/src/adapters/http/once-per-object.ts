/**
 * `build` remembered per argument object (weakly: an argument that is dropped takes its result
 * with it). Only for immutable arguments and results: the same object always gets the same answer.
 */
export function oncePerObject<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const built = new WeakMap<K, V>();
  return (key) => {
    let value = built.get(key);
    if (value === undefined) {
      value = build(key);
      built.set(key, value);
    }
    return value;
  };
}
