"""The cost model behind ``method='auto'``: features, constants, prediction, choice.

``'auto'`` picks among the direct sum, the FFT and overlap-add (the algorithms
of :mod:`convcorr.methods`) by predicting the run time of each from a linear
model: a few features of the shapes (:func:`features`, counted by
:mod:`convcorr.plan`) times constants fitted to measured timings.
:func:`predict_times` gives the predictions, :func:`choose_method` the choice.
This is what runs on every ``'auto'`` call; measuring constants and keeping
them in files is :mod:`convcorr.calibration`.

The committed constants, :data:`COST_CONSTANTS`, were measured on the machine
that built the book (:data:`COST_CONSTANTS_MACHINE`). Constants measured
elsewhere replace them without editing this file::

    fit = calibration.calibrate()
    with costmodel.use_constants(fit.constants):  # this thread, this block
        convcorr.convolve(f, g)                    # 'auto' uses them

:func:`install_constants` replaces them for the whole process, and
``constants=`` of :func:`predict_times` and :func:`choose_method` prices one
call.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import numbers
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import plan
from ._checks import check_choice, check_length, check_mode

__all__ = [
    "COST_CONSTANTS",
    "COST_CONSTANTS_MACHINE",
    "TERMS",
    "check_constants",
    "choose",
    "choose_method",
    "current_constants",
    "features",
    "install_constants",
    "predict_times",
    "use_constants",
]

Constants = dict[str, dict[str, tuple[float, ...]]]

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
#:   loop instead of one BLAS dot call per output sample, or a complex one
#:   summed as four such real sums (:func:`~convcorr.plan.sum_by_parts`).
#: * ``direct_nd``: N-D direct sum in ``s`` Python-level steps
#:   (:func:`~convcorr.plan.direct_plan`: one per element of the smaller
#:   operand, or one for all when there are fewer outputs than elements);
#:   ``t = c0 + c1 s + c2 P``. A small N-D problem that the direct sum runs
#:   as one flattened 1-D sum (``'flat'``) is priced by ``direct_1d`` on that
#:   ``'valid'`` sum's lengths (:func:`~convcorr.plan.flat_lengths`) plus
#:   ``direct_nd``'s ``c0``, the fixed cost of an N-D call.
#: * ``fft``: transforms of ``L`` samples in all, the circular length the
#:   mode needs (:func:`~convcorr.plan.circular_shape`: ``M + N - 1`` for
#:   ``'full'``, ``max(M, N)`` for ``'valid'``), over the ``d`` axes where
#:   both operands have more than one sample (along the others the spectra
#:   broadcast); ``t = c0 d + c1 L log2 T + c2 L + c3 L max(0, log2 C - 16)``
#:   with ``T`` the product and ``C`` the longest of the transformed
#:   lengths (in 1-D both are ``L``): the fixed cost is paid per transformed
#:   axis, the last term for transforms that spill out of the cache.
#: * ``oa``: ``B`` blocks of ``Lb`` samples and ``F`` full-output samples
#:   over ``d`` axes; ``t = c0 d + c1 B Lb log2 Lb + c2 (d B Lb + F)``; the
#:   blocks are short enough to stay in the cache, and their results are
#:   added back one axis at a time.
#:
#: Fitted by :func:`convcorr.calibration.calibrate` (non-negative least squares on the relative
#: error; the fastest of 21 interleaved repeats of each case in
#: :data:`~convcorr.calibration.CALIBRATION_CASES`) through the public call, so that they price
#: its checks and guards too, on the book's build machine: 2 shared cores of an Intel Xeon
#: (2 MiB L2 per core), numpy 2.4, scipy 1.17, single-threaded FFTs. Regenerate with
#: ``calibration.calibrate(repeats=21, call=convcorr.convolve).constants`` and paste the
#: result; to use other constants without editing this file see :func:`use_constants`.
#: Each constant is the median of three such fits (2026-12-07, after the FFT path
#: began to read its lengths from a cached plan and to transform large N-D calls
#: one axis at a time, :func:`~convcorr.plan.fft_plan`).
COST_CONSTANTS = {
    "float32": {
        "direct_1d": (3.75e-06, 2.51e-10, 6.85e-09, 6.12e-11),
        "direct_nd": (4.58e-06, 3.39e-06, 4.79e-10),
        "fft": (3.51e-05, 5.34e-10, 0, 2.8e-09),
        "oa": (5.68e-05, 3.38e-10, 6.69e-10),
    },
    "float64": {
        "direct_1d": (3.37e-06, 3.38e-10, 4.39e-09, 1.32e-10),
        "direct_nd": (4.38e-06, 3.47e-06, 7.75e-10),
        "fft": (3.11e-05, 8.25e-10, 1.8e-10, 4.58e-09),
        "oa": (5.01e-05, 7.16e-10, 4.01e-10),
    },
    "complex64": {
        "direct_1d": (3.92e-06, 3.82e-10, 9.64e-09, 1.56e-10),
        "direct_nd": (4.03e-06, 3.46e-06, 8.42e-10),
        "fft": (3.4e-05, 1.08e-09, 2.03e-10, 9.31e-09),
        "oa": (5.96e-05, 7.89e-10, 0),
    },
    "complex128": {
        "direct_1d": (4.35e-06, 8.76e-10, 1.61e-08, 3.23e-10),
        "direct_nd": (4.94e-06, 3.4e-06, 1.55e-09),
        "fft": (3.06e-05, 1.7e-09, 6.6e-10, 8.87e-09),
        "oa": (5.19e-05, 1.06e-09, 1.51e-09),
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


def features(
    term: str, f_shape: Sequence[int], g_shape: Sequence[int], real: bool, mode: str = "full"
) -> tuple[float, ...]:
    """Feature vector of one term of the model; its dot product with the
    term's constants is the predicted time in seconds.

    Defined in chapter 9 (Fast convolution).

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
        m, n = f_shape[0], g_shape[0]
        # NumPy's unrolled loop: a real short kernel, or four of them for a complex one
        unrolled = min(m, n) <= _NUMPY_SMALL_CORRELATE if real else plan.sum_by_parts(m, n)
        outputs = float(plan.kept_outputs(f_shape, g_shape, mode))
        products = float(plan.kept_products(f_shape, g_shape, mode))
        return (1.0, outputs if unrolled else 0.0, 0.0 if unrolled else outputs, products)
    if term == "direct_nd":
        _, steps, products = plan.direct_plan(f_shape, g_shape, mode, real, flat=False)
        return (1.0, float(steps), float(products))
    axes = float(len(f_shape))
    if term == "fft":
        return _fft_features(f_shape, g_shape, real, mode)
    shape = plan.full_shape(f_shape, g_shape)
    blocking = plan.oa_plan(*plan.large_small(f_shape, g_shape))
    blocks = math.prod(b for _, _, b in blocking)
    lb = math.prod(lb for lb, _, _ in blocking)
    # N-D: the blocks' results are added back one axis at a time, a pass each
    work = axes * blocks * lb + math.prod(shape)
    return (axes, blocks * lb * math.log2(max(lb, 2)), float(work))


def _fft_features(
    f_shape: Sequence[int], g_shape: Sequence[int], real: bool, mode: str
) -> tuple[float, ...]:
    # Only axes where both operands have more than one sample are transformed
    # (methods.fft); along the others the spectra broadcast. The array holds
    # L samples, each transformed axis costs L log2(length), and a transform
    # longer than the cache costs more passes through memory.
    circular = plan.circular_shape(f_shape, g_shape, mode, real)
    moved = [c for c, m, n in zip(circular, f_shape, g_shape) if m > 1 and n > 1]
    size = math.prod(
        c if m > 1 and n > 1 else max(m, n) for c, m, n in zip(circular, f_shape, g_shape)
    )
    log_work = math.log2(max(math.prod(moved), 2)) if moved else 0.0
    spill = _out_of_cache(max(moved)) if moved else 0.0
    # the fixed cost: per transformed axis, and once when none is transformed
    return (float(max(len(moved), 1)), size * log_work, float(size), size * spill)


def _out_of_cache(size: int) -> float:
    # Transforms longer than 2**16 samples (1 MiB of complex128) no longer
    # fit in the per-core cache; each doubling past it costs one more pass
    # through memory, which the L log L term alone underestimates.
    return max(0.0, math.log2(max(size, 1)) - _CACHE_LOG2)


def _table(constants: Constants, name: str) -> dict[str, tuple[float, ...]]:
    # extended precision (longdouble) is priced as double precision; a table
    # calibrated for some dtypes only prices the others with a neighbour's
    real = name.startswith("float")
    for key in (name, "float64" if real else "complex128", "complex128" if real else "float64"):
        if key in constants:
            return constants[key]
    return next(iter(constants.values()))


def _predict(
    f_shape: tuple[int, ...], g_shape: tuple[int, ...], name: str, mode: str, constants: Constants
) -> dict[str, float]:
    real = name.startswith("float")
    c = _table(constants, name)

    def price(term: str) -> float:
        x = features(term, f_shape, g_shape, real, mode)
        return math.fsum(a * b for a, b in zip(c[term], x))

    if math.prod(f_shape) == 1:
        # methods.direct scales g by the one sample: a call and one pass, priced as
        # the 1-D call's fixed cost and the FFT's per-sample pass
        direct = c["direct_1d"][0] + c["fft"][2] * math.prod(g_shape)
    elif len(f_shape) == 1:
        direct = price("direct_1d")
    elif plan.direct_plan(f_shape, g_shape, mode, real)[0] == "flat":
        # the 1-D sum it runs, and the fixed cost of an N-D call (its plan, its layout)
        lk, lp = plan.flat_lengths(f_shape, g_shape, mode)
        x = features("direct_1d", (lk,), (lp,), real, "valid")
        direct = math.fsum(a * b for a, b in zip(c["direct_1d"], x)) + c["direct_nd"][0]
    else:
        direct = price("direct_nd")
    times = {"direct": direct, "fft": price("fft")}
    if any(b > 1 for _, _, b in plan.oa_plan(*plan.large_small(f_shape, g_shape))):
        times["oa"] = price("oa")
    return times


class _Model:
    """One set of checked constants and the choices made with it, cached.

    Each set has its own cache, so replacing the constants (for the process
    or for one thread's ``with`` block) never needs to clear a shared one.
    """

    __slots__ = ("choose", "constants")

    def __init__(self, constants: Constants) -> None:
        self.constants = constants

        @functools.lru_cache(maxsize=4096)
        def choose(f_shape: tuple[int, ...], g_shape: tuple[int, ...], char: str, mode: str) -> str:
            times = _predict(f_shape, g_shape, np.dtype(char).name, mode, constants)
            return min(times, key=times.get)

        self.choose = choose


# The constants 'auto' uses: those of the innermost use_constants block of
# this thread (a context variable, so one thread's block never leaks into
# another's), else the installed ones (one for the process, swapped under a
# lock).
_installed = _Model(COST_CONSTANTS)
_installing = threading.Lock()
_in_block: contextvars.ContextVar[_Model | None] = contextvars.ContextVar(
    "convcorr_cost_constants", default=None
)


def choose(
    f_shape: tuple[int, ...], g_shape: tuple[int, ...], char: str, mode: str = "full"
) -> str:
    """The method ``'auto'`` runs for validated shapes, under the constants in effect.

    What :func:`choose_method` answers, without its checks and cached per
    set of constants: the call sits on the path of every ``convolve(...,
    method='auto')``. Keyed by ``dtype.char``: NumPy computes ``dtype.name``
    in Python, slowly enough to matter when the convolution itself takes a
    microsecond.
    """
    return (_in_block.get() or _installed).choose(f_shape, g_shape, char, mode)


_MODE_HINT = " (mode is keyword-only: mode={!r})"


def _check_dtype(dtype: Any) -> np.dtype:
    accepted = f"dtype must be one of {', '.join(_FLOAT_DTYPES)}; received {dtype!r}"
    # the first call people try passes the mode third, where dtype goes
    hint = _MODE_HINT.format(dtype) if isinstance(dtype, str) and dtype in plan.MODES else ""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        raise TypeError(accepted + hint) from None
    if checked.name not in _FLOAT_DTYPES:
        raise ValueError(accepted + hint)
    return checked


def _check_shapes(
    f_shape: Any, g_shape: Any, dtype: Any, mode: Any = "full"
) -> tuple[tuple[int, ...], tuple[int, ...], np.dtype]:
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
    dtype = _check_dtype(dtype)
    check_mode(mode)
    plan.mode_slices(shapes[0], shapes[1], mode)  # raises for an impossible 'valid'
    return shapes[0], shapes[1], dtype


def predict_times(
    f_shape: Sequence[int],
    g_shape: Sequence[int],
    dtype: DTypeLike,
    *,
    constants: Mapping[str, Any] | None = None,
    mode: str = "full",
) -> dict[str, float]:
    """Predicted run time in seconds of each method for ``convolve(f, g, mode)``.

    ``correlate(f, g, mode)`` costs the same: it runs the same algorithms
    with the reversal and conjugate folded in.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length, positive entries).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.
    constants : dict, optional, keyword-only
        Constants in the layout of :data:`COST_CONSTANTS`, for instance from
        :func:`convcorr.calibration.calibrate`; default: those in effect
        (:func:`current_constants`).
    mode : {'full', 'same', 'valid'}, optional, keyword-only
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

    Examples
    --------
    >>> sorted(predict_times((64,), (100000,), "float64", mode="same"))
    ['direct', 'fft', 'oa']
    """
    f_shape, g_shape, dtype = _check_shapes(f_shape, g_shape, dtype, mode)
    chosen = current_constants() if constants is None else check_constants(constants)
    return _predict(f_shape, g_shape, dtype.name, mode, chosen)


def choose_method(
    f_shape: Sequence[int],
    g_shape: Sequence[int],
    dtype: DTypeLike,
    *,
    constants: Mapping[str, Any] | None = None,
    mode: str = "full",
) -> str:
    """Method that ``convolve(f, g, mode, method='auto')`` uses for these shapes.

    Returns the method with the smallest time predicted by
    :func:`predict_times`: ``'direct'`` (the definition, over the kept
    outputs), ``'fft'`` (one FFT as long as the mode needs, see
    :func:`convcorr.plan.circular_shape`) or ``'oa'`` (overlap-add, for a
    long signal and a short kernel). ``correlate`` chooses alike.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length, positive entries).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.
    constants : dict, optional, keyword-only
        As in :func:`predict_times`.
    mode : {'full', 'same', 'valid'}, optional, keyword-only
        Output mode, as in :func:`predict_times`.

    Returns
    -------
    str
        ``'direct'``, ``'fft'`` or ``'oa'``.

    Raises
    ------
    ValueError, TypeError
        Shapes that are not tuples of positive integers of equal length, a
        dtype outside the four floating dtypes (the message points at
        ``mode=`` when a mode was passed as the third argument), an unknown
        mode, or a ``'valid'`` that the shapes make impossible.

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


def _coefficients(coef: Any, where: str, count: int) -> tuple[float, ...]:
    """``coef`` as a tuple of ``count`` finite non-negative floats, or an error naming ``where``."""
    if isinstance(coef, np.ndarray) and coef.ndim == 1:
        coef = coef.tolist()
    if not isinstance(coef, (tuple, list)):
        raise TypeError(
            f"{where} must be a tuple or list of {count} real numbers; received "
            f"{type(coef).__name__} {coef!r}"
        )
    for c in coef:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, numbers.Real):
            raise TypeError(
                f"{where} must hold real numbers (int or float); received "
                f"{type(c).__name__} {c!r} in {coef!r}"
            )
    values = tuple(float(c) for c in coef)
    if len(values) != count or not all(math.isfinite(c) and c >= 0 for c in values):
        raise ValueError(f"{where} must be {count} finite non-negative numbers; received {values}")
    return values


def check_constants(constants: Any) -> Constants:
    """Return ``constants`` as ``{dtype: {term: tuple of float}}``, or raise.

    Every table present must name a floating dtype and hold every term of
    :data:`TERMS`, each a tuple or list of that many finite, non-negative
    real numbers (``int`` or ``float``, not ``bool``); at least one dtype
    must be present.

    Raises
    ------
    TypeError
        ``constants`` not a dict (a path says where to read it), or a
        coefficient that is not a real number; the message names the entry.
    ValueError
        An empty dict, an unknown dtype, missing or extra terms, or the wrong
        number of coefficients, a negative or non-finite one.
    """
    if not isinstance(constants, dict):
        hint = ""
        if isinstance(constants, (str, os.PathLike)):
            hint = " (read a constants file with convcorr.calibration.load_constants first)"
        raise TypeError(
            "constants must be a dict {dtype: {term: coefficients}}; received "
            f"{type(constants).__name__}{hint}"
        )
    if not constants:
        raise ValueError(
            "constants must be a non-empty dict {dtype: {term: coefficients}}; received {}"
        )
    out = {}
    for name, table in constants.items():
        check_choice(name, "constants dtype", _FLOAT_DTYPES)
        if not isinstance(table, dict) or set(table) != set(TERMS):
            raise ValueError(
                f"constants[{name!r}] must have the terms {sorted(TERMS)}; received "
                f"{sorted(table) if isinstance(table, dict) else type(table).__name__}"
            )
        out[name] = {
            term: _coefficients(coef, f"constants[{name!r}][{term!r}]", TERMS[term])
            for term, coef in table.items()
        }
    return out


def current_constants() -> Constants:
    """The constants ``'auto'`` uses now, in this thread (the committed ones unless replaced)."""
    return (_in_block.get() or _installed).constants


def install_constants(constants: Mapping[str, Any]) -> Constants:
    """Make ``'auto'`` use ``constants`` from now on, in every thread; return the previous ones.

    ``constants`` is a dict in the layout of :data:`COST_CONSTANTS` (a file
    written by :func:`convcorr.calibration.save_constants` is read with
    :func:`convcorr.calibration.load_constants`). The choices are cached per
    set of constants, so the next call already decides with the new ones.
    ``install_constants(COST_CONSTANTS)`` restores the committed model. A
    :func:`use_constants` block keeps its own constants until it ends.

    Defined in chapter 9 (Fast convolution).
    """
    global _installed
    model = _Model(check_constants(constants))
    with _installing:
        previous, _installed = _installed, model
    return previous.constants


@contextlib.contextmanager
def use_constants(constants: Mapping[str, Any]) -> Iterator[Constants]:
    """Context manager: ``'auto'`` uses ``constants`` inside the ``with`` block.

    Accepts what :func:`install_constants` accepts and yields the checked
    constants. The block holds for the thread (more precisely, the
    :mod:`contextvars` context) that entered it: other threads keep theirs,
    and leaving blocks in any interleaving across threads restores each
    thread's own previous constants, even after an exception.

    Defined in chapter 9 (Fast convolution).
    """
    model = _Model(check_constants(constants))
    token = _in_block.set(model)
    try:
        yield model.constants
    finally:
        _in_block.reset(token)
