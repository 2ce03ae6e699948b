"""Gradient checking by centered differences."""

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
    """Centered differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    ``f`` maps the array ``x`` (modified in place, and restored even when ``f``
    raises) to a real scalar; the result has ``x``'s shape, in float64. Error
    ``O(eps**2)`` for smooth ``f``. For complex ``x`` both the real and the
    imaginary part of each entry are perturbed and the result is
    ``∂f/∂Re x + i ∂f/∂Im x`` (``= 2 ∂f/∂x̄``, the convention of
    :mod:`convcorr.nn.functional`). The steps ``x ± eps`` are stored in ``x``'s
    own dtype: for float32 use ``eps`` near ``1e-3`` (1e-6 is a few float32 ulps of 1).

    Defined in chapter 11 (The gradient of a correlation is a convolution).

    Raises
    ------
    TypeError
        ``x`` not a float or complex ndarray (an integer array cannot hold
        ``x ± eps``: pass ``x.astype(float)``); ``f`` not returning a real scalar.
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
                x[idx] = old + eps * unit
                up = _scalar(f(x))
                x[idx] = old - eps * unit
                down = _scalar(f(x))
                grad[idx] += unit * (up - down) / (2 * eps)
        finally:
            x[idx] = old
    return grad


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
