"""The cost model behind ``method='auto'``: features, constants, prediction, choice.

``'auto'`` picks among the direct sum, the FFT and overlap-add (the functions
of :mod:`convcorr.methods`) by predicting the run time of each from a linear
model: a few features of the shapes (:func:`features`) times constants
fitted to measured timings (:func:`calibrate`). :func:`predict_times` gives
the predictions, :func:`choose_method` the choice.

The committed constants, :data:`COST_CONSTANTS`, were measured on the machine
that built the book (:data:`COST_CONSTANTS_MACHINE`). Constants measured
elsewhere replace them without editing this file::

    fit = costmodel.calibrate()
    costmodel.save_constants(fit.constants, "mine.json")  # records the machine
    with costmodel.use_constants("mine.json"):           # or fit.constants
        convcorr.convolve(f, g)                           # 'auto' uses them

or pass ``constants=`` to :func:`predict_times` and :func:`choose_method`.
"""

import contextlib
import functools
import json
import math
import os
import platform
import time
from datetime import UTC, datetime
from typing import NamedTuple

import numpy as np

from . import methods
from ._checks import check_choice, check_length, check_mode
from .plan import (
    circular_shape,
    direct_plan,
    flat_lengths,
    full_shape,
    kept_outputs,
    kept_products,
    large_small,
    mode_slices,
    oa_plan,
)

__all__ = [
    "CALIBRATION_CASES",
    "COST_CONSTANTS",
    "COST_CONSTANTS_MACHINE",
    "TERMS",
    "Calibration",
    "best_time",
    "calibrate",
    "check_constants",
    "choose",
    "choose_method",
    "current_constants",
    "features",
    "install_constants",
    "load_constants",
    "machine_description",
    "predict_times",
    "save_constants",
    "use_constants",
]

#: Cost-model constants in seconds, one set per dtype. Each entry is the
#: coefficient vector of one term's features (see :func:`features`); the
#: terms are the parts of the model, ``'direct_1d'`` and ``'direct_nd'`` two
#: prices of the one method ``'direct'``:
#:
#: Every term counts only what the mode needs (``'same'`` and ``'valid'``
#: cost less than ``'full'``); ``Y`` is the number of kept outputs and ``P``
#: the multiply-adds of the direct sum over them (:func:`~convcorr.plan.kept_products`):
#:
#: * ``direct_1d``: 1-D direct sum by ``numpy.convolve``/``numpy.correlate``;
#:   ``t = c0 + c1 Y [short] + c2 Y [not short] + c3 P``, where "short" means
#:   a real kernel of at most 11 samples, which NumPy sums with an unrolled
#:   loop instead of one BLAS dot call per output sample.
#: * ``direct_nd``: N-D direct sum in ``s`` Python-level steps
#:   (:func:`~convcorr.plan.direct_plan`: one per element of the smaller
#:   operand, or one for all when there are fewer outputs than elements);
#:   ``t = c0 + c1 s + c2 P``. A small N-D problem that the direct sum runs
#:   as one flattened 1-D sum (``'flat'``) is priced by ``direct_1d`` on that
#:   ``'valid'`` sum's lengths (:func:`~convcorr.plan.flat_lengths`).
#: * ``fft``: transforms of ``L`` samples in all, the circular length the
#:   mode needs (:func:`~convcorr.plan.circular_shape`: ``M + N - 1`` for
#:   ``'full'``, ``max(M, N)`` for ``'valid'``), over ``d`` axes;
#:   ``t = c0 d + c1 L log2 L + c2 L + c3 L max(0, log2 L - 16)``: the fixed
#:   cost is paid per transformed axis, the last term for transforms that
#:   spill out of the cache.
#: * ``oa``: ``B`` blocks of ``Lb`` samples and ``F`` full-output samples
#:   over ``d`` axes; ``t = c0 d + c1 B Lb log2 Lb + c2 (B Lb + F)``; the
#:   blocks are short enough to stay in the cache.
#:
#: Fitted by :func:`calibrate` (non-negative least squares on the relative
#: error; the fastest of 21 interleaved repeats of each case in
#: :data:`CALIBRATION_CASES`) on the book's build machine: 2 shared cores of
#: an Intel Xeon (2 MiB L2 per core), numpy 2.4, scipy 1.17, single-threaded
#: FFTs. Regenerate with ``calibrate(repeats=21).constants`` and paste the result;
#: to use other constants without editing this file see :func:`use_constants`.
COST_CONSTANTS = {
    "float32": {
        "direct_1d": (1.14e-06, 9.47e-10, 8.74e-09, 3.99e-11),
        "direct_nd": (3.17e-06, 2.69e-06, 4.77e-10),
        "fft": (2.05e-05, 9.25e-10, 0, 4.19e-09),
        "oa": (3.05e-05, 4.28e-10, 0),
    },
    "float64": {
        "direct_1d": (9.79e-07, 3.2e-10, 3.92e-09, 9e-11),
        "direct_nd": (2.96e-06, 2.7e-06, 9.86e-10),
        "fft": (1.93e-05, 1.14e-09, 0, 1.2e-08),
        "oa": (2.48e-05, 8.3e-10, 8.13e-11),
    },
    "complex64": {
        "direct_1d": (1.05e-06, 0, 7.8e-09, 1.49e-10),
        "direct_nd": (3.89e-06, 2.76e-06, 1.09e-09),
        "fft": (1.81e-05, 1.81e-09, 0, 5.94e-09),
        "oa": (3.19e-05, 7.73e-10, 0),
    },
    "complex128": {
        "direct_1d": (9.46e-07, 0, 1.63e-08, 2.41e-10),
        "direct_nd": (4.33e-06, 2.96e-06, 2.38e-09),
        "fft": (1.85e-05, 1.77e-09, 0, 1.05e-08),
        "oa": (2.49e-05, 1.21e-09, 7.88e-10),
    },
}


#: The machine on which :data:`COST_CONSTANTS` were measured.
COST_CONSTANTS_MACHINE = {
    "cpu": "Intel Xeon, 2 shared cores, 2 MiB L2 per core",
    "numpy": "2.4",
    "scipy": "1.17",
    "threads": "single-threaded FFTs and BLAS",
}

#: The terms of the model and how many constants each has.
TERMS = {"direct_1d": 4, "direct_nd": 3, "fft": 4, "oa": 3}
_FLOAT_DTYPES = ("float32", "float64", "complex64", "complex128")
# numpy.convolve sums real kernels of at most this many samples with an
# unrolled loop, longer (and complex) ones with one BLAS dot per output
_NUMPY_SMALL_CORRELATE = 11
_CACHE_LOG2 = 16

_active = COST_CONSTANTS


def features(term, f_shape, g_shape, real, mode="full"):
    """Feature vector of one term of the model; its dot product with the
    term's constants is the predicted time in seconds.

    Parameters
    ----------
    term : {'direct_1d', 'direct_nd', 'fft', 'oa'}
        Part of the model (see :data:`COST_CONSTANTS` for the formulas).
    f_shape, g_shape : tuple of int
        Shapes of the operands.
    real : bool
        Whether the data are real (real FFTs, NumPy's unrolled short loop).
    mode : {'full', 'same', 'valid'}, optional
        Output mode; the direct and FFT terms count only what it keeps.

    Returns
    -------
    tuple of float
        ``TERMS[term]`` features.
    """
    check_choice(term, "term", tuple(TERMS))
    if term == "direct_1d":
        unrolled = real and min(f_shape[0], g_shape[0]) <= _NUMPY_SMALL_CORRELATE
        outputs = float(kept_outputs(f_shape, g_shape, mode))
        products = float(kept_products(f_shape, g_shape, mode))
        return (1.0, outputs if unrolled else 0.0, 0.0 if unrolled else outputs, products)
    if term == "direct_nd":
        _, steps, products = direct_plan(f_shape, g_shape, mode, real, flat=False)
        return (1.0, float(steps), float(products))
    axes = float(len(f_shape))
    if term == "fft":
        size = math.prod(circular_shape(f_shape, g_shape, mode, real))
        return (axes, size * math.log2(max(size, 2)), float(size), size * _out_of_cache(size))
    shape = full_shape(f_shape, g_shape)
    blocking = oa_plan(*large_small(f_shape, g_shape))
    blocks = math.prod(b for _, _, b in blocking)
    lb = math.prod(lb for lb, _, _ in blocking)
    return (axes, blocks * lb * math.log2(max(lb, 2)), float(blocks * lb + math.prod(shape)))


def _out_of_cache(size):
    # Transforms longer than 2**16 samples (1 MiB of complex128) no longer
    # fit in the per-core cache; each doubling past it costs one more pass
    # through memory, which the L log L term alone underestimates.
    return max(0.0, math.log2(max(size, 1)) - _CACHE_LOG2)


def _table(constants, name):
    # extended precision (longdouble) is priced as double precision; a table
    # calibrated for some dtypes only prices the others with a neighbour's
    real = name.startswith("float")
    for key in (name, "float64" if real else "complex128", "complex128" if real else "float64"):
        if key in constants:
            return constants[key]
    return next(iter(constants.values()))


def _predict(f_shape, g_shape, name, mode, constants):
    real = name.startswith("float")
    c = _table(constants, name)

    def price(term):
        x = features(term, f_shape, g_shape, real, mode)
        return math.fsum(a * b for a, b in zip(c[term], x))

    if len(f_shape) == 1:
        direct = price("direct_1d")
    elif direct_plan(f_shape, g_shape, mode, real)[0] == "flat":
        lk, lp = flat_lengths(f_shape, g_shape, mode)
        x = features("direct_1d", (lk,), (lp,), real, "valid")
        direct = math.fsum(a * b for a, b in zip(c["direct_1d"], x))
    else:
        direct = price("direct_nd")
    times = {"direct": direct, "fft": price("fft")}
    if any(b > 1 for _, _, b in oa_plan(*large_small(f_shape, g_shape))):
        times["oa"] = price("oa")
    return times


@functools.lru_cache(maxsize=4096)
def choose(f_shape, g_shape, char, mode="full"):
    """The method ``'auto'`` runs for validated shapes, under the installed constants.

    What :func:`choose_method` answers, without its checks and cached: the
    call sits on the path of every ``convolve(..., method='auto')``. Keyed by
    ``dtype.char``: NumPy computes ``dtype.name`` in Python, slowly enough to
    matter when the convolution itself takes a microsecond.
    """
    times = _predict(f_shape, g_shape, np.dtype(char).name, mode, _active)
    return min(times, key=times.get)


def _check_shapes(f_shape, g_shape, dtype, mode="full"):
    shapes = []
    for shape, name in ((f_shape, "f_shape"), (g_shape, "g_shape")):
        if isinstance(shape, (int, np.integer)) or not hasattr(shape, "__len__"):
            raise TypeError(f"{name} must be a tuple of positive integers; received {shape!r}")
        if len(shape) == 0:
            raise ValueError(f"{name} must not be empty; received {shape!r}")
        shapes.append(tuple(check_length(n, name) for n in shape))
    if len(shapes[0]) != len(shapes[1]):
        raise ValueError(
            f"f_shape and g_shape must have the same length; received {shapes[0]} and {shapes[1]}"
        )
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype must be one of {', '.join(_FLOAT_DTYPES)}; received {dtype!r}"
        ) from None
    check_choice(dtype.name, "dtype", _FLOAT_DTYPES)
    check_mode(mode)
    mode_slices(shapes[0], shapes[1], mode)  # raises for an impossible 'valid'
    return shapes[0], shapes[1], dtype


def predict_times(f_shape, g_shape, dtype, constants=None, mode="full"):
    """Predicted run time in seconds of each method for ``convolve(f, g, mode)``.

    ``correlate(f, g, mode)`` costs the same: it runs the same algorithms
    with the reversal and conjugate folded in.

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length, positive entries).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.
    constants : dict, optional
        Constants in the layout of :data:`COST_CONSTANTS`, for instance from
        :func:`calibrate`; default: the installed ones
        (:func:`current_constants`).
    mode : {'full', 'same', 'valid'}, optional
        Output mode: the direct sum and the FFT cost less for the outputs
        ``'same'`` and ``'valid'`` keep.

    Returns
    -------
    dict
        ``{'direct': t, 'fft': t, 'oa': t}``; ``'oa'`` is present only when
        overlap-add would use more than one block.

    Raises
    ------
    ValueError, TypeError
        As :func:`choose_method`, or malformed ``constants``.
    """
    f_shape, g_shape, dtype = _check_shapes(f_shape, g_shape, dtype, mode)
    constants = _active if constants is None else check_constants(constants)
    return _predict(f_shape, g_shape, dtype.name, mode, constants)


def choose_method(f_shape, g_shape, dtype, constants=None, mode="full"):
    """Method that ``convolve(f, g, mode, method='auto')`` uses for these shapes.

    Returns the method with the smallest time predicted by
    :func:`predict_times`: ``'direct'`` (the definition, over the kept
    outputs), ``'fft'`` (one FFT as long as the mode needs, see
    :func:`convcorr.plan.circular_shape`) or ``'oa'`` (overlap-add, for a
    long signal and a short kernel). ``correlate`` chooses alike.

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length, positive entries).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.
    constants : dict, optional
        As in :func:`predict_times`.
    mode : {'full', 'same', 'valid'}, optional
        Output mode, as in :func:`predict_times`.

    Returns
    -------
    str
        ``'direct'``, ``'fft'`` or ``'oa'``.

    Raises
    ------
    ValueError, TypeError
        Shapes that are not tuples of positive integers of equal length, or
        a dtype outside the four floating dtypes.

    Examples
    --------
    >>> choose_method((3,), (100,), "float64")
    'direct'
    >>> choose_method((4096,), (4096,), "float64")
    'fft'
    >>> choose_method((4096,), (4096,), "float64", mode="valid")
    'direct'
    """
    f_shape, g_shape, dtype = _check_shapes(f_shape, g_shape, dtype, mode)
    if constants is None:
        return choose(f_shape, g_shape, dtype.char, mode)
    times = _predict(f_shape, g_shape, dtype.name, mode, check_constants(constants))
    return min(times, key=times.get)


# --- replacing the constants ---------------------------------------------------------


def check_constants(constants):
    """Return ``constants`` as ``{dtype: {term: tuple}}`` or raise ``ValueError``.

    Every table present must name a floating dtype and hold every term of
    :data:`TERMS` with that many finite, non-negative numbers; at least one
    dtype must be present.
    """
    if not isinstance(constants, dict) or not constants:
        raise ValueError(
            "constants must be a non-empty dict {dtype: {term: coefficients}}; "
            f"received {type(constants).__name__}"
        )
    out = {}
    for name, table in constants.items():
        check_choice(name, "constants dtype", _FLOAT_DTYPES)
        if not isinstance(table, dict) or set(table) != set(TERMS):
            raise ValueError(
                f"constants[{name!r}] must have the terms {sorted(TERMS)}; received "
                f"{sorted(table) if isinstance(table, dict) else type(table).__name__}"
            )
        out[name] = {}
        for term, coef in table.items():
            coef = tuple(float(c) for c in coef)
            if len(coef) != TERMS[term] or not all(math.isfinite(c) and c >= 0 for c in coef):
                raise ValueError(
                    f"constants[{name!r}][{term!r}] must be {TERMS[term]} finite "
                    f"non-negative numbers; received {coef}"
                )
            out[name][term] = coef
    return out


def current_constants():
    """The constants ``'auto'`` uses now (the committed ones unless replaced)."""
    return _active


def _resolve(constants):
    if isinstance(constants, (str, os.PathLike)):
        return load_constants(constants)
    return check_constants(constants)


def install_constants(constants):
    """Make ``'auto'`` use ``constants`` from now on; return the previous ones.

    ``constants`` is a dict in the layout of :data:`COST_CONSTANTS` or the
    path of a file written by :func:`save_constants`. The cache of choices
    is cleared, so the next call already decides with the new constants.
    ``install_constants(COST_CONSTANTS)`` restores the committed model.
    """
    global _active
    previous, _active = _active, _resolve(constants)
    choose.cache_clear()
    return previous


@contextlib.contextmanager
def use_constants(constants):
    """Context manager: ``'auto'`` uses ``constants`` inside the ``with`` block.

    Accepts what :func:`install_constants` accepts; the previous constants
    are restored (and the cache cleared) on leaving the block, even after an
    exception.
    """
    previous = install_constants(constants)
    try:
        yield current_constants()
    finally:
        install_constants(previous)


def machine_description():
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


def save_constants(constants, path, machine=None):
    """Write ``constants`` to a JSON file with the machine they were measured on.

    ``machine`` defaults to :func:`machine_description` of this machine (save
    on the machine that ran :func:`calibrate`).
    """
    record = {
        "convcorr_cost_constants": 1,
        "machine": machine_description() if machine is None else dict(machine),
        "constants": check_constants(constants),
    }
    with open(path, "w") as out:
        json.dump(record, out, indent=1)


def load_constants(path, with_machine=False):
    """Read constants written by :func:`save_constants`.

    Returns the constants (checked as by :func:`install_constants`), or
    ``(constants, machine)`` with ``with_machine=True``.
    """
    with open(path) as src:
        record = json.load(src)
    if not isinstance(record, dict) or "constants" not in record:
        raise ValueError(f"{os.fspath(path)!r} is not a constants file written by save_constants")
    constants = check_constants(record["constants"])
    return (constants, record.get("machine", {})) if with_machine else constants


# --- calibration ---------------------------------------------------------------------


def best_time(fns, repeats, budget=1e-3):
    """Fastest seconds per call of each of ``fns`` over ``repeats`` batches.

    Each function runs in batches sized to last about ``budget`` seconds, and
    the batches of all functions alternate. Load from other processes only
    ever adds time, so the fastest batch estimates the unloaded cost, which
    is what the cost model should predict.
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
#: on what they price.
CALIBRATION_CASES = {
    "direct_1d": [
        (3, 64),
        (3, 4096),
        (3, 65536),
        (11, 16384),
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
    "fft": [(n, n) for n in (16, 256, 1024, 4096, 16384, 65536, 262144)]
    + [(16, 1024), (128, 16384), (4096, 4096, "same"), (65536, 65536, "valid")]
    + [((64, 64), (64, 64), "same"), ((16, 16, 16), (32, 32, 32), "valid")],
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
    ],
}


def _random(shape, dtype, rng):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _direct_loop(f, g, dtype, mode):
    # the N-D strategies direct_nd prices (the flat one is priced as 1-D)
    strategy = direct_plan(f.shape, g.shape, mode, dtype.kind == "f", flat=False)[0]
    return methods.ALGORITHMS["direct"](f, g, dtype, mode, strategy=strategy)


def _runner(term):
    """The algorithm one term of the model prices (``direct_1d`` the 1-D direct sum)."""
    if term == "direct_nd":
        return _direct_loop
    return methods.ALGORITHMS["direct" if term == "direct_1d" else term]


class Calibration(NamedTuple):
    """What :func:`calibrate` returns."""

    #: ``{dtype: {term: coefficients}}``, ready for :func:`use_constants`.
    constants: dict
    #: ``(dtype, term, f_shape, g_shape, mode, seconds)`` for every timed case.
    measurements: list


def calibrate(dtypes=_FLOAT_DTYPES, repeats=15, cases=None, seed=0):
    """Measure each method and fit the constants of the cost model.

    For every dtype, times all cases in ``cases`` (default
    :data:`CALIBRATION_CASES`) in one round-robin (:func:`best_time`), then
    fits each term's constants by non-negative least squares on the
    relative error, ``min sum ((x . c - t) / t)^2`` over its cases, so that
    small and large sizes weigh alike.

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

    Returns
    -------
    Calibration
        ``(constants, measurements)``: the constants in the layout of
        :data:`COST_CONSTANTS` (install them with :func:`use_constants` or
        :func:`install_constants`, keep them with :func:`save_constants`),
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
