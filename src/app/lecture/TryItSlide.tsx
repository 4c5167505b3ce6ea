/**
 * Slide 7: the drawing pad, large, with the verdict in large type: the paper's selection of k on the
 * in-distribution test set's LLR>k at a 5% false-positive rate, as the playground decides it.
 */
import { useCallback, useMemo, useState } from 'react';
import { toModelPixels } from '../../data/binarize.ts';
import { PreprocessError, preprocessImage, type RgbaImage } from '../../data/preprocess.ts';
import { isRatioOverK } from '../../ood/protocol.ts';
import { ScoreReference, verdict, type Verdict } from '../../ood/reference.ts';
import { DrawingPad } from '../components/DrawingPad.tsx';
import { ModelInputView } from '../components/ModelInputView.tsx';
import type { LectureData } from './useLectureData.ts';

const FPR = 0.05;

export function TryItSlide({ data }: { data: LectureData }) {
  const [seen, setSeen] = useState<Float32Array | null>(null);
  const [decision, setDecision] = useState<Verdict | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const inFile = data.comparison?.inFile ?? null;
  const references = useMemo(
    () => (inFile ? Object.keys(inFile.scores).filter(isRatioOverK).map((n) => new ScoreReference(n, inFile.scores[n]!)) : []),
    [inFile],
  );
  const { client } = data;

  const onDraw = useCallback(
    (img: RgbaImage) => {
      try {
        const m = preprocessImage(img, { invert: 'auto' });
        if (m.empty) {
          setSeen(null);
          setDecision(null);
          return;
        }
        setMessage(null);
        const pixels = toModelPixels(m.image);
        setSeen(pixels);
        if (!client || references.length === 0) return;
        void client.scoreLatest(pixels, { samples: 1, lowerLatents: 'mode', seed: 1 }).then((r) => {
          if (!r) return;
          const values: Record<string, number> = {};
          r.scores.ratios.forEach((v, k) => (values[`LLR>${k}`] = v));
          setDecision(verdict(values, references, FPR));
        });
      } catch (e) {
        setMessage(e instanceof PreprocessError ? e.message : `could not use this drawing: ${(e as Error).message}`);
      }
    },
    [client, references],
  );

  return (
    <div className="try-it">
      <div data-testid="figure">
        <DrawingPad onDraw={onDraw} size={310} brush={22} />
      </div>
      <div className="try-it__result">
        <div className="try-it__verdict" aria-live="polite" data-testid="lecture-verdict">
          {decision ? (
            <>
              <span className={decision.ood ? 'verdict-word verdict-word--ood' : 'verdict-word verdict-word--in'}>
                {decision.ood ? '✗ Out of distribution' : '✓ In distribution'}
              </span>
              <span className="verdict-detail">
                {decision.decisive.scoreName} = {decision.decisive.value.toFixed(1)} nats: more out-of-distribution than{' '}
                {(decision.decisive.percentile * 100).toFixed(0)}% of the {inFile?.dataset} test set
              </span>
            </>
          ) : (
            <span className="verdict-detail">{client ? 'Draw a digit, a shoe, a shirt…' : data.status}</span>
          )}
        </div>
        {seen && <ModelInputView image={seen} size={112} caption="what the model sees" />}
        {message && <p role="alert">{message}</p>}
        <p className="small">OOD if any LLR&gt;k lies above its {100 - FPR * 100}th percentile on the {inFile?.dataset ?? 'in-distribution'} test set.</p>
      </div>
    </div>
  );
}
