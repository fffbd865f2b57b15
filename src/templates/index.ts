/** The starter specs `nnspec init` writes, by template name. Each validates as it stands. */
import { mlp } from './mlp.js';
import { multiInput } from './multi-input.js';
import { multiOutput } from './multi-output.js';
import { residual } from './residual.js';
import { resnet } from './resnet.js';
import { transfer, transferBackbone } from './transfer.js';

export const TEMPLATES = { mlp, 'multi-input': multiInput, 'multi-output': multiOutput, residual, resnet, transfer } as const;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** Files a template's spec refers to (`from:`), written beside it unless they exist. */
export const TEMPLATE_FILES: Partial<Record<TemplateName, Record<string, string>>> = { transfer: { 'backbone.nnspec.yaml': transferBackbone } };
