/**
 * A canvas to draw a digit on with mouse, finger or pen: light ink on black, as MNIST's digits are.
 * The pad keeps its history as operations (strokes, clears, loaded images) so Undo can step back
 * through any of them, and it repaints from that history.
 */
import { useEffect, useId, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent, ReactNode, Ref } from 'react';
import type { RgbaImage } from '../../data/picture.ts';
import './inputs.css';

/** Side of the backing store in pixels, whatever the CSS size: the image given to onDraw is always this size. */
export const PAD_PIXELS = 280;
const DEFAULT_BRUSH = 18;
const MIN_BRUSH = 4;
const MAX_BRUSH = 48;
/** Live updates drive a model evaluation each; more often than this would only queue work. */
const EMIT_INTERVAL_MS = 80;
/** Points closer than this (pad pixels) to the previous one add nothing visible. */
const MIN_STEP = 0.75;
/** Loaded images are the heavy entries in the history (PAD_PIXELS^2 * 4 bytes each). */
const MAX_KEPT_IMAGES = 16;
/** The picture is model input, not decoration: light ink on black whatever the page's colour scheme. */
const INK = '#ffffff';
const BACKGROUND = '#000000';

interface Point {
  x: number;
  y: number;
}

interface Stroke {
  kind: 'stroke';
  width: number;
  points: Point[];
}

/** 'clear' and 'image' reset the picture; the strokes after the last reset are drawn over it. */
type PadOperation = Stroke | { kind: 'clear' } | { kind: 'image'; pixels: ImageData };

export interface DrawingPadHandle {
  /** Blanks the pad (Undo brings the picture back). Does not call onDraw: the caller knows. */
  clear(): void;
  /**
   * Shows an image scaled to fit the pad, centred on black; strokes then draw over it, and Undo brings
   * back the previous picture. Does not call onDraw: the caller knows. Pass light ink on dark.
   */
  setImage(image: RgbaImage): void;
}

export interface DrawingPadProps {
  /** Called while drawing (final = false, throttled) and once a stroke ends or Undo or Clear changes the picture (final = true). */
  onDraw: (image: RgbaImage, final: boolean) => void;
  /** Displayed side: CSS pixels, or a CSS length such as '100%' to fill the container. */
  size?: number | string;
  /** Initial brush width in pad pixels (the pad is PAD_PIXELS wide); the slider changes it. */
  brush?: number;
  /** What is done to the drawing before the model sees it, and why; shown under the pad. */
  note?: ReactNode;
  ref?: Ref<DrawingPadHandle>;
}

export function DrawingPad({ onDraw, size = PAD_PIXELS, brush = DEFAULT_BRUSH, note, ref }: DrawingPadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const history = useRef<PadOperation[]>([]);
  const active = useRef<{ pointerId: number; stroke: Stroke } | null>(null);
  const frame = useRef(0);
  const needsPaint = useRef(false);
  const emitPending = useRef(false);
  const lastEmit = useRef(-Infinity);
  const onDrawRef = useRef(onDraw);
  const [brushWidth, setBrushWidth] = useState(() => clampBrush(brush));
  const [summary, setSummary] = useState(() => summarise([]));
  const brushId = useId();
  const noteId = useId();

  useLayoutEffect(() => {
    onDrawRef.current = onDraw;
  });

  const context = () => canvasRef.current?.getContext('2d', { willReadFrequently: true }) ?? null;

  const repaint = () => {
    const ctx = context();
    if (ctx) paint(ctx, history.current);
  };

  const emit = (final: boolean) => {
    const image = context()?.getImageData(0, 0, PAD_PIXELS, PAD_PIXELS);
    if (!image) return;
    lastEmit.current = performance.now();
    onDrawRef.current(image, final);
  };

  const historyChanged = () => {
    repaint();
    setSummary(summarise(history.current));
  };

  const stopFrames = () => {
    cancelAnimationFrame(frame.current);
    frame.current = 0;
    needsPaint.current = false;
    emitPending.current = false;
  };

  // Paint at most once a frame; emit when EMIT_INTERVAL_MS have passed, waiting further frames if not.
  const onFrame = () => {
    frame.current = 0;
    if (needsPaint.current) {
      needsPaint.current = false;
      repaint();
    }
    if (!emitPending.current) return;
    if (performance.now() - lastEmit.current >= EMIT_INTERVAL_MS) {
      emitPending.current = false;
      emit(false);
    } else {
      frame.current = requestAnimationFrame(onFrame);
    }
  };

  const strokeChanged = () => {
    needsPaint.current = true;
    emitPending.current = true;
    if (!frame.current) frame.current = requestAnimationFrame(onFrame);
  };

  const pushClear = (): boolean => {
    active.current = null;
    if (summarise(history.current).blank) return false;
    history.current.push({ kind: 'clear' });
    stopFrames();
    historyChanged();
    return true;
  };

  const clearByUser = () => {
    if (pushClear()) emit(true);
  };

  const undo = () => {
    active.current = null;
    if (history.current.pop() === undefined) return;
    stopFrames();
    historyChanged();
    emit(true);
  };

  useImperativeHandle(ref, () => ({
    clear: pushClear,
    setImage(image: RgbaImage) {
      active.current = null;
      history.current.push({ kind: 'image', pixels: fitToPad(image) });
      dropOldImages(history.current);
      stopFrames();
      historyChanged();
    },
  }));

  // Paints the blank pad once; later paints follow changes to the history.
  useEffect(() => {
    repaint();
    return () => cancelAnimationFrame(frame.current);
  }, []);

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (active.current || e.button !== 0) return;
    const canvas = e.currentTarget;
    canvas.setPointerCapture(e.pointerId);
    const stroke: Stroke = { kind: 'stroke', width: brushWidth, points: [padPoint(canvas, e)] };
    active.current = { pointerId: e.pointerId, stroke };
    history.current.push(stroke);
    strokeChanged();
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const current = active.current;
    if (!current || current.pointerId !== e.pointerId) return;
    const points = current.stroke.points;
    // Coalesced events carry the positions the browser merged into this one event: smoother fast strokes.
    const coalesced = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const sample of coalesced.length > 0 ? coalesced : [e.nativeEvent]) {
      const p = padPoint(e.currentTarget, sample);
      const last = points[points.length - 1]!;
      if (Math.hypot(p.x - last.x, p.y - last.y) >= MIN_STEP) points.push(p);
    }
    strokeChanged();
  };

  const onPointerEnd = (e: PointerEvent<HTMLCanvasElement>) => {
    if (active.current?.pointerId !== e.pointerId) return;
    active.current = null;
    stopFrames();
    historyChanged();
    emit(true);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      undo();
    }
  };

  return (
    // Focusable (not in the tab order) so that Ctrl/Cmd+Z works right after drawing on the canvas.
    <div
      className="drawing-pad"
      style={{ width: size }}
      role="group"
      aria-label="Drawing pad"
      aria-describedby={note ? noteId : undefined}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <canvas
        ref={canvasRef}
        className="drawing-pad__canvas"
        width={PAD_PIXELS}
        height={PAD_PIXELS}
        role="img"
        aria-label={summary.label}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
      />
      <div className="drawing-pad__controls">
        <div className="drawing-pad__brush">
          <label htmlFor={brushId}>Brush width</label>
          <input
            id={brushId}
            type="range"
            min={MIN_BRUSH}
            max={MAX_BRUSH}
            step={1}
            value={brushWidth}
            onChange={(e) => setBrushWidth(clampBrush(e.currentTarget.valueAsNumber))}
          />
          <output htmlFor={brushId}>{brushWidth}</output>
        </div>
        <button type="button" className="inputs-button" onClick={undo} disabled={!summary.undoable} aria-keyshortcuts="Control+Z Meta+Z">
          Undo
        </button>
        <button type="button" className="inputs-button" onClick={clearByUser} disabled={summary.blank}>
          Clear
        </button>
      </div>
      {note && (
        <p id={noteId} className="drawing-pad__note" data-testid="pad-conversion">
          {note}
        </p>
      )}
    </div>
  );
}

function clampBrush(width: number): number {
  return Number.isFinite(width) ? Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(width))) : DEFAULT_BRUSH;
}

/** Client coordinates to backing-store pixels, whatever the displayed size. */
function padPoint(canvas: HTMLCanvasElement, event: { clientX: number; clientY: number }): Point {
  const rect = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - rect.left) * PAD_PIXELS) / rect.width,
    y: ((event.clientY - rect.top) * PAD_PIXELS) / rect.height,
  };
}

function lastResetIndex(history: PadOperation[]): number {
  return history.findLastIndex((op) => op.kind !== 'stroke');
}

interface PadSummary {
  blank: boolean;
  undoable: boolean;
  label: string;
}

function summarise(history: PadOperation[]): PadSummary {
  const start = lastResetIndex(history);
  const loaded = history[start]?.kind === 'image';
  const strokes = history.length - start - 1;
  const strokeText = `${strokes} stroke${strokes === 1 ? '' : 's'}`;
  let label = 'Drawing pad, empty: draw a digit with a mouse, finger or pen';
  if (loaded) label = strokes > 0 ? `Drawing pad showing a loaded image with ${strokeText} drawn over it` : 'Drawing pad showing a loaded image';
  else if (strokes > 0) label = `Drawing pad with ${strokeText}`;
  return { blank: !loaded && strokes === 0, undoable: history.length > 0, label };
}

function paint(ctx: CanvasRenderingContext2D, history: PadOperation[]): void {
  const start = lastResetIndex(history);
  const reset = history[start];
  if (reset?.kind === 'image') {
    ctx.putImageData(reset.pixels, 0, 0);
  } else {
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, PAD_PIXELS, PAD_PIXELS);
  }
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (let i = start + 1; i < history.length; i++) {
    const op = history[i]!;
    if (op.kind === 'stroke') drawStroke(ctx, op);
  }
}

/** Quadratic segments from midpoint to midpoint, with each sampled point as the control: no corners. */
function drawStroke(ctx: CanvasRenderingContext2D, stroke: Stroke): void {
  const [first, ...rest] = stroke.points;
  if (!first) return;
  ctx.beginPath();
  if (rest.length === 0) {
    ctx.arc(first.x, first.y, stroke.width / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.lineWidth = stroke.width;
  ctx.moveTo(first.x, first.y);
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const next = rest[i + 1]!;
    ctx.quadraticCurveTo(p.x, p.y, (p.x + next.x) / 2, (p.y + next.y) / 2);
  }
  const last = rest[rest.length - 1]!;
  ctx.lineTo(last.x, last.y);
  ctx.stroke();
}

/** The image scaled (smoothly, keeping its aspect ratio) to fit the pad, centred on black. */
function fitToPad(image: RgbaImage): ImageData {
  const source = scratchContext(image.width, image.height);
  source.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  const ctx = scratchContext(PAD_PIXELS, PAD_PIXELS);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, PAD_PIXELS, PAD_PIXELS);
  const scale = PAD_PIXELS / Math.max(image.width, image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source.canvas, (PAD_PIXELS - width) / 2, (PAD_PIXELS - height) / 2, width, height);
  return ctx.getImageData(0, 0, PAD_PIXELS, PAD_PIXELS);
}

function scratchContext(width: number, height: number): CanvasRenderingContext2D {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('the browser gave no 2D canvas context');
  return ctx;
}

/** Keeps at most MAX_KEPT_IMAGES loaded images, dropping the oldest part of the history up to a later reset. */
function dropOldImages(history: PadOperation[]): void {
  while (history.filter((op) => op.kind === 'image').length > MAX_KEPT_IMAGES) {
    const oldest = history.findIndex((op) => op.kind === 'image');
    const nextReset = history.findIndex((op, i) => i > oldest && op.kind !== 'stroke');
    history.splice(0, nextReset);
  }
}
