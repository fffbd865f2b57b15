/** The ONNX emitter of every layer type, by Keras class name; one module per family, as src/layers/. */
import { activationEmitters } from './activations.js';
import { attentionEmitters } from './attention.js';
import { convEmitters } from './conv.js';
import { coreEmitters } from './core.js';
import type { LayerEmitter } from './emitter.js';
import { groupNormalizationEmitters } from './group-normalization.js';
import { unitNormalizationEmitters } from './unit-normalization.js';
import { identityEmitters } from './identity.js';
import { spatialDropoutEmitters } from './spatial-dropout.js';
import { gaussianDropoutEmitters } from './gaussian-dropout.js';
import { alphaDropoutEmitters } from './alpha-dropout.js';
import { mergeEmitters } from './merge.js';
import { normalizationEmitters } from './normalization.js';
import { poolingEmitters } from './pooling.js';
import { preprocessingEmitters } from './preprocessing.js';
import { recurrentEmitters } from './recurrent.js';
import { reshapeEmitters } from './reshape.js';
import { resizingEmitters } from './resizing.js';
import { wrapperEmitters } from './wrappers.js';

const EMITTERS: ReadonlyMap<string, LayerEmitter> = new Map(
  Object.entries({
    ...coreEmitters,
    ...reshapeEmitters,
    ...convEmitters,
    ...poolingEmitters,
    ...resizingEmitters,
    ...recurrentEmitters,
    ...wrapperEmitters,
    ...normalizationEmitters,
    ...groupNormalizationEmitters,
    ...unitNormalizationEmitters,
    ...identityEmitters,
    ...spatialDropoutEmitters,
    ...gaussianDropoutEmitters,
    ...alphaDropoutEmitters,
    ...activationEmitters,
    ...mergeEmitters,
    ...attentionEmitters,
    ...preprocessingEmitters,
  }),
);

export function layerEmitter(type: string): LayerEmitter | undefined {
  return EMITTERS.get(type);
}

export function emitterTypes(): string[] {
  return [...EMITTERS.keys()];
}
