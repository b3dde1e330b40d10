"""A statistical CPU profiler: the stack is sampled every `interval` seconds of this process's CPU time, or at
the kernel's tick when that is coarser (on the bench machine about every 4 ms: profile a few thousand requests).

cProfile adds a cost to every Python call, so code made of many small calls (middleware, DRF's request
wrapper) looks heavier than it is. Sampling on `ITIMER_PROF` costs nothing between samples and counts only CPU
time (a wait on the database is not sampled; the kernel's work for this process's sends is). Each function's
share is inclusive: a sample counts once for every distinct function on its stack. Unix only. The timer counts
the whole process's CPU but the signal lands in the main thread, so a background thread's CPU (the monitoring
numbering thread on status changes) is charged to whatever the main thread was running.
"""

import signal
from collections import Counter
from contextlib import contextmanager
from functools import cache
from pathlib import Path

_SITE = "site-packages/"
_PROJECT = str(Path(__file__).resolve().parent.parent) + "/"


@cache
def frame_name(code) -> str:
    """`package/module.py:function`, relative to site-packages or the project, for a code object (cached: the
    sampler's own CPU is counted in what it measures)."""
    filename = code.co_filename
    filename = filename.split(_SITE, 1)[1] if _SITE in filename else filename.removeprefix(_PROJECT)
    return f"{filename}:{code.co_name}"


class CpuSamples:
    """Inclusive and own sample counts per function."""

    def __init__(self):
        self.total = 0
        self.inclusive: Counter[str] = Counter()
        self.own: Counter[str] = Counter()

    def add(self, frame) -> None:
        """One sample: `frame` is the running one, its callers follow `f_back`."""
        self.total += 1
        self.own[frame_name(frame.f_code)] += 1
        seen = set()
        while frame is not None:
            seen.add(frame_name(frame.f_code))
            frame = frame.f_back
        self.inclusive.update(seen)

    def report(self, per_call_us: float, top: int) -> list[str]:
        """The `top` functions by inclusive share, each as %, µs per call of the profiled unit, own %."""
        lines = []
        for name, count in self.inclusive.most_common(top):
            share = count / self.total
            own = self.own[name] / self.total
            lines.append(f"{100 * share:5.1f}% {per_call_us * share:7.0f} µs  own {100 * own:4.1f}%  {name}")
        return lines


@contextmanager
def sampling(interval: float = 0.0005):
    """Collect `CpuSamples` of the main thread while the block runs."""
    samples = CpuSamples()
    previous = signal.signal(signal.SIGPROF, lambda _signum, frame: samples.add(frame))
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    try:
        yield samples
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, previous)
