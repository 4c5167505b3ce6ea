"""A one-line progress bar on stderr with rate and ETA (no dependency)."""
import sys
import time


def format_seconds(s):
    s = int(s)
    return f'{s // 3600}h{s // 60 % 60:02d}m' if s >= 3600 else f'{s // 60}m{s % 60:02d}s'


class Progress:
    def __init__(self, label, total, unit, start=0, stream=sys.stderr):
        self.label, self.total, self.unit, self.start, self.stream = label, total, unit, start, stream
        self.t0 = time.time()
        self.last = 0.0
        self.done = start

    def update(self, done, extra=''):
        self.done = done
        now = time.time()
        # On a terminal the line redraws twice a second; in a log file a line a minute.
        if now - self.last < (0.5 if self.stream.isatty() else 60) and done < self.total:
            return
        self.last = now
        rate = (done - self.start) / max(now - self.t0, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else 0
        width = 24
        fill = int(width * done / max(self.total, 1))
        line = f'\r{self.label} [{"#" * fill}{"." * (width - fill)}] {done}/{self.total} {rate:.1f} {self.unit}/s ETA {format_seconds(eta)} {extra}'
        self.stream.write(line[:200] if self.stream.isatty() else line[1:200] + '\n')
        self.stream.flush()

    def finish(self):
        seconds = time.time() - self.t0
        if self.stream.isatty():
            self.stream.write('\n')
        return seconds
