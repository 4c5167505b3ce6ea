import { describe, expect, it } from 'vitest';
import { applyMove, slideMoveOf } from './slideKeys.ts';

const key = (k: string, extra: Partial<{ shiftKey: boolean; ctrlKey: boolean; defaultPrevented: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  defaultPrevented: false,
  target: null,
  ...extra,
});

describe('slide keys', () => {
  it('maps clicker and keyboard keys to moves', () => {
    expect(['ArrowRight', 'ArrowDown', 'PageDown', ' '].map((k) => slideMoveOf(key(k)))).toEqual(['next', 'next', 'next', 'next']);
    expect(['ArrowLeft', 'ArrowUp', 'PageUp'].map((k) => slideMoveOf(key(k)))).toEqual(['previous', 'previous', 'previous']);
    expect(slideMoveOf(key(' ', { shiftKey: true }))).toBe('previous');
    expect(slideMoveOf(key('Home'))).toBe('first');
    expect(slideMoveOf(key('End'))).toBe('last');
  });

  it('leaves other keys, modified keys and handled keys alone', () => {
    expect(slideMoveOf(key('a'))).toBeNull();
    expect(slideMoveOf(key('ArrowRight', { ctrlKey: true }))).toBeNull();
    expect(slideMoveOf(key('ArrowRight', { defaultPrevented: true }))).toBeNull();
  });

  it('stays within the slides', () => {
    expect(applyMove(1, 'previous', 7)).toBe(1);
    expect(applyMove(7, 'next', 7)).toBe(7);
    expect(applyMove(3, 'next', 7)).toBe(4);
    expect(applyMove(3, 'first', 7)).toBe(1);
    expect(applyMove(3, 'last', 7)).toBe(7);
  });
});
