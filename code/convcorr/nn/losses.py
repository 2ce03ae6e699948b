"""Losses: each returns ``(loss, gradient with respect to its first argument)``."""

import numpy as np
from numpy.typing import ArrayLike

from ._validate import numeric, real

__all__ = ["mse_loss", "softmax_cross_entropy"]


def _labels(labels: ArrayLike, n: int, k: int) -> np.ndarray:
    """``labels`` as an int array of shape ``(n,)`` with values in ``0 .. k-1``."""
    try:
        y = np.asarray(labels)
    except (TypeError, ValueError):
        y = np.asarray(labels, dtype=object)
    if y.dtype.kind not in "iu":
        raise TypeError(
            f"labels must be integers (class indices 0 .. {k - 1}); received dtype {y.dtype}"
        )
    if y.shape != (n,):
        raise ValueError(
            f"labels must have shape ({n},), one per row of logits; received shape {y.shape}"
        )
    bad = (y < 0) | (y >= k)
    if bad.any():
        # a negative label would index from the end and silently pick the last classes
        raise ValueError(
            f"labels must lie in 0 .. {k - 1} (logits has {k} classes); received "
            f"{y[bad][0]} at position {int(np.flatnonzero(bad)[0])}"
        )
    return y


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(logits)`` and integer ``labels``.

    ``L = -(1/N) sum_n log softmax(z_n)[y_n]``; its gradient is
    ``(softmax(z) - onehot(y)) / N``.

    Parameters
    ----------
    logits : array_like, shape (N, K), real, N >= 1
    labels : array_like of int, shape (N,), values in ``0 .. K-1``

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray, shape (N, K)
    """
    z = real(logits, "logits", 2)
    n, k = z.shape
    if n == 0 or k == 0:
        raise ValueError(
            f"logits must have at least one row and one class; received shape {z.shape}"
        )
    y = _labels(labels, n, k)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    grad = np.exp(logp)
    grad[rows, y] -= 1
    return float(-logp[rows, y].sum() / n), grad / n


def mse_loss(pred: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
    """Mean squared error ``L = ½ mean(|pred - target|²)`` and its gradient.

    Parameters
    ----------
    pred, target : array_like of the same shape (nothing is broadcast), not empty

    Returns
    -------
    loss : float
    dpred : numpy.ndarray, ``(pred - target) / pred.size``
        For complex arrays this is ``∂L/∂Re pred + i ∂L/∂Im pred``, the
        convention of :mod:`convcorr.nn.functional`.
    """
    p, t = numeric(pred, "pred"), numeric(target, "target")
    if p.shape != t.shape:
        raise ValueError(
            f"pred and target must have the same shape (nothing is broadcast); received "
            f"{p.shape} and {t.shape}"
        )
    if p.size == 0:
        raise ValueError(f"pred must not be empty; received shape {p.shape}")
    diff = p - t
    return float(0.5 * np.mean(np.abs(diff) ** 2)), diff / diff.size
