/**
 * npm run report -- --model models/<name> [--in dataset] [--beside models/<other>]: rewrites <model>/eval/REPORT.md
 * from the eval files present; --beside adds the other model's AUROC on the same sets.
 */
import { join } from 'node:path';
import { parseArgs, runMain, str } from './args.ts';
import { writeReport } from './report.ts';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const model = str(a, 'model');
  const inSet = a.flags.has('in') ? str(a, 'in') : undefined;
  const beside = a.flags.has('beside') ? str(a, 'beside') : undefined;
  await writeReport(model, inSet, beside);
  console.error(`wrote ${join(model, 'eval', 'REPORT.md')}`);
}

runMain(main, ['WeightsError']);
