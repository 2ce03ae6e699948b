"""Argument checks shared by the :mod:`convcorr.nn` modules.

Every check raises a ``ValueError`` or ``TypeError`` whose message names the
argument, the value received and what is accepted, so that a wrong shape or
label never reaches NumPy (whose messages name neither) or broadcasts silently.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .._checks import as_numeric_array


def int_pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    """Return ``value`` as a pair of ints ``>= minimum`` (an int means both)."""
    items = value if isinstance(value, (tuple, list)) else (value, value)
    ok = len(items) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in items
    )
    if not ok or min(items) < minimum:
        raise ValueError(
            f"{name} must be an integer >= {minimum} or a pair of them; received {value!r}"
        )
    return int(items[0]), int(items[1])


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` if it is an int ``>= 1`` (not a bool), else raise ``ValueError``."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; received {value!r}")
    return int(value)


def positive_real(value: Any, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number > 0, else raise."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be a real number (int or float); received "
            f"{type(value).__name__} {value!r}"
        )
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be finite and > 0; received {value!r}")
    return float(value)


NUMERIC = "a numeric (bool, integer, float or complex) dtype"
REAL = "a real numeric (bool, integer or float; not complex) dtype"


def numeric(
    a: Any,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    *,
    kinds: str = "biufc",
    accepted: str = NUMERIC,
) -> np.ndarray:
    """``a`` as an array of a dtype kind in ``kinds`` and (optionally) ``ndim`` axes.

    Integers and booleans become float64, so that every layer computes in floats.
    ``ndim`` is an int or a tuple of allowed values.
    """
    arr = as_numeric_array(a, name, kinds, accepted)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; received shape {arr.shape}")
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    return arr


def real(a: Any, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """:func:`numeric` without complex: for layers whose rule needs an order (max, ReLU)."""
    return numeric(a, name, ndim, kinds="biuf", accepted=REAL)


def check_dout(dout: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``dout`` as a float array of exactly the layer output's ``shape`` (no broadcasting)."""
    arr = numeric(dout, "dout")
    if arr.shape != tuple(shape):
        raise ValueError(
            f"dout must have the layer output's shape {tuple(shape)}; received shape {arr.shape}"
        )
    return arr


def param_dtype(dtype: DTypeLike, name: str = "dtype") -> np.dtype:
    """A floating or complex dtype for trainable parameters; integers would round to 0."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a NumPy dtype; received {dtype!r}") from None
    if dt.kind not in "fc":
        raise TypeError(
            f"{name} must be a floating or complex dtype (parameters are small reals that "
            f"an integer type would round to 0); received {dt}"
        )
    return dt


def check_rng(rng: np.random.Generator | None) -> np.random.Generator:
    """``rng`` or a fresh ``default_rng(0)``; anything but a Generator is refused."""
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator (np.random.default_rng(seed)) or None; "
            f"received {type(rng).__name__}"
        )
    return rng
