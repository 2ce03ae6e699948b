"""Separable kernels: one 1-D pass per axis instead of one N-D sum.

A kernel that is an outer product of 1-D factors, ``K[i0, i1, ...] = a0[i0] a1[i1] ...``
(in 2-D, ``K = a b^T``), convolves as a cascade of 1-D convolutions, one along each axis:

.. math:: K * x = a_0 *_0 (a_1 *_1 (\\cdots x))

because the defining sum factors: ``sum_{i, j} a[i] b[j] x[n - i, m - j] =
sum_i a[i] (sum_j b[j] x[n - i, m - j])``. A direct sum then costs ``sum_d k_d``
multiply-adds per output instead of ``prod_d k_d``. Any 2-D kernel is a sum of such
terms, its singular value decomposition; keeping the ``r`` largest gives the best
approximation of rank ``r`` (Eckart and Young), whose error is the dropped singular values.

* :func:`separable_convolve`: ``(a0 ⊗ a1 ⊗ ...) * x`` by one pass per axis;
* :func:`separable_multiply_adds`: the multiply-adds of those passes, counted exactly;
* :func:`low_rank_factors`: the ``r`` separable terms of the best rank-``r`` approximation
  of a 2-D kernel.

Defined in chapter 9 (Fast convolution).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import plan
from ._checks import as_signal, check_mode
from .discrete import Method, Mode
from .discrete import convolve as _convolve

__all__ = ["low_rank_factors", "separable_convolve", "separable_multiply_adds"]


def _factors(factors: Any, ndim: int) -> list[np.ndarray]:
    if isinstance(factors, np.ndarray) or not isinstance(factors, Sequence):
        raise TypeError(
            "factors must be a list or tuple of 1-D arrays, one per axis of x; received "
            f"{type(factors).__name__}"
        )
    if len(factors) != ndim:
        raise ValueError(
            f"factors must hold one 1-D array per axis of x ({ndim}); received {len(factors)}"
        )
    out = []
    for d, a in enumerate(factors):
        a = as_signal(a, f"factors[{d}]")
        if a.ndim != 1:
            raise ValueError(f"factors[{d}] must be 1-D; received shape {a.shape}")
        out.append(a)
    return out


def _pass_shape(k: int, axis: int, ndim: int) -> tuple[int, ...]:
    return tuple(k if d == axis else 1 for d in range(ndim))


def _check_passes(kernel_shape: tuple[int, ...], x_shape: tuple[int, ...], mode: str) -> None:
    # every pass must allow the mode: 'valid' needs the pass's kernel to fit on its axis
    current = x_shape
    for axis in reversed(range(len(x_shape))):
        step = _pass_shape(kernel_shape[axis], axis, len(x_shape))
        if plan.mode_possible(step, current, mode):
            current = plan.kept_shape(step, current, mode)
            continue
        raise ValueError(
            "mode='valid' with a separable kernel needs the kernel no larger than x on "
            f"every axis (one 1-D pass per axis); received kernel shape {kernel_shape} "
            f"and x.shape={x_shape}"
        )


def separable_convolve(
    factors: Sequence[Any], x: Any, mode: Mode = "full", method: Method = "auto"
) -> np.ndarray:
    """``K * x`` for the separable kernel ``K = factors[0] ⊗ factors[1] ⊗ ...``, axis by axis.

    .. math:: (K * x)[\\mathbf n] = \\sum_{i_0} a_0[i_0] \\sum_{i_1} a_1[i_1] \\cdots\\,
              x[n_0 - i_0, n_1 - i_1, \\dots]

    computed as one 1-D convolution per axis (:func:`convcorr.convolve` with a kernel
    of shape ``(1, ..., k_d, ..., 1)``), innermost the last axis. Each mode crops every
    axis on its own, so cropping after each pass gives the mode's output of ``K * x``.
    The direct sum costs ``sum_d k_d`` instead of ``prod_d k_d`` multiply-adds per
    output (:func:`separable_multiply_adds`).

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    factors : list or tuple of array_like
        One non-empty 1-D numeric array per axis of ``x``: ``factors[d]`` acts along
        axis ``d`` (in 2-D, ``K = outer(factors[0], factors[1])``: the column, then the
        row factor).
    x : array_like
        Numeric signal, at least 1-D, not empty.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.convolve`, for the kernel ``K``; ``'valid'`` needs ``K``
        no larger than ``x`` on every axis.
    method : {'auto', 'direct', 'fft', 'oa', 'os'}, optional
        Method of every 1-D pass, as in :func:`convcorr.convolve`.

    Returns
    -------
    numpy.ndarray
        ``convcorr.convolve(K, x, mode, method)`` up to rounding: shape as
        :func:`convcorr.convolve` gives for ``K``'s shape. Integer (and bool) input gives
        the exact integer result under every method, as float64, while the partial
        results stay below ``2**53``.

    Raises
    ------
    TypeError
        ``factors`` not a list or tuple; a factor or ``x`` not numeric.
    ValueError
        Not one factor per axis of ``x``; a factor not 1-D or empty; an unknown mode;
        ``'valid'`` with the kernel larger than ``x`` on some axis. NaN or infinity, an
        unknown method: as :func:`convcorr.convolve`.

    Examples
    --------
    >>> separable_convolve([[1, 2, 1], [1, 0, -1]], [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "same")
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    """
    check_mode(mode)
    x = as_signal(x, "x")
    parts = _factors(factors, x.ndim)
    _check_passes(tuple(a.size for a in parts), x.shape, mode)
    y, exact = x, x.dtype.kind in "biu"
    for axis in reversed(range(x.ndim)):
        kernel = parts[axis].reshape(_pass_shape(parts[axis].size, axis, x.ndim))
        exact = exact and kernel.dtype.kind in "biu"
        y = _convolve(kernel, y, mode, method)
        if exact and axis and np.abs(y).max() < 2.0**53:
            # integer passes are exact: hand the next pass integers, so it stays exact
            y = y.astype(np.int64)
    return y


def separable_multiply_adds(
    kernel_shape: Sequence[int], x_shape: Sequence[int], mode: Mode = "full"
) -> tuple[int, int]:
    """Multiply-adds of the direct sums: ``(one N-D sum, one 1-D pass per axis)``.

    The N-D sum of ``K * x`` over the kept outputs has
    :func:`convcorr.plan.kept_products` terms (``prod_d k_d`` per output away from the
    edges); the passes of :func:`separable_convolve` have the sum of their own, each
    pass over the output of the one before (``sum_d k_d`` per output away from the
    edges, a little more in ``'valid'``, where an early pass also computes rows a later
    pass crops away).

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    kernel_shape, x_shape : sequence of int
        Positive lengths, one per axis, of the kernel and the signal.
    mode : {'full', 'same', 'valid'}, optional

    Returns
    -------
    (int, int)
        The multiply-adds of the N-D direct sum and of the separable passes.

    Raises
    ------
    TypeError, ValueError
        Lengths that are not positive integers, shapes of different lengths, an unknown
        mode, ``'valid'`` with the kernel larger than ``x`` on some axis.

    Examples
    --------
    >>> separable_multiply_adds((5, 5), (100, 100), "valid")
    (230400, 94080)
    """
    check_mode(mode)
    shapes = []
    for name, shape in (("kernel_shape", kernel_shape), ("x_shape", x_shape)):
        if not isinstance(shape, (tuple, list)) or not shape:
            raise TypeError(f"{name} must be a non-empty tuple of ints; received {shape!r}")
        for n in shape:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
                raise ValueError(f"{name} must hold positive ints; received {shape!r}")
        shapes.append(tuple(int(n) for n in shape))
    kernel, x = shapes
    if len(kernel) != len(x):
        raise ValueError(
            f"kernel_shape and x_shape must have the same length; received {kernel} and {x}"
        )
    _check_passes(kernel, x, mode)
    passes, current = 0, x
    for axis in reversed(range(len(x))):
        step = _pass_shape(kernel[axis], axis, len(x))
        passes += plan.kept_products(step, current, mode)
        current = plan.kept_shape(step, current, mode)
    return plan.kept_products(kernel, x, mode), passes


def low_rank_factors(kernel: Any, rank: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The best rank-``rank`` approximation of a 2-D kernel, as separable terms.

    With the singular value decomposition ``K = sum_i s_i u_i v_i^H`` (``s_1 >= s_2 >=
    ...``), the terms ``(s_i u_i, conj(v_i))`` for ``i = 1 .. rank``:

    .. math:: K_r = \\sum_{i=1}^{r} s_i\\, u_i v_i^{\\mathsf H}, \\qquad
              \\|K - K_r\\|_2 = s_{r+1}, \\quad
              \\|K - K_r\\|_F = \\Big(\\sum_{i > r} s_i^2\\Big)^{1/2},

    the smallest error of any kernel of rank ``rank`` in both norms (Eckart–Young).
    ``K_r * x`` is then the sum of ``rank`` separable convolutions
    (:func:`separable_convolve` of each pair).

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    kernel : array_like
        2-D numeric kernel, not empty.
    rank : int
        Number of terms, ``1 <= rank <= min(kernel.shape)``.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``rank`` pairs ``(column, row)`` with ``K_r = sum outer(column, row)``; float64
        or complex128.

    Raises
    ------
    TypeError
        ``kernel`` not numeric, ``rank`` not an int.
    ValueError
        ``kernel`` not 2-D, empty or not finite; ``rank`` outside ``1 .. min(shape)``.

    Examples
    --------
    >>> [(column, row)] = low_rank_factors([[2, 4], [1, 2]], 1)  # rank 1: exact
    >>> bool(np.allclose(np.outer(column, row), [[2, 4], [1, 2]]))
    True
    """
    k = as_signal(kernel, "kernel")
    if k.ndim != 2:
        raise ValueError(f"kernel must be 2-D; received shape {k.shape}")
    if not np.isfinite(k).all():
        raise ValueError("kernel must be finite; received a NaN or an infinity")
    if isinstance(rank, bool) or not isinstance(rank, numbers.Integral):
        raise TypeError(f"rank must be an int; received {type(rank).__name__}")
    if not 1 <= rank <= min(k.shape):
        raise ValueError(
            f"rank must be between 1 and min(kernel.shape) = {min(k.shape)}; received {rank}"
        )
    dtype = np.complex128 if k.dtype.kind == "c" else np.float64
    u, s, vh = np.linalg.svd(k.astype(dtype))
    return [(s[i] * u[:, i], vh[i].copy()) for i in range(int(rank))]
