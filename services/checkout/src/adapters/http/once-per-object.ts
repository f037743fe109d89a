/**
 * `build` remembered per frozen argument (weakly: an argument that is dropped takes its result
 * with it). A frozen argument is one the product cache hands to every warm read, so its result is
 * shared, and frozen with its nested objects. Any other argument (a row read for this request
 * only) is built fresh and not remembered: a WeakMap entry per cold read cost more than the build.
 */
export function oncePerFrozenObject<K extends object, V extends object>(build: (key: K) => V): (key: K) => V {
  const built = new WeakMap<K, V>();
  return (key) => {
    if (!Object.isFrozen(key)) return build(key);
    let value = built.get(key);
    if (value === undefined) {
      value = freezeShared(build(key));
      built.set(key, value);
    }
    return value;
  };
}

/** Freezes `value` and the plain objects it holds (a wire form is at most two levels deep). */
function freezeShared<V extends object>(value: V): V {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null) Object.freeze(field);
  }
  return Object.freeze(value);
}
