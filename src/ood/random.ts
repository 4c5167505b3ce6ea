/** Seeded PRNG for evaluation sampling: the same seed replays the same stream on every platform. */

/**
 * splitmix32: a Weyl sequence passed through the murmur3 finaliser. Returns uniform draws in [0, 1).
 * The seed must be an integer; only its low 32 bits matter.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}
