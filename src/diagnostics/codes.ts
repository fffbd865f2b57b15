/**
 * The closed list of diagnostic codes. A code never changes meaning once published;
 * the README's table is generated from this list (`npm run docs:codes`).
 */
export const CODES = {
  // parse: bytes and YAML
  NN100: { name: 'file-too-large', summary: 'The file is larger than the size cap (5 MB).' },
  NN101: { name: 'invalid-utf8', summary: 'The file is not valid UTF-8.' },
  NN102: { name: 'nul-byte', summary: 'The file contains a NUL byte.' },
  NN103: { name: 'yaml-syntax', summary: 'The YAML cannot be parsed.' },
  NN104: { name: 'tab-indent', summary: 'A tab is used for indentation.' },
  NN105: { name: 'multiple-documents', summary: 'The file holds more than one YAML document.' },
  NN106: { name: 'duplicate-key', summary: 'A mapping repeats a key (compared as text, so `1` and `"1"` collide).' },
  NN107: { name: 'alias-refused', summary: 'Anchors and aliases are refused: a spec must read the same as it is written.' },
  NN108: { name: 'custom-tag', summary: 'A custom or unknown YAML tag is used.' },
  NN109: { name: 'nesting-too-deep', summary: 'Collections are nested deeper than nnspec accepts.' },
  NN110: { name: 'empty-file', summary: 'The file holds no document.' },
  NN111: { name: 'not-a-mapping', summary: 'The top level of a spec must be a mapping.' },
  NN112: { name: 'non-finite-number', summary: 'A number is NaN or infinite (`.nan`, `.inf`, `1e999`).' },
  NN113: { name: 'unsafe-integer', summary: 'An integer is beyond 2^53 and cannot be represented exactly.' },
  NN114: { name: 'forbidden-key', summary: '`__proto__`, `constructor` and `prototype` are not allowed as keys.' },
  NN115: { name: 'complex-key', summary: 'A mapping key is not a plain scalar.' },
  // schema
  NN200: { name: 'unknown-key', summary: 'A key is not part of the spec format at that place.' },
  NN201: { name: 'missing-key', summary: 'A required key is missing.' },
  NN202: { name: 'wrong-type', summary: 'A value has the wrong type.' },
  NN203: { name: 'invalid-value', summary: 'A value is not one of the accepted values.' },
  NN204: { name: 'out-of-range', summary: 'A number is outside its accepted range.' },
  NN205: { name: 'unknown-layer-type', summary: 'A layer `type` is not a supported layer class.' },
  NN206: { name: 'unsupported-version', summary: 'The `nnspec` format version is not supported.' },
  NN207: { name: 'wrong-length', summary: 'A list has too few or too many items.' },
  NN208: { name: 'invalid-name', summary: 'A name does not match the allowed pattern.' },
  NN209: { name: 'conflicting-keys', summary: 'Keys that exclude each other are used together.' },
  // resolve
  NN300: { name: 'undefined-name', summary: 'A name refers to no model input or layer.' },
  NN301: { name: 'ambiguous-input', summary: 'A layer has no `inputs:` and its input cannot be inferred.' },
  NN302: { name: 'duplicate-name', summary: 'A layer has the same name as a model input.' },
  NN303: { name: 'invalid-share', summary: 'A `shares:` refers to something that is not a layer with its own configuration.' },
  NN304: { name: 'wrong-arity', summary: 'A layer is given the wrong number of inputs.' },
  // order
  NN400: { name: 'cycle', summary: 'The connections form a cycle.' },
  // shapes
  NN500: { name: 'shape-mismatch', summary: 'Input shapes cannot be combined by a merge layer.' },
  NN501: { name: 'bad-input-rank', summary: 'A layer is given an input of the wrong rank.' },
  NN502: { name: 'empty-output', summary: 'A layer would produce a dimension of size zero or less.' },
  NN503: { name: 'invalid-config', summary: 'A layer configuration is inconsistent with itself or its input.' },
  NN504: { name: 'shared-shape-mismatch', summary: 'A shared layer is called on an input its weights cannot accept.' },
  NN505: { name: 'too-many-params', summary: 'The parameter count overflows or exceeds the cap (10^10).' },
  NN506: { name: 'unknown-dimension', summary: 'A layer needs a dimension that is unknown (`null`).' },
  NN507: { name: 'dtype-mismatch', summary: 'An input has a dtype that the layer does not expect.' },
  // cross-checks
  NN600: { name: 'unknown-output', summary: 'An output names no layer.' },
  NN601: { name: 'duplicate-output', summary: 'An output is listed twice.' },
  NN602: { name: 'output-key-mismatch', summary: 'A loss, loss_weights or metrics map does not match the outputs.' },
  NN603: { name: 'output-count-mismatch', summary: 'A loss, loss_weights or metrics list has not one entry per output.' },
  NN604: { name: 'unused-input', summary: 'A model input feeds no layer.' },
  NN605: { name: 'unused-layer', summary: 'A layer does not reach any output.' },
  NN606: { name: 'loss-output-mismatch', summary: 'A loss does not fit the shape or activation of its output.' },
} as const;

export type Code = keyof typeof CODES;
