/** A row of test images to choose the lecture's current image from; the choice lives in the URL (img=). */
import type { GallerySet } from '../assets.ts';
import { ModelInputView } from '../components/ModelInputView.tsx';
import { useView, type GalleryPick } from '../store.ts';

export interface ImagePickerProps {
  gallery: GallerySet[];
  /** Which images to offer, in order. */
  picks: GalleryPick[];
  current: GalleryPick | null;
  size?: number;
}

export function ImagePicker({ gallery, picks, current, size = 40 }: ImagePickerProps) {
  const set = useView((v) => v.set);
  return (
    <div className="lecture-picker" role="group" aria-label="Current image">
      {picks.map((p) => {
        const g = gallery.find((s) => s.dataset === p.dataset);
        const img = g?.images[p.index];
        if (!img) return null;
        const chosen = current?.dataset === p.dataset && current.index === p.index;
        return (
          <button
            key={`${p.dataset}:${p.index}`}
            type="button"
            aria-pressed={chosen}
            aria-label={`${p.dataset} test image ${g!.indices[p.index]}`}
            onClick={() => set({ gallery: p })}
          >
            <ModelInputView image={img} size={size} />
          </button>
        );
      })}
    </div>
  );
}

/** The first n test images of each of the two datasets, the in-distribution one first. */
export function pairPicks(inDataset: string, other: string, n: number): GalleryPick[] {
  return [inDataset, other].flatMap((dataset) => Array.from({ length: n }, (_, index) => ({ dataset, index })));
}
