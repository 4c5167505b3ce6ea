/**
 * Slide 5: the L>k bound, and the paper's Figure 1: reconstructions with the lowest k latents taken
 * from the conditional prior, for an in-distribution and an OOD test image side by side.
 */
import { useMemo, useState } from 'react';
import { ImageStrip } from '../components/ImageStrip.tsx';
import { Tex } from './Tex.tsx';
import { pairedOodSet } from '../../ood/protocol.ts';
import { galleryImage, useScoredImages, type LectureData, type LectureImage } from './useLectureData.ts';

const PAIRS = 6;

export function BoundSlide({ data }: { data: LectureData }) {
  const [pair, setPair] = useState(0);
  const inSet = data.entry?.dataset ?? null;
  const images = useMemo(
    () =>
      inSet
        ? [inSet, pairedOodSet(inSet)].map((dataset) => galleryImage(data.gallery, { dataset, index: pair })).filter((i): i is LectureImage => i !== null)
        : [],
    [data.gallery, inSet, pair],
  );
  const { scores, error } = useScoredImages(data.client, images);
  return (
    <div className="slide-stack">
      <Tex
        display
        tex={String.raw`\mathcal{L}^{>k} = \mathbb{E}_{p_\theta(\mathbf{z}_{\le k}\mid\mathbf{z}_{>k})\,q_\phi(\mathbf{z}_{>k}\mid\mathbf{x})}\!\left[\log \frac{p_\theta(\mathbf{x}\mid\mathbf{z})\,p_\theta(\mathbf{z}_{>k})}{q_\phi(\mathbf{z}_{>k}\mid\mathbf{x})}\right]`}
      />
      <p className="small">
        z<sub>1</sub>…z<sub>k</sub> come from the conditional prior, only z<sub>k+1</sub>…z<sub>L</sub> see the image. k = 0 is the ELBO.
      </p>
      {error && <p role="alert">{error}</p>}
      <div className="slide-cols" data-testid="figure">
        {images.map((img, i) => {
          const s = scores[i];
          return (
            <div key={img.label}>
              <h3>
                {i === 0 ? 'In distribution' : 'Out of distribution'}: {img.label}
              </h3>
              {s ? (
                <ImageStrip
                  images={[img.pixels, ...s.reconstructions]}
                  labels={['input', ...s.reconstructions.map((_, k) => `k = ${k}\n${s.bounds[k]!.toFixed(0)} nats`)]}
                  size={78}
                  caption="Mean of p(x|z); under each, L>k of the image"
                />
              ) : (
                <p className="slide-wait">Reconstructing…</p>
              )}
            </div>
          );
        })}
      </div>
      <button type="button" onClick={() => setPair((p) => (p + 1) % PAIRS)}>
        Another pair of test images
      </button>
    </div>
  );
}
