/** The starter specs `nnspec init` writes, by template name. Each validates as it stands. */
import { mlp } from './mlp.js';
import { multiInput } from './multi-input.js';
import { multiOutput } from './multi-output.js';
import { residual } from './residual.js';

export const TEMPLATES = { mlp, 'multi-input': multiInput, 'multi-output': multiOutput, residual } as const;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];
