/**
 * The two baselines of other papers for the image on the playground, beside LLR>k: input
 * complexity (from L>0 and the binarised image's PNG length, computed here at once) and likelihood
 * regret (the encoder refitted to the image in the scoring worker, on request: it takes seconds).
 * Each is placed on the in-distribution reference when the model's eval file carries it.
 */
import { useMemo, useState } from 'react';
import type { EvalFile } from '../../ood/evalFile.ts';
import { inputComplexity, pngCodeLengthBits } from '../../ood/inputComplexity.ts';
import { INPUT_COMPLEXITY, LIKELIHOOD_REGRET } from '../../ood/protocol.ts';
import { ScoreReference } from '../../ood/reference.ts';
import { SINGLE_IMAGE_REGRET } from '../../hvae/likelihoodRegret.ts';
import type { ScoringClient } from '../scoringClient.ts';

interface Props {
  /** The binarised image the scores belong to (0 or 1 per pixel), height x width. */
  pixels: Float32Array;
  height: number;
  width: number;
  /** Its L>0 in nats. */
  elbo: number;
  reference: EvalFile | null;
  client: ScoringClient | null;
}

type RegretState = { pixels: Float32Array } & ({ phase: 'running'; steps: number; of: number } | { phase: 'done'; nats: number; ms: number } | { phase: 'failed'; message: string });

export function BaselineScores({ pixels, height, width, elbo, reference, client }: Props) {
  const [regret, setRegret] = useState<RegretState | null>(null);
  const ic = useMemo(() => inputComplexity(elbo, pngCodeLengthBits(pixels, width, height)), [elbo, pixels, width, height]);
  const refs = useMemo(() => {
    const of = (name: string) => (reference?.scores[name] ? new ScoreReference(name, reference.scores[name]) : null);
    return { ic: of(INPUT_COMPLEXITY), lr: of(LIKELIHOOD_REGRET) };
  }, [reference]);
  // A regret belongs to the image it was computed for; another image shows the button again.
  const mine = regret && regret.pixels === pixels ? regret : null;

  const start = () => {
    if (!client) return;
    setRegret({ pixels, phase: 'running', steps: 0, of: SINGLE_IMAGE_REGRET.steps });
    client.regret(pixels, (steps, of) => setRegret((r) => (r?.pixels === pixels ? { pixels, phase: 'running', steps, of } : r))).then(
      (r) => setRegret((cur) => (cur?.pixels === pixels ? { pixels, phase: 'done', nats: r.regret, ms: r.ms } : cur)),
      (e: Error) => setRegret((cur) => (cur?.pixels === pixels ? { pixels, phase: 'failed', message: e.message } : cur)),
    );
  };

  const percentile = (ref: ScoreReference | null, value: number) => (ref ? `${(ref.percentile(ref.oodScoreOf(value)) * 100).toFixed(1)}%` : '—');

  return (
    <table data-testid="baselines">
      <caption>Baselines from other papers; larger = more out-of-distribution</caption>
      <thead>
        <tr>
          <th scope="col">score</th>
          <th scope="col">nats</th>
          <th scope="col">percentile</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">
            <abbr title="input complexity (Serrà et al., 2020): −L>0 less the PNG length of the binarised image, in nats">IC(png)</abbr>
          </th>
          <td data-score={INPUT_COMPLEXITY} data-nats={ic}>
            {ic.toFixed(2)}
          </td>
          <td>{percentile(refs.ic, ic)}</td>
        </tr>
        <tr>
          <th scope="row">
            <abbr
              title={`likelihood regret (Xiao et al., 2020): the ELBO gained by refitting the encoder to this image, ${SINGLE_IMAGE_REGRET.steps} Adam steps at learning rate ${SINGLE_IMAGE_REGRET.learningRate}, both ELBOs over the same ${SINGLE_IMAGE_REGRET.samples} draws`}
            >
              LR
            </abbr>
          </th>
          {mine?.phase === 'done' ? (
            <>
              <td data-score={LIKELIHOOD_REGRET} data-nats={mine.nats} title={`${(mine.ms / 1000).toFixed(1)} s`}>
                {mine.nats.toFixed(2)}
              </td>
              <td>{refs.lr ? percentile(refs.lr, mine.nats) : <abbr title="this model's eval file holds no likelihood regret">—</abbr>}</td>
            </>
          ) : (
            <td colSpan={2}>
              {mine?.phase === 'running' ? (
                <span role="status">
                  refitting: step {mine.steps} of {mine.of}
                </span>
              ) : (
                <>
                  {mine?.phase === 'failed' && <span role="alert">{mine.message} </span>}
                  <button type="button" onClick={start} disabled={!client}>
                    Refit the encoder
                  </button>{' '}
                  <span className="note">{SINGLE_IMAGE_REGRET.steps} steps; drawing waits</span>
                </>
              )}
            </td>
          )}
        </tr>
      </tbody>
    </table>
  );
}
