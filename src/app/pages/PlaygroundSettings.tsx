/**
 * The playground's settings: the model and the false-positive rate in a compact bar, the rest
 * (lower-latent mode, deterministic scores, backend, S, how pictures are converted) folded under
 * "More settings", one click away. On a phone the whole bar is a drawer behind one button. Every
 * setting lives in the URL (store.ts), so a link reproduces the view whatever is folded.
 */
import { useId, useState } from 'react';
import { BACKENDS, type BackendChoice } from '../../backend/backendNames.ts';
import { CONVERSION_NAMES, CONVERSIONS, type ConversionName } from '../../data/conversions.ts';
import type { LowerLatents } from '../../hvae/hierarchicalVae.ts';
import type { ModelEntry } from '../assets.ts';
import { localKey, type LocalModelSummary } from '../localModels.ts';
import { DEFAULT_VIEW, SAMPLE_CHOICES, useView, type ConversionChoice, type InvertChoice } from '../store.ts';
import { NumberChoice } from '../components/NumberChoice.tsx';

export const FPR_CHOICES = [0.01, 0.05, 0.1] as const;

export interface PlaygroundSettingsProps {
  models: ModelEntry[] | null;
  localModels: LocalModelSummary[];
  /** The conversion of the current model's training set. */
  ownConversion: ConversionName;
  /** Which backend runs, and how fast. */
  status: string;
}

export function PlaygroundSettings({ models, localModels, ownConversion, status }: PlaygroundSettingsProps) {
  const view = useView();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const bodyId = useId();
  // A link that changes an advanced setting opens with it unfolded (only on load: folding stays the user's).
  const [advancedOpenAtLoad] = useState(
    () =>
    view.samples !== DEFAULT_VIEW.samples ||
    view.lowerLatents !== DEFAULT_VIEW.lowerLatents ||
    view.deterministic !== DEFAULT_VIEW.deterministic ||
    view.backend !== DEFAULT_VIEW.backend ||
    view.invert !== DEFAULT_VIEW.invert ||
    view.conversion !== DEFAULT_VIEW.conversion ||
    view.alwaysConvert !== DEFAULT_VIEW.alwaysConvert,
  );
  return (
    <section className="settings" aria-label="Settings">
      <button type="button" className="settings__drawer inputs-button" aria-expanded={drawerOpen} aria-controls={bodyId} onClick={() => setDrawerOpen(!drawerOpen)}>
        Settings
      </button>
      <p className="settings__status" data-testid="backend" title={status}>
        {status}
      </p>
      <div className="settings__body" id={bodyId} data-open={drawerOpen || undefined}>
        <label>
          Model{' '}
          <select value={view.model ?? ''} onChange={(e) => view.set({ model: e.target.value })} disabled={!models?.length && !localModels.length}>
            {models?.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
                {m.dataset ? ` (trained on ${m.dataset})` : ''}
              </option>
            ))}
            {localModels.length > 0 && (
              <optgroup label="Kept in this browser (Train page)">
                {localModels.map((m) => (
                  <option key={m.name} value={localKey(m.name)}>
                    {m.name} (trained on {m.dataset})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <NumberChoice label="False-positive rate" value={view.fpr} choices={FPR_CHOICES} onChange={(fpr) => view.set({ fpr })} format={(f) => `${f * 100}%`} />
        <details className="settings__advanced" open={advancedOpenAtLoad || undefined}>
          <summary>More settings</summary>
          <div className="settings__advanced-body">
            <NumberChoice label="Importance samples S" value={view.samples} choices={SAMPLE_CHOICES} onChange={(samples) => view.set({ samples })} />
            <label>
              Lower latents{' '}
              <select value={view.lowerLatents} onChange={(e) => view.set({ lowerLatents: e.target.value as LowerLatents })}>
                <option value="mode">conditional prior mean</option>
                <option value="sample">sampled</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={view.deterministic} onChange={(e) => view.set({ deterministic: e.target.checked })} /> Deterministic (all
              latents at their means)
            </label>
            <label>
              <input type="checkbox" checked={view.boundsBelow} onChange={(e) => view.set({ boundsBelow: e.target.checked })} /> Appendix E bounds L&lt;l
              (top latents from the prior; one more pass each)
            </label>
            <label>
              Backend{' '}
              <select value={view.backend} onChange={(e) => view.set({ backend: e.target.value as BackendChoice })}>
                <option value="auto">fastest available</option>
                {BACKENDS.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Invert{' '}
              <select value={view.invert} onChange={(e) => view.set({ invert: e.target.value as InvertChoice })}>
                <option value="auto">automatic</option>
                <option value="on">always</option>
                <option value="off">never</option>
              </select>
            </label>
            <label>
              Convert pictures as{' '}
              <select value={view.conversion} onChange={(e) => view.set({ conversion: e.target.value as ConversionChoice })}>
                <option value="model">the model&apos;s dataset was made ({CONVERSIONS[ownConversion].dataset})</option>
                {CONVERSION_NAMES.map((c) => (
                  <option key={c} value={c}>
                    {CONVERSIONS[c].dataset} was made
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input type="checkbox" checked={view.alwaysConvert} onChange={(e) => view.set({ alwaysConvert: e.target.checked })} /> Convert 28×28
              pictures too
            </label>
          </div>
        </details>
      </div>
    </section>
  );
}
