/**
 * Keeps the audience window and the presenter window on the same slide: each window announces its
 * own moves on a BroadcastChannel and follows the other's; a window that opens asks for the slide.
 */
import { useEffect, useRef } from 'react';

type SyncMessage = { type: 'slide'; slide: number } | { type: 'hello' };

const CHANNEL = 'hvae-ood-lecture';

export function useSlideSync(slide: number, goTo: (slide: number) => void): void {
  const channel = useRef<BroadcastChannel | null>(null);
  // The last slide another window announced: following it is not a move of ours to announce.
  const followed = useRef<number | null>(null);
  const current = useRef(slide);
  current.current = slide;

  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const c = new BroadcastChannel(CHANNEL);
    channel.current = c;
    c.onmessage = (ev: MessageEvent<SyncMessage>) => {
      const msg = ev.data;
      if (msg.type === 'hello') c.postMessage({ type: 'slide', slide: current.current } satisfies SyncMessage);
      else if (msg.slide !== current.current) {
        followed.current = msg.slide;
        goTo(msg.slide);
      }
    };
    c.postMessage({ type: 'hello' } satisfies SyncMessage);
    return () => {
      c.close();
      channel.current = null;
    };
  }, [goTo]);

  useEffect(() => {
    if (followed.current === slide) {
      followed.current = null;
      return;
    }
    channel.current?.postMessage({ type: 'slide', slide } satisfies SyncMessage);
  }, [slide]);
}
