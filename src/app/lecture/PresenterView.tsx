/**
 * The presenter's window: the current slide's notes, the next slide, and a timer with the planned
 * time, in step with the audience window (see presenterSync.ts).
 */
import { useEffect, useState } from 'react';
import { SLIDES } from './slides.ts';

const formatClock = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Minutes planned before a slide starts (slide from 1). */
const plannedStart = (slide: number) => SLIDES.slice(0, slide - 1).reduce((a, s) => a + s.minutes, 0);

function useTimer(): { seconds: number; running: boolean; toggle: () => void; reset: () => void } {
  // Elapsed time is kept as a start instant plus time banked before the last pause.
  const [state, setState] = useState({ startedAt: Date.now(), banked: 0, running: true });
  const [, tick] = useState(0);
  useEffect(() => {
    if (!state.running) return;
    const id = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(id);
  }, [state.running]);
  const seconds = (state.banked + (state.running ? Date.now() - state.startedAt : 0)) / 1000;
  return {
    seconds,
    running: state.running,
    toggle: () => setState((s) => (s.running ? { ...s, banked: s.banked + Date.now() - s.startedAt, running: false } : { ...s, startedAt: Date.now(), running: true })),
    reset: () => setState({ startedAt: Date.now(), banked: 0, running: state.running }),
  };
}

export function PresenterView({ slide, goTo }: { slide: number; goTo: (n: number) => void }) {
  const timer = useTimer();
  const info = SLIDES[slide - 1]!;
  const next = SLIDES[slide];
  const total = SLIDES.reduce((a, s) => a + s.minutes, 0);
  const planned = plannedStart(slide) * 60;
  const drift = timer.seconds - planned;
  useEffect(() => {
    document.title = `Presenter: ${slide}. ${info.title}`;
  }, [slide, info.title]);

  return (
    <div className="presenter">
      <header className="presenter-head">
        <h1 data-testid="presenter-current">
          {slide} / {SLIDES.length}: {info.title}
        </h1>
        <div className="presenter-timer" role="timer" aria-label="Time since the lecture started">
          <span className="presenter-clock" data-testid="presenter-clock">
            {formatClock(timer.seconds)}
          </span>
          <span>
            planned start of this slide {formatClock(planned)} of {total}:00 ({drift >= 0 ? `${formatClock(drift)} behind` : `${formatClock(-drift)} ahead`})
          </span>
          <button type="button" onClick={timer.toggle}>
            {timer.running ? 'Pause' : 'Resume'}
          </button>
          <button type="button" onClick={timer.reset}>
            Reset
          </button>
        </div>
      </header>
      <main className="presenter-main">
        <section className="presenter-notes" aria-label="Notes">
          <h2>Notes · about {info.minutes} min</h2>
          <ul data-testid="presenter-notes">
            {info.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
        <aside className="presenter-next" aria-label="Next slide" data-testid="presenter-next">
          {next ? (
            <>
              <h2>
                Next: {slide + 1}. {next.title}
              </h2>
              <p>{next.figure}</p>
            </>
          ) : (
            <h2>Last slide</h2>
          )}
          <h3>This slide shows</h3>
          <p>{info.figure}</p>
        </aside>
      </main>
      <nav className="presenter-nav" aria-label="Slides">
        <button type="button" onClick={() => goTo(slide - 1)} disabled={slide === 1}>
          ← Previous
        </button>
        <button type="button" onClick={() => goTo(slide + 1)} disabled={slide === SLIDES.length}>
          Next →
        </button>
        <span>Keys: arrows, space, PageUp/PageDown, Home/End. The audience window follows.</span>
      </nav>
    </div>
  );
}
