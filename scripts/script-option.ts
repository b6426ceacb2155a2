/** One `--name value` option of a script's command line, or its fallback; a missing required one is an error. */
export function option(argv: readonly string[], name: string, fallback?: string): string {
  const i = argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : argv[i + 1];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}
