import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { compareEvalFiles, evalFileName, validateEvalFile, type EvalFile } from '../ood/evalFile.ts';
import { writeReport } from './report.ts';

/** An eval file of n examples whose scores are seeded noise, `shift` nats more OOD on every score. */
function evalFile(dataset: string, split: 'train' | 'test', n: number, shift: number, seed: number): EvalFile {
  const rng = mulberry32(seed);
  const draw = (centre: number) => Array.from({ length: n }, () => Math.round((centre + 4 * rng()) * 1e4) / 1e4);
  return {
    model: 'fixture',
    dataset,
    split,
    importance_samples: 1,
    indices: Array.from({ length: n }, (_, i) => i),
    scores: {
      'L>0': draw(-200 - shift),
      'L>1': draw(-210 - shift),
      'L<1': draw(-260 - shift),
      'LLR>1': draw(10 + shift),
      'LLR>2': draw(20 + shift),
      'LLR>1<1': draw(-50 + shift),
      'IC(png)': draw(30 + shift),
    },
  };
}

/** The rows of one "### ..." section of REPORT.md, by score name. */
function section(report: string, heading: RegExp): Map<string, string[]> {
  const body = report.split(/^### /m).find((s) => heading.test(s.split('\n')[0]!));
  if (!body) throw new Error(`no section matching ${heading}`);
  const rows = body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| score') && !l.startsWith('| dataset'));
  return new Map(rows.map((l) => l.split('|').slice(1, -1).map((c) => c.trim())).map((cells) => [cells[0]!, cells.slice(1)]));
}

describe('writeReport', () => {
  let dir: string;
  let report: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-test-'));
    await mkdir(join(dir, 'eval'));
    await writeFile(join(dir, 'model.json'), JSON.stringify({ meta: { dataset: 'fashionmnist' } }));
    const files = [
      evalFile('fashionmnist', 'test', 300, 0, 1),
      evalFile('fashionmnist', 'train', 300, 0, 2),
      evalFile('mnist', 'test', 300, 3, 3),
      evalFile('letters', 'test', 100, 8, 4),
      evalFile('noise', 'test', 100, 50, 5),
    ];
    for (const f of files) await writeFile(join(dir, 'eval', evalFileName(f.dataset, f.split, 1)), JSON.stringify(f));
    await writeReport(dir);
    report = await readFile(join(dir, 'eval', 'REPORT.md'), 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('compares the paper\'s OOD pair first, then the other sets by name, then the train split', () => {
    const headings = report.split('\n').filter((l) => l.startsWith('### fashionmnist test vs'));
    expect(headings).toEqual([
      '### fashionmnist test vs OOD: mnist test split, 300 + 300 examples',
      '### fashionmnist test vs OOD: letters test split, 100 + 100 examples',
      '### fashionmnist test vs OOD: noise test split, 100 + 100 examples',
      '### fashionmnist test vs fashionmnist train split (no-overfitting check: AUROC should be about 0.5), 300 + 300 examples',
    ]);
  });

  it('puts the paper\'s notMNIST beside letters, so named, and no paper figure beside sets its tables lack', () => {
    const letters = section(report, /^fashionmnist test vs OOD: letters/);
    expect(letters.get('L>0')![3]).toBe('0.916');
    expect(letters.get('L>0')![7]).toMatch(/^Table 7: the paper's notMNIST, not these letters/);
    expect(letters.get('LLR>1')![3]).toBe('0.998');
    const noise = section(report, /^fashionmnist test vs OOD: noise/);
    for (const cells of noise.values()) expect(cells[7]).toBe('–');
  });

  it('lists L<l, LLR>k<l, the per-example choice of k and input complexity for every OOD set, and L<l among the bounds of Table 1', () => {
    for (const heading of [/^fashionmnist test vs OOD: mnist/, /^fashionmnist test vs OOD: letters/, /^fashionmnist test vs OOD: noise/]) {
      const rows = section(report, heading);
      // LLR>0<1, which the files do not hold, is derived from L<1 and L>0 when they are read.
      expect([...rows.keys()]).toEqual(['L>0', 'L>1', 'L<1', 'LLR>1', 'LLR>2', 'LLR>0<1', 'LLR>1<1', 'LLR>k*', 'IC(png)']);
      expect(Number(rows.get('LLR>k*')![0])).toBeGreaterThan(0.9);
    }
    expect(section(report, /^fashionmnist test vs fashionmnist train/).has('LLR>k*')).toBe(false);
    const table1 = report.split('\n').filter((l) => l.startsWith('| dataset') || l.startsWith('| letters'));
    expect(table1[0]).toBe('| dataset | split | n | L>0 ours | L>1 ours | L<1 ours | L>0 paper | L>1 paper | L<1 paper |');
    expect(table1[1]).toMatch(/^\| letters \| test \| 100 \| 0\.3\d\d \| /);
  });
});

describe('writeReport beside another model', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('adds the other model\'s AUROC on the same sets, and a dash where it has no file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-beside-'));
    const files = { main: [evalFile('fashionmnist', 'test', 200, 0, 1), evalFile('mnist', 'test', 200, 3, 3), evalFile('letters', 'test', 100, 8, 4)], other: [evalFile('fashionmnist', 'test', 200, 0, 6), evalFile('mnist', 'test', 200, 1, 7)] };
    for (const [name, list] of Object.entries(files)) {
      await mkdir(join(dir, name, 'eval'), { recursive: true });
      await writeFile(join(dir, name, 'model.json'), JSON.stringify({ meta: { dataset: 'fashionmnist' } }));
      for (const f of list) await writeFile(join(dir, name, 'eval', evalFileName(f.dataset, f.split, 1)), JSON.stringify(f));
    }
    await writeReport(join(dir, 'main'), undefined, join(dir, 'other'));
    const report = await readFile(join(dir, 'main', 'eval', 'REPORT.md'), 'utf8');
    expect(report).toContain("| score | AUROC | AUPRC | FPR80 | other AUROC | paper's HVAE AUROC |");
    const expected = compareEvalFiles(validateEvalFile(files.other[0], 'a'), validateEvalFile(files.other[1], 'b'));
    const mnist = section(report, /^fashionmnist test vs OOD: mnist/);
    expect(mnist.get('LLR>1')![3]).toBe(expected['LLR>1']!.auroc.toFixed(3));
    expect(mnist.get('LLR>1')![3]).not.toBe(mnist.get('LLR>1')![0]);
    expect(mnist.get('LLR>1')![4]).toBe('0.964');
    expect(section(report, /^fashionmnist test vs OOD: letters/).get('L>0')![3]).toBe('–');
  });
});
