/**
 * A 28x28 grey image in [0, 1], drawn pixel for pixel and scaled up with hard edges: what the model
 * sees, with a caption and, optionally, how the picture was converted into it.
 */
import { useEffect, useId, useRef } from 'react';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../../data/imageSet.ts';
import './inputs.css';

export interface ModelInputViewProps {
  /** 28 * 28 values in [0, 1], row-major. */
  image: Float32Array;
  /** Displayed side in CSS pixels. */
  size?: number;
  caption?: string;
  /** Accessible name of the image; defaults to the caption. */
  alt?: string;
  /** How the picture became this image (e.g. which dataset's conversion), shown under the caption. */
  conversion?: string;
}

export function ModelInputView({ image, size = 112, caption, alt, conversion }: ModelInputViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const captionId = useId();

  useEffect(() => {
    canvasRef.current?.getContext('2d')?.putImageData(toImageData(image), 0, 0);
  }, [image]);

  const named = alt !== undefined || caption === undefined;
  return (
    <figure className="model-input-view">
      <canvas
        ref={canvasRef}
        className="model-input-view__canvas"
        width={IMAGE_SIDE}
        height={IMAGE_SIDE}
        style={{ width: size }}
        role="img"
        aria-label={named ? (alt ?? 'What the model sees: a 28 by 28 pixel grey image') : undefined}
        aria-labelledby={named ? undefined : captionId}
      />
      {caption !== undefined && <figcaption id={captionId}>{caption}</figcaption>}
      {conversion !== undefined && (
        <p className="model-input-view__conversion" data-testid="conversion-applied">
          {conversion}
        </p>
      )}
    </figure>
  );
}

function toImageData(image: Float32Array): ImageData {
  if (image.length !== IMAGE_PIXELS) {
    throw new Error(`ModelInputView shows ${IMAGE_SIDE}x${IMAGE_SIDE} images (${IMAGE_PIXELS} values), got ${image.length} values`);
  }
  const rgba = new Uint8ClampedArray(IMAGE_PIXELS * 4);
  for (let i = 0, j = 0; i < IMAGE_PIXELS; i++, j += 4) {
    // Uint8ClampedArray rounds, clamps to [0, 255] and stores NaN as 0.
    const level = image[i]! * 255;
    rgba[j] = level;
    rgba[j + 1] = level;
    rgba[j + 2] = level;
    rgba[j + 3] = 255;
  }
  return new ImageData(rgba, IMAGE_SIDE, IMAGE_SIDE);
}
