/** npm run report -- --model models/<name> [--in dataset]: rewrites <model>/eval/REPORT.md from the eval files present. */
import { join } from 'node:path';
import { parseArgs, runMain, str } from './args.ts';
import { writeReport } from './report.ts';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const model = str(a, 'model');
  const inSet = a.flags.has('in') ? str(a, 'in') : undefined;
  await writeReport(model, inSet);
  console.error(`wrote ${join(model, 'eval', 'REPORT.md')}`);
}

runMain(main, ['WeightsError']);
