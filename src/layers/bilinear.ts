/**
 * What UpSampling2D's `interpolation: bilinear` means in Keras 3 on every backend: TensorFlow's
 * half-pixel resize, written as a matrix so each engine can apply it with matrix products.
 */

/**
 * The (n * factor) x n matrix of TensorFlow's half-pixel bilinear resize: output o samples input
 * position (o + 0.5) / factor - 0.5, between its two neighbours, clamped at the edges.
 */
export function bilinearWeights(n: number, factor: number): number[][] {
  return Array.from({ length: n * factor }, (_, o) => {
    const at = (o + 0.5) / factor - 0.5;
    const below = Math.floor(at);
    const lerp = at - below;
    const row = new Array<number>(n).fill(0);
    row[Math.max(below, 0)]! += 1 - lerp;
    row[Math.min(below + 1, n - 1)]! += lerp;
    return row;
  });
}
