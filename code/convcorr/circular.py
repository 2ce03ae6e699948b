"""Circular convolution and cross-correlation, the circulant matrix, and aliasing modulo a period.

The operations the DFT diagonalises take every index modulo the array's shape ``N`` (per axis):

* ``circular_convolve(f, g)[n] = sum_m f[m] g[(n - m) mod N]``;
* ``circular_correlate(f, g)[k] = sum_m conj(f[m]) g[(m + k) mod N]``, the conjugate on the
  first argument as in :func:`convcorr.correlate`;
* ``circulant(f)[n, m] = f[(n - m) mod N]``, so that ``circulant(f) @ g`` is
  ``circular_convolve(f, g)``;
* ``alias(y, L)[n] = sum_j y[n + j L]``, the linear result folded onto one period.

Both operations are computed *without* the DFT, as the linear operation of
:func:`convcorr.convolve` / :func:`convcorr.correlate` folded by :func:`alias`, so that a check
of the circular convolution theorem against them compares two different computations. Integer
inputs give exact results (as floats while below 2**53, as in :func:`convcorr.convolve`); object
arrays of exact entries (``int``, ``fractions.Fraction``, SymPy) go through
:mod:`convcorr.exact` and stay exact.

Defined in chapter 8 (The DFT side: circular convolution and the correlation theorem).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import exact
from .discrete import Method
from .discrete import convolve as _convolve
from .discrete import correlate as _correlate

__all__ = ["alias", "circulant", "circular_convolve", "circular_correlate"]

_KINDS = "biufcO"
_ACCEPTED = (
    "a numeric dtype (bool, integer, float, complex) or exact object entries (int, Fraction, SymPy)"
)


def _as_array(x: Any, name: str) -> np.ndarray:
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must not be a masked array (its mask would be ignored); received a "
            "numpy.ma.MaskedArray: pass x.filled(value) instead"
        )
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be array-like with {_ACCEPTED}; received {type(x).__name__} "
            f"that NumPy cannot convert ({exc})"
        ) from None
    if arr.dtype.kind not in _KINDS:
        raise TypeError(f"{name} must have {_ACCEPTED}; received dtype {arr.dtype}")
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty array with at least one axis; received shape {arr.shape}"
        )
    return arr


def _as_period(shape: int | Sequence[int], ndim: int, name: str = "shape") -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, numbers.Integral) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        raise TypeError(
            f"{name} must be a positive int or a tuple of positive ints; received "
            f"{type(shape).__name__}"
        ) from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"{name} must hold ints; received {d!r} in {shape!r}")
        if d < 1:
            raise ValueError(f"{name} must hold periods >= 1; received {shape!r}")
    if len(dims) != ndim:
        raise ValueError(
            f"{name} must give one period per axis of the array ({ndim}); received "
            f"{shape!r} with {len(dims)}"
        )
    return tuple(int(d) for d in dims)


def alias(y: ArrayLike, shape: int | Sequence[int]) -> np.ndarray:
    """Fold ``y`` onto one period: ``out[n] = sum_j y[n + j L]`` on every axis.

    .. math:: \\mathrm{out}[n] = \\sum_{j \\ge 0} y[n + j L], \\qquad n = 0, \\dots, L - 1,

    taken on each axis with its own period ``L``. This is how a linear convolution of
    ``M + N - 1`` samples turns into the circular convolution of period ``L`` (the samples
    past ``L`` wrap around onto the first ones); with ``L >= len(y)`` nothing wraps and ``y``
    is only zero-padded to ``L`` samples.

    Parameters
    ----------
    y : array_like
        Array of ``ndim >= 1`` with a numeric dtype or exact object entries.
    shape : int or tuple of int
        The period ``L >= 1`` of each axis (an int for 1-D ``y``).

    Returns
    -------
    numpy.ndarray
        Of shape ``shape`` and the dtype of ``y`` (bool becomes int64, object stays object).

    Raises
    ------
    ValueError
        ``y`` empty or 0-d; a period below 1; not one period per axis.
    TypeError
        ``y`` not numeric or exact; a period that is not an int.

    Defined in chapter 8 (The DFT side: circular convolution and the correlation theorem).
    """
    y = _as_array(y, "y")
    periods = _as_period(shape, y.ndim)
    if y.dtype.kind == "b":
        y = y.astype(np.int64)  # a sum of booleans counts them
    out = y
    for axis, period in enumerate(periods):
        blocks = -(-out.shape[axis] // period)  # ceil: whole periods covering the axis
        pad = [(0, 0)] * out.ndim
        pad[axis] = (0, blocks * period - out.shape[axis])
        padded = np.pad(out, pad) if out.dtype.kind != "O" else _pad_object(out, pad)
        split = (*padded.shape[:axis], blocks, period, *padded.shape[axis + 1 :])
        out = padded.reshape(split).sum(axis=axis)
    return out.astype(y.dtype, copy=False)


def _pad_object(arr: np.ndarray, pad: Sequence[tuple[int, int]]) -> np.ndarray:
    out = np.zeros([n + a + b for n, (a, b) in zip(arr.shape, pad, strict=True)], dtype=object)
    out[tuple(slice(a, a + n) for n, (a, _) in zip(arr.shape, pad, strict=True))] = arr
    return out


def _operands(f: ArrayLike, g: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    f = _as_array(f, "f")
    g = _as_array(g, "g")
    if f.ndim != g.ndim:
        raise ValueError(
            f"f and g must have the same number of axes; received f.ndim={f.ndim} and "
            f"g.ndim={g.ndim}"
        )
    if any(a > b for a, b in zip(f.shape, g.shape, strict=True)):
        raise ValueError(
            "f must be no longer than g on any axis (it is zero-padded to g's shape, the "
            f"period); received f.shape={f.shape} and g.shape={g.shape}"
        )
    return f, g


def _linear(f: np.ndarray, g: np.ndarray, correlate: bool, method: Method) -> np.ndarray:
    if f.dtype.kind == "O" or g.dtype.kind == "O":
        return (exact.correlate if correlate else exact.convolve)(f, g, "full")
    return (_correlate if correlate else _convolve)(f, g, "full", method)


def circular_convolve(f: ArrayLike, g: ArrayLike, method: Method = "auto") -> np.ndarray:
    """Circular convolution ``f ⊛ g`` with the period of ``g``'s shape.

    .. math:: (f \\circledast g)[n] = \\sum_m f[m]\\, g[(n - m) \\bmod N],
       \\qquad n = 0, \\dots, N - 1,

    on every axis (``N`` is ``g.shape``; ``f`` is zero-padded to it). Computed as the full
    linear convolution :func:`convcorr.convolve` folded by :func:`alias`, not through the DFT.

    Parameters
    ----------
    f : array_like
        The kernel, no longer than ``g`` on any axis, same ``ndim``.
    g : array_like
        The signal; its shape is the period and the output shape.
    method : {'auto', 'direct', 'fft', 'oa', 'os'}, optional
        Passed to :func:`convcorr.convolve` for numeric input; object (exact) input uses
        :func:`convcorr.exact.convolve` and ignores it.

    Returns
    -------
    numpy.ndarray
        Of shape ``g.shape``: float64 or complex128 for numeric input (exact for integers
        below 2**53), object for exact input.

    Raises
    ------
    ValueError
        Empty or 0-d input, different ``ndim``, ``f`` longer than ``g`` on an axis, an unknown
        ``method``, a NaN or infinity.
    TypeError
        A dtype that is neither numeric nor exact objects.

    Defined in chapter 8 (The DFT side: circular convolution and the correlation theorem).
    """
    f, g = _operands(f, g)
    return alias(_linear(f, g, False, method), g.shape)


def circular_correlate(f: ArrayLike, g: ArrayLike, method: Method = "auto") -> np.ndarray:
    """Circular cross-correlation ``f ⋆_N g`` with the period of ``g``'s shape.

    .. math:: (f \\star_N g)[k] = \\sum_m \\overline{f[m]}\\, g[(m + k) \\bmod N],
       \\qquad k = 0, \\dots, N - 1,

    on every axis, the conjugate on the first argument (``N`` is ``g.shape``; ``f`` is
    zero-padded to it). Lag ``k`` and lag ``k - N`` are the same sample: negative lags sit at
    the end. Computed as the full linear correlation :func:`convcorr.correlate` (lag ``k`` at
    index ``k + len(f) - 1``) folded by :func:`alias`, not through the DFT.

    Parameters
    ----------
    f : array_like
        The template, no longer than ``g`` on any axis, same ``ndim``.
    g : array_like
        The signal; its shape is the period and the output shape.
    method : {'auto', 'direct', 'fft', 'oa', 'os'}, optional
        As in :func:`circular_convolve`.

    Returns
    -------
    numpy.ndarray
        Of shape ``g.shape``, dtypes as in :func:`circular_convolve`.

    Raises
    ------
    ValueError
        As :func:`circular_convolve`.
    TypeError
        As :func:`circular_convolve`.

    Defined in chapter 8 (The DFT side: circular convolution and the correlation theorem).
    """
    f, g = _operands(f, g)
    folded = alias(_linear(f, g, True, method), g.shape)
    # index i of the full correlation holds lag i - (len(f) - 1): move lag 0 to index 0
    return np.roll(folded, [-(m - 1) for m in f.shape], axis=tuple(range(f.ndim)))


def circulant(f: ArrayLike) -> np.ndarray:
    """The circulant matrix of ``f``: ``C[n, m] = f[(n - m) mod N]``, so ``C @ g = f ⊛ g``.

    .. math:: C[n, m] = f[(n - m) \\bmod N], \\qquad n, m = 0, \\dots, N - 1 .

    Its first column is ``f`` and each further column is the previous one rotated down by one
    sample: the convention of :func:`scipy.linalg.circulant`. The transpose (first *row* ``f``)
    is the matrix of a different operation, ``g ↦ sum_m f[m] g[(n + m) mod N]``. The DFT
    diagonalises every circulant: ``C = W^{-1} diag(W f) W`` with ``W[k, n] =
    exp(-2πi k n / N)``.

    Parameters
    ----------
    f : array_like
        1-D, ``N >= 1`` samples, numeric or exact object entries.

    Returns
    -------
    numpy.ndarray
        Of shape ``(N, N)`` and the dtype of ``f`` (bool becomes int64; object stays exact).

    Raises
    ------
    ValueError
        ``f`` empty, 0-d or of more than one axis.
    TypeError
        A dtype that is neither numeric nor exact objects.

    Defined in chapter 8 (The DFT side: circular convolution and the correlation theorem).
    """
    f = _as_array(f, "f")
    if f.ndim != 1:
        raise ValueError(f"f must be 1-D (a circulant is N × N); received shape {f.shape}")
    if f.dtype.kind == "b":
        f = f.astype(np.int64)
    n = np.arange(f.shape[0])
    return f[(n[:, None] - n[None, :]) % f.shape[0]]
