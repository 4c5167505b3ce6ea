/** Minimal flag parsing for the CLIs: --name value, --flag, and positional arguments. */
export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          flags.set(a.slice(2), next);
          i++;
        } else flags.set(a.slice(2), true);
      }
    } else positional.push(a);
  }
  return { flags, positional };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function str(a: ParsedArgs, name: string, fallback?: string): string {
  const v = a.flags.get(name);
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}

export function num(a: ParsedArgs, name: string, fallback?: number): number {
  const v = a.flags.get(name);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got ${String(v)}`);
  return n;
}

export function bool(a: ParsedArgs, name: string): boolean {
  return a.flags.get(name) === true || a.flags.get(name) === 'true';
}

/** Runs a CLI main: usage and known errors print one line, not a stack trace. */
export function runMain(main: () => Promise<void>, knownErrors: string[] = []): void {
  main().then(
    // Exit once stdout has flushed: a pipe takes writes asynchronously, and exiting at once would cut long output.
    () => process.stdout.write('', () => process.exit(0)),
    (e: unknown) => {
      const err = e as Error;
      if (err instanceof UsageError || knownErrors.includes(err.name)) console.error(`error: ${err.message}`);
      else console.error(err);
      process.exit(1);
    },
  );
}
