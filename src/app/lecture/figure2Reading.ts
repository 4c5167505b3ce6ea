/**
 * What a computed Figure 2 shows, in sentences built from its numbers, so that the slide states what these
 * models show (from the committed file or a live run) and says where that differs from the paper, which
 * finds strong correlation in the early layers that drops with depth.
 */
import type { Figure2Layer, Figure2Series } from '../../ood/figure2.ts';
import { datasetTitle } from './useLectureData.ts';

export interface Figure2Reading {
  /** Whether linear CKA is lower at the top layer than at the bottom one for every set of images. */
  ckaFalls: boolean;
  sentences: string[];
}

const f2 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
const images = (s: Figure2Series) => `${datasetTitle(s.dataset)} images`;

/** "x on A images (y on B images)": the first series' value in full, the others in brackets. */
function perSeries(trained: Figure2Series[], value: (s: Figure2Series) => string): string {
  const [first, ...rest] = trained;
  return `${value(first!)} on ${images(first!)}${rest.length > 0 ? ` (${rest.map((s) => `${value(s)} on ${images(s)}`).join('; ')})` : ''}`;
}

export function readFigure2(series: Figure2Series[]): Figure2Reading {
  const trained = series.filter((s) => s.against === 'trained');
  if (trained.length === 0) return { ckaFalls: false, sentences: [] };
  const sentences: string[] = [];
  const layers = trained[0]!.layers;
  const bottom = layers[0]!;
  const top = layers[layers.length - 1]!;
  const at = (s: Figure2Series, name: string) => s.layers.find((l) => l.name === name);

  const ckaFalls = trained.every((s) => (at(s, top.name)?.cka ?? 1) < (at(s, bottom.name)?.cka ?? 0));
  const ckaRises = trained.every((s) => (at(s, top.name)?.cka ?? 0) > (at(s, bottom.name)?.cka ?? 1));
  const verb = ckaFalls ? 'falls' : ckaRises ? 'rises' : 'moves';
  sentences.push(
    `Linear CKA ${verb} from ${bottom.name} to ${top.name}: ${perSeries(trained, (s) => `${f2(at(s, bottom.name)?.cka)} to ${f2(at(s, top.name)?.cka)}`)}${
      ckaFalls ? ', as in the paper' : ', unlike the paper'
    }.`,
  );

  const latents = layers.filter((l) => l.latent && l.activeCorrelation !== undefined);
  if (latents.length > 1) {
    const values = (s: Figure2Series) => latents.map((l) => at(s, l.name)?.activeCorrelation ?? null);
    const lowestLatentHighest = trained.every((s) => {
      const v = values(s);
      return v[0] !== null && v.slice(1).every((w) => w === null || w < v[0]!);
    });
    sentences.push(
      `|r| of active latent units at ${latents.map((l) => l.name).join(', ')}: ${perSeries(trained, (s) => values(s).map(f2).join(', '))}; ${
        lowestLatentHighest ? `highest at ${latents[0]!.name}, as in the paper` : `not highest at ${latents[0]!.name}, unlike the paper`
      }.`,
    );
  }

  // Latents whose inactive units pull the mean over all units well below that over the active ones.
  const diluted = (l: Figure2Layer) =>
    l.activeUnits !== undefined && l.activeCorrelation !== undefined && l.activeCorrelation !== null && l.correlation !== null && l.activeCorrelation - l.correlation > 0.1;
  for (const l of layers.filter(diluted)) {
    const s = trained[0]!;
    const own = at(s, l.name)!;
    const inactive = own.units.map((u, i) => u - own.activeUnits![i]!);
    sentences.push(
      `Over all units, ${l.name}'s |r| is only ${perSeries(trained, (t) => f2(at(t, l.name)?.correlation))}: ${
        inactive[0] === inactive[1] ? `${inactive[0]} of its ${own.units[0]} units are inactive in each model` : `${inactive.join(' and ')} of its ${own.units.join(' and ')} units are inactive`
      } and match nothing.`,
    );
  }

  const baseline = series.find((s) => s.against === 'untrained' && s.dataset === trained[0]!.dataset);
  if (baseline) {
    const base = (name: string) => baseline.layers.find((l) => l.name === name)?.cka ?? null;
    const own = (name: string) => at(trained[0]!, name)?.cka ?? null;
    const mostWithoutTraining = (base(bottom.name) ?? 0) >= 0.8 * (own(bottom.name) ?? Infinity);
    sentences.push(
      `Second model untrained: CKA ${f2(base(bottom.name))} at ${bottom.name}, ${f2(base(top.name))} at ${top.name} on ${images(baseline)}${
        mostWithoutTraining ? '; most of the bottom\'s agreement needs no training' : ''
      }.`,
    );
  }
  return { ckaFalls, sentences };
}
