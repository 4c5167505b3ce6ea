/** Slide 2: the model (the HVAE of the paper's Figure 4, or BIVA) as an interactive diagram, and what each latent layer holds for the current image. */
import { useState } from 'react';
import { ModelInputView } from '../components/ModelInputView.tsx';
import { useView } from '../store.ts';
import { ImagePicker, pairPicks } from './ImagePicker.tsx';
import { LatentView } from './LatentView.tsx';
import { BivaDiagram } from './BivaDiagram.tsx';
import { ModelDiagram, type DiagramNode } from './ModelDiagram.tsx';
import { pairedOodSet } from '../../ood/protocol.ts';
import { type LectureData } from './useLectureData.ts';

export function ModelSlide({ data }: { data: LectureData }) {
  const [node, setNode] = useState<DiagramNode | null>(null);
  const pick = useView((v) => v.gallery);
  const inSet = data.entry?.dataset ?? 'fashionmnist';
  if (!data.model) return <p className="slide-wait">{data.status}</p>;
  const means = data.currentMeans;
  const model = data.model;
  return (
    <div className="slide-cols">
      <div data-testid="figure">
        {data.model.config.model === 'biva' ? (
          <BivaDiagram config={data.model.config} onFocusNode={setNode} />
        ) : (
          <ModelDiagram config={data.model.config} onFocusNode={setNode} />
        )}
      </div>
      <div className="slide-side">
        <div className="current-image">
          {data.current && <ModelInputView image={data.current.pixels} size={84} caption={data.current.label} />}
          <ImagePicker gallery={data.gallery} picks={pairPicks(inSet, pairedOodSet(inSet), 3)} current={pick ?? { dataset: inSet, index: 0 }} size={34} />
        </div>
        <p className="small">Posterior means of the current image, per layer:</p>
        {means?.layers.map((values, i) => (
          <LatentView key={i} values={values} shape={means.shapes[i]!} label={model.latentNames[i]!} active={node?.kind === 'z' && node.layer === model.latentStages[i]} />
        ))}
      </div>
    </div>
  );
}
