import { useEffect } from 'react';
import { Playground } from './pages/Playground.tsx';
import { syncHashWithStore } from './store.ts';

export function App() {
  useEffect(() => syncHashWithStore(), []);
  return (
    <main>
      <header>
        <h1>Hierarchical VAEs Know What They Don&apos;t Know</h1>
        <p className="lede">
          A hierarchical VAE trained on one dataset scores your image with its ELBO and with the looser bounds L&gt;k that take the lowest k latents from
          the prior. The likelihood ratio LLR&gt;k = L&gt;0 − L&gt;k flags images whose high-level features the model has not seen (Havtorn et al., ICML
          2021).
        </p>
      </header>
      <Playground />
    </main>
  );
}
