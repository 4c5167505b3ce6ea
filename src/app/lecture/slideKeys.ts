/**
 * Slide navigation by keyboard, as presentation clickers send it: arrows, space, PageUp/PageDown,
 * Home/End. Keys meant for a control (a slider, a button, a focused chart) are left to it.
 */
export type SlideMove = 'next' | 'previous' | 'first' | 'last';

const MOVES: Record<string, SlideMove> = {
  ArrowRight: 'next',
  ArrowDown: 'next',
  PageDown: 'next',
  ' ': 'next',
  ArrowLeft: 'previous',
  ArrowUp: 'previous',
  PageUp: 'previous',
  Home: 'first',
  End: 'last',
};

/** Elements whose own keyboard use wins over slide navigation. */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return true;
  // Space and Enter press a focused button; arrows still navigate.
  return key === ' ' && (target.tagName === 'BUTTON' || target.tagName === 'A');
}

/** The move a key event asks for, or null. Shift+Space goes back, as in most slide software. */
export function slideMoveOf(e: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'defaultPrevented' | 'target'>): SlideMove | null {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (ownsKeys(e.target, e.key)) return null;
  const move = MOVES[e.key];
  if (!move) return null;
  return e.key === ' ' && e.shiftKey ? 'previous' : move;
}

export function applyMove(slide: number, move: SlideMove, count: number): number {
  if (move === 'first') return 1;
  if (move === 'last') return count;
  return Math.min(count, Math.max(1, slide + (move === 'next' ? 1 : -1)));
}
