/**
 * The playground: draw, upload or pick an image; see the ELBO, every L>k and LLR>k, where each
 * falls on the in-distribution reference, the verdict and the k it rests on, and the image's
 * reconstructions across k (the paper's Figure 1). The loop (pad, verdict, scores, reconstructions,
 * KL per latent) fits one laptop screen; on a phone the pad comes first. The rest follows below.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { BackendName } from '../../backend/backendNames.ts';
import { toModelPixels } from '../../data/binarize.ts';
import { CONVERSIONS, conversionForModel, convertPicture, describeApplied, type ConversionName } from '../../data/conversions.ts';
import { PreprocessError, toModelInput, type RgbaImage } from '../../data/picture.ts';
import { PerExampleK } from '../../ood/perExampleK.ts';
import { ScoreReference, verdict, type Verdict } from '../../ood/reference.ts';
import type { EvalFile } from '../../ood/evalFile.ts';
import { oodScoreSign } from '../../ood/protocol.ts';
import { defaultModel, fetchEvalFile, fetchGallery, fetchModelIndex, modelUrl, type GallerySet, type ModelEntry } from '../assets.ts';
import { ScoringClient, type ImageScores } from '../scoringClient.ts';
import { isLocalModel, listLocalModels, loadLocalModel, localName, type LocalModelSummary } from '../localModels.ts';
import { useInView } from '../useInView.ts';
import { useView, type InvertChoice } from '../store.ts';
import { DrawingPad, type DrawingPadHandle } from '../components/DrawingPad.tsx';
import { ImageInput } from '../components/ImageInput.tsx';
import { ModelInputView } from '../components/ModelInputView.tsx';
import { ImageStrip } from '../components/ImageStrip.tsx';
import { Lede } from '../components/Lede.tsx';
import { PlaygroundSettings } from './PlaygroundSettings.tsx';
import { ScoreDensity } from '../charts/ScoreDensity.tsx';
import { KlBars } from '../charts/KlBars.tsx';
import { BaselineScores } from '../components/BaselineScores.tsx';
import type { ModelInfo } from '../../workers/protocol.ts';
import './playground.css';

interface CurrentInput {
  /** The 28x28 grey image after preprocessing, and what the model scores (binarised). */
  grey: Float32Array;
  pixels: Float32Array;
  source: string;
  /** How the picture became the 28x28 image, in a phrase. */
  conversion: string;
}

/** The last drawing or upload, kept so that a change of conversion or inversion converts it again. */
interface Picture {
  image: RgbaImage;
  source: string;
  upload: boolean;
}

interface Result {
  scores: ImageScores;
  ms: number;
  backend: BackendName;
  /** The input these scores belong to (a later input may be on screen while they are computed), and what the model scored. */
  source: string;
  pixels: Float32Array;
}

const bitsPerDim = (nats: number, dims: number) => -nats / (dims * Math.LN2);

function referenceFileFor(entry: ModelEntry, dataset: string, samples: number): string | null {
  const exact = `${dataset}-test-S${samples}.json`;
  if (entry.evalFiles.includes(exact)) return exact;
  const s1 = `${dataset}-test-S1.json`;
  return entry.evalFiles.includes(s1) ? s1 : null;
}

export function Playground() {
  const view = useView();
  const [models, setModels] = useState<ModelEntry[] | null>(null);
  const [localModels, setLocalModels] = useState<LocalModelSummary[]>([]);
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [backendLine, setBackendLine] = useState('Starting the scoring worker…');
  const [msPerScore, setMsPerScore] = useState<number | null>(null);
  const [reference, setReference] = useState<EvalFile | null>(null);
  const [oodCompare, setOodCompare] = useState<EvalFile | null>(null);
  const [gallery, setGallery] = useState<GallerySet[]>([]);
  const [input, setInput] = useState<CurrentInput | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [priorSamples, setPriorSamples] = useState<Float32Array[]>([]);
  const [galleryRows, setGalleryRows] = useState<{ label: string; pixels: Float32Array; reconstructions: Float32Array[] }[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const clientRef = useRef<ScoringClient | null>(null);
  const padRef = useRef<DrawingPadHandle>(null);
  const figureRef = useRef<HTMLElement>(null);
  const figureVisible = useInView(figureRef);

  const entry = models?.find((m) => m.name === view.model) ?? null;
  const picture = useRef<Picture | null>(null);

  // Pictures are converted as the model's training set was made, unless another conversion is chosen.
  const trainedOn = typeof model?.meta.dataset === 'string' ? model.meta.dataset : (entry?.dataset ?? null);
  const own = conversionForModel(trainedOn);
  const conversion: ConversionName = view.conversion === 'model' ? own.conversion : view.conversion;

  useEffect(() => {
    fetchModelIndex().then(
      (list) => setModels(list),
      (e: Error) => setMessage(e.message),
    );
    fetchGallery().then(setGallery, (e: Error) => setMessage(e.message));
    // Models trained or imported on the Train page; a browser without IndexedDB simply has none.
    listLocalModels().then(setLocalModels, () => setLocalModels([]));
  }, []);

  // A link or hash without a model (at load or later) gets the default one.
  useEffect(() => {
    const entry = models && defaultModel(models);
    if (!view.model && entry) useView.getState().set({ model: entry.name });
  }, [view.model, models]);

  // One worker per (model, backend choice): it loads the weights and picks the backend.
  useEffect(() => {
    if (!view.model) return;
    const client = new ScoringClient(
      (reason, backend) => setBackendLine(`The GPU device was lost (${reason}); now running on ${backend}.`),
      (msg) => setMessage(msg),
    );
    clientRef.current = client;
    setModel(null);
    setResult(null);
    setBackendLine('Loading the model…');
    const key = view.model;
    const ready = isLocalModel(key)
      ? loadLocalModel(localName(key)).then((file) => client.initFromFile(localName(key), file, view.backend))
      : client.init(modelUrl(key), view.backend);
    ready.then(
      (r) => {
        setModel(r.model);
        setMsPerScore(r.msPerScore);
        const skipped = r.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error}`);
        const cores = r.threads ? `, ${r.threads} thread${r.threads === 1 ? '' : 's'}` : '';
        setBackendLine(`Backend: ${r.backend}${cores}${skipped.length ? ` (passed over ${skipped.join('; ')})` : ''}`);
      },
      (e: Error) => setBackendLine(`The model could not be loaded: ${e.message}`),
    );
    return () => {
      client.terminate();
      if (clientRef.current === client) clientRef.current = null;
    };
  }, [view.model, view.backend]);

  // The in-distribution reference (and the other dataset, dashed) from the eval files of the model.
  useEffect(() => {
    setReference(null);
    setOodCompare(null);
    if (!entry?.dataset) return;
    const refFile = referenceFileFor(entry, entry.dataset, view.samples);
    if (refFile) fetchEvalFile(entry.name, refFile).then(setReference, (e: Error) => setMessage(e.message));
    const other = entry.dataset === 'mnist' ? 'fashionmnist' : 'mnist';
    const oodFile = referenceFileFor(entry, other, view.samples);
    if (oodFile) fetchEvalFile(entry.name, oodFile).then(setOodCompare, () => setOodCompare(null));
  }, [entry, view.samples]);

  const numStages = model?.numStages ?? 0;
  const settings = useMemo(
    () => ({
      samples: view.samples,
      lowerLatents: view.lowerLatents,
      seed: view.deterministic ? null : 1,
      ls: view.boundsBelow ? Array.from({ length: numStages }, (_, i) => i + 1) : [],
    }),
    [view.samples, view.lowerLatents, view.deterministic, view.boundsBelow, numStages],
  );

  const score = useCallback(
    (next: CurrentInput) => {
      setInput(next);
      const client = clientRef.current;
      if (!client || !model) return;
      void client.scoreLatest(next.pixels, settings).then((r) => {
        if (r) setResult({ scores: r.scores, ms: r.ms, backend: r.backend, source: next.source, pixels: next.pixels });
      });
    },
    [model, settings],
  );

  // Rescore the current image when the settings or the model change (they change `score`).
  useEffect(() => {
    if (input) score(input);
  }, [score]);

  const invertOption = (c: InvertChoice) => (c === 'auto' ? 'auto' : c === 'on');

  const convertAndScore = useCallback(
    (pic: Picture) => {
      picture.current = pic;
      try {
        const m = convertPicture(pic.image, { conversion, invert: invertOption(view.invert), alwaysConvert: view.alwaysConvert });
        // Each upload replaces the message of the one before, whatever it said.
        if (m.empty) {
          if (pic.upload) setMessage(`${pic.source}: nothing stands out from the background, so there is nothing to score.`);
          return;
        }
        setMessage(null);
        if (useView.getState().gallery) useView.getState().set({ gallery: null });
        const how = describeApplied(m.applied, m.inverted);
        score({ grey: m.image, pixels: toModelPixels(m.image), source: pic.source, conversion: `${how[0]!.toUpperCase()}${how.slice(1)}${m.applied === own.conversion ? " (the model's own)" : ''}` });
      } catch (e) {
        setMessage(e instanceof PreprocessError ? `${pic.source}: ${e.message}` : `could not use ${pic.source}: ${(e as Error).message}`);
      }
    },
    [score, conversion, own.conversion, view.invert, view.alwaysConvert],
  );

  // A change of conversion or inversion converts the current drawing or upload again (a change of
  // model or settings rescores the converted image through `score` alone).
  const latestConvert = useRef(convertAndScore);
  useLayoutEffect(() => {
    latestConvert.current = convertAndScore;
  });
  useEffect(() => {
    if (picture.current && !useView.getState().gallery) latestConvert.current(picture.current);
  }, [conversion, view.invert, view.alwaysConvert]);

  // A gallery pick from the URL or a click: dataset images are already 28x28 and centred.
  useEffect(() => {
    const g = view.gallery;
    if (!g) return;
    const set = gallery.find((s) => s.dataset === g.dataset);
    const img = set?.images[g.index];
    if (!img) return;
    picture.current = null;
    const m = toModelInput(img, { invert: view.invert === 'on' });
    score({ grey: m.image, pixels: toModelPixels(m.image), source: `${g.dataset} test image #${set!.indices[g.index]}`, conversion: `As the dataset has it${m.inverted ? ', inverted' : ''}` });
  }, [view.gallery, gallery, view.invert, score]);

  const refs = useMemo(() => {
    if (!reference || !model) return null;
    const L = model.numStages;
    const names = [...Array.from({ length: L + 1 }, (_, k) => `L>${k}`), ...Array.from({ length: L }, (_, k) => `LLR>${k + 1}`)];
    return new Map(names.filter((n) => reference.scores[n]).map((n) => [n, new ScoreReference(n, reference.scores[n]!)]));
  }, [reference, model]);

  const values = useMemo(() => {
    if (!result) return null;
    const out: Record<string, number> = {};
    result.scores.bounds.forEach((v, k) => (out[`L>${k}`] = v));
    result.scores.ratios.forEach((v, k) => {
      if (k > 0) out[`LLR>${k}`] = v;
    });
    return out;
  }, [result]);

  // The paper's selection of k: OOD if any LLR>k passes its threshold; it rests on the most extreme one.
  const decision: Verdict | null = useMemo(() => {
    if (!refs || !values) return null;
    const llr = [...refs.values()].filter((r) => r.scoreName.startsWith('LLR'));
    return llr.length ? verdict(values, llr, view.fpr) : null;
  }, [refs, values, view.fpr]);

  // The per-example choice of k (src/ood/perExampleK.ts) on the same reference, and LLR>1 alone.
  const perExampleRule = useMemo(() => (reference ? new PerExampleK(reference.scores) : null), [reference]);
  const perExample = useMemo(() => {
    if (!perExampleRule || !values) return null;
    const choice = perExampleRule.choose(values);
    const threshold = perExampleRule.threshold(view.fpr);
    return { ...choice, threshold, ood: choice.score > threshold };
  }, [perExampleRule, values, view.fpr]);
  const fixedK = decision?.evidence.find((e) => e.scoreName === 'LLR>1') ?? null;

  const newPriorSamples = useCallback(() => {
    const client = clientRef.current;
    if (!client) return;
    void client.samplePrior(8, Math.floor(Math.random() * 1e9), view.lowerLatents).then(setPriorSamples);
  }, [view.lowerLatents]);

  useEffect(() => {
    if (model && figureVisible) newPriorSamples();
  }, [model, newPriorSamples, figureVisible]);

  // Figure 1 rows for a few test images of the training set and of the other dataset.
  useEffect(() => {
    const client = clientRef.current;
    if (!client || !model || gallery.length === 0 || !figureVisible) return;
    let cancelled = false;
    const trainedOn = String(model.meta.dataset ?? '');
    const picks = gallery
      .filter((g) => g.dataset === trainedOn || g.dataset === (trainedOn === 'mnist' ? 'fashionmnist' : 'mnist'))
      .flatMap((g) => [0, 1].map((i) => ({ label: `${g.dataset} #${g.indices[i]}`, pixels: toModelPixels(g.images[i]!) })));
    void Promise.all(picks.map((p) => client.score(p.pixels, settings, true, true).then((r) => ({ ...p, reconstructions: r.scores.reconstructions })))).then(
      (rows) => {
        if (!cancelled) setGalleryRows(rows);
      },
      (e: Error) => setMessage(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [model, gallery, settings, figureVisible]);

  // ?bench: latency figures for npm run bench:browser, measured through the same worker the page uses.
  useEffect(() => {
    const client = clientRef.current;
    if (!client || !model || !location.search.includes('bench') || gallery.length === 0) return;
    const images = gallery.flatMap((g) => g.images.slice(0, 4)).map((g) => toModelPixels(g));
    (window as unknown as { hvaeBench?: unknown }).hvaeBench = async (n: number) => {
      const full: number[] = [];
      const row: number[] = [];
      const grid: number[] = [];
      for (let i = 0; i < n; i++) {
        let t = performance.now();
        await client.score(images[i % images.length]!, { samples: 1, lowerLatents: 'mode', seed: 1 }, false);
        full.push(performance.now() - t);
        t = performance.now();
        await client.score(images[i % images.length]!, { samples: 1, lowerLatents: 'mode', seed: 1 }, true);
        row.push(performance.now() - t);
        t = performance.now();
        await Promise.all(images.slice(0, 4).map((img) => client.score(img, { samples: 1, lowerLatents: 'mode', seed: 1 }, true)));
        grid.push(performance.now() - t);
      }
      return { full, row, grid };
    };
  }, [model, gallery]);

  const dims = model?.dims ?? 784;
  const L = model?.numStages ?? 0;

  const status = `${backendLine}${result ? ` · last scoring ${result.ms.toFixed(0)} ms on ${result.backend}` : msPerScore !== null ? ` · ${msPerScore.toFixed(0)} ms per scoring` : ''}`;

  return (
    <div className="playground">
      <PlaygroundSettings models={models} localModels={localModels} ownConversion={own.conversion} status={status} />

      {message && (
        <p className="message" role="alert">
          {message}
        </p>
      )}

      <div className="instrument">
        <section className="instrument__pad" aria-label="Input">
          <DrawingPad
            ref={padRef}
            size="100%"
            onDraw={(img, final) => convertAndScore({ image: img, source: final ? 'your drawing' : 'your drawing (live)', upload: false })}
            note={padNote(conversion, own.conversion, view.conversion === 'model')}
          />
        </section>

        <section className={`verdict-area${decision && input ? (decision.ood ? ' ood' : ' in') : ''}`} aria-live="polite" data-testid="verdict">
          {decision && input ? (
            <>
              <p className="verdict__word">{decision.ood ? 'Out of distribution' : 'In distribution'}</p>
              <p className="verdict__detail">
                Decided by {decision.decisive.scoreName} = {decision.decisive.value.toFixed(1)} nats: percentile {(decision.decisive.percentile * 100).toFixed(1)} of
                the {entry?.dataset} test set (p = {decision.decisive.pValue.toFixed(3)}; threshold at FPR {view.fpr * 100}%)
              </p>
              {perExample && fixedK && (
                <p className="verdict__detail" data-testid="verdict-rules">
                  <span data-rule="per-example" data-ood={perExample.ood}>
                    Per-example k: {perExample.scoreName} at percentile {(perExample.score * 100).toFixed(1)}, threshold {(perExample.threshold * 100).toFixed(1)} for
                    FPR {view.fpr * 100}% over all k: {perExample.ood ? 'out' : 'in'}.
                  </span>{' '}
                  <span data-rule="fixed-k" data-ood={fixedK.exceeds}>
                    Fixed k = 1: LLR&gt;1 at percentile {(fixedK.percentile * 100).toFixed(1)}: {fixedK.exceeds ? 'out' : 'in'}.
                  </span>
                </p>
              )}
            </>
          ) : (
            <p className="verdict__detail">{input ? 'Scoring…' : 'Draw a digit, upload an image or pick one from the gallery.'}</p>
          )}
        </section>

        {result && (
          <section className="instrument__scores" aria-label="Scores">
            <table data-testid="scores" data-source={result.source}>
              <caption>
                S = {view.samples}
                {view.deterministic ? ', deterministic' : ''}; larger LLR = more out-of-distribution
              </caption>
              <thead>
                <tr>
                  <th scope="col">k</th>
                  <th scope="col">L&gt;k nats</th>
                  <th scope="col">bits/dim</th>
                  <th scope="col">LLR&gt;k nats</th>
                  <th scope="col">LLR&gt;k percentile</th>
                </tr>
              </thead>
              <tbody>
                {result.scores.bounds.map((b, k) => {
                  const r = refs?.get(`LLR>${k}`);
                  const llr = result.scores.ratios[k]!;
                  return (
                    <tr key={k} className={decision?.decisive.scoreName === `LLR>${k}` ? 'decisive' : undefined}>
                      <th scope="row">{k === 0 ? '0 (ELBO)' : k}</th>
                      <td data-score={`L>${k}`} data-nats={b}>
                        {b.toFixed(2)}
                      </td>
                      <td>{bitsPerDim(b, dims).toFixed(4)}</td>
                      <td data-score={k === 0 ? undefined : `LLR>${k}`} data-nats={k === 0 ? undefined : llr}>
                        {k === 0 ? '—' : llr.toFixed(2)}
                      </td>
                      <td>{k > 0 && r ? `${(r.percentile(r.oodScoreOf(llr)) * 100).toFixed(1)}%` : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {result.scores.boundsBelow.some((b) => b !== null) && (
              <table data-testid="bounds-below">
                <caption>Appendix E: latents of stages ≥ l from the prior, below l from q (L&lt;{numStages + 1} is the ELBO)</caption>
                <thead>
                  <tr>
                    <th scope="col">l</th>
                    <th scope="col">L&lt;l nats</th>
                    <th scope="col">bits/dim</th>
                    <th scope="col">L&lt;l − ELBO nats</th>
                  </tr>
                </thead>
                <tbody>
                  {result.scores.boundsBelow.map((b, l) =>
                    b === null ? null : (
                      <tr key={l}>
                        <th scope="row">{l}</th>
                        <td data-score={`L<${l}`} data-nats={b}>
                          {b.toFixed(2)}
                        </td>
                        <td>{bitsPerDim(b, dims).toFixed(4)}</td>
                        <td data-score={`LLR>0<${l}`} data-nats={b - result.scores.bounds[0]!}>
                          {(b - result.scores.bounds[0]!).toFixed(2)}
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            )}
            {model && (
              <BaselineScores
                key={`${view.model}|${view.backend}`}
                pixels={result.pixels}
                height={model.config.inputShape[0]}
                width={model.config.inputShape[1]}
                elbo={result.scores.bounds[0]!}
                reference={reference}
                client={clientRef.current}
              />
            )}
          </section>
        )}

        {result && (
          <section className="instrument__kl" aria-label="KL per latent">
            <KlBars values={result.scores.klPerLayer} labels={model?.latentNames} width={360} title="KL per latent of this image (nats)" />
          </section>
        )}

        <section className="instrument__recon" aria-label="Reconstructions of this image across k">
          {result && input ? (
            <ImageStrip
              images={[input.pixels, ...result.scores.reconstructions]}
              labels={['input', ...result.scores.reconstructions.map((_, k) => `k = ${k}`)]}
              size={112}
              caption={`Reconstructions across k (Figure 1): the lowest k latents from the prior, k = 0 the ordinary reconstruction, k = ${L} only the top latent's`}
            />
          ) : (
            <p className="note">The reconstructions of your image across k appear here.</p>
          )}
        </section>

        <section className="instrument__upload" aria-label="Upload">
          <ImageInput
            onImage={(img, name) => convertAndScore({ image: img, source: name, upload: true })}
            onError={(msg) => setMessage(msg)}
            conversionNote={
              `Uploads are converted as ${CONVERSIONS[conversion].dataset} was made${conversion === own.conversion ? " (the model's own conversion)" : ''}: ` +
              `${CONVERSIONS[conversion].steps}. ${view.alwaysConvert ? 'Pictures of 28×28 are converted too.' : 'A picture that is already 28×28 is taken as it is.'}`
            }
          />
          {input && (
            <div className="seen">
              <ModelInputView image={input.pixels} size={112} caption={`What the model sees: ${input.source}`} conversion={input.conversion} />
            </div>
          )}
        </section>
      </div>

      {refs && values && reference && (
        <section className="densities" aria-label="Scores on the in-distribution reference">
          <h2>Where this image falls on the {entry?.dataset} test set</h2>
          {reference.importance_samples !== view.samples && (
            <p className="note">The reference was computed with S = {reference.importance_samples}; run npm run eval with --samples {view.samples} to ship one for S = {view.samples}.</p>
          )}
          <div className="density-grid">
            {[...refs.values()].map((r) => (
              <ScoreDensity
                key={r.scoreName}
                scoreName={r.scoreName}
                reference={reference.scores[r.scoreName]!}
                value={values[r.scoreName]}
                threshold={oodScoreSign(r.scoreName) * r.thresholdAtFpr(view.fpr)}
                unit="nats"
                dims={dims}
                compareWith={oodCompare?.scores[r.scoreName] ? { label: `${oodCompare.dataset} test`, values: oodCompare.scores[r.scoreName]! } : undefined}
              />
            ))}
          </div>
        </section>
      )}

      <section className="reconstructions" aria-label="Reconstructions across k" ref={figureRef}>
        <h2>Reconstructions across k of test images (the paper&apos;s Figure 1)</h2>
        <p>
          Column k takes the lowest k latents from the conditional prior instead of the posterior. k = 0 is the ordinary reconstruction; at k = {L} only the
          top latent&apos;s prior is left.
        </p>
        {galleryRows.map((row) => (
          <ImageStrip key={row.label} images={[row.pixels, ...row.reconstructions]} labels={['input', ...row.reconstructions.map((_, k) => `k = ${k}`)]} caption={row.label} />
        ))}
        {priorSamples.length > 0 && <ImageStrip images={priorSamples} labels={priorSamples.map((_, i) => `sample ${i + 1}`)} caption="Samples from the prior" />}
        <button type="button" className="inputs-button" onClick={newPriorSamples} disabled={!model}>
          New prior samples
        </button>
      </section>

      <section className="gallery" aria-label="Gallery">
        <h2>Gallery: test images of each dataset</h2>
        {gallery.map((set) => (
          <div key={set.dataset} className="gallery-row">
            <h3>{set.dataset}</h3>
            <div className="gallery-images">
              {set.images.slice(0, 12).map((img, i) => (
                <button
                  key={i}
                  type="button"
                  className={view.gallery?.dataset === set.dataset && view.gallery.index === i ? 'picked' : undefined}
                  aria-label={`${set.dataset} test image ${set.indices[i]}`}
                  onClick={() => {
                    padRef.current?.clear();
                    view.set({ gallery: { dataset: set.dataset, index: i } });
                  }}
                >
                  <ModelInputView image={img} size={56} />
                </button>
              ))}
            </div>
          </div>
        ))}
      </section>

      <section className="about" aria-label="About">
        <h2>What this measures</h2>
        <Lede />
      </section>
    </div>
  );
}

/** What the pad does with a drawing for this model, and why. */
function padNote(conversion: ConversionName, own: ConversionName, isOwn: boolean): string {
  const made = `Drawings are converted as ${CONVERSIONS[conversion].dataset} was made`;
  if (!isOwn) return `${made}, as chosen in the settings (this model's own conversion is ${CONVERSIONS[own].dataset}'s).`;
  if (conversion === 'fashionmnist') {
    return (
      `${made}, this model's own conversion: trimmed to what you draw, longest side 28 px, centred. A digit drawn for this FashionMNIST model is the ` +
      "paper's demonstration; framed as the model's garments are framed, an out-of-distribution verdict rests on the digit, not on its framing. " +
      "Choose MNIST's conversion to frame it as the MNIST test digits are."
    );
  }
  return `${made}, this model's own conversion: ink box 20 px, centre of mass at the centre, so a digit drawn here is framed as the MNIST test digits are.`;
}
