/**
 * The app's state, mirrored in the URL hash so that a link reproduces the view: the page, and
 * the playground's model, backend, importance samples S, false-positive rate, lower-latent mode,
 * deterministic scoring, the Appendix E bounds L<l, inversion, the conversion of uploads and
 * drawings (and whether 28x28 pictures are converted too) and the chosen gallery image; the lecture's slide and whether
 * this window is the presenter view.
 */
import { create } from 'zustand';
import { isBackendName, type BackendChoice } from '../backend/backendNames.ts';
import { isConversionName, type ConversionName } from '../data/conversions.ts';
import type { LowerLatents } from '../hvae/hierarchicalVae.ts';

export type InvertChoice = 'auto' | 'on' | 'off';
/** 'model': the conversion of the model's training set; otherwise the one chosen. */
export type ConversionChoice = 'model' | ConversionName;

/** The pages, in the order of the navigation bar; the first is the default. */
export const PAGES = ['play', 'eval', 'lecture', 'train'] as const;
export type PageName = (typeof PAGES)[number];
const isPage = (v: string | null): v is PageName => (PAGES as readonly (string | null)[]).includes(v);

export interface GalleryPick {
  dataset: string;
  index: number;
}

export interface ViewState {
  page: PageName;
  model: string | null;
  backend: BackendChoice;
  samples: number;
  fpr: number;
  lowerLatents: LowerLatents;
  deterministic: boolean;
  /** Also compute L<l for every l (the paper's Appendix E): one more pass per l. */
  boundsBelow: boolean;
  invert: InvertChoice;
  conversion: ConversionChoice;
  /** Convert pictures that are already 28x28 too, instead of taking them as they are. */
  alwaysConvert: boolean;
  gallery: GalleryPick | null;
  /** The lecture's slide, from 1. */
  slide: number;
  /** This window shows the lecture's presenter view (notes, next slide, timer). */
  presenter: boolean;
}

interface Actions {
  set: (patch: Partial<ViewState>) => void;
}

export const SAMPLE_CHOICES = [1, 10, 100] as const;
export const DEFAULT_VIEW: ViewState = {
  page: 'play',
  model: null,
  backend: 'auto',
  samples: 1,
  fpr: 0.05,
  lowerLatents: 'mode',
  deterministic: false,
  boundsBelow: false,
  invert: 'auto',
  conversion: 'model',
  alwaysConvert: false,
  gallery: null,
  slide: 1,
  presenter: false,
};

export function parseHash(hash: string): Partial<ViewState> {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const out: Partial<ViewState> = {};
  const page = p.get('page');
  if (isPage(page)) out.page = page;
  const model = p.get('model');
  if (model) out.model = model;
  const backend = p.get('backend');
  if (backend === 'auto' || isBackendName(backend)) out.backend = backend;
  const s = Number(p.get('S'));
  if (Number.isInteger(s) && s >= 1 && s <= 1000) out.samples = s;
  const fpr = Number(p.get('fpr'));
  if (p.has('fpr') && fpr > 0 && fpr < 1) out.fpr = fpr;
  const lower = p.get('lower');
  if (lower === 'mode' || lower === 'sample') out.lowerLatents = lower;
  if (p.has('det')) out.deterministic = p.get('det') === '1';
  if (p.has('below')) out.boundsBelow = p.get('below') === '1';
  const inv = p.get('invert');
  if (inv === 'auto' || inv === 'on' || inv === 'off') out.invert = inv;
  const conv = p.get('conv');
  if (conv === 'model' || isConversionName(conv)) out.conversion = conv;
  if (p.has('convert28')) out.alwaysConvert = p.get('convert28') === '1';
  const img = p.get('img');
  const m = img ? /^([a-z-]+):(\d+)$/.exec(img) : null;
  if (m) out.gallery = { dataset: m[1]!, index: Number(m[2]) };
  const slide = Number(p.get('slide'));
  if (Number.isInteger(slide) && slide >= 1) out.slide = slide;
  if (p.has('presenter')) out.presenter = p.get('presenter') === '1';
  return out;
}

export function toHash(v: ViewState): string {
  const p = new URLSearchParams();
  if (v.page !== DEFAULT_VIEW.page) p.set('page', v.page);
  if (v.model) p.set('model', v.model);
  if (v.backend !== DEFAULT_VIEW.backend) p.set('backend', v.backend);
  if (v.samples !== DEFAULT_VIEW.samples) p.set('S', String(v.samples));
  if (v.fpr !== DEFAULT_VIEW.fpr) p.set('fpr', String(v.fpr));
  if (v.lowerLatents !== DEFAULT_VIEW.lowerLatents) p.set('lower', v.lowerLatents);
  if (v.deterministic) p.set('det', '1');
  if (v.boundsBelow) p.set('below', '1');
  if (v.invert !== DEFAULT_VIEW.invert) p.set('invert', v.invert);
  if (v.conversion !== DEFAULT_VIEW.conversion) p.set('conv', v.conversion);
  if (v.alwaysConvert) p.set('convert28', '1');
  if (v.gallery) p.set('img', `${v.gallery.dataset}:${v.gallery.index}`);
  if (v.slide !== DEFAULT_VIEW.slide) p.set('slide', String(v.slide));
  if (v.presenter) p.set('presenter', '1');
  return p.toString();
}

export const useView = create<ViewState & Actions>((set) => ({
  ...DEFAULT_VIEW,
  ...(typeof location === 'undefined' ? {} : parseHash(location.hash)),
  set: (patch) => set(patch),
}));

/** Keeps the hash in step with the store (replaceState: settings are not history entries). */
export function syncHashWithStore(): () => void {
  const unsub = useView.subscribe((v) => {
    const h = toHash(v);
    if (location.hash.replace(/^#/, '') !== h) history.replaceState(null, '', h ? `#${h}` : location.pathname + location.search);
  });
  const onHash = () => useView.getState().set({ ...DEFAULT_VIEW, ...parseHash(location.hash) });
  window.addEventListener('hashchange', onHash);
  return () => {
    unsub();
    window.removeEventListener('hashchange', onHash);
  };
}
