/** TensorFlow.js emitters for MultiHeadAttention, Attention and AdditiveAttention: one nnspec class (attention-classes.ts). */
import { AdditiveAttention, Attention, MultiHeadAttention } from '../../../layers/attention.js';
import type { LayerConfig } from '../../../layers/kind.js';
import { attentionClass, attentionType } from './attention-classes.js';
import { emitter, type TfjsFamily } from './emitter.js';

const emit = (config: LayerConfig, { tf, name }: { tf: Parameters<typeof attentionClass>[0]; name: string }) => new (attentionClass(tf))({ name, config });

export const attention: TfjsFamily = {
  classes: attentionClass,
  emitters: [
    emitter(MultiHeadAttention, (c, env) => emit(c as unknown as LayerConfig, env)),
    emitter(Attention, (c, env) => emit(c as unknown as LayerConfig, env)),
    emitter(AdditiveAttention, (c, env) => emit(c as unknown as LayerConfig, env)),
  ],
  saved: {
    // input_roles and input_masks wire the tfjs call (attention-classes.ts); the spec says it by `inputs`.
    NnspecAttention: (config) => {
      const { type, input_roles: _roles, input_masks: _masks, ...rest } = config as { type?: string } & Record<string, unknown>;
      // A config without its type (none nnspec saves) tells it by Keras's arguments: only MultiHeadAttention has num_heads, only Attention score_mode.
      const kind = type ?? ('num_heads' in rest ? 'MultiHeadAttention' : 'score_mode' in rest ? 'Attention' : 'AdditiveAttention');
      return { type: attentionType(kind), config: rest };
    },
  },
};
