import { useEffect, type ReactNode } from 'react';
import { Playground } from './pages/Playground.tsx';
import { Evaluation } from './pages/Evaluation.tsx';
import { Lecture } from './pages/Lecture.tsx';
import { Train } from './pages/Train.tsx';
import { Lede } from './components/Lede.tsx';
import { PAGES, syncHashWithStore, useView, type PageName } from './store.ts';

/** Title in the navigation bar and the page itself, per page name; `bare` pages fill the window without the header. */
const PAGE_VIEWS: Record<PageName, { title: string; render: () => ReactNode; bare?: boolean }> = {
  play: { title: 'Playground', render: () => <Playground /> },
  eval: { title: 'Evaluation', render: () => <Evaluation /> },
  lecture: { title: 'Lecture', render: () => <Lecture />, bare: true },
  train: { title: 'Train', render: () => <Train /> },
};

export function App() {
  useEffect(() => syncHashWithStore(), []);
  const page = useView((v) => v.page);
  const set = useView((v) => v.set);
  if (PAGE_VIEWS[page].bare) return PAGE_VIEWS[page].render();
  return (
    <main>
      <header className="app-header">
        <h1>Hierarchical VAEs Know What They Don&apos;t Know</h1>
        <nav aria-label="Pages" className="pages">
          {PAGES.map((p) => (
            <a
              key={p}
              href={`#page=${p}`}
              aria-current={p === page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                set({ page: p });
              }}
            >
              {PAGE_VIEWS[p].title}
            </a>
          ))}
        </nav>
      </header>
      {/* The playground puts its tool first and this under it. */}
      {page !== 'play' && <Lede />}
      {PAGE_VIEWS[page].render()}
    </main>
  );
}
