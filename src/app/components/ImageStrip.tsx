/** A row of 28x28 images with a label under each, e.g. reconstructions for k = 0, 1, 2. */
import { ModelInputView } from './ModelInputView.tsx';
import './inputs.css';

export interface ImageStripProps {
  /** Each 28 * 28 values in [0, 1], row-major. */
  images: Float32Array[];
  /** One label per image, shown under it. */
  labels: string[];
  /** Displayed side of each image in CSS pixels. */
  size?: number;
  caption?: string;
}

export function ImageStrip({ images, labels, size = 64, caption }: ImageStripProps) {
  return (
    <figure className="image-strip">
      <div className="image-strip__row">
        {images.map((image, i) => {
          const label = labels[i] || undefined;
          const alt = [caption, label].filter(Boolean).join(': ') || undefined;
          return (
            <ModelInputView
              // The position is the identity: the strip's order (e.g. by k) is fixed.
              key={i}
              image={image}
              size={size}
              caption={label}
              alt={alt}
            />
          );
        })}
      </div>
      {caption !== undefined && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
