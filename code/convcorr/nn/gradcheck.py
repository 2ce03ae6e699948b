"""Gradient checking by centered differences."""

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import positive_real

__all__ = ["numerical_gradient", "relative_error"]


def _scalar(value: object) -> float:
    v = np.asarray(value)
    if v.shape != () or v.dtype.kind not in "biuf":
        raise TypeError(
            f"f must return a real scalar; received {type(value).__name__} "
            f"of shape {v.shape} and dtype {v.dtype}"
        )
    return float(v)


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Centered differences over the steps actually stored in ``x``.

    For each entry ``x_i`` (each real and imaginary part of a complex entry)
    the step is ``h_i = eps * max(1, |x_i|)``, relative for ``|x_i| > 1`` so
    that it stays far above the spacing of floating-point numbers at ``x_i``,
    and the quotient divides by the difference of the values ``x`` really
    held, ``x_i^+ = fl(x_i + h_i)`` and ``x_i^- = fl(x_i - h_i)``:

    .. math:: g_i = \\frac{f(x^{+}) - f(x^{-})}{x_i^{+} - x_i^{-}},
              \\qquad i \\text{ over every index of } x

    (a step of ``2 eps`` written down but not stored would give 1.9 or 0 for
    ``d/dx x`` at ``x = 1e10`` or ``3e10``). ``f`` maps the array ``x``
    (modified in place, and restored even when ``f`` raises) to a real
    scalar; the result has ``x``'s shape, in float64 (complex128 for complex
    ``x``). Error ``O(h_i**2)`` for smooth ``f``, plus the rounding error of
    ``f`` divided by ``2 h_i``. For complex ``x`` the result is
    ``∂f/∂Re x + i ∂f/∂Im x`` (``= 2 ∂f/∂x̄``, the convention of
    :mod:`convcorr.nn.functional`). The steps are stored in ``x``'s own
    dtype: for float32 use ``eps`` near ``1e-3`` (1e-6 is a few float32 ulps
    of 1, so ``f``'s rounding swamps the difference).

    Defined in chapter 11 (The gradient of a correlation is a convolution).

    Raises
    ------
    TypeError
        ``x`` not a float or complex ndarray (an integer array cannot hold
        ``x ± eps``: pass ``x.astype(float)``); ``f`` not returning a real scalar.
    ValueError
        ``eps`` not positive, or so small (or ``x_i`` so close to overflow)
        that ``x_i ± h_i`` stored in ``x``'s dtype is no finite non-zero step.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "fc":
        kind = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            "x must be a float or complex ndarray (it is perturbed in place; an integer "
            f"array cannot hold x ± eps, pass x.astype(float)); received {kind}"
        )
    eps = positive_real(eps, "eps")
    units = (1.0, 1j) if x.dtype.kind == "c" else (1.0,)
    grad = np.zeros(x.shape, np.complex128 if len(units) == 2 else np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            for unit in units:
                grad[idx] += unit * _partial(f, x, idx, old, unit, eps)
        finally:
            x[idx] = old
    return grad


def _partial(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    idx: tuple,
    old: np.generic,
    unit: complex,
    eps: float,
) -> float:
    """One centered difference along the real (``unit = 1``) or imaginary part of ``x[idx]``."""
    part = np.real if unit == 1 else np.imag
    h = eps * max(1.0, abs(float(part(old))))
    x[idx] = old + h * unit
    above = part(x[idx])
    up = _scalar(f(x))
    x[idx] = old - h * unit
    below = part(x[idx])
    down = _scalar(f(x))
    # exact when both have one sign (Sterbenz), else within an ulp: far below O(h**2)
    step = float(above - below)
    if not 0 < step < math.inf:
        raise ValueError(
            f"eps={eps!r} gives no usable step at index {idx} of x (value {old}): "
            f"x ± eps * max(1, |x|) stored as {x.dtype} differ by {step!r}; accepted is "
            "an eps whose step is finite and above the spacing of floats there"
        )
    return (up - down) / step


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """``max|a - b| / max(max|a|, max|b|, tiny)``: one number per pair of equal shapes."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same shape (nothing is broadcast); received "
            f"{a.shape} and {b.shape}"
        )
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max(), np.finfo(float).tiny)
    return float(np.abs(a - b).max() / scale)
