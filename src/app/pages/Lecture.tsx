/**
 * Lecture mode: the paper's argument in seven full-screen slides, each figure computed live from the
 * shipped model. Keyboard and clicker keys move between slides, the slide number is in the URL, a
 * presenter window (notes, next slide, timer) follows and leads the audience window, and printing
 * gives one page per slide.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { toHash, useView } from '../store.ts';
import { SLIDES, clampSlide } from '../lecture/slides.ts';
import { applyMove, slideMoveOf } from '../lecture/slideKeys.ts';
import { useSlideSync } from '../lecture/presenterSync.ts';
import { useLectureData, type LectureData } from '../lecture/useLectureData.ts';
import { PresenterView } from '../lecture/PresenterView.tsx';
import { ParadoxSlide } from '../lecture/ParadoxSlide.tsx';
import { ModelSlide } from '../lecture/ModelSlide.tsx';
import { SharedFeaturesSlide } from '../lecture/SharedFeaturesSlide.tsx';
import { LowestLayersSlide } from '../lecture/LowestLayersSlide.tsx';
import { BoundSlide } from '../lecture/BoundSlide.tsx';
import { RatioSlide } from '../lecture/RatioSlide.tsx';
import { TryItSlide } from '../lecture/TryItSlide.tsx';
import '../lecture/lecture.css';

/** The slides' figures, in the order of SLIDES. */
const SLIDE_VIEWS: ((props: { data: LectureData }) => ReactNode)[] = [
  ParadoxSlide,
  ModelSlide,
  SharedFeaturesSlide,
  LowestLayersSlide,
  BoundSlide,
  RatioSlide,
  TryItSlide,
];

/** Slides are laid out at this size and zoomed to fill the window: the same picture at 1080p and 4K. */
const DESIGN = { width: 960, height: 540 };

export function Lecture() {
  const presenter = useView((v) => v.presenter);
  const slide = clampSlide(useView((v) => v.slide));
  const set = useView((v) => v.set);
  const goTo = useCallback((n: number) => set({ slide: clampSlide(n) }), [set]);
  useSlideSync(slide, goTo);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const move = slideMoveOf(e);
      if (!move) return;
      e.preventDefault();
      goTo(applyMove(useView.getState().slide, move, SLIDES.length));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [goTo]);

  return presenter ? <PresenterView slide={slide} goTo={goTo} /> : <Audience slide={slide} goTo={goTo} />;
}

function useFitZoom(): number {
  const fit = () => Math.min(window.innerWidth / DESIGN.width, window.innerHeight / DESIGN.height);
  const [zoom, setZoom] = useState(fit);
  useEffect(() => {
    const onResize = () => setZoom(fit());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return zoom;
}

function openPresenterWindow(): void {
  const hash = toHash({ ...useView.getState(), presenter: true });
  window.open(`${location.pathname}${location.search}#${hash}`, 'hvae-lecture-presenter', 'popup=yes,width=1200,height=760');
}

function Audience({ slide, goTo }: { slide: number; goTo: (n: number) => void }) {
  const data = useLectureData();
  const zoom = useFitZoom();
  const title = SLIDES[slide - 1]!.title;
  useEffect(() => {
    document.title = `${slide}. ${title} — Hierarchical VAEs Know What They Don't Know`;
  }, [slide, title]);

  // Every slide stays mounted, so each computes its figure once and printing shows them all.
  return (
    <div className="lecture" style={{ ['--zoom' as string]: zoom }}>
      <div className="slides">
        {SLIDES.map((info, i) => {
          const View = SLIDE_VIEWS[i]!;
          return (
            <section key={info.title} className="slide" hidden={i + 1 !== slide} aria-label={`Slide ${i + 1} of ${SLIDES.length}: ${info.title}`} data-slide={i + 1}>
              <h2>{info.title}</h2>
              <div className="slide-body">
                <View data={data} />
              </div>
              <footer className="slide-footer">
                <span>
                  {i + 1} / {SLIDES.length}
                </span>
                <span>Havtorn, Frellsen, Hauberg &amp; Maaløe, Hierarchical VAEs Know What They Don&apos;t Know (ICML 2021)</span>
              </footer>
            </section>
          );
        })}
      </div>
      {data.error && (
        <p className="lecture-error" role="alert">
          {data.error}
        </p>
      )}
      <nav className="lecture-controls" aria-label="Lecture controls">
        <button type="button" onClick={() => goTo(slide - 1)} disabled={slide === 1} aria-label="Previous slide">
          ←
        </button>
        <span data-testid="slide-number">
          {slide} / {SLIDES.length}
        </span>
        <button type="button" onClick={() => goTo(slide + 1)} disabled={slide === SLIDES.length} aria-label="Next slide">
          →
        </button>
        <button type="button" onClick={openPresenterWindow}>
          Presenter
        </button>
        <button type="button" onClick={() => void document.documentElement.requestFullscreen?.()}>
          Full screen
        </button>
        <button type="button" onClick={() => window.print()} title="One page per slide; choose Save as PDF in the print dialogue">
          Handout
        </button>
        <span className="lecture-status" data-testid="lecture-status">
          {data.status}
        </span>
        <a href="#page=play">Exit</a>
      </nav>
    </div>
  );
}
