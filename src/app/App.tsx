import { useEffect, useState } from 'react';
import { initBrowserBackend, type BackendName } from '../backend/browser.ts';

type Status = { state: 'loading' } | { state: 'ready'; name: BackendName } | { state: 'failed'; message: string };

export function App() {
  const [status, setStatus] = useState<Status>({ state: 'loading' });
  useEffect(() => {
    initBrowserBackend('auto').then(
      (r) => setStatus({ state: 'ready', name: r.name }),
      (e: unknown) => setStatus({ state: 'failed', message: (e as Error).message }),
    );
  }, []);
  return (
    <main>
      <h1>Hierarchical VAEs Know What They Don&apos;t Know</h1>
      <p data-testid="backend">
        {status.state === 'loading' && 'Starting TensorFlow.js…'}
        {status.state === 'ready' && `Backend: ${status.name}`}
        {status.state === 'failed' && `No TensorFlow.js backend could start: ${status.message}`}
      </p>
    </main>
  );
}
