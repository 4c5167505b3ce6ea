/** A one-line progress bar with rate and ETA on stderr (a plain line per update when not a TTY). */
export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'img',
    /** Work already done before this process started (a resumed run): not counted in the rate. */
    private readonly resumedAt = 0,
  ) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    if (now - this.lastPrint < 500 && done < this.total) return;
    this.lastPrint = now;
    const secs = (now - this.start) / 1000;
    const rate = (done - this.resumedAt) / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const frac = this.total > 0 ? done / this.total : 1;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const line = `${this.label} [${bar}] ${done}/${this.total} ${rate.toFixed(1)} ${this.unit}/s ETA ${formatSeconds(eta)} ${extra}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(`${line}\n`);
  }

  finish(): number {
    if (process.stderr.isTTY) process.stderr.write('\n');
    return (Date.now() - this.start) / 1000;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}
