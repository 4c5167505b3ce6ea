/** A short line in a series' colour and dash, for chart legends. */
export function LineSwatch({ colour, dash = '', width, length = 28 }: { colour: string; dash?: string; width: number; length?: number }) {
  return (
    <svg width={length} height={14} aria-hidden="true">
      <line x1={1} x2={length - 1} y1={7} y2={7} stroke={colour} strokeWidth={width} strokeDasharray={dash || undefined} />
    </svg>
  );
}
