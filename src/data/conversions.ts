/**
 * The conversions of a picture into a 28x28 model input, one per way a dataset was made, and the
 * choice among them: a model's uploads and drawings are converted as its training set was made (the
 * dataset registry says how, in datasets.ts); a picture that is already 28x28 is taken as it is.
 */
import { DATASETS, datasetSpec, type DatasetSpec } from './datasets.ts';
import { convertAsFashionMnist } from './fashionMnistConversion.ts';
import { IMAGE_SIDE } from './imageSet.ts';
import { takeAsIs, type InvertOption, type ModelInput, type RgbaImage } from './picture.ts';
import { preprocessImage } from './preprocess.ts';

export const CONVERSION_NAMES = ['mnist', 'fashionmnist'] as const;
export type ConversionName = (typeof CONVERSION_NAMES)[number];

export interface ConversionSpec {
  name: ConversionName;
  /** The dataset's name as its authors write it: "converted as <dataset> was made". */
  dataset: string;
  /** The steps, in a line. */
  steps: string;
  /** Where the steps are described. */
  source: string;
  convert: (image: RgbaImage, options: { invert?: InvertOption }) => ModelInput;
}

export const CONVERSIONS: Record<ConversionName, ConversionSpec> = {
  mnist: {
    name: 'mnist',
    dataset: 'MNIST',
    steps: 'cropped to the ink, longest side scaled to 20 px with anti-aliasing, centre of mass at the centre of 28×28, ink stretched to full intensity',
    source: 'LeCun, Bottou, Bengio & Haffner (1998); the MNIST database’s description',
    convert: preprocessImage,
  },
  fashionmnist: {
    name: 'fashionmnist',
    dataset: 'Fashion-MNIST',
    steps: 'trimmed to the object, longest side subsampled to 28 px, sharpened at outlines, centred in 28×28, intensities negated against the background',
    source: 'Xiao, Rasul & Vollgraf (2017), Fashion-MNIST, section 2',
    convert: convertAsFashionMnist,
  },
};

export function isConversionName(value: unknown): value is ConversionName {
  return (CONVERSION_NAMES as readonly unknown[]).includes(value);
}

/** The conversion the picture got, or 'as-is' for a 28x28 picture taken as it is. */
export type AppliedConversion = ConversionName | 'as-is';

export interface ConvertOptions {
  conversion: ConversionName;
  invert?: InvertOption;
  /** Convert a 28x28 picture too, instead of taking it as it is. */
  alwaysConvert?: boolean;
}

export interface ConvertedPicture extends ModelInput {
  applied: AppliedConversion;
}

/** A picture into what the model sees: taken as it is when already 28x28 (unless alwaysConvert), else converted. */
export function convertPicture(image: RgbaImage, options: ConvertOptions): ConvertedPicture {
  const invert = options.invert ?? 'auto';
  if (!options.alwaysConvert && image.width === IMAGE_SIDE && image.height === IMAGE_SIDE) return { ...takeAsIs(image, { invert }), applied: 'as-is' };
  return { ...CONVERSIONS[options.conversion].convert(image, { invert }), applied: options.conversion };
}

/** One line for the page and the command line: what was done to the picture. */
export function describeApplied(applied: AppliedConversion, inverted: boolean): string {
  const inversion = inverted ? ', inverted' : '';
  if (applied === 'as-is') return `taken as it is (already ${IMAGE_SIDE}×${IMAGE_SIDE})${inversion}`;
  return `converted as ${CONVERSIONS[applied].dataset} was made${inversion}`;
}

/** The conversion of the dataset's own pictures: a derived dataset follows its source; a generated one has none. */
export function datasetConversion(spec: DatasetSpec): ConversionName | null {
  switch (spec.kind) {
    case 'files':
      return spec.conversion;
    case 'derived':
      return datasetConversion(datasetSpec(spec.source));
    case 'generated':
      return null;
  }
}

export interface ModelConversion {
  conversion: ConversionName;
  /** Why this one, in a clause. */
  reason: string;
}

/** The conversion for a model trained on `dataset` (its model.json meta.dataset, its card's trained_on). */
export function conversionForModel(dataset: string | null | undefined): ModelConversion {
  const spec = DATASETS.find((d) => d.name === dataset);
  const own = spec ? datasetConversion(spec) : null;
  if (own) return { conversion: own, reason: `how ${dataset}, the model's training set, was made` };
  // The Train page's own examples are converted as MNIST's, so a model trained on them expects that.
  return { conversion: 'mnist', reason: `the model was trained on ${dataset ? `"${dataset}"` : 'no named dataset'}, not a dataset made from pictures; MNIST's is the conversion the Train page gives your own examples` };
}
