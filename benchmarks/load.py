"""Other programs busy on the cores while a benchmark times: ``--load K``.

A user's machine is seldom idle: a second notebook, a build or ``pytest -n 2``
keeps a core busy. :func:`busy_cores` starts ``K`` processes that each spin
on one core (a Python loop, no memory traffic) for the duration of a
``with`` block, and ends them after it, whatever happens inside.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

SPIN = "while True: pass"


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[list[subprocess.Popen]]:
    """Run ``count`` processes spinning on a core each inside the block.

    Parameters
    ----------
    count : int
        Number of spinning processes, ``0`` for none.

    Yields
    ------
    list of subprocess.Popen
        The running processes (ended when the block is left).
    """
    if count < 0:
        raise ValueError(f"--load must be a count of processes >= 0; received {count}")
    procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()
