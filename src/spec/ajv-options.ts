/** One set of ajv options, for the build-time compiled validator and the run-time fallback alike. */
export const AJV_OPTIONS = { allErrors: true, discriminator: true, verbose: true, strict: false, inlineRefs: false } as const;
