/**
 * The Train page: fine-tune a shipped or saved model, or train a new small one, on a shipped
 * subset of FashionMNIST or MNIST or on the user's own drawings and uploads, in a worker; watch
 * the ELBO, the KL per latent layer and the held-out AUROC of every score change epoch by epoch.
 * The trained model is kept in the browser, appears in the playground, and exports as a file.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { CONFIGS } from '../../hvae/config.ts';
import type { TrainingSetEntry } from '../../data/trainingSets.ts';
import { IMAGE_PIXELS } from '../../data/imageSet.ts';
import type { HeldOutSets, TrainData, TrainSettings, TrainStart } from '../../workers/protocol.ts';
import { fetchModelIndex, modelUrl, type ModelEntry } from '../assets.ts';
import { isLocalModel, listLocalModels, loadLocalModel, localKey, localName, type LocalModelSummary } from '../localModels.ts';
import { useView } from '../store.ts';
import { ModelInputView } from '../components/ModelInputView.tsx';
import { NumberChoice } from '../components/NumberChoice.tsx';
import { ExampleCollector } from '../training/ExampleCollector.tsx';
import { listExamples, type Example } from '../training/localExamples.ts';
import { SavedModels, downloadModel } from '../training/SavedModels.tsx';
import { TrainingCharts } from '../training/TrainingCharts.tsx';
import { fetchTrainingIndex, fetchTrainingSet } from '../training/trainingAssets.ts';
import { useTrainingRun } from '../training/trainingRun.ts';
import { installTrainBench } from '../training/trainBench.ts';
import './train.css';

type DataChoice = 'fashionmnist' | 'mnist' | 'custom';

const DATA_LABELS: Record<DataChoice, string> = {
  fashionmnist: 'FashionMNIST training images (shipped)',
  mnist: 'MNIST training images (shipped)',
  custom: 'Your examples (draw or upload)',
};
const LIMITS = [64, 256, 500, 1000, 2000] as const;
/** New models: the configurations a browser trains in minutes (the paper's full one and the 3.4 M-parameter BIVA are left out). */
const NEW_CONFIGS = ['tiny-grey', 'small2-grey', 'small-grey', 'biva-tiny-grey'] as const;
/** Of the user's examples, every HOLD_OUT_EVERY-th is held out for the AUROC, once there are enough. */
const HOLD_OUT_EVERY = 5;
const MIN_FOR_HOLD_OUT = 10;
const MIN_EXAMPLES = 4;
const PREVIEW = 40;

const DEFAULT_SETTINGS: TrainSettings = { epochs: 3, batchSize: 32, learningRate: 1e-3, freeBits: 2, warmupEpochs: 0, clipNorm: 0, seed: 1 };

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '…';
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A number field that reports only valid values; what is typed stays visible while it is invalid. */
function NumberField(props: { label: string; value: number; min: number; max: number; step: number | 'any'; onChange: (v: number) => void; disabled: boolean; hint?: string }) {
  const [text, setText] = useState(String(props.value));
  useEffect(() => setText(String(props.value)), [props.value]);
  const n = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(n) && n >= props.min && n <= props.max;
  const noteId = useId();
  return (
    <span className="field">
      <label>
        {props.label}{' '}
        <input
          type="number"
          value={text}
          min={props.min}
          max={props.max}
          step={props.step}
          disabled={props.disabled}
          aria-invalid={!valid}
          aria-describedby={props.hint || !valid ? noteId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            const v = Number(e.target.value);
            if (e.target.value.trim() !== '' && Number.isFinite(v) && v >= props.min && v <= props.max) props.onChange(v);
          }}
        />
      </label>
      {(props.hint || !valid) && (
        <span id={noteId} className={valid ? 'hint' : 'field-error'}>
          {valid ? props.hint : `a number from ${props.min} to ${props.max}`}
        </span>
      )}
    </span>
  );
}

interface Prepared {
  data: TrainData;
  heldOut: HeldOutSets | null;
  /** Why there is no held-out AUROC, when there is none. */
  noHeldOut: string | null;
}

export function Train() {
  const backend = useView((v) => v.backend);
  const run = useTrainingRun();
  const [shipped, setShipped] = useState<ModelEntry[]>([]);
  const [saved, setSaved] = useState<LocalModelSummary[]>([]);
  const [sets, setSets] = useState<TrainingSetEntry[]>([]);
  const [from, setFrom] = useState<string>(`new:${NEW_CONFIGS[0]}`);
  const [dataChoice, setDataChoice] = useState<DataChoice>('fashionmnist');
  const [limit, setLimit] = useState<number>(500);
  const [oodSet, setOodSet] = useState<string>('mnist');
  const [settings, setSettings] = useState<TrainSettings>(DEFAULT_SETTINGS);
  const [examples, setExamples] = useState<Example[]>([]);
  const [preview, setPreview] = useState<{ images: Float32Array[]; count: number } | null>(null);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const busy = run.phase === 'starting' || run.phase === 'running' || run.phase === 'paused';

  useEffect(() => {
    fetchModelIndex().then(setShipped, (e: Error) => setMessage(e.message));
    fetchTrainingIndex().then(setSets, (e: Error) => setMessage(e.message));
    listExamples().then(setExamples, (e: Error) => setMessage(e.message));
    if (location.search.includes('bench')) installTrainBench();
  }, []);

  useEffect(() => {
    listLocalModels().then(setSaved, () => setSaved([]));
  }, [run.savedVersion]);

  const heldOutSets = useMemo(() => sets.filter((s) => s.role === 'heldOut'), [sets]);
  const oodChoices = heldOutSets.filter((s) => s.dataset !== dataChoice);
  // The OOD set follows the data: the other dataset unless the user picked another valid one.
  useEffect(() => {
    if (dataChoice !== 'custom' && oodSet === dataChoice) setOodSet(dataChoice === 'mnist' ? 'fashionmnist' : 'mnist');
  }, [dataChoice, oodSet]);

  // What training will see: the chosen subset, or the user's examples minus those held out.
  const prepare = useMemo(
    () => async (): Promise<Prepared> => {
      const ood = heldOutSets.find((s) => s.dataset === oodSet);
      const oodLoaded = ood ? await fetchTrainingSet(ood) : null;
      if (dataChoice === 'custom') {
        const held = examples.length >= MIN_FOR_HOLD_OUT ? examples.filter((_, i) => i % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1) : [];
        const train = examples.filter((e) => !held.includes(e));
        const pack = (list: Example[]) => {
          const out = new Float32Array(list.length * IMAGE_PIXELS);
          list.forEach((e, i) => out.set(e.image, i * IMAGE_PIXELS));
          return out;
        };
        const data: TrainData = { images: pack(train), count: train.length, dataset: 'custom', description: `${train.length} of your examples` };
        if (held.length === 0 || !oodLoaded)
          return { data, heldOut: null, noHeldOut: `With ${MIN_FOR_HOLD_OUT} or more examples, one in ${HOLD_OUT_EVERY} is held out to measure the AUROC after each epoch.` };
        return {
          data,
          heldOut: { inName: 'your held-out examples', inImages: pack(held), inCount: held.length, oodName: oodSet, oodImages: oodLoaded.images, oodCount: oodLoaded.entry.count },
          noHeldOut: null,
        };
      }
      const trainEntry = sets.find((s) => s.role === 'train' && s.dataset === dataChoice);
      const inEntry = heldOutSets.find((s) => s.dataset === dataChoice);
      if (!trainEntry) throw new Error(`no shipped training images of ${dataChoice} (train/index.json)`);
      const t = await fetchTrainingSet(trainEntry);
      const count = Math.min(limit, trainEntry.count);
      const data: TrainData = {
        images: t.images.slice(0, count * IMAGE_PIXELS),
        count,
        dataset: dataChoice,
        description: `${count} ${dataChoice} training images`,
      };
      if (!inEntry || !oodLoaded) return { data, heldOut: null, noHeldOut: 'The held-out sets could not be loaded.' };
      const inLoaded = await fetchTrainingSet(inEntry);
      return {
        data,
        heldOut: { inName: `${dataChoice} test`, inImages: inLoaded.images, inCount: inEntry.count, oodName: `${oodSet} test`, oodImages: oodLoaded.images, oodCount: oodLoaded.entry.count },
        noHeldOut: null,
      };
    },
    [dataChoice, examples, limit, oodSet, sets, heldOutSets],
  );

  const [prepared, setPrepared] = useState<Prepared | null>(null);
  useEffect(() => {
    let cancelled = false;
    if (sets.length === 0) return;
    prepare().then(
      (p) => {
        if (cancelled) return;
        setPrepared(p);
        const n = Math.min(PREVIEW, p.data.count);
        setPreview({ count: p.data.count, images: Array.from({ length: n }, (_, i) => p.data.images.slice(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)) });
      },
      (e: Error) => !cancelled && setMessage(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [prepare, sets.length]);

  const startLabel = from.startsWith('new:') ? from.slice(4) : isLocalModel(from) ? localName(from) : from;
  const defaultName = `${startLabel} on ${prepared?.data.description ?? dataChoice}`;

  const start = async () => {
    setMessage(null);
    if (!prepared) return;
    if (prepared.data.count < MIN_EXAMPLES) {
      setMessage(`Training needs at least ${MIN_EXAMPLES} examples; there are ${prepared.data.count}. Draw or upload more.`);
      return;
    }
    let start: TrainStart;
    try {
      if (from.startsWith('new:')) start = { kind: 'scratch', config: CONFIGS[from.slice(4)]! };
      else if (isLocalModel(from)) start = { kind: 'model', name: localName(from), source: { name: localName(from), file: await loadLocalModel(localName(from)) } };
      else start = { kind: 'model', name: from, source: { url: modelUrl(from) } };
    } catch (e) {
      setMessage((e as Error).message);
      return;
    }
    run.start({ backend, from: start, data: prepared.data, heldOut: prepared.heldOut, settings }, name.trim() || defaultName);
  };

  const set = <K extends keyof TrainSettings>(key: K) => (v: TrainSettings[K]) => setSettings((s) => ({ ...s, [key]: v }));
  const progress = run.steps.at(-1);
  const info = run.info;
  const firstLoss = run.steps[0]?.loss;

  return (
    <div className="train">
      <p className="lede-note">
        Train a hierarchical VAE in this tab, in a worker on the fastest backend available, and watch OOD detection emerge: after each epoch the held-out
        in-distribution images and an OOD set are scored, and the AUROC of every LLR&gt;k and of L&gt;0 is drawn.
      </p>
      {message && (
        <p className="message" role="alert">
          {message}
        </p>
      )}

      <section className="controls" aria-label="What to train">
        <label>
          Start from{' '}
          <select value={from} onChange={(e) => setFrom(e.target.value)} disabled={busy}>
            <optgroup label="A new model">
              {NEW_CONFIGS.map((c) => (
                <option key={c} value={`new:${c}`}>
                  new {c}
                </option>
              ))}
            </optgroup>
            {shipped.length > 0 && (
              <optgroup label="Fine-tune a shipped model">
                {shipped.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            )}
            {saved.length > 0 && (
              <optgroup label="Fine-tune a model kept in this browser">
                {saved.map((m) => (
                  <option key={m.name} value={localKey(m.name)}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label>
          Data{' '}
          <select value={dataChoice} onChange={(e) => setDataChoice(e.target.value as DataChoice)} disabled={busy}>
            {(Object.keys(DATA_LABELS) as DataChoice[]).map((d) => (
              <option key={d} value={d}>
                {DATA_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
        {dataChoice !== 'custom' && (
          <NumberChoice label="Images" value={limit} choices={LIMITS} onChange={setLimit} disabled={busy} format={(n) => n.toLocaleString('en')} />
        )}
        <label>
          OOD set for the AUROC{' '}
          <select value={oodSet} onChange={(e) => setOodSet(e.target.value)} disabled={busy}>
            {oodChoices.map((s) => (
              <option key={s.dataset} value={s.dataset}>
                {s.count} {s.dataset} test images
              </option>
            ))}
          </select>
        </label>
      </section>

      {dataChoice === 'custom' && <ExampleCollector examples={examples} onChange={setExamples} onMessage={setMessage} disabled={busy} />}

      <section className="data-preview" aria-label="Training data">
        <h2>Training data</h2>
        {preview && (
          <>
            <p data-testid="data-summary">
              {preview.count.toLocaleString('en')} training images
              {prepared?.heldOut
                ? `; after each epoch, ${prepared.heldOut.inCount} held-out ${prepared.heldOut.inName} images vs ${prepared.heldOut.oodCount} ${prepared.heldOut.oodName} images`
                : `. ${prepared?.noHeldOut ?? ''}`}
            </p>
            {preview.images.length > 0 && (
              <ul className="example-grid" aria-label={`The first ${preview.images.length} training images`}>
                {preview.images.map((img, i) => (
                  <li key={i}>
                    <ModelInputView image={img} size={42} alt={`training image ${i + 1}`} />
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>

      <section className="controls" aria-label="Training settings">
        <NumberField label="Epochs" value={settings.epochs} min={1} max={500} step={1} onChange={set('epochs')} disabled={busy} />
        <NumberField label="Batch size" value={settings.batchSize} min={1} max={512} step={1} onChange={set('batchSize')} disabled={busy} />
        <NumberField label="Learning rate" value={settings.learningRate} min={1e-7} max={100} step="any" onChange={set('learningRate')} disabled={busy} />
        <NumberField label="Free bits (nats)" value={settings.freeBits} min={0} max={100} step="any" onChange={set('freeBits')} disabled={busy} hint="λ/C free for every element of every latent, as in the paper's code; held for half the epochs, then annealed to 0" />
        <NumberField label="KL warm-up (epochs)" value={settings.warmupEpochs} min={0} max={500} step="any" onChange={set('warmupEpochs')} disabled={busy} />
        <NumberField label="Gradient clip (0 = off)" value={settings.clipNorm} min={0} max={1e6} step="any" onChange={set('clipNorm')} disabled={busy} />
        <label>
          Save as <input type="text" value={name} placeholder={defaultName} onChange={(e) => setName(e.target.value)} disabled={busy} size={36} />
        </label>
      </section>

      <section className="run-controls" aria-label="Run">
        <button type="button" onClick={() => void start()} disabled={busy || !prepared}>
          Start training
        </button>
        <button type="button" onClick={() => (run.phase === 'paused' ? run.resume() : run.pause())} disabled={run.phase !== 'running' && run.phase !== 'paused'}>
          {run.phase === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => run.stop()} disabled={!busy || run.phase === 'starting'}>
          Stop
        </button>
        <p className="backend-line" data-testid="train-status" aria-live="polite">
          {run.phase === 'starting' && 'Starting the training worker…'}
          {info &&
            `${run.phase === 'paused' ? 'Paused. ' : run.phase === 'ended' ? '' : 'Training. '}${info.numParams.toLocaleString('en')} parameters, ${info.images} images, batch ${info.batchSize}, on ${info.backend}` +
              (info.tried.some((t) => !t.ok) ? ` (passed over ${info.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error}`).join('; ')})` : '')}
        </p>
        {info && progress && (
          <>
            <progress max={info.epochs * info.batchesPerEpoch} value={progress.step} aria-label="Training progress" />
            <p data-testid="train-progress">
              Epoch {progress.epoch + 1} of {info.epochs}, batch {progress.batch} of {progress.batchesPerEpoch} · {progress.imagesPerSecond.toFixed(1)} images/s
              {run.phase === 'ended' ? '' : ` · about ${formatSeconds(progress.etaSeconds)} left`}
            </p>
            <p data-testid="loss-summary" data-first-loss={firstLoss} data-last-loss={progress.loss}>
              Loss of the first batch {firstLoss?.toFixed(1)} nats, of the latest {progress.loss.toFixed(1)} nats (β = {progress.beta.toFixed(2)}, free bits{' '}
              {progress.freeBits.toFixed(2)} nats)
            </p>
          </>
        )}
        {run.outcome && (
          <p className={run.outcome.kind === 'diverged' || run.outcome.kind === 'error' ? 'message' : 'outcome'} role={run.outcome.kind === 'diverged' || run.outcome.kind === 'error' ? 'alert' : 'status'} data-testid="train-outcome">
            {run.outcome.message}
          </p>
        )}
        {run.result && (
          <div className="result" data-testid="train-result">
            {run.result.save.kind === 'saving' && <p>Saving “{run.result.name}” in this browser…</p>}
            {run.result.save.kind === 'saved' && <p role="status">Saved in this browser as “{run.result.name}”: it is in the playground&apos;s model list.</p>}
            {run.result.save.kind === 'failed' && (
              <p className="message" role="alert">
                {run.result.save.message}
              </p>
            )}
            <button type="button" onClick={() => downloadModel(run.result!.name, run.result!.file)}>
              Export the trained model
            </button>
            {run.result.save.kind === 'failed' && (
              <button type="button" onClick={() => void run.saveResult()}>
                Save again
              </button>
            )}
          </div>
        )}
      </section>

      {info && (
        <section aria-label="Training charts">
          <TrainingCharts steps={run.steps} epochs={run.epochs} numStages={info.numStages} latentNames={info.latentNames} batchesPerEpoch={info.batchesPerEpoch} totalEpochs={info.epochs} dims={info.dims} />
        </section>
      )}

      <SavedModels />
    </div>
  );
}
