"""Convolution and cross-correlation as matrices: Toeplitz in 1-D, block Toeplitz in N-D.

For a kernel ``f`` and a signal ``g`` of a fixed shape, both operations are linear in ``g``,
so each is a matrix product with ``g`` flattened (C order):

* ``convolution_matrix(f, g.shape, mode) @ g.ravel() == convcorr.convolve(f, g, mode).ravel()``;
* ``correlation_matrix(f, g.shape, mode) @ g.ravel() == convcorr.correlate(f, g, mode).ravel()``.

In 1-D the full convolution matrix has entries ``T[n, j] = f[n - j]`` (zero unless
``0 <= n - j < len(f)``): it is constant along each diagonal, a Toeplitz matrix. In 2-D it is
doubly block Toeplitz: blocks of 1-D Toeplitz matrices, the block in block-row ``I`` and
block-column ``J`` built from the kernel row ``f[I - J]``. The correlation matrix is the
convolution matrix of the reversed conjugate ``f~[m] = conj(f[-m])``; the conjugate transpose
of the full convolution matrix of ``f`` is the ``'valid'`` correlation matrix of ``f``.

The entries are copied from ``f`` with its dtype, so integer and exact (object: ``int``,
``fractions.Fraction``, SymPy) kernels give exact matrices. Meant for teaching and testing:
the matrix has ``prod(output shape) * prod(shape)`` entries.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["convolution_matrix", "correlation_matrix"]

_MODES = ("full", "same", "valid")
_KINDS = "biufcO"


def _as_kernel(f: Any) -> np.ndarray:
    if isinstance(f, np.ma.MaskedArray):
        raise TypeError(
            "f must not be a masked array (its mask would be ignored); received a "
            "numpy.ma.MaskedArray: pass f.filled(value) instead"
        )
    try:
        arr = np.asarray(f)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"f must be array-like with numeric or exact entries; received "
            f"{type(f).__name__} that NumPy cannot convert ({exc})"
        ) from None
    if arr.dtype.kind not in _KINDS:
        raise TypeError(
            "f must have a numeric dtype (bool, integer, float, complex) or exact "
            f"object entries (int, Fraction, SymPy); received dtype {arr.dtype}"
        )
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(
            f"f must be a non-empty array with at least one axis; received shape {arr.shape}"
        )
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"f must be finite; received {arr[bad]!r} at index {bad}")
    if arr.dtype.kind == "O":
        for idx in np.ndindex(arr.shape):
            if not isinstance(arr[idx], numbers.Number) and not hasattr(arr[idx], "conjugate"):
                raise TypeError(
                    f"f entries must be numbers or SymPy expressions; received "
                    f"{type(arr[idx]).__name__} at index {idx}"
                )
    return arr.astype(np.int64) if arr.dtype.kind == "b" else arr


def _as_shape(shape: int | Sequence[int], ndim: int) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, numbers.Integral) else shape
    try:
        dims = tuple(dims)
    except TypeError:
        raise TypeError(
            f"shape must be an int or a tuple of ints; received {type(shape).__name__}"
        ) from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"shape must hold ints; received {d!r} in {shape!r}")
        if d < 1:
            raise ValueError(f"shape must hold positive lengths; received {shape!r}")
    if len(dims) != ndim:
        raise ValueError(f"shape must have one length per axis of f ({ndim}); received {shape!r}")
    return tuple(int(d) for d in dims)


def _window(M: int, N: int, mode: str) -> tuple[int, int]:
    """(start, length) of the samples of the full output (length M + N - 1) that mode keeps."""
    if mode == "full":
        return 0, M + N - 1
    if mode == "same":
        return (M - 1) // 2, N
    return min(M, N) - 1, abs(M - N) + 1


def convolution_matrix(f: ArrayLike, shape: int | Sequence[int], mode: str = "full") -> np.ndarray:
    """The matrix of ``g ↦ f * g`` for signals ``g`` of the given shape.

    .. math:: (f * g)[n] = \\sum_j T[n, j]\\, g[j], \\qquad T[n, j] = f[n - j]

    with ``f[i] = 0`` outside ``0 <= i < f.shape`` (componentwise, in N-D), and the output
    index ``n`` running over the samples that ``mode`` keeps of the full output
    ``0 .. f.shape + shape - 2``. In 1-D ``T`` is a Toeplitz matrix (constant along every
    diagonal); in 2-D it is doubly block Toeplitz. Rows and columns follow C order of the
    output and of ``g``: ``T @ g.ravel() == convcorr.convolve(f, g, mode).ravel()``.

    Parameters
    ----------
    f : array_like
        The kernel, ``ndim >= 1``, non-empty: bool, integer, float or complex (finite), or
        an object array of exact entries (``int``, ``Fraction``, SymPy expressions).
    shape : int or tuple of int
        The shape of the signals ``g``, one positive length per axis of ``f``.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.convolve`: along an axis where ``f`` has ``M`` samples and
        ``g`` has ``N``, the matrix has ``M + N - 1`` (``'full'``), ``N`` (``'same'``, the
        window from ``(M - 1) // 2``) or ``|M - N| + 1`` (``'valid'``) rows per axis.

    Returns
    -------
    numpy.ndarray
        Shape ``(prod(output shape), prod(shape))``, dtype of ``f`` (bool becomes int64);
        exact entries stay exact.

    Raises
    ------
    TypeError
        ``f`` not numeric or exact; ``shape`` not an int or a tuple of ints.
    ValueError
        ``f`` empty, 0-d or not finite; ``shape`` of the wrong length or with a length below
        1; unknown ``mode``; ``'valid'`` with neither ``f`` nor ``g`` at least as large as
        the other on every axis.

    Notes
    -----
    ``scipy.linalg.convolution_matrix(a, n, mode)`` is the same matrix in 1-D for
    ``'full'`` and ``'valid'``; its ``'same'`` follows ``numpy.convolve`` and keeps
    ``max(len(a), n)`` rows, so it agrees with this one when ``n >= len(a)``.

    Defined in chapter 5 (Discrete identities, verified).
    """
    f = _as_kernel(f)
    shape = _as_shape(shape, f.ndim)
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"mode must be one of 'full', 'same', 'valid'; received {mode!r}")
    if mode == "valid":
        pairs = list(zip(f.shape, shape, strict=True))
        if not (all(m >= n for m, n in pairs) or all(n >= m for m, n in pairs)):
            raise ValueError(
                "mode 'valid' needs f or g to be at least as large as the other on every "
                f"axis; received f.shape {f.shape} and shape {shape}"
            )
    windows = [_window(M, N, mode) for M, N in zip(f.shape, shape, strict=True)]
    out_shape = tuple(length for _, length in windows)
    dtype = f.dtype
    T = np.zeros((math.prod(out_shape), math.prod(shape)), dtype=dtype)
    cols = np.arange(math.prod(shape))
    J = np.unravel_index(cols, shape)
    for m in np.ndindex(f.shape):
        rows = [J[a] + m[a] - windows[a][0] for a in range(f.ndim)]
        ok = np.ones(cols.size, dtype=bool)
        for r, length in zip(rows, out_shape, strict=True):
            ok &= (r >= 0) & (r < length)
        if ok.any():
            flat = np.ravel_multi_index([r[ok] for r in rows], out_shape)
            T[flat, cols[ok]] = f[m]  # n - j = m: one kernel entry per (row, column)
    return T


def correlation_matrix(f: ArrayLike, shape: int | Sequence[int], mode: str = "full") -> np.ndarray:
    """The matrix of ``g ↦ f ⋆ g`` for signals ``g`` of the given shape.

    .. math:: (f \\star g)[k] = \\sum_j C[k, j]\\, g[j], \\qquad C[k, j] = \\overline{f[j - k]}

    with ``f[i] = 0`` outside ``0 <= i < f.shape``; the lag ``k`` runs over the lags that
    ``mode`` keeps (from ``-(M - 1)`` to ``N - 1`` in ``'full'``, as
    :func:`convcorr.correlation_lags` reports them). This is
    ``convolution_matrix(f~, shape, mode)`` with ``f~[m] = conj(f[-m])`` (every axis
    reversed), a Toeplitz matrix in 1-D, so
    ``C @ g.ravel() == convcorr.correlate(f, g, mode).ravel()``. The conjugate transpose of
    ``convolution_matrix(f, n, 'full')`` is ``correlation_matrix(f, len(f) + n - 1, 'valid')``.

    Parameters
    ----------
    f : array_like
        The template, as for :func:`convolution_matrix`.
    shape : int or tuple of int
        The shape of the signals ``g``, one positive length per axis of ``f``.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.correlate` (the same output sizes as :func:`convolution_matrix`).

    Returns
    -------
    numpy.ndarray
        Shape ``(prod(output shape), prod(shape))``, dtype of ``f`` (bool becomes int64).

    Raises
    ------
    TypeError, ValueError
        As :func:`convolution_matrix`.

    Defined in chapter 5 (Discrete identities, verified).
    """
    f = _as_kernel(f)
    return convolution_matrix(np.conj(f[(slice(None, None, -1),) * f.ndim]), shape, mode)
