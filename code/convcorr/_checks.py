"""Input validation shared by every public function of :mod:`convcorr`.

Every check raises an error whose message names the argument, what was
received and what is accepted, so that bad input never turns into a silently
wrong answer. The public functions call these once, at their boundary; the
algorithms in :mod:`convcorr.methods` trust what they receive.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .plan import MODES


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise.

    Raises
    ------
    ValueError
        If ``value`` is not one of ``choices``; the message lists them.
    """
    if not isinstance(value, str) or value not in choices:
        listing = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listing}; received {value!r}")
    return value


def check_mode(mode: Any) -> str:
    """Validate an output ``mode`` (``'full'``, ``'same'`` or ``'valid'``)."""
    return check_choice(mode, "mode", MODES)


def check_not_masked(x: Any, name: str) -> None:
    """Refuse a masked array: NumPy's conversions would drop its mask silently."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must not be a masked array (its mask would be ignored); received "
            f"a numpy.ma.MaskedArray: pass x.filled(value) or x.compressed() instead"
        )


NUMERIC = "a numeric dtype (bool, integer, float or complex)"


def as_numeric_array(
    x: Any, name: str, kinds: str = "biufc", accepted: str = NUMERIC
) -> np.ndarray:
    """``np.asarray(x)`` if its dtype kind is in ``kinds``; the one conversion every module uses.

    Raises
    ------
    TypeError
        If ``x`` is a masked array (its mask would be dropped), NumPy cannot convert it (ragged
        lists), or its dtype kind is not in ``kinds`` (``accepted`` says what is, in words).
    """
    check_not_masked(x, name)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists, for instance
        raise TypeError(
            f"{name} must be array-like with {accepted}; received "
            f"{type(x).__name__} that NumPy cannot convert ({exc})"
        ) from None
    if arr.dtype.kind not in kinds:
        raise TypeError(f"{name} must have {accepted}; received dtype {arr.dtype}")
    return arr


def as_signal(x: Any, name: str) -> np.ndarray:
    """Convert ``x`` to a non-empty numeric array of at least one dimension.

    Booleans, integers, floats and complex numbers are accepted.

    Raises
    ------
    TypeError
        If the dtype is not numeric (strings, objects, datetimes, ...), or
        ``x`` is a masked array.
    ValueError
        If the array is 0-d or has a zero-length axis.
    """
    return check_not_scalar_or_empty(as_numeric_array(x, name), name)


#: Longest dot product that OpenBLAS computes on the calling thread: from
#: 10,000 samples it hands the work to its thread pool, whose threads wait
#: for each other for milliseconds (at times seconds) while another process
#: keeps a core busy. Measured on the build machine with one core spinning:
#: ``numpy.vdot`` of 8,192 or 10,000 samples never took over 25 µs; of
#: 10,001 samples up to 370 ms.
ONE_THREAD_DOT = 8192


def screen_finite(x: np.ndarray) -> bool:
    """Whether a floating array is certainly finite, by one single-threaded pass.

    Up to :data:`ONE_THREAD_DOT` samples: ``sum |x|^2`` by ``numpy.vdot`` is
    finite (the fastest pass; ``dot`` would warn on overflow, ``vdot`` does
    not). A NaN or infinite entry makes its term and then the sum
    non-finite, so ``True`` proves every entry finite; ``False`` means a
    non-finite entry or merely finite entries so large that the sum
    overflows, which the caller must then tell apart with an exact check.
    Longer arrays: ``numpy.isfinite`` (exact), which unlike a long BLAS dot
    product never waits for other threads; of a complex array in memory order,
    on its real and imaginary parts as one real array (2-4 times faster than
    ``isfinite`` of the complex numbers; a part is NaN or infinite exactly when
    the number is not finite).
    """
    if x.size <= ONE_THREAD_DOT:
        return math.isfinite(abs(np.vdot(x, x)))
    if x.dtype.kind == "c" and x.flags.forc:
        x = x.ravel(order="K").view(x.real.dtype)
    return bool(np.isfinite(x).all())


def check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    """Raise ``ValueError`` if a floating ``arr`` holds a NaN or an infinity.

    The package's one rule for non-finite input: the direct sum would spread it
    to the outputs whose window touches it, the FFT to every output, so which
    outputs survive would depend on the method; it is refused instead.
    """
    if arr.dtype.kind not in "fc" or screen_finite(arr):
        return arr
    if not np.isfinite(arr).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{name} must be finite; received {arr[index].item()!r} at index {index} "
            "(replace NaN and infinity first, e.g. with numpy.nan_to_num)"
        )
    return arr


def as_finite_signal(x: Any, name: str) -> np.ndarray:
    """:func:`as_signal`, then :func:`check_finite`: a numeric signal with no NaN or infinity."""
    return check_finite(as_signal(x, name), name)


def check_not_scalar_or_empty(arr: np.ndarray, name: str) -> np.ndarray:
    """Return ``arr`` unless it is 0-d or has a zero-length axis (``ValueError``)."""
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension; received a 0-d array")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; received an array of shape {arr.shape}")
    return arr


def check_same_ndim(f: np.ndarray, g: np.ndarray, names: tuple[str, str] = ("f", "g")) -> None:
    """Raise ``ValueError`` unless ``f`` and ``g`` have the same ``ndim``."""
    if f.ndim != g.ndim:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of "
            f"dimensions; received {names[0]}.ndim={f.ndim} and "
            f"{names[1]}.ndim={g.ndim}"
        )


def check_operands(
    f: Any, g: Any, mode: Any, convert: Callable[[Any, str], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The one boundary check of a convolution or correlation call's arguments.

    Validates ``mode``, converts both operands with ``convert(x, name)``
    (:func:`as_signal` for numbers, ``exact.as_exact`` for exact entries)
    and checks their ``ndim``. Whether their shapes make ``mode`` possible is
    shape arithmetic, left to :func:`convcorr.plan.check_mode_possible`.
    """
    check_mode(mode)
    f = convert(f, "f")
    g = convert(g, "g")
    check_same_ndim(f, g)
    return f, g


def result_dtype(f: np.ndarray, g: np.ndarray) -> np.dtype:
    """Floating dtype in which a convolution of ``f`` and ``g`` is computed.

    Single precision stays single, integers and booleans become float64,
    any complex operand makes the result complex, and the byte order is the
    machine's own whatever the inputs' (so every method returns one dtype).
    """
    dtype = np.result_type(f.dtype, g.dtype).newbyteorder("=")
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    if dtype == np.float16:
        return np.dtype(np.float32)
    return dtype


def check_length(n: Any, name: str) -> int:
    """Validate a positive integer length such as ``f_len``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer; received {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be a positive integer; received {n}")
    return int(n)
