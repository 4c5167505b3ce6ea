/** A formula typeset by KaTeX; the TeX source stays in the page as MathML for screen readers. */
import { useMemo } from 'react';
import katex from 'katex';
import 'katex/dist/katex.min.css';

export function Tex({ tex, display = false }: { tex: string; display?: boolean }) {
  const html = useMemo(() => katex.renderToString(tex, { displayMode: display, throwOnError: true, output: 'htmlAndMathml' }), [tex, display]);
  // KaTeX's output is generated from our own constant TeX strings, never from user input.
  return <span className={display ? 'tex tex--display' : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />;
}
