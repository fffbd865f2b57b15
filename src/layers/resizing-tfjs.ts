/** Moved: bilinearWeights is in layers/bilinear.ts; kept until backends/onnx/layers/resizing.ts imports it from there. */
export { bilinearWeights } from './bilinear.js';
