"""Discrete convolution and cross-correlation of N-D arrays: the public API.

The book's notation, used everywhere:

* convolution ``(f * g)[n] = sum_m f[m] g[n - m]``;
* cross-correlation ``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]``, the conjugate
  on the first argument.

The first argument is the kernel (or template), the second the signal.
For every mode the results equal SciPy's ``scipy.signal.convolve(g, f, mode)``
and ``scipy.signal.correlate(g, f, mode)``: note the swapped order.

This module validates the input once, chooses the method (with
:mod:`convcorr.costmodel` for ``'auto'``) and runs one of the algorithms of
:mod:`convcorr.methods`.
"""

from __future__ import annotations

import operator
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from . import costmodel, guards, methods
from ._checks import (
    METHODS,
    MODES,
    as_signal,
    check_finite,
    check_length,
    check_method,
    check_mode,
    check_operands,
    screen_finite,
)
from ._checks import result_dtype as _result_dtype
from ._shapes import mode_slices

__all__ = ["convolve", "correlate", "correlation_lags", "reverse_conj"]

Mode = Literal["full", "same", "valid"]
Method = Literal["auto", "direct", "fft", "oa"]

_RUN = {"direct": methods.direct, "fft": methods.fft, "oa": methods.oa}


def _finite_signal(x, name):
    return check_finite(as_signal(x, name), name)


def _run(f, g, mode, method, correlate):
    """``f * g`` (or ``f ⋆ g``): validate, pick the method, run it.

    A plain call (:func:`_plain_call`) takes :func:`_run_plain`, which checks
    finiteness as cheaply as the method allows; anything else gets the full
    checks at the boundary, which accept it or raise the precise error.
    """
    if _plain_call(f, g, mode, method):
        return _run_plain(f, g, mode, method, correlate)
    check_method(method)
    f, g, _ = check_operands(f, g, mode, _finite_signal)
    dtype = _result_dtype(f, g)
    if method == "auto":
        method = costmodel._choose(f.shape, g.shape, dtype.char, mode)
    if f.dtype.kind in "biu" and g.dtype.kind in "biu":
        return guards.integer(method, f, g, mode, correlate)
    if method == "direct":
        return methods.direct(f, g, dtype, mode, correlate)
    return guards.scaled(_RUN[method], f, g, dtype, mode, correlate)


def _plain_call(f, g, mode, method):
    """Whether the common call passes every boundary check but finiteness, decided fast.

    Two non-empty ndarrays (not subclasses such as masked arrays) of one
    ``ndim``, floating or complex, a known mode and method and a possible
    ``'valid'``. Anything else goes through the full checks, which accept it
    or raise the precise error. Finiteness is left to :func:`_run_plain`,
    which knows the method. This keeps a tiny call's validation to well
    under a microsecond.
    """
    return (
        type(f) is np.ndarray
        and type(g) is np.ndarray
        and f.ndim == g.ndim > 0
        and f.size > 0
        and g.size > 0
        and f.dtype.kind in "fc"
        and g.dtype.kind in "fc"
        and isinstance(mode, str)
        and isinstance(method, str)
        and mode in MODES
        and method in METHODS
        # of two non-empty 1-D operands one always covers the other
        and (mode != "valid" or f.ndim == 1 or _one_covers(f.shape, g.shape))
    )


def _check_finite_inputs(f, g):
    # check_finite screens with one BLAS pass itself and looks closer only when that fails
    check_finite(f, "f")
    check_finite(g, "g")


def _one_covers(f_shape, g_shape):
    # map over operator functions: a third of the time of generator expressions
    return all(map(operator.ge, f_shape, g_shape)) or all(map(operator.le, f_shape, g_shape))


def _kept_outputs_read_every_input(f_shape, g_shape, mode):
    """Whether every sample of ``f`` and of ``g`` is a term of some output ``mode`` keeps.

    Along an axis with ``m`` kernel and ``n`` signal samples, ``f[i]`` is a
    term of the full outputs ``i .. i + n - 1`` and ``g[j]`` of ``j .. j + m - 1``
    (for correlation the mirror image ``m - 1 - i``, the same set of ``i``).
    ``'full'`` keeps every output and ``'valid'`` the outputs ``min(m, n) - 1
    .. max(m, n) - 1``, which meet all of these ranges. ``'same'`` keeps
    ``s .. s + n - 1`` with ``s = (m - 1) // 2``: every ``g[j]`` range meets
    it, and every ``f[i]`` range does exactly when the last one, ``i = m - 1``,
    does: when ``m - 1 <= s + n - 1``, i.e. ``n >= m - s``, which fails only
    for a kernel more than about twice as long as the signal. The kept
    outputs are a product of per-axis ranges, so this holds in N-D when it
    holds on every axis.
    """
    if mode != "same":
        return True
    return all(n + (m - 1) // 2 >= m for m, n in zip(f_shape, g_shape))


def _run_plain(f, g, mode, method, correlate):
    """``f * g`` (or ``f ⋆ g``) of a plain call whose finiteness is still to be checked.

    The package's rule is that non-finite input is refused. When every input
    sample is a term of some kept output (:func:`_kept_outputs_read_every_input`:
    always in ``'full'`` and ``'valid'``, in ``'same'`` unless the kernel is
    more than about twice the signal), a finite output of the direct sum
    proves finite inputs, because a sum with a NaN or infinity among its
    terms is never finite: then only the (often much smaller) output is
    screened, and the inputs are looked at only when that screen fails. The
    FFT paths spread a non-finite input to every output, so their inputs are
    checked first, by :func:`convcorr.guards.scaled`.
    """
    dtype = f.dtype
    if not (dtype is g.dtype and dtype.itemsize > 2 and dtype.isnative):
        dtype = _result_dtype(f, g)  # the common case skips result_type's overhead
    if method == "auto":
        method = costmodel._choose(f.shape, g.shape, dtype.char, mode)
    if method != "direct":
        # guards.scaled screens both operands (refusing NaN and infinity) in
        # the pass that measures their magnitudes: no separate check
        return guards.scaled(_RUN[method], f, g, dtype, mode, correlate)
    if f.ndim == 1 and f.dtype is dtype and g.dtype is dtype:
        out = methods.direct_1d(f, g, mode, correlate)  # no conversions to make
    else:
        out = methods.direct(f, g, dtype, mode, correlate)
    if not (_kept_outputs_read_every_input(f.shape, g.shape, mode) and screen_finite(out)):
        _check_finite_inputs(f, g)
    return out


def convolve(
    f: ArrayLike, g: ArrayLike, mode: Mode = "full", method: Method = "auto"
) -> np.ndarray:
    """Discrete convolution ``f * g`` of two N-D arrays.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m]

    summed over every index ``m`` where both factors are defined (zero
    elsewhere).

    Parameters
    ----------
    f : array_like
        Kernel, any numeric dtype, at least 1-D, not empty.
    g : array_like
        Signal, same ``ndim`` as ``f``.
    mode : {'full', 'same', 'valid'}, optional
        ``'full'``: every ``n`` with a non-zero term, ``n = 0 ..
        len(f) + len(g) - 2`` on each axis, output shape
        ``len(f) + len(g) - 1``. ``'same'``: the centre of the full output
        with ``g``'s shape (starting at ``(len(f) - 1) // 2``, as
        ``scipy.signal.convolve(g, f, 'same')``). ``'valid'``: only outputs
        computed without zero padding, shape ``|len(g) - len(f)| + 1``;
        one operand must be at least as large as the other on every axis.
    method : {'auto', 'direct', 'fft', 'oa'}, optional
        ``'direct'`` sums the definition, ``'fft'`` multiplies zero-padded
        spectra, ``'oa'`` is overlap-add (blocks of the larger operand
        convolved by short FFTs), ``'auto'`` picks the cheapest by a measured
        cost model (:func:`convcorr.costmodel.choose_method`).

    Returns
    -------
    numpy.ndarray
        Floating (or complex) array; single precision stays single precision
        (float16 becomes float32). When both inputs are bool or integer the
        result is float64 holding the exact integer result under every method
        (exactly representable while ``|value| < 2**53``; beyond, the float64
        nearest to the exact integer).

    Raises
    ------
    ValueError
        Unknown ``mode`` or ``method``; empty or 0-d input; a NaN or infinity
        in the input; ``f`` and ``g`` of different ``ndim``; ``'valid'`` with
        neither operand covering the other.
    TypeError
        Non-numeric dtype, or a masked array (its mask would be ignored).

    Notes
    -----
    Every method gives the same answer up to rounding, so ``'auto'`` changes
    only the speed:

    * non-finite input is refused (the direct sum would make only the outputs
      whose window touches it non-finite, an FFT every output);
    * the FFT paths scale the operands by powers of two (exact) when their
      magnitudes are extreme, so they overflow or underflow only where the
      direct sum does;
    * integer input is exact: the FFT result is rounded when its rounding
      error is provably below 1/2, and computed from products of narrower
      limbs otherwise (:mod:`convcorr.guards`).

    Examples
    --------
    >>> convolve([1, 2], [1, 0, -1])
    array([ 1.,  2., -1., -2.])
    """
    return _run(f, g, mode, method, False)


def reverse_conj(f: ArrayLike) -> np.ndarray:
    """Return ``conj(f[-m])``: ``f`` reversed along every axis and conjugated.

    On a finite array the reversal maps index ``m`` to ``len - 1 - m``, so the
    origin moves to the last sample; the lag bookkeeping of
    :func:`correlate` accounts for that.
    """
    f = np.asarray(f)
    return np.conj(f[(slice(None, None, -1),) * f.ndim])


def correlate(
    f: ArrayLike, g: ArrayLike, mode: Mode = "full", method: Method = "auto"
) -> np.ndarray:
    """Discrete cross-correlation ``f ⋆ g`` of two N-D arrays.

    .. math:: (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    The conjugate is on the first argument (the template); the lag ``k`` runs,
    along each axis, from ``-(len(f) - 1)`` to ``len(g) - 1`` in ``'full'``
    mode (see :func:`correlation_lags`). Computed as the convolution
    ``conj(f[-m]) * g`` (the conversion identity).

    Parameters
    ----------
    f : array_like
        Template, any numeric dtype, at least 1-D, not empty.
    g : array_like
        Signal, same ``ndim`` as ``f``.
    mode : {'full', 'same', 'valid'}, optional
        Output size as in :func:`convolve`: ``len(f) + len(g) - 1``,
        ``len(g)`` or ``|len(g) - len(f)| + 1`` along each axis. Equal to
        ``scipy.signal.correlate(g, f, mode)``.
    method : {'auto', 'direct', 'fft', 'oa'}, optional
        As in :func:`convolve`.

    Returns
    -------
    numpy.ndarray
        Floating (or complex) array of the size stated under ``mode``; the
        dtype, the exactness for integer input and the rules for extreme
        magnitudes are those of :func:`convolve`.

    Raises
    ------
    ValueError
        Unknown ``mode`` or ``method``; empty or 0-d input; a NaN or infinity
        in the input; ``f`` and ``g`` of different ``ndim``; ``'valid'`` with
        neither operand covering the other.
    TypeError
        Non-numeric dtype, or a masked array.

    Examples
    --------
    >>> correlate([1, 2], [1, 0, -1])
    array([ 2.,  1., -2., -1.])
    """
    return _run(f, g, mode, method, True)


def correlation_lags(f_len: int, g_len: int, mode: Mode = "full") -> np.ndarray:
    """Lag ``k`` of each output sample of ``correlate(f, g, mode)``, one axis.

    ``'full'``: ``k = -(f_len - 1) .. g_len - 1`` (``f_len + g_len - 1``
    lags). ``'same'`` and ``'valid'``: the same slice of that axis that
    :func:`correlate` keeps, so ``g_len`` and ``|g_len - f_len| + 1`` lags.
    Only the returned lags are built, so ``'valid'`` of huge lengths is cheap.

    Parameters
    ----------
    f_len, g_len : int
        Lengths of the template ``f`` and the signal ``g`` along the axis.
    mode : {'full', 'same', 'valid'}, optional

    Returns
    -------
    numpy.ndarray of int

    Notes
    -----
    This is ``scipy.signal.correlation_lags(g_len, f_len, mode)`` except in
    ``'same'`` mode when ``g_len`` is odd and ``f_len`` even: there SciPy's
    lags are one sample off from the samples that its own ``correlate(...,
    'same')`` returns, while these lags always label the returned samples.

    Examples
    --------
    >>> correlation_lags(2, 3)
    array([-1,  0,  1,  2])
    """
    f_len = check_length(f_len, "f_len")
    g_len = check_length(g_len, "g_len")
    check_mode(mode)
    keep = mode_slices((f_len,), (g_len,), mode)[0]
    # index i of the full output holds lag i - (f_len - 1)
    return np.arange(keep.start - (f_len - 1), keep.stop - (f_len - 1))
