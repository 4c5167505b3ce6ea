/**
 * Slide 4: why the lowest layers dominate the likelihood. The KL per latent layer of the current image,
 * and Appendix C's expected inverse volume change against dimension (Figure 8), from its formula.
 */
import { KlBars } from '../charts/KlBars.tsx';
import { useView } from '../store.ts';
import { ImagePicker, pairPicks } from './ImagePicker.tsx';
import { Tex } from './Tex.tsx';
import { VolumeChart } from './VolumeChart.tsx';
import { pairedOodSet } from '../../ood/protocol.ts';
import { type LectureData } from './useLectureData.ts';

export function LowestLayersSlide({ data }: { data: LectureData }) {
  const pick = useView((v) => v.gallery);
  const inSet = data.entry?.dataset ?? 'fashionmnist';
  const kl = data.currentScores?.klPerLayer;
  const shapes = data.model?.latentShapes ?? [];
  const total = kl?.reduce((a, b) => a + b, 0) ?? 0;
  // Stage 1: z1 of the HVAE, both halves of BIVA's z1.
  const lowest = kl?.reduce((a, b, j) => (data.model?.latentStages[j] === 1 ? a + b : a), 0) ?? 0;
  return (
    <div className="slide-cols">
      <div data-testid="figure">
        <h3>KL per latent layer of {data.current?.label ?? 'the current image'}</h3>
        {kl ? (
          <>
            <KlBars values={kl} labels={data.model?.latentNames} width={440} />
            <p className="small">Dimensions: {shapes.map((s, i) => `${data.model!.latentNames[i]} ${s.reduce((a, b) => a * b, 1).toLocaleString('en')}`).join(' · ')}</p>
            <p data-testid="kl-share">
              z1 carries <strong>{((100 * lowest) / total).toFixed(0)}%</strong> of the KL of this image ({total.toFixed(1)} nats in all).
            </p>
          </>
        ) : (
          <p className="slide-wait">{data.status}</p>
        )}
        <ImagePicker gallery={data.gallery} picks={pairPicks(inSet, pairedOodSet(inSet), 3)} current={pick ?? { dataset: inSet, index: 0 }} size={34} />
      </div>
      <div className="slide-side">
        <h3>Appendix C: each layer scales p(x) by 1 / its volume change</h3>
        <Tex display tex={String.raw`\mathbb{E}\big[(\det \mathbf{J}^{\top}\mathbf{J})^{-\frac12}\big] = \sigma^{-m}\,2^{-\frac{m}{2}}\,\frac{\Gamma\big(\frac{n-m}{2}\big)}{\Gamma\big(\frac{n}{2}\big)}`} />
        <p className="small">J: a layer&apos;s n × m Jacobian, entries N(0, σ²) (eq. 17)</p>
        <VolumeChart />
      </div>
    </div>
  );
}
