/**
 * Takes an image from the file picker, a drop onto the zone, or a paste anywhere on the page, and hands
 * its RGBA pixels to the caller. The bytes decide what the file is, never its name or MIME type, and
 * anything refused only produces onError, so the caller keeps its previous input.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChangeEvent, DragEvent } from 'react';
import { IMAGE_MIME_TYPES, checkImageBytes, fileSizeProblem, pixelCountProblem } from '../../data/imageHeader.ts';
import type { RgbaImage } from '../../data/picture.ts';
import './inputs.css';

export interface ImageInputProps {
  onImage: (image: RgbaImage, name: string) => void;
  /** One sentence naming the file. */
  onError: (message: string) => void;
  /** What is done to an upload before the model sees it, in a sentence. */
  conversionNote?: string;
}

/** Only filters the picker's listing; the bytes are checked whatever is chosen. */
const ACCEPT = Object.values(IMAGE_MIME_TYPES).join(',');

type LoadResult = { ok: true; image: RgbaImage } | { ok: false; message: string };

export function ImageInput({ onImage, onError, conversionNote }: ImageInputProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const callbacks = useRef({ onImage, onError });
  /** Numbers each request so that only the newest one reports, and none after unmounting. */
  const latestRequest = useRef(0);
  const [dragging, setDragging] = useState(false);
  const [reading, setReading] = useState<string | null>(null);

  useLayoutEffect(() => {
    callbacks.current = { onImage, onError };
  });

  const read = useCallback(async (blob: Blob, name: string) => {
    const request = ++latestRequest.current;
    setReading(name);
    const result = await loadImage(blob, name);
    if (request !== latestRequest.current) return;
    setReading(null);
    if (result.ok) callbacks.current.onImage(result.image, name);
    else callbacks.current.onError(result.message);
  }, []);

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = firstFile(e.clipboardData);
      // Text pastes belong to whatever has focus.
      if (!file) return;
      e.preventDefault();
      void read(file, 'pasted image');
    };
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('paste', onPaste);
      latestRequest.current++;
    };
  }, [read]);

  const onChoose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    // Reset so that choosing the same file again is a change too.
    e.currentTarget.value = '';
    if (file) void read(file, file.name);
  };

  // Every drag over the zone is taken, so that dropping a link or text here does not navigate away.
  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  const onDragLeave = (e: DragEvent<HTMLDivElement>) => {
    if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void read(file, file.name);
    else callbacks.current.onError('Nothing to read: drop an image file (PNG, JPEG, WebP, GIF or BMP).');
  };

  return (
    <div
      className={dragging ? 'image-input image-input--dragging' : 'image-input'}
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <p className="image-input__hint">Drop an image here, paste one (Ctrl+V or ⌘V), or choose a file: PNG, JPEG, WebP, GIF or BMP, up to 25 MB.</p>
      {conversionNote && (
        <p className="image-input__hint" data-testid="upload-conversion">
          {conversionNote}
        </p>
      )}
      <button type="button" className="inputs-button" onClick={() => fileInput.current?.click()}>
        Choose an image file…
      </button>
      <input ref={fileInput} type="file" accept={ACCEPT} hidden aria-label="Image file" onChange={onChoose} />
      <p className="image-input__status" role="status">
        {reading !== null && `Reading ${reading}…`}
      </p>
    </div>
  );
}

function firstFile(data: DataTransfer | null): File | null {
  for (const item of data?.items ?? []) {
    if (item.kind === 'file') return item.getAsFile();
  }
  return null;
}

/** Never rejects: every failure becomes a message naming the file. */
async function loadImage(blob: Blob, name: string): Promise<LoadResult> {
  const sizeProblem = fileSizeProblem(name, blob.size);
  if (sizeProblem) return { ok: false, message: sizeProblem };
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await blob.arrayBuffer());
  } catch {
    return { ok: false, message: `${name}: could not read the file.` };
  }
  const check = checkImageBytes(name, bytes);
  if (!check.ok) return check;

  let bitmap: ImageBitmap;
  try {
    // Decodes the bytes that were checked, typed by what they are.
    const typed = new Blob([bytes], { type: IMAGE_MIME_TYPES[check.header.format] });
    bitmap = await createImageBitmap(typed, { imageOrientation: 'from-image' });
  } catch {
    return { ok: false, message: `${name}: could not decode the image; the file is damaged or incomplete.` };
  }
  try {
    const pixelProblem = pixelCountProblem(name, bitmap.width, bitmap.height);
    if (pixelProblem) return { ok: false, message: pixelProblem };
    return { ok: true, image: readPixels(bitmap) };
  } catch (e) {
    return { ok: false, message: `${name}: could not read the decoded pixels (${(e as Error).message}).` };
  } finally {
    bitmap.close();
  }
}

function readPixels(bitmap: ImageBitmap): ImageData {
  const { width, height } = bitmap;
  const ctx = scratchContext(width, height);
  if (!ctx) throw new Error('the browser gave no 2D canvas context');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, width, height);
}

function scratchContext(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null {
  if (typeof OffscreenCanvas !== 'undefined') {
    return new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext('2d', { willReadFrequently: true });
}
