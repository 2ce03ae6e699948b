"""Exact discrete convolution and cross-correlation of small object arrays.

The entries may be Python integers, :class:`fractions.Fraction` values or
SymPy expressions (symbols included), so every identity of the book can be
checked with no rounding at all. The sums are evaluated literally from the
definitions,

* ``(f * g)[n] = sum_m f[m] g[n - m]``,
* ``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]``,

independently of each other (correlation is *not* computed through the
conversion identity, so comparing the two checks that identity). Modes,
output shapes and lags are those of :func:`convcorr.convolve`,
:func:`convcorr.correlate` and :func:`convcorr.correlation_lags`.

The cost is ``O(f.size * g.size)`` Python operations: meant for arrays of a
few dozen entries, not for numerical work (use :mod:`convcorr` for that).
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike

from ._checks import check_not_masked, check_not_scalar_or_empty, check_operands
from .plan import full_shape, mode_slices

__all__ = ["convolve", "correlate", "equal", "reverse_conj", "symbols"]


def _received(x: Any) -> str:
    """What an error message says was received instead of an exact entry."""
    if isinstance(x, sympy.Expr):
        return f"{x}, which holds a SymPy Float"
    return f"an entry of type {type(x).__name__}"


def _is_exact(x: Any) -> bool:
    if isinstance(x, sympy.Expr):
        return not x.has(sympy.Float)
    return isinstance(x, numbers.Rational)  # int and bool included


def _exact_entry(x: Any, name: str) -> int | numbers.Rational | sympy.Expr:
    """Return ``x`` as an exact scalar (``int``, ``Fraction`` or SymPy without floats)."""
    if not _is_exact(x):
        raise TypeError(
            f"{name} entries must be exact: int, fractions.Fraction or a SymPy "
            f"expression without SymPy Float; received {_received(x)} (convert "
            "floats with fractions.Fraction, sympy.Rational or sympy.nsimplify)"
        )
    # NumPy integers would overflow silently
    return int(x) if isinstance(x, numbers.Integral) else x


def as_exact(x: Any, name: str) -> np.ndarray:
    """Convert ``x`` to a non-empty object array of exact entries, ``ndim >= 1``.

    Raises
    ------
    TypeError
        If an entry is not an ``int``, a ``Fraction`` or a SymPy expression,
        or is a SymPy expression holding a SymPy ``Float`` (floats, NumPy's
        and SymPy's, are rejected: they would make the result inexact).
    ValueError
        If the array is 0-d or empty.
    """
    check_not_masked(x, name)
    arr = np.asarray(x, dtype=object)
    if arr.ndim == 0:
        _exact_entry(arr[()], name)  # None or a float is a TypeError, as in convcorr
    check_not_scalar_or_empty(arr, name)
    out = np.empty(arr.shape, dtype=object)
    for idx in np.ndindex(arr.shape):
        out[idx] = _exact_entry(arr[idx], name)
    return out


def _conj(x: Any) -> Any:
    return sympy.conjugate(x) if isinstance(x, sympy.Expr) else x


def _in_range(index: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    return all(0 <= i < n for i, n in zip(index, shape, strict=True))


def convolve(f: ArrayLike, g: ArrayLike, mode: str = "full") -> np.ndarray:
    """Exact convolution ``f * g`` of two N-D arrays, by the definition.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m]

    over every ``m`` with ``0 <= m < f.shape`` and ``0 <= n - m < g.shape``
    (componentwise); ``n = 0 .. len(f) + len(g) - 2`` on each axis.

    Defined in chapter 5 (Discrete identities, verified).

    Parameters
    ----------
    f, g : array_like
        Arrays of the same ``ndim >= 1`` whose entries are ``int``,
        ``fractions.Fraction`` or SymPy expressions.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.convolve`: output shape ``len(f) + len(g) - 1``,
        ``len(g)`` or ``|len(g) - len(f)| + 1`` along each axis.

    Returns
    -------
    numpy.ndarray of object
        Exact entries (SymPy sums are not expanded; compare with
        :func:`equal`).

    Raises
    ------
    ValueError
        Unknown ``mode``; empty or 0-d input; different ``ndim``; ``'valid'``
        with neither operand covering the other.
    TypeError
        An entry that is not exact (a float, a string, ...).
    """
    f, g = check_operands(f, g, mode, as_exact)
    keep = mode_slices(f.shape, g.shape, mode)
    out = np.empty(full_shape(f.shape, g.shape), dtype=object)
    for n in np.ndindex(out.shape):
        terms = []
        for m in np.ndindex(f.shape):
            j = tuple(a - b for a, b in zip(n, m, strict=True))
            if _in_range(j, g.shape):
                terms.append(f[m] * g[j])
        out[n] = sum(terms, start=0)
    return out[keep]


def correlate(f: ArrayLike, g: ArrayLike, mode: str = "full") -> np.ndarray:
    """Exact cross-correlation ``f ⋆ g`` of two N-D arrays, by the definition.

    .. math:: (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    over every ``m`` with ``0 <= m < f.shape`` and ``0 <= m + k < g.shape``;
    along each axis the lag runs over ``k = -(len(f) - 1) .. len(g) - 1``
    and is stored at index ``k + len(f) - 1``.

    Defined in chapter 5 (Discrete identities, verified).

    Parameters
    ----------
    f, g : array_like
        Template and signal, same ``ndim >= 1``; entries ``int``,
        ``fractions.Fraction`` or SymPy expressions. SymPy symbols are
        conjugated with :func:`sympy.conjugate` (declare them ``real=True``
        when they are real).
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.correlate`, lags given by
        :func:`convcorr.correlation_lags`.

    Returns
    -------
    numpy.ndarray of object

    Raises
    ------
    ValueError
        As :func:`convolve`.
    TypeError
        As :func:`convolve`.
    """
    f, g = check_operands(f, g, mode, as_exact)
    keep = mode_slices(f.shape, g.shape, mode)
    out = np.empty(full_shape(f.shape, g.shape), dtype=object)
    for i in np.ndindex(out.shape):
        k = tuple(a - (n - 1) for a, n in zip(i, f.shape, strict=True))
        terms = []
        for m in np.ndindex(f.shape):
            j = tuple(a + b for a, b in zip(m, k, strict=True))
            if _in_range(j, g.shape):
                terms.append(_conj(f[m]) * g[j])
        out[i] = sum(terms, start=0)
    return out[keep]


def reverse_conj(f: ArrayLike) -> np.ndarray:
    """Exact ``conj(f[-m])``: reversed along every axis and conjugated.

    Defined in chapter 5 (Discrete identities, verified).
    """
    f = as_exact(f, "f")
    rev = f[(slice(None, None, -1),) * f.ndim]
    out = np.empty(rev.shape, dtype=object)
    for idx in np.ndindex(rev.shape):
        out[idx] = _conj(rev[idx])
    return out


def symbols(name: str, shape: int | tuple[int, ...], **assumptions: bool) -> np.ndarray:
    """Object array of distinct SymPy symbols ``name_i`` (``name_i_j`` in 2-D).

    Defined in chapter 5 (Discrete identities, verified).

    Parameters
    ----------
    name : str
        Prefix of every symbol.
    shape : int or tuple of int
        Shape of the array, every length positive.
    **assumptions
        Passed to :class:`sympy.Symbol`, e.g. ``real=True``.
    """
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    elif isinstance(shape, (tuple, list)):
        shape = tuple(shape)
    else:
        raise TypeError(
            f"shape must be a positive int or a non-empty tuple of positive ints; "
            f"received {type(shape).__name__} {shape!r}"
        )
    if not shape or any(
        isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1 for n in shape
    ):
        raise ValueError(
            f"shape must be a positive int or a non-empty tuple of positive "
            f"ints; received {shape!r}"
        )
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        label = "_".join(str(i) for i in idx)
        out[idx] = sympy.Symbol(f"{name}_{label}", **assumptions)
    return out


def _float_value(x: Any, name: str, index: tuple[int, ...]) -> Fraction | sympy.Expr | None:
    """The exact value of a binary float (real or complex), ``None`` if ``x`` is no float."""
    if isinstance(x, (complex, np.complexfloating)):
        re, im = (_float_value(part, name, index) for part in (x.real, x.imag))
        return re if im == 0 else sympy.Rational(re) + sympy.I * sympy.Rational(im)
    if not isinstance(x, (float, np.floating)):
        return None
    if not np.isfinite(x):
        raise ValueError(
            f"{name} entries must be finite to have an exact value; received {x} at index {index}"
        )
    return Fraction(*x.as_integer_ratio())


def _comparable(x: Any, name: str) -> np.ndarray:
    """``x`` as an object array of exact entries, each float replaced by its exact value."""
    check_not_masked(x, name)
    arr = np.asarray(x, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx in np.ndindex(arr.shape):
        value = _float_value(arr[idx], name, idx)
        if value is None:
            if not _is_exact(arr[idx]):
                raise TypeError(
                    f"{name} entries must be floats or exact: int, fractions.Fraction or "
                    f"a SymPy expression without SymPy Float; received {_received(arr[idx])}"
                    f" at index {idx}"
                )
            value = _exact_entry(arr[idx], name)
        out[idx] = value
    return out


def equal(a: ArrayLike, b: ArrayLike) -> bool:
    """``True`` when two arrays have equal shapes and exactly equal entries.

    Entries are what :func:`convolve` accepts (``int``,
    :class:`fractions.Fraction`, SymPy expressions without SymPy ``Float``)
    or floats, Python's or NumPy's, real or complex. A float stands for the
    binary fraction it stores, exactly: ``0.5`` equals ``Fraction(1, 2)``,
    ``1.0`` equals ``1``, and ``0.1`` equals ``3602879701896397 / 2**55``, not
    ``Fraction(1, 10)``. So ``equal(convcorr.convolve(f, g),
    exact.convolve(f, g))`` is ``True`` exactly when the floating-point result
    holds the exact values. For every index ``i`` the difference
    ``a[i] - b[i]`` is expanded and compared with zero, so ``a*(b + c)``
    equals ``a*b + a*c``. Different shapes give ``False``.

    Defined in chapter 5 (Discrete identities, verified).

    Raises
    ------
    TypeError
        An entry that is neither exact nor a float (a string, ``None``, a
        SymPy ``Float``), or a masked array; the message names ``a`` or ``b``.
    ValueError
        A NaN or an infinity (no exact value); the message names ``a`` or
        ``b`` and the index.
    """
    a, b = _comparable(a, "a"), _comparable(b, "b")
    if a.shape != b.shape:
        return False
    return all(sympy.expand(a[idx] - b[idx]) == 0 for idx in np.ndindex(a.shape))
