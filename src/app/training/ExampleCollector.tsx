/**
 * Collect mode: draw examples on the pad or upload images (picker, drop, paste), each converted
 * to 28x28 as the playground converts its input; see them all in a grid and delete bad ones.
 * Every change is stored at once (IndexedDB), so a reload keeps the collection.
 */
import { useLayoutEffect, useRef } from 'react';
import { PreprocessError, preprocessImage, type RgbaImage } from '../../data/preprocess.ts';
import { DrawingPad, type DrawingPadHandle } from '../components/DrawingPad.tsx';
import { ImageInput } from '../components/ImageInput.tsx';
import { ModelInputView } from '../components/ModelInputView.tsx';
import { addExample, clearExamples, deleteExample, type Example } from './localExamples.ts';

export interface ExampleCollectorProps {
  examples: Example[];
  onChange: (examples: Example[]) => void;
  /** One sentence for the page's message line. */
  onMessage: (message: string | null) => void;
  disabled?: boolean;
}

export function ExampleCollector({ examples, onChange, onMessage, disabled = false }: ExampleCollectorProps) {
  const padRef = useRef<DrawingPadHandle>(null);
  const drawing = useRef<RgbaImage | null>(null);
  const latest = useRef(examples);
  useLayoutEffect(() => {
    latest.current = examples;
  });

  const add = async (img: RgbaImage, source: string) => {
    try {
      const m = preprocessImage(img, { invert: 'auto' });
      if (m.empty) {
        onMessage(`${source} has no ink to learn from: nothing was added`);
        return false;
      }
      const ex = await addExample(m.image, source);
      onChange([...latest.current, ex]);
      onMessage(null);
      return true;
    } catch (e) {
      onMessage(e instanceof PreprocessError ? `${source}: ${e.message}` : `${source} could not be added: ${(e as Error).message}`);
      return false;
    }
  };

  const addDrawing = async () => {
    if (!drawing.current) {
      onMessage('Draw something on the pad first.');
      return;
    }
    if (await add(drawing.current, 'drawing')) {
      padRef.current?.clear();
      drawing.current = null;
    }
  };

  const remove = async (id: number) => {
    try {
      await deleteExample(id);
      onChange(latest.current.filter((e) => e.id !== id));
    } catch (e) {
      onMessage((e as Error).message);
    }
  };

  const removeAll = async () => {
    if (!window.confirm(`Delete all ${examples.length} examples? This cannot be undone.`)) return;
    try {
      await clearExamples();
      onChange([]);
    } catch (e) {
      onMessage((e as Error).message);
    }
  };

  return (
    <div className="collector">
      <div className="collector-inputs">
        <div>
          <DrawingPad ref={padRef} size={200} onDraw={(img) => (drawing.current = img)} />
          <button type="button" onClick={() => void addDrawing()} disabled={disabled}>
            Add drawing to examples
          </button>
        </div>
        <ImageInput onImage={(img, name) => void add(img, name)} onError={(msg) => onMessage(msg)} />
      </div>
      <p data-testid="example-count">
        {examples.length === 1 ? '1 example' : `${examples.length} examples`}
        {examples.length > 0 && (
          <>
            {' '}
            <button type="button" onClick={() => void removeAll()} disabled={disabled}>
              Delete all
            </button>
          </>
        )}
      </p>
      <ul className="example-grid" aria-label="Your examples">
        {examples.map((ex, i) => (
          <li key={ex.id}>
            <ModelInputView image={ex.image} size={56} alt={`Example ${i + 1} (${ex.source})`} />
            <button type="button" onClick={() => void remove(ex.id)} disabled={disabled} aria-label={`Delete example ${i + 1} (${ex.source})`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
