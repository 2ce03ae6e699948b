"""Calibration of the cost model, and constants kept in files.

:func:`calibrate` times every algorithm of :mod:`convcorr.methods` on the
cases of :data:`CALIBRATION_CASES` and fits the constants of
:mod:`convcorr.costmodel`; :func:`save_constants` and :func:`load_constants`
keep them as JSON with the machine they were measured on::

    fit = calibration.calibrate()
    calibration.save_constants(fit.constants, "mine.json")  # records the machine
    with costmodel.use_constants(calibration.load_constants("mine.json")):
        convcorr.convolve(f, g)                              # 'auto' uses them

None of this runs on a ``convolve`` call: the cost model itself is
:mod:`convcorr.costmodel`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np

from . import costmodel, methods, plan
from .costmodel import Constants, check_constants, features

__all__ = [
    "CALIBRATION_CASES",
    "Calibration",
    "best_time",
    "calibrate",
    "load_constants",
    "machine_description",
    "save_constants",
]


def machine_description() -> dict[str, Any]:
    """A dict describing this machine and library versions, for a constants file."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    import scipy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "measured": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def save_constants(
    constants: Mapping[str, Any], path: str | os.PathLike, machine: Mapping[str, Any] | None = None
) -> None:
    """Write ``constants`` to a JSON file with the machine they were measured on.

    ``machine`` defaults to :func:`machine_description` of this machine (save
    on the machine that ran :func:`calibrate`). The constants are checked as
    by :func:`convcorr.costmodel.check_constants` first.

    Defined in chapter 9 (Fast convolution).
    """
    record = {
        "convcorr_cost_constants": 1,
        "machine": machine_description() if machine is None else dict(machine),
        "constants": check_constants(constants),
    }
    with open(path, "w") as out:
        json.dump(record, out, indent=1)


def load_constants(
    path: str | os.PathLike, with_machine: bool = False
) -> Constants | tuple[Constants, dict[str, Any]]:
    """Read constants written by :func:`save_constants`.

    Returns the constants (checked as by
    :func:`convcorr.costmodel.check_constants`, ready for
    :func:`~convcorr.costmodel.use_constants`), or ``(constants, machine)``
    with ``with_machine=True``.

    Defined in chapter 9 (Fast convolution).
    """
    with open(path) as src:
        record = json.load(src)
    if not isinstance(record, dict) or "constants" not in record:
        raise ValueError(f"{os.fspath(path)!r} is not a constants file written by save_constants")
    constants = check_constants(record["constants"])
    return (constants, record.get("machine", {})) if with_machine else constants


# --- calibration ---------------------------------------------------------------------


def best_time(
    fns: Sequence[Callable[[], object]], repeats: int, budget: float = 1e-3
) -> list[float]:
    """Fastest seconds per call of each of ``fns`` over ``repeats`` batches.

    Each function runs in batches sized to last about ``budget`` seconds, and
    the batches of all functions alternate. Load from other processes only
    ever adds time, so the fastest batch estimates the unloaded cost, which
    is what the cost model should predict.

    Defined in chapter 9 (Fast convolution).
    """
    loops = []
    for fn in fns:
        fn()
        start = time.perf_counter()
        fn()
        once = max(time.perf_counter() - start, 1e-7)
        loops.append(max(1, int(budget / once)))
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for fn, n, out in zip(fns, loops, samples):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - start) / n)
    return [min(s) for s in samples]


#: Cases timed by :func:`calibrate` for each term: ``(kernel, signal)`` in
#: ``'full'`` mode or ``(kernel, signal, mode)``; integers are 1-D lengths.
#: Every term sees all three modes, so that the kept-output features are fitted
#: on what they price, and lengths off the powers of two; the direct sum also
#: the chunked long dot products (:func:`convcorr.methods.direct` of operands
#: over 8192 samples), the FFT and overlap-add 2-D and 3-D cases, a
#: one-sample kernel (no transform) and signals of a million samples.
CALIBRATION_CASES = {
    "direct_1d": [
        (1, 8),
        (2, 100),
        (3, 64),
        (3, 4096),
        (3, 65536),
        (1, 100000, "same"),
        (4, 1000000),
        (11, 16384),
        (8, 5000),
        (20, 200000, "same"),
        (24, 30000, "same"),
        (35, 50000),
        (60, 5000),
        (16, 64),
        (16, 1024),
        (16, 16384),
        (128, 4096),
        (128, 65536),
        (256, 256),
        (1024, 1024),
        (4096, 4096),
        (4096, 4096, "same"),
        (4000, 4096, "valid"),
        (65530, 65536, "valid"),
        (128, 65536, "valid"),
        (1024, 256, "same"),
        (12000, 12100, "valid"),
        (30000, 30040, "valid"),
        (1000000, 1000010, "valid"),
    ],
    "direct_nd": [
        ((1, 1), (8, 8)),
        ((3, 3), (32, 32)),
        ((5, 5), (16, 16)),
        ((3, 3), (256, 256)),
        ((8, 8), (128, 128)),
        ((16, 16), (64, 64)),
        ((5, 5), (64, 64), "same"),
        ((3, 3, 3), (16, 16, 16), "same"),
        ((16, 16), (64, 64), "valid"),
        ((60, 60), (64, 64), "valid"),
        ((30, 30, 30), (32, 32, 32), "valid"),
    ],
    "fft": [(n, n) for n in (16, 256, 1024, 4096, 16384, 65536, 262144, 1048576)]
    + [(16, 1024), (128, 16384), (4096, 4096, "same"), (65536, 65536, "valid")]
    + [(1000, 3001), (77, 5003, "same"), (3000, 100000, "same"), (1, 100000)]
    + [((64, 64), (64, 64), "same"), ((16, 16, 16), (32, 32, 32), "valid")]
    + [((9, 9), (256, 256)), ((7, 7), (512, 512), "same"), ((31, 31), (200, 200), "valid")]
    + [((3, 3, 3), (32, 32, 32), "same"), ((20, 20, 20), (40, 40, 40))]
    + [((300, 300), (900, 900), "same"), ((50, 50, 50), (100, 100, 100))],
    "oa": [
        (3, 1024),
        (16, 1024),
        (64, 4096),
        (16, 16384),
        (16, 65536),
        (128, 65536),
        (128, 262144),
        (1024, 262144),
        (128, 65536, "same"),
        (128, 65536, "valid"),
        (90, 1000000),
        (31, 300000, "same"),
        ((15, 15), (1024, 1024)),
        ((5, 5), (600, 600)),
        ((8, 8), (700, 700), "same"),
        ((3, 3, 3), (64, 64, 64)),
    ],
}


def _random(shape: tuple[int, ...], dtype: np.dtype, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _direct_loop(f: np.ndarray, g: np.ndarray, dtype: np.dtype, mode: str) -> np.ndarray:
    # the N-D strategies direct_nd prices (the flat one is priced as 1-D)
    strategy = plan.direct_plan(f.shape, g.shape, mode, dtype.kind == "f", flat=False)[0]
    return methods.ALGORITHMS["direct"](f, g, dtype, mode, strategy=strategy)


def _runner(term: str) -> Callable[..., np.ndarray]:
    """The algorithm one term of the model prices (``direct_1d`` the 1-D direct sum)."""
    if term == "direct_nd":
        return _direct_loop
    return methods.ALGORITHMS["direct" if term == "direct_1d" else term]


def _call_prices(term: str, f_shape: tuple, g_shape: tuple, mode: str, dtype: np.dtype) -> bool:
    """Whether a public call runs what ``term`` prices (the N-D direct sum: not ``'flat'``)."""
    if term != "direct_nd":
        return True
    return plan.direct_plan(f_shape, g_shape, mode, dtype.kind == "f")[0] != "flat"


class Calibration(NamedTuple):
    """What :func:`calibrate` returns."""

    #: ``{dtype: {term: coefficients}}``, ready for :func:`use_constants`.
    constants: Constants
    #: ``(dtype, term, f_shape, g_shape, mode, seconds)`` for every timed case.
    measurements: list[tuple[str, str, tuple[int, ...], tuple[int, ...], str, float]]


def calibrate(
    dtypes: Sequence[str] = tuple(costmodel.COST_CONSTANTS),
    repeats: int = 15,
    cases: Mapping[str, Sequence[tuple]] | None = None,
    seed: int = 0,
    call: Callable[..., np.ndarray] | None = None,
) -> Calibration:
    """Measure each method and fit the constants of the cost model.

    For every dtype, times all cases in ``cases`` (default
    :data:`CALIBRATION_CASES`) in one round-robin (:func:`best_time`), then
    fits each term's constants by non-negative least squares on the
    relative error, ``min sum ((x . c - t) / t)^2`` over its cases, so that
    small and large sizes weigh alike.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    dtypes : sequence of str, optional
        Dtypes to calibrate (default all four floating dtypes).
    repeats : int, optional
        Timed batches per case; the fastest is kept.
    cases : dict, optional
        ``{term: [(f_shape, g_shape), ...]}`` or ``(f_shape, g_shape, mode)``,
        as :data:`CALIBRATION_CASES` (integers stand for 1-D lengths).
    seed : int, optional
        Seed of the random test signals.
    call : callable, optional
        A function ``call(f, g, mode, method)`` such as
        :func:`convcorr.convolve`, timed for the terms ``direct_1d``, ``fft``
        and ``oa`` instead of the bare algorithms, so that the constants
        price a whole call: its checks, the choice, the guards' passes over
        the operands and the output (a few microseconds, most of a tiny
        call). ``direct_nd`` times it where the call runs the strategy the
        term prices, the algorithm with that strategy elsewhere. The
        committed constants were fitted with ``call=convcorr.convolve``.

    Returns
    -------
    Calibration
        ``(constants, measurements)``: the constants in the layout of
        :data:`convcorr.costmodel.COST_CONSTANTS` (use them with
        :func:`~convcorr.costmodel.use_constants` or
        :func:`~convcorr.costmodel.install_constants`, keep them with
        :func:`save_constants`),
        and ``(dtype, term, f_shape, g_shape, mode, seconds)`` for every case.
    """
    from scipy.optimize import nnls

    cases = CALIBRATION_CASES if cases is None else cases
    rng = np.random.default_rng(seed)
    constants, measurements = {}, []
    for name in dtypes:
        dtype = np.dtype(name)
        jobs = []
        for term, shapes in cases.items():
            for fs, gs, *rest in shapes:
                fs = (fs,) if isinstance(fs, int) else tuple(fs)
                gs = (gs,) if isinstance(gs, int) else tuple(gs)
                mode = rest[0] if rest else "full"
                f, g = _random(fs, dtype, rng), _random(gs, dtype, rng)
                if call is not None and _call_prices(term, fs, gs, mode, dtype):
                    method = "direct" if term.startswith("direct") else term
                    run = functools.partial(call, f, g, mode, method)
                else:
                    run = functools.partial(_runner(term), f, g, dtype, mode)
                jobs.append((term, fs, gs, mode, run))
        # one round-robin over every case, so that a burst of load from
        # another process cannot favour one method over another
        times = best_time([job[-1] for job in jobs], repeats)
        constants[name] = {}
        for term in cases:
            rows, ts = [], []
            for (m, fs, gs, mode, _), t in zip(jobs, times):
                if m == term:
                    rows.append(features(term, fs, gs, dtype.kind == "f", mode))
                    ts.append(t)
                    measurements.append((name, term, fs, gs, mode, t))
            a = np.array(rows) / np.array(ts)[:, None]
            coef, _ = nnls(a, np.ones(len(ts)))
            constants[name][term] = tuple(float(f"{c:.3g}") for c in coef)
    return Calibration(constants, measurements)
