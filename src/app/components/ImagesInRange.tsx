/**
 * The test images whose score falls in a chosen range, for both sides of a comparison: the
 * in-distribution images that look OOD, and the OOD images that pass for in-distribution.
 */
import { useEffect, useState } from 'react';
import { IMAGE_PIXELS, type ImageSet } from '../../data/imageSet.ts';
import type { EvalFile } from '../../ood/evalFile.ts';
import { oodScoreSign, scoreUnit } from '../../ood/protocol.ts';
import { fetchTestSet } from '../testImages.ts';
import { ModelInputView } from './ModelInputView.tsx';

export interface ImagesInRangeProps {
  scoreName: string;
  range: [number, number];
  files: EvalFile[];
  /** Images shown per file; the count in range is always given. */
  limit?: number;
}

/** A raw value as the page shows it: nats, or the per-example choice of k's percentile (stored in [0, 1]) as 0-100. */
function shown(scoreName: string, v: number): string {
  return scoreUnit(scoreName) === 'percentile' ? (100 * v).toFixed(1) : v.toFixed(1);
}

export function ImagesInRange({ scoreName, range, files, limit = 24 }: ImagesInRangeProps) {
  const unit = scoreUnit(scoreName);
  return (
    <section className="images-in-range" aria-label={`Images with ${scoreName} in the selected range`} data-testid="images-in-range">
      <h3>
        Images with {scoreName} between {shown(scoreName, range[0])} and {shown(scoreName, range[1])} {unit}
      </h3>
      {files.map((f) => (
        <FileRow key={`${f.dataset}-${f.split}`} file={f} scoreName={scoreName} range={range} limit={limit} />
      ))}
    </section>
  );
}

function FileRow({ file, scoreName, range, limit }: { file: EvalFile; scoreName: string; range: [number, number]; limit: number }) {
  const [set, setSet] = useState<ImageSet | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setSet(null);
    setError(null);
    if (file.split !== 'test') {
      setError(`the ${file.dataset} training images are not shipped with the app; only test images are`);
      return;
    }
    let cancelled = false;
    fetchTestSet(file.dataset).then(
      (s) => !cancelled && setSet(s),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [file]);

  const values = file.scores[scoreName] ?? [];
  // Most out-of-distribution first, by the score's own direction.
  const sign = oodScoreSign(scoreName);
  const hits = values
    .map((v, position) => ({ v, position }))
    .filter((h) => h.v >= range[0] && h.v <= range[1])
    .sort((a, b) => sign * (b.v - a.v));
  return (
    <div className="images-in-range__row">
      <h4>
        {file.dataset} {file.split}: {hits.length.toLocaleString('en')} of {values.length.toLocaleString('en')} images
        {hits.length > limit ? ` (the ${limit} most out-of-distribution shown)` : ''}
      </h4>
      {error && <p className="note">{error}</p>}
      {set && (
        <div className="images-in-range__images">
          {hits.slice(0, limit).map((h) => {
            const index = file.indices[h.position]!;
            return (
              <ModelInputView
                key={h.position}
                image={set.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS)}
                size={56}
                caption={`#${index}: ${shown(scoreName, h.v)}`}
                alt={`${file.dataset} test image ${index}, ${scoreName} ${shown(scoreName, h.v)} ${scoreUnit(scoreName)}`}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}
