/**
 * The closed list of diagnostic codes: every error or warning nnspec prints carries one. A code
 * never changes meaning once published; the README's table is generated from this list
 * (`npm run docs`). Ranges: NN0xx the command line, NN1xx–NN6xx a spec (parse, schema, resolve,
 * order, shapes, cross-checks), NN7xx importing a model, NN8xx data files, NN9xx runs and engines.
 */
export const CODES = {
  // the command line (exit 2)
  NN000: { name: 'usage', summary: 'The command line is wrong in a way no more specific code describes.' },
  NN001: { name: 'unknown-command-or-option', summary: 'A command or option does not exist (a close one is suggested).' },
  NN002: { name: 'missing-argument', summary: 'A required argument or option, or an option\'s value, is missing.' },
  NN003: { name: 'invalid-option-value', summary: 'An option\'s value is not one of its choices, or not a number in its range.' },
  NN004: { name: 'path-not-found', summary: 'A path given on the command line does not exist or cannot be read.' },
  NN005: { name: 'would-overwrite', summary: 'An output path exists; nnspec does not overwrite without `--force` (or `--resume`).' },
  NN006: { name: 'conflicting-options', summary: 'Options that exclude each other are given together.' },
  NN007: { name: 'wrong-kind-of-path', summary: 'A path names a file where a directory is needed, or the reverse.' },
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
  NN120: { name: 'not-formatted', summary: '`nnspec fmt --check`: the file is not in canonical form (`nnspec fmt FILE` rewrites it).' },
  NN121: { name: 'cannot-format', summary: '`nnspec fmt` cannot rewrite the file: it is not readable YAML or its top level is not a mapping.' },
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
  // expand: format 2's blocks
  NN310: { name: 'unknown-block', summary: 'A layer uses a block (`block:`) that is not declared under `blocks:`.' },
  NN311: { name: 'block-parameter', summary: 'A use gives a parameter the block does not have or omits one without a default, or a block refers to a parameter (`$name`) it does not declare.' },
  NN312: { name: 'block-parameter-type', summary: 'A block parameter\'s value (given or default) is not of the parameter\'s type.' },
  NN313: { name: 'block-name-clash', summary: 'A layer name made by expanding a block is already taken.' },
  NN314: { name: 'block-cycle', summary: 'A block uses itself, directly, through other blocks or through `from:` files.' },
  NN315: { name: 'block-file', summary: 'A block\'s `from:` file is missing, unreadable or not a valid spec.' },
  NN316: { name: 'block-connection', summary: 'A block use is connected wrongly: its inputs do not match the block\'s, `repeat:` on a block without exactly one input and one output, or an output the block does not have.' },
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
  NN508: { name: 'size-overflow', summary: 'A computed dimension or element count is beyond 2^53 - 1 (or not an integer) and cannot be represented exactly.' },
  // cross-checks
  NN600: { name: 'unknown-output', summary: 'An output names no layer.' },
  NN601: { name: 'duplicate-output', summary: 'An output is listed twice.' },
  NN602: { name: 'output-key-mismatch', summary: 'A loss, loss_weights or metrics map does not match the outputs.' },
  NN603: { name: 'output-count-mismatch', summary: 'A loss, loss_weights or metrics list has not one entry per output.' },
  NN604: { name: 'unused-input', summary: 'A model input feeds no layer.' },
  NN605: { name: 'unused-layer', summary: 'A layer does not reach any output.' },
  NN606: { name: 'loss-output-mismatch', summary: 'A loss does not fit the shape or activation of its output.' },
  // import: a Keras or TensorFlow.js model JSON
  NN700: { name: 'model-json-syntax', summary: 'The model file is not valid JSON.' },
  NN701: { name: 'not-a-model', summary: 'The JSON is not a Keras `model.to_json()` or a TensorFlow.js model.json.' },
  NN702: { name: 'unsupported-layer', summary: 'A layer class has no nnspec layer type (Lambda, nested models, custom layers).' },
  NN703: { name: 'unsupported-argument', summary: 'A layer argument, or its value, has no nnspec equivalent.' },
  NN704: { name: 'unsupported-connection', summary: 'A layer is called in a way a spec cannot express (several outputs, a nested model\'s tensors).' },
  NN705: { name: 'unsupported-input', summary: 'A model input is sparse, ragged, of an unsupported dtype, or has no usable shape.' },
  NN706: { name: 'model-too-large', summary: 'The model file is over 64 MB: a model config is never that large.' },
  NN707: { name: 'import-adjusted', summary: 'Something was changed to fit a spec (a renamed layer, a dtype read as int32): a warning.' },
  // data files (--data, --validation-data) and the data-vs-spec check
  NN800: { name: 'file-unreadable', summary: 'A data file does not exist, is not a regular file, or cannot be read.' },
  NN801: { name: 'file-too-large', summary: 'A data file, or an entry of an .npz, is larger than the 2 GiB cap.' },
  NN802: { name: 'not-npy', summary: 'A .npy file does not start with the NumPy magic string.' },
  NN803: { name: 'npy-version', summary: 'The .npy format version is not 1.0, 2.0 or 3.0.' },
  NN804: { name: 'npy-header', summary: 'The .npy header is malformed, too long, or has keys other than descr, fortran_order and shape.' },
  NN805: { name: 'unsupported-dtype', summary: 'The array holds objects, strings, records, complex or other non-numeric values.' },
  NN806: { name: 'too-many-elements', summary: 'The shape has more than 2^31 elements.' },
  NN807: { name: 'wrong-data-length', summary: 'The data is shorter or longer than the shape and dtype require.' },
  NN808: { name: 'unsafe-integer', summary: 'An integer is beyond 2^53 and cannot be represented exactly.' },
  NN809: { name: 'invalid-bool', summary: 'A boolean element is a byte other than 0 or 1.' },
  NN810: { name: 'not-npz', summary: 'An .npz file is not a zip archive of the kind NumPy writes.' },
  NN811: { name: 'npz-corrupt', summary: 'An .npz entry does not inflate to its declared size or fails its CRC-32 check.' },
  NN812: { name: 'npz-entry-name', summary: 'An .npz entry name is not a plain `name.npy`, or is repeated.' },
  NN813: { name: 'syntax', summary: 'A .json or .csv file cannot be parsed.' },
  NN814: { name: 'ragged', summary: 'Rows (or nested lists) have different lengths.' },
  NN815: { name: 'not-a-number', summary: 'A value is not a finite number (or, in JSON, not a boolean).' },
  NN816: { name: 'empty-file', summary: 'A .csv file holds no rows.' },
  NN817: { name: 'unknown-format', summary: 'A data file has an extension other than .npy, .npz, .json or .csv.' },
  NN818: { name: 'unsafe-path', summary: 'A data file name leaves the data directory (absolute, `..`, or a symlink pointing outside).' },
  NN819: { name: 'missing-array', summary: 'No file (or .npz entry) holds a model input or output.' },
  NN820: { name: 'unexpected-file', summary: 'A data file is named after no model input or output.' },
  NN821: { name: 'duplicate-array', summary: 'Several files hold the same input or output (`x.npy` and `x.csv`).' },
  NN822: { name: 'sample-count-mismatch', summary: 'Data files hold different numbers of samples, or none.' },
  NN823: { name: 'input-shape-mismatch', summary: 'An input\'s samples do not have the shape the spec declares.' },
  NN824: { name: 'non-finite-value', summary: 'An input or target holds NaN or an infinity.' },
  NN825: { name: 'not-an-integer', summary: 'An int32 input holds a fractional value.' },
  NN826: { name: 'id-out-of-range', summary: 'An Embedding id is negative or not below `input_dim`.' },
  NN827: { name: 'target-shape-mismatch', summary: 'A target does not fit its output and loss (class ids vs one-hot rows, wrong size).' },
  NN828: { name: 'label-out-of-range', summary: 'A label is outside what its loss accepts (class ids in [0, classes), binary labels in [0, 1]).' },
  NN829: { name: 'not-a-data-set', summary: '`--data` names neither a directory nor an .npz (or does not exist).' },
  NN830: { name: 'data-too-small', summary: 'The data\'s sizes where the spec says `null` (a sequence length, an image size) are too small for a layer of the model, or zero.' },
  // runs and engines (train, evaluate, predict, export --weights, synth)
  NN900: { name: 'not-a-run', summary: 'A directory given as a run has no model.json or spec.yaml from `nnspec train`.' },
  NN901: { name: 'no-checkpoint', summary: '`--resume` finds no readable checkpoint in the run directory.' },
  NN902: { name: 'resume-refused', summary: 'The run cannot be resumed: its spec, data or settings changed.' },
  NN903: { name: 'weights-mismatch', summary: 'A run\'s saved weights do not fit the spec they are loaded into.' },
  NN904: { name: 'backend-unavailable', summary: 'The requested engine (tfjs backend) cannot run here.' },
  NN905: { name: 'diverged', summary: 'Training stopped: a loss or gradient became NaN or infinite; the last good checkpoint is kept.' },
  NN906: { name: 'no-objective', summary: 'The spec gives no loss for an output, so it cannot be trained or evaluated.' },
  NN907: { name: 'empty-split', summary: 'The validation split leaves no samples for training or for validation.' },
  NN908: { name: 'no-sequence-length', summary: '`synth` finds no sequence length at which the model compiles.' },
  NN909: { name: 'run-unreadable', summary: 'A run\'s checkpoint or state cannot be read (damaged or from another version).' },
  NN910: { name: 'export-approximation', summary: 'An export leaves something out or writes it in nnspec\'s own form: a warning.' },
  NN911: { name: 'nothing-to-draw', summary: '`graph` finds no inputs and layers to draw.' },
  NN999: { name: 'internal-error', summary: 'nnspec itself failed (a bug, not a problem with the input): exit 70; NNSPEC_DEBUG=1 prints the stack trace.' },
} as const;

export type Code = keyof typeof CODES;

/** Codes of one range, e.g. `CodeIn<'NN8'>` for data files. */
export type CodeIn<P extends string> = Extract<Code, `${P}${string}`>;
export type UsageCode = CodeIn<'NN0'>;
export type ImportCode = CodeIn<'NN7'>;
export type DataCode = CodeIn<'NN8'>;
export type RunCode = CodeIn<'NN9'>;

/** The documented ranges, for the README's table. */
export const CODE_RANGES: readonly { prefix: string; title: string }[] = [
  { prefix: 'NN0', title: 'the command line (exit 2)' },
  { prefix: 'NN1', title: 'parsing a spec (bytes and YAML) and formatting it (fmt)' },
  { prefix: 'NN2', title: 'the spec schema' },
  { prefix: 'NN3', title: 'resolving names' },
  { prefix: 'NN4', title: 'ordering the graph' },
  { prefix: 'NN5', title: 'shapes' },
  { prefix: 'NN6', title: 'cross-checks of outputs and training' },
  { prefix: 'NN7', title: 'importing a Keras or TensorFlow.js model' },
  { prefix: 'NN8', title: 'data files and the data-vs-spec check' },
  { prefix: 'NN9', title: 'training runs and engines' },
];
