/**
 * Slide 3: low-level features are shared. The paper's Figure 2 from two shipped models trained on
 * different datasets, and MNIST digits reconstructed by the FashionMNIST model.
 */
import { useMemo } from 'react';
import { ImageStrip } from '../components/ImageStrip.tsx';
import { useView } from '../store.ts';
import { CorrelationBars } from './CorrelationBars.tsx';
import { useFigure2 } from './useFigure2.ts';
import { datasetTitle, galleryImage, otherDataset, useScoredImages, type LectureData, type LectureImage } from './useLectureData.ts';

const RECONSTRUCTED = 6;

export function SharedFeaturesSlide({ data }: { data: LectureData }) {
  const backend = useView((v) => v.backend);
  const figure = useFigure2(data.models, backend);
  const inSet = data.entry?.dataset ?? null;
  const outSet = inSet ? otherDataset(inSet) : null;
  const images = useMemo(
    () =>
      outSet
        ? Array.from({ length: RECONSTRUCTED }, (_, index) => galleryImage(data.gallery, { dataset: outSet, index })).filter((i): i is LectureImage => i !== null)
        : [],
    [data.gallery, outSet],
  );
  const { scores, error } = useScoredImages(data.client, images);
  const done = scores.filter((s) => s !== null);

  return (
    <div className="slide-cols" data-testid="figure">
      <div>
        <h3>Correlation of two models&apos; representations, per layer (Figure 2)</h3>
        {figure.state === 'needs-two-models' && (
          <p className="notice" data-testid="figure2-missing">
            Figure 2 needs two models trained on different data. This build ships models trained on {figure.trainedOn.map(datasetTitle).join(', ') || 'no dataset'}{' '}
            only, so there is nothing to correlate yet, and no number is shown. Add a model trained on {inSet ? datasetTitle(otherDataset(inSet)) : 'another dataset'} to
            models/ and rebuild: this panel then computes the figure from both.
          </p>
        )}
        {figure.state === 'computing' && (
          <p className="slide-wait">
            Feeding the same test images to {figure.models[0].name} and {figure.models[1].name}…
          </p>
        )}
        {figure.state === 'failed' && <p role="alert">Figure 2 could not be computed: {figure.message}</p>}
        {figure.state === 'done' && (
          <>
            <CorrelationBars layers={figure.layers} series={figure.series} />
            <p className="small">
              {figure.models[0].name} vs {figure.models[1].name}: posterior means of each latent layer; each unit paired with its best-correlated unit in the other model.
            </p>
          </>
        )}
      </div>
      <div className="slide-side">
        <h3>
          {outSet && datasetTitle(outSet)} reconstructed by the {inSet && datasetTitle(inSet)} model
        </h3>
        {error && <p role="alert">{error}</p>}
        {done.length === images.length && images.length > 0 ? (
          <div data-testid="ood-reconstructions">
            <ImageStrip images={images.map((i) => i.pixels)} labels={images.map(() => '')} size={52} caption={`${outSet && datasetTitle(outSet)} test images (input)`} />
            <ImageStrip images={done.map((s) => s.reconstructions[0]!)} labels={done.map(() => '')} size={52} caption="their reconstructions (k = 0), mean of p(x|z)" />
          </div>
        ) : (
          <p className="slide-wait">Reconstructing…</p>
        )}
        <p>A model that has never seen a digit, asked to reconstruct digits: the sharper the result, the more generic its lowest layer&apos;s code.</p>
      </div>
    </div>
  );
}
