"""The progress bar of long calls (progress=True): a live HTML bar in Jupyter, a text bar
on a terminal's stderr, nothing elsewhere."""
from __future__ import annotations

import sys
import time
from typing import Callable


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython  # type: ignore
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _line(done: int, total: int, unit: str, elapsed: float) -> str:
    share = done / total if total else 1.0
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else float("nan")
    return (f"{100 * share:5.1f}% {done:,}/{total:,} {unit}, {rate:,.0f}/s, "
            f"{_duration(elapsed)} elapsed, {_duration(left)} left")


def bar(unit: str = "samples") -> Callable[[int, int], None]:
    """A callable (done, total) that draws the bar; called by the sweep's poll loop."""
    start = time.monotonic()
    if _in_notebook():
        from IPython.display import HTML, display  # type: ignore

        handle = display(HTML(""), display_id=True)

        def update(done: int, total: int) -> None:
            share = done / total if total else 1.0
            text = _line(done, total, unit, time.monotonic() - start)
            handle.update(HTML(
                f'<progress value="{done}" max="{total}" style="width:40em"></progress> '
                f"<code>{text}</code>" if share < 1 else f"<code>{text}</code>"))

        return update
    if sys.stderr.isatty():
        ended = False

        def update(done: int, total: int) -> None:
            nonlocal ended
            if ended:
                return
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write("\r[" + "#" * filled + "." * (width - filled) + "] " +
                             _line(done, total, unit, time.monotonic() - start))
            if done >= total:
                ended = True
                sys.stderr.write("\n")
            sys.stderr.flush()

        return update
    return lambda done, total: None
