/** The command line: commands and flags only. Each command is a function in src/commands/. */
import { examplesText } from './commands/help-examples.js';
import { Command, CommanderError, Option } from 'commander';
import { packageVersion } from './paths.js';
import { graphCommand } from './commands/graph.js';
import { plotCommand, PLOT_FORMATS, type PlotFormat } from './commands/plot.js';
import { summaryCommand } from './commands/summary.js';
import { synthCommand } from './commands/synth.js';
import { checkpointPolicy, trainCommand } from './commands/train.js';
import { evaluateCommand } from './commands/evaluate.js';
import { predictCommand } from './commands/predict.js';
import { fraction, nonNegativeInt, positiveInt, positiveNumber } from './commands/spec-file.js';
import { parseFormat, validateCommand, VALIDATE_FORMATS, type ValidateFormat } from './commands/validate.js';
import { EXPORT_TARGETS, exportCommand, parseTarget, type ExportTarget } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { DEFAULT_SPEC_FILE, initCommand, parseTemplate } from './commands/init.js';
import { schemaCommand } from './commands/schema.js';
import { lspCommand, type LspCommandOptions } from './commands/lsp.js';
import { fmtCommand, type FmtOptions } from './commands/fmt.js';
import { TEMPLATE_NAMES, type TemplateName } from './templates/index.js';
import { commanderOutput, EXIT, makeReporter, oneOf, reportProblem, reportUsage, UsageError, type Io } from './commands/io.js';
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from './diagnostics/report.js';
import { ENGINE_CHOICES, type EngineChoice } from './commands/engine.js';
import type { Device } from './backends/onnx/runtime.js';

/** --backend, --threads, --device as commander gives them (train, evaluate, predict). */
type EngineArgs = { backend: string; threads?: string; device: string };

function engineArgs(o: EngineArgs): { backend: EngineChoice; threads?: number; device: Device } {
  return { backend: o.backend as EngineChoice, threads: positiveInt('--threads', o.threads), device: o.device as Device };
}

const VERSION = packageVersion();

/** Commands whose diagnostics follow --format; evaluate's `text` is pretty. */
const FORMATTED = new Set(['validate', 'train', 'evaluate', 'predict', 'import', 'export', 'synth', 'fmt']);

/** The diagnostic format asked for, read before parsing so that a usage error is printed in it too. */
function diagnosticFormat(argv: readonly string[]): DiagnosticFormat {
  if (!FORMATTED.has(argv[0] ?? '')) return 'pretty';
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--format' || a === '-f') value = argv[i + 1];
    else if (a.startsWith('--format=')) value = a.slice('--format='.length);
  });
  return (DIAGNOSTIC_FORMATS as readonly string[]).includes(value ?? '') ? (value as DiagnosticFormat) : 'pretty';
}

const formatOption = () =>
  new Option('-f, --format <format>', 'diagnostics format on stderr (json, sarif: one document at the end)').choices([...DIAGNOSTIC_FORMATS]).argParser(oneOf('--format', DIAGNOSTIC_FORMATS)).default('pretty');

export async function run(argv: string[], outer: Io): Promise<number> {
  const io: Io = { ...outer, diagnostics: makeReporter(outer, diagnosticFormat(argv), argv[0] ?? 'nnspec') };
  try {
    return await runCommand(argv, io);
  } catch (e) {
    return internalError(e, io);
  } finally {
    io.diagnostics!.end();
  }
}

/**
 * What nnspec did not expect is its own bug, never the user's: one line (NN999) that says so and
 * how to report it, exit 70; the stack trace only with NNSPEC_DEBUG set.
 */
function internalError(e: unknown, io: Io): number {
  const err = e instanceof Error ? e : new Error(String(e));
  reportProblem(io, 'NN999', null, `internal error: ${err.message.split('\n')[0]} (this is a bug in nnspec, not a problem with your input)`, {
    hint: 'please report it with the command line and the files it read; NNSPEC_DEBUG=1 prints the stack trace',
  });
  if (io.env.NNSPEC_DEBUG) io.stderr.write(`${err.stack ?? err.message}\n`);
  return EXIT.internal;
}

async function runCommand(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('nnspec')
    .description('A declarative model-spec compiler for Keras-style functional neural networks.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput(commanderOutput(io, 'nnspec'));

  program
    .command('validate')
    .description('check specs: every problem at its file:line:column (exit 0 valid, 1 invalid, 2 usage)')
    .argument('<paths...>', 'spec files, directories (every *.yaml/*.yml below) or globs')
    .addOption(new Option('-f, --format <format>', 'output format (sarif: SARIF 2.1.0 for code scanning)').choices([...VALIDATE_FORMATS]).argParser(parseFormat).default('pretty'))
    .option('--strict', 'fail on warnings too', false)
    .option('--cache', 'skip files unchanged since the last run (content hash, kept in .nnspec-cache)', false)
    .option('--cache-location <file>', 'where --cache keeps its file (implies --cache)')
    .option('-j, --jobs <n>', 'worker threads for many files (default: every core; 1 = no workers)')
    .action(async (paths: string[], opts: { format: ValidateFormat; strict: boolean; cache: boolean; cacheLocation?: string; jobs?: string }) => {
      exitCode = await validateCommand(paths, { ...opts, jobs: positiveInt('--jobs', opts.jobs) }, io);
    });

  program
    .command('summary')
    .description('print a Keras-style summary with exact parameter counts')
    .argument('<file>', 'a spec file, or a run directory (its spec.yaml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown']).argParser(oneOf('--format', ['table', 'json', 'markdown'] as const)).default('table'))
    .option('--expand', 'a row for every layer a block expands to, not one per block instance')
    .action(async (file: string, opts: { format: 'table' | 'json' | 'markdown'; expand?: boolean }) => {
      exitCode = await summaryCommand(file, opts, io);
    });

  program
    .command('graph')
    .description('draw the model as SVG, DOT or Mermaid (exit 0 drawn, 1 invalid spec, drawn as far as it resolved, 2 usage)')
    .argument('<spec>', 'a spec file')
    .addOption(new Option('-f, --format <format>', 'picture format (default: from --out\'s extension, else svg)').choices(['svg', 'dot', 'mermaid']).argParser(oneOf('--format', ['svg', 'dot', 'mermaid'] as const)))
    .option('-o, --out <file>', 'write the picture to this file instead of stdout')
    .action(async (file: string, opts: { format?: 'svg' | 'dot' | 'mermaid'; out?: string }) => {
      exitCode = await graphCommand(file, opts, io);
    });

  program
    .command('plot')
    .description("draw a run's training curves as SVG, or an HTML report with the model graph and summary (exit 0 drawn, 1 no history, 2 usage)")
    .argument('<run>', 'a run directory written by nnspec train')
    .addOption(new Option('-f, --format <format>', "svg or html (default: from --out's extension, else svg)").choices([...PLOT_FORMATS]).argParser(oneOf('--format', PLOT_FORMATS)))
    .option('-o, --out <file>', 'write to this file (.svg or .html) instead of stdout')
    .addHelpText('after', '\nExamples:\n  nnspec plot runs/mlp --out curves.svg\n  nnspec plot runs/mlp --out report.html   # curves, model graph and summary on one page\n')
    .action(async (run: string, opts: { format?: PlotFormat; out?: string }) => {
      exitCode = await plotCommand(run, opts, io);
    });

  program
    .command('synth')
    .description('write random data fitting a spec: one .npy per input and output, named after it')
    .argument('<spec>', 'a spec file')
    .requiredOption('-n, --samples <n>', 'number of samples')
    .requiredOption('-o, --out <dir>', 'directory to write the .npy files to')
    .option('--seed <seed>', 'random seed (default: a fresh one, printed)')
    .option('--length <n>', 'length of null (any-length) dimensions (default: max(16, the smallest the model accepts))')
    .addOption(formatOption())
    .action(async (file: string, opts: { samples: string; out: string; seed?: string; length?: string }) => {
      exitCode = await synthCommand(file, {
        samples: positiveInt('--samples', opts.samples)!,
        out: opts.out,
        seed: nonNegativeInt('--seed', opts.seed),
        length: positiveInt('--length', opts.length),
      }, io);
    });

  program
    .command('train')
    .description('train a spec on a data directory (exit 0 done, 1 bad spec/data or diverged, 2 usage, 130 interrupted)')
    .argument('<spec>', 'a spec file')
    .requiredOption('-d, --data <path>', 'directory with one .npy/.json/.csv per input and output (or a directory of shards), an .npz, or a table (.csv with a header, .parquet, .arrow/.feather)')
    .requiredOption('-o, --out <dir>', 'run directory: model.json, weights.bin, history, run.json, checkpoints')
    .option('--epochs <n>', 'epochs in all (default: training.epochs, else 1); with --resume the total, counting the epochs already done')
    .option('--batch-size <n>', 'batch size (default: training.batch_size, else 32)')
    .option('--learning-rate <lr>', "override the optimizer's learning_rate")
    .option('--seed <seed>', 'random seed for initializers, shuffling and dropout (default: training.seed, else fresh)')
    .option('--early-stopping <patience>', "early_stopping's patience: stop after this many epochs without improvement of its monitor (without early_stopping in the spec: val_loss, or loss without validation data)")
    .option('--checkpoint <policy>', 'when the run saves: every:N (epochs; default every:1), best (when the monitored value improves: the run keeps its best epoch), end (only when the run ends)')
    .option('--validation-split <f>', 'hold out the last fraction of the samples for validation')
    .option('--validation-data <path>', 'validation data, laid out like --data')
    .option('--shuffle-block <n>', 'shuffle blocks of n consecutive samples (block order and order inside each block seeded) instead of every sample: for data where random reads are slow; see README')
    .option('--columns <map...>', 'for a table (--data x.csv/.parquet/.arrow): NAME=COLUMN[,COLUMN...] or NAME=FIRST:LAST maps columns to an input or output (default: the column named like it)')
    .option('--resume', "continue the run in --out from its last checkpoint (an interrupted fit goes on with its callbacks' state; after an early stop or a finished run, a new fit: patience starts afresh)", false)
    .addOption(new Option('--backend <name>', 'engine: onnx (ONNX Runtime), or a TensorFlow.js backend (node, wasm, cpu); auto takes onnx first').choices([...ENGINE_CHOICES]).default('auto'))
    .option('--threads <n>', 'compute threads of the onnx engine (default: every core)')
    .addOption(new Option('--device <device>', 'where the onnx engine runs (cuda needs the CUDA provider; see README)').choices(['cpu', 'cuda']).default('cpu'))
    .option('-q, --quiet', 'one line per epoch, no progress bar', false)
    .option('--json', 'JSON lines on stdout, one per epoch', false)
    .addOption(formatOption())
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const str = (k: string) => o[k] as string | undefined;
      exitCode = await trainCommand(file, {
        data: str('data')!,
        out: str('out')!,
        epochs: positiveInt('--epochs', str('epochs')),
        batchSize: positiveInt('--batch-size', str('batchSize')),
        learningRate: positiveNumber('--learning-rate', str('learningRate')),
        seed: nonNegativeInt('--seed', str('seed')),
        earlyStopping: nonNegativeInt('--early-stopping', str('earlyStopping')),
        ...(str('checkpoint') !== undefined ? { checkpoint: checkpointPolicy(str('checkpoint')!) } : {}),
        validationSplit: fraction('--validation-split', str('validationSplit')),
        validationData: str('validationData'),
        ...(o.columns ? { columns: o.columns as unknown as string[] } : {}),
        ...(str('shuffleBlock') !== undefined ? { shuffleBlock: positiveInt('--shuffle-block', str('shuffleBlock')) } : {}),
        resume: o.resume === true,
        backend: o.backend as EngineChoice,
        threads: positiveInt('--threads', str('threads')),
        device: o.device as Device,
        quiet: o.quiet === true,
        json: o.json === true,
      }, io);
    });

  program
    .command('evaluate')
    .description("a trained run's loss per output, weighted total and metrics on a data set")
    .argument('<run>', 'a run directory written by nnspec train')
    .requiredOption('-d, --data <path>', 'directory with one file per input and output, or an .npz')
    .addOption(new Option('-f, --format <format>', 'report and diagnostics format (text = pretty; json: the report on stdout, diagnostics on stderr)').choices(['text', ...DIAGNOSTIC_FORMATS]).default('text'))
    .option('--batch-size <n>', 'batch size (default 32)')
    .addOption(new Option('--backend <name>', 'engine: onnx (ONNX Runtime), or a TensorFlow.js backend (node, wasm, cpu); auto takes onnx first').choices([...ENGINE_CHOICES]).default('auto'))
    .option('--threads <n>', 'compute threads of the onnx engine (default: every core)')
    .addOption(new Option('--device <device>', 'where the onnx engine runs (cuda needs the CUDA provider; see README)').choices(['cpu', 'cuda']).default('cpu'))
    .action(async (run: string, o: { data: string; format: string; batchSize?: string } & EngineArgs) => {
      exitCode = await evaluateCommand(run, { data: o.data, format: o.format === 'json' ? 'json' : 'text', batchSize: positiveInt('--batch-size', o.batchSize), ...engineArgs(o) }, io);
    });

  program
    .command('predict')
    .description("a trained run's outputs on a data set: one .npy per output")
    .argument('<run>', 'a run directory written by nnspec train')
    .requiredOption('-d, --data <path>', 'directory with one file per model input, or an .npz')
    .requiredOption('-o, --out <dir>', 'directory to write <output>.npy files to')
    .option('--batch-size <n>', 'batch size (default 32)')
    .option('--classes', 'also write <output>.classes.npy: int32 class ids of each classifier output (argmax; one sigmoid unit: above 0.5)')
    .addOption(new Option('--backend <name>', 'engine: onnx (ONNX Runtime), or a TensorFlow.js backend (node, wasm, cpu); auto takes onnx first').choices([...ENGINE_CHOICES]).default('auto'))
    .option('--threads <n>', 'compute threads of the onnx engine (default: every core)')
    .addOption(new Option('--device <device>', 'where the onnx engine runs (cuda needs the CUDA provider; see README)').choices(['cpu', 'cuda']).default('cpu'))
    .addOption(formatOption())
    .action(async (run: string, o: { data: string; out: string; batchSize?: string; classes?: boolean } & EngineArgs) => {
      exitCode = await predictCommand(run, { data: o.data, out: o.out, batchSize: positiveInt('--batch-size', o.batchSize), classes: o.classes === true, ...engineArgs(o) }, io);
    });

  program
    .command('export')
    .description('write the spec as a Keras model config (model_from_json), a TensorFlow.js model.json or an ONNX inference model (exit 0 written, 1 invalid spec or weights, 2 usage)')
    .argument('<spec>', 'a spec file')
    .addOption(new Option('--to <target>', 'keras-json, tfjs or onnx').choices([...EXPORT_TARGETS]).argParser(parseTarget).makeOptionMandatory())
    .option('-o, --out <file>', 'output file (tfjs: model.json, or a directory for model.json + weights.bin; onnx: required); default stdout')
    .option('--weights <run>', 'tfjs, onnx: take the weights from a `nnspec train` run directory (tfjs: writes weights.bin next to model.json); default for onnx: the initial weights from the spec\'s training seed')
    .option('--length <n>', 'onnx: the length of the inputs\' unknown (null) dimensions; the batch axis stays dynamic')
    .addOption(formatOption())
    .action(async (file: string, opts: { to: ExportTarget; out?: string; weights?: string; length?: string }) => {
      exitCode = await exportCommand(file, { ...opts, length: positiveInt('--length', opts.length) }, io);
    });

  program
    .command('import')
    .description('turn a Keras (model.to_json()) or TensorFlow.js (model.json) model into a spec (exit 0 written, 1 not expressible, 2 usage)')
    .argument('<model>', 'a Keras or TensorFlow.js model JSON')
    .option('-o, --out <file>', 'the spec file to write; default stdout')
    .option('--force', 'overwrite --out if it exists', false)
    .addOption(formatOption())
    .action(async (file: string, opts: { out?: string; force: boolean }) => {
      exitCode = await importCommand(file, opts, io);
    });

  program
    .command('fmt')
    .description('rewrite specs in canonical form, comments kept (exit 0 formatted, 1 --check found unformatted files or a file cannot be formatted, 2 usage)')
    .argument('<paths...>', 'spec files, directories (every *.yaml/*.yml below) or globs')
    .option('--check', 'change nothing; fail when a file is not formatted (for CI)', false)
    .option('--stdout', 'print the formatted text of one file instead of rewriting it', false)
    .addOption(formatOption())
    .action(async (paths: string[], opts: FmtOptions) => {
      exitCode = await fmtCommand(paths, opts, io);
    });

  program
    .command('lsp')
    .description('run the language server (LSP over stdio) for editors: live diagnostics, hover shapes, completion, rename')
    .option('--stdio', 'talk LSP over stdin/stdout (the default; accepted for editors that pass it)')
    .action(async (opts: LspCommandOptions) => {
      exitCode = await lspCommand(opts);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the spec format (for editors: # yaml-language-server: $schema=...)')
    .action(async () => {
      exitCode = await schemaCommand(io);
    });

  program
    .command('init')
    .description(`write a commented starter spec that validates (exit 0 written, 2 usage or FILE exists)`)
    .argument('[file]', `the spec file to write, or - for stdout (default ${DEFAULT_SPEC_FILE})`)
    .addOption(new Option('-t, --template <name>', 'starter model').choices([...TEMPLATE_NAMES]).argParser(parseTemplate).default('mlp'))
    .option('--force', 'overwrite FILE if it exists', false)
    .action(async (file: string | undefined, opts: { template: TemplateName; force: boolean }) => {
      exitCode = await initCommand(file, opts, io);
    });

  // Usage errors name the help of the command they come from (settings are copied when a command is created, so this runs last).
  for (const command of program.commands) {
    command.configureOutput(commanderOutput(io, `nnspec ${command.name()}`));
    const examples = examplesText(command.name());
    if (examples) command.addHelpText('after', examples);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    // --help, --version and `help` exit 0; a bare `nnspec` (help on stderr) and commander's own errors are usage errors.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof UsageError) {
      const command = program.commands.some((c) => c.name() === argv[0]) ? `nnspec ${argv[0]}` : 'nnspec';
      reportUsage(io, e.message, e.code, command);
      return EXIT.usage;
    }
    throw e;
  }
  return exitCode;
}
