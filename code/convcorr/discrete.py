"""Discrete convolution and cross-correlation of N-D arrays: the public API.

The book's notation, used everywhere:

* convolution ``(f * g)[n] = sum_m f[m] g[n - m]``;
* cross-correlation ``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]``, the conjugate
  on the first argument.

The first argument is the kernel (or template), the second the signal.
For every mode the results equal SciPy's ``scipy.signal.convolve(g, f, mode)``
and ``scipy.signal.correlate(g, f, mode)``: note the swapped order.

This module validates the input once and hands it to :func:`_dispatch`, the one
place that resolves the method (with :mod:`convcorr.costmodel` for ``'auto'``)
and runs its algorithm from :data:`convcorr.methods.ALGORITHMS` behind one of
the guards of :mod:`convcorr.guards`, which also refuse non-finite input.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from . import costmodel, guards, methods, plan
from ._checks import (
    as_signal,
    check_choice,
    check_length,
    check_mode,
    check_operands,
    result_dtype,
)
from .methods import METHODS
from .plan import MODES

__all__ = ["Method", "Mode", "convolve", "correlate", "correlation_lags", "reverse_conj"]

#: The values of ``mode`` (:data:`convcorr.plan.MODES`), for type checkers.
Mode = Literal["full", "same", "valid"]
#: The values of ``method`` (:data:`convcorr.methods.METHODS`), for type checkers.
Method = Literal["auto", "direct", "fft", "oa", "os"]


def _run(f: ArrayLike, g: ArrayLike, mode: str, method: str, correlate: bool) -> np.ndarray:
    """``f * g`` (or ``f ⋆ g``): check the boundary, then :func:`_dispatch`.

    A plain call (:func:`_plain_call`) is checked in well under a
    microsecond and computed in the dtype of its operands; anything else
    gets the full checks, which accept it (converting lists, integers,
    float16, other byte orders) or raise the precise error. Then, for both,
    the shapes must make ``mode`` possible. Finiteness is left to
    :func:`_dispatch`, which knows the method.
    """
    if _plain_call(f, g, mode, method):
        dtype = f.dtype
        if not (dtype is g.dtype and dtype.itemsize > 2 and dtype.isnative):
            dtype = result_dtype(f, g)  # the common case skips result_type's overhead
    else:
        check_choice(method, "method", METHODS)
        f, g = check_operands(f, g, mode, as_signal)
        dtype = result_dtype(f, g)
    if f.ndim > 1:  # of two non-empty 1-D operands one always covers the other
        plan.check_mode_possible(f.shape, g.shape, mode)
    return _dispatch(f, g, dtype, mode, method, correlate)


def _plain_call(f: object, g: object, mode: object, method: object) -> bool:
    """Whether the common call passes every check of its arguments, decided fast.

    Two non-empty ndarrays (not subclasses such as masked arrays) of one
    ``ndim``, floating or complex, a known mode and method. Anything else
    goes through the full checks, which accept it or raise the precise
    error. Neither looks at finiteness or at whether the shapes make the
    mode possible.
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
    )


def _dispatch(
    f: np.ndarray, g: np.ndarray, dtype: np.dtype, mode: str, method: str, correlate: bool
) -> np.ndarray:
    """Run the algorithm ``method`` names on validated operands, behind its guard.

    ``'auto'`` becomes the cost model's choice. Then, by operands:

    * bool and integer operands: :func:`convcorr.guards.integer`, exact under
      every method (and finite by nature);
    * the FFT paths: :func:`convcorr.guards.scaled`, whose pass measuring the
      operands' magnitudes also refuses a NaN or an infinity;
    * the direct sum: :func:`convcorr.guards.screened`, which refuses them
      from its output.
    """
    if method == "auto":
        method = costmodel.choose(f.shape, g.shape, dtype.char, mode)
    if f.dtype.kind in "biu" and g.dtype.kind in "biu":
        return guards.integer(method, f, g, mode, correlate)
    guard = guards.screened if method == "direct" else guards.scaled
    return guard(methods.ALGORITHMS[method], f, g, dtype, mode, correlate)


def convolve(
    f: ArrayLike, g: ArrayLike, mode: Mode = "full", method: Method = "auto"
) -> np.ndarray:
    """Discrete convolution ``f * g`` of two N-D arrays.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m]

    summed over every index ``m`` where both factors are defined (zero
    elsewhere).

    Defined in chapter 1 (Two operations, one flip).

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
    method : {'auto', 'direct', 'fft', 'oa', 'os'}, optional
        ``'direct'`` sums the definition, ``'fft'`` multiplies zero-padded
        spectra, ``'oa'`` is overlap-add (blocks of the larger operand
        convolved by short FFTs, their overlapping results added), ``'os'``
        overlap-save (overlapping blocks convolved circularly, the wrapped
        samples of each discarded), ``'auto'`` picks the cheapest of
        ``'direct'``, ``'fft'`` and ``'oa'`` by a measured cost model
        (:func:`convcorr.costmodel.choose_method`).

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

    Defined in chapter 1 (Two operations, one flip).
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

    Defined in chapter 1 (Two operations, one flip).

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
    method : {'auto', 'direct', 'fft', 'oa', 'os'}, optional
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

    Defined in chapter 1 (Two operations, one flip).

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
    keep = plan.mode_slices((f_len,), (g_len,), mode)[0]
    # index i of the full output holds lag i - (f_len - 1)
    return np.arange(keep.start - (f_len - 1), keep.stop - (f_len - 1))
