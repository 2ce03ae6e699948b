"""Guards around the algorithms of :mod:`convcorr.methods`: no silent wrong answer.

* :func:`integer`: bool and integer operands give the exact integer
  result under every method. The direct sum runs in int64 when no partial sum
  can overflow; the FFT paths round their result to integers when the rounding
  error is provably below 1/2, and otherwise split the operands into limbs of
  a few bits (every limb product then safe) and recombine the limb products
  exactly in int64. Beyond int64 (``sum|f| max|g| >= 2**63``) the direct sum
  runs on Python integers.
* :func:`scaled`: the FFT paths scale both operands by powers of two
  (exact) into a range where no product of spectra overflows or underflows,
  and scale the result back, so that they stay finite wherever the direct sum
  does; a result that overflows is computed by the direct sum
  (:func:`overflowing`), since the FFT's rounding error would then be beyond
  the range too.
* :func:`screened`: the direct sum of floating operands.

Both :func:`scaled` and :func:`screened` refuse a NaN or an infinity in
either operand, the package's rule for every method (the direct sum would
spread it to the outputs whose window touches it, an FFT to every output),
each at the cost of a pass it makes anyway; the message comes from
:func:`convcorr._checks.check_finite`. None of these passes calls BLAS: a
multi-threaded BLAS reduction waits for its threads, which on a machine
with another busy core took 530 µs instead of 6 µs for 40,000 samples.

The rounding bound is a conservative form of Percival's bound for FFT
multiplication, ``|error| <= C eps log2(L) ||f||_2 ||g||_2``; measured errors
stay a thousand times below ``C = 32`` used here.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike

from . import methods, plan
from ._checks import check_finite, screen_finite
from .methods import Algorithm

__all__ = [
    "FFT_ERROR_FACTOR",
    "OVERFLOW_DIRECT_LIMIT",
    "fft_is_exact",
    "integer",
    "ldexp",
    "overflowing",
    "scaled",
    "screened",
]

_EPS64 = float(np.finfo(np.float64).eps)
#: Safety factor of the FFT rounding bound (see the module docstring).
FFT_ERROR_FACTOR = 32.0
_INT64_LIMIT = 2.0**62  # float estimates of partial sums stay below 2**63 with margin


def _abs_stats(x: np.ndarray) -> tuple[float, float, float]:
    """(sum |x|, max |x|, ||x||_2) of an integer array, in float64, without BLAS."""
    a = np.abs(x.astype(np.float64))
    total, top = float(a.sum()), float(a.max())
    np.square(a, out=a)  # a fresh copy: squared in place, summed by NumPy
    return total, top, math.sqrt(float(a.sum()))


def _fft_length(f_shape: tuple[int, ...], g_shape: tuple[int, ...]) -> int:
    return math.prod(plan.fft_shape(plan.full_shape(f_shape, g_shape), True))


def fft_is_exact(f_norm: float, g_norm: float, length: int) -> bool:
    """Whether rounding a float64 FFT convolution recovers exact integers.

    True when ``FFT_ERROR_FACTOR * eps * log2(length) * f_norm * g_norm`` (a
    bound on the largest rounding error) is below 1/2.

    Defined in chapter 9 (Fast convolution).
    """
    bound = FFT_ERROR_FACTOR * _EPS64 * math.log2(max(length, 2)) * f_norm * g_norm
    return bound < 0.5


def integer(
    method: str, f: np.ndarray, g: np.ndarray, mode: str = "full", correlate: bool = False
) -> np.ndarray:
    """Exact ``f * g`` (or ``f ⋆ g``) of bool/integer arrays over the kept outputs, as float64.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    method : {'direct', 'fft', 'oa'}
        The name of the algorithm (:data:`convcorr.methods.ALGORITHMS`) that
        does the arithmetic.
    f, g : numpy.ndarray
        Validated bool or integer operands of equal ``ndim``.
    mode : {'full', 'same', 'valid'}
    correlate : bool
        ``f ⋆ g`` instead of ``f * g``.

    Returns
    -------
    numpy.ndarray of float64
        The exact integer result, rounded to float64 only where it exceeds
        ``2**53`` in magnitude (the float64 nearest to the exact integer).
    """
    run = methods.ALGORITHMS[method]
    f_sum, f_max, f_norm = _abs_stats(f)
    g_sum, g_max, g_norm = _abs_stats(g)
    if min(f_sum * g_max, f_max * g_sum) >= _INT64_LIMIT:
        # partial sums may leave int64: exact Python integers, by the definition
        direct = methods.ALGORITHMS["direct"]
        out = direct(f.astype(object), g.astype(object), np.dtype(object), mode, correlate)
        return out.astype(np.float64)
    f, g = f.astype(np.int64), g.astype(np.int64)
    if method == "direct":
        return run(f, g, np.int64, mode, correlate).astype(np.float64)
    # the full-length transform bounds every circular length the paths use
    length = _fft_length(f.shape, g.shape)
    if fft_is_exact(f_norm, g_norm, length):
        return np.rint(run(f, g, np.float64, mode, correlate))
    return _limbs_run(run, f, g, mode, correlate, length).astype(np.float64)


def _limb_bits(f: np.ndarray, g: np.ndarray, length: int) -> int:
    """Largest limb width ``b`` whose limb products the FFT computes exactly.

    A limb holds values of magnitude below ``2**b``, so its 2-norm is below
    ``2**b sqrt(size)``; :func:`fft_is_exact` must hold for two such limbs.
    """
    budget = 0.5 / (FFT_ERROR_FACTOR * _EPS64 * math.log2(max(length, 2)))
    budget /= math.sqrt(f.size * g.size)
    return max(1, math.floor(math.log2(budget) / 2))


def _limbs(x: np.ndarray, bits: int) -> list[np.ndarray]:
    """``x = sum_j limbs[j] * 2**(bits j)``: low limbs in ``[0, 2**bits)``, the top one signed."""
    top = int(np.abs(x).max()).bit_length()
    count = max(1, -(-top // bits))
    mask = (1 << bits) - 1
    limbs = [(x >> (bits * j)) & mask for j in range(count - 1)]
    limbs.append(x >> (bits * (count - 1)))
    return limbs


def _limbs_run(
    run: Algorithm, f: np.ndarray, g: np.ndarray, mode: str, correlate: bool, length: int
) -> np.ndarray:
    """Exact int64 result from FFT products of limbs (wrapping sums are exact).

    ``f ⋆ g`` and ``f * g`` are bilinear, so the result is the sum of the limb
    products times ``2**(bits (i + j))``. The caller guarantees that every
    partial sum of the result fits in int64, so sums taken modulo ``2**64``
    (NumPy's int64 arithmetic) give it exactly.
    """
    bits = _limb_bits(f, g, length)
    f_limbs, g_limbs = _limbs(f, bits), _limbs(g, bits)
    out = 0  # the first product (shift 0) makes it an array of the kept shape
    for i, fl in enumerate(f_limbs):
        for j, gl in enumerate(g_limbs):
            shift = bits * (i + j)
            if shift >= 64:  # a multiple of 2**64 vanishes modulo 2**64
                continue
            product = np.rint(run(fl, gl, np.float64, mode, correlate)).astype(np.int64)
            out = (product << shift) + out
    return out


# --- overflow-safe scaling of the FFT paths ---------------------------------------


Real = float | np.floating
#: Up to this many samples :func:`_max_abs` takes ``abs`` and one reduction (the
#: fixed cost of a NumPy call dominates: 1.6 us for 600 samples, ``max`` and
#: ``min`` 2.3 us); beyond, ``max`` and ``min`` read the array twice but write nothing.
_ABS_PASS_SIZE = 8192


def _larger(a: Real, b: Real) -> Real:
    # the larger of two scalars, NaN if either is NaN (Python's max drops a NaN second)
    return a if a >= b or a != a else b


def _max_abs(x: np.ndarray) -> Real:
    """Largest absolute value of a real or imaginary part of ``x``.

    NumPy's own ``max`` and ``min`` (single-threaded, no BLAS call; see
    :func:`scaled`). Up to double precision the result is a Python float,
    which holds every float16, float32 and float64 value exactly and whose
    comparisons and ``math.frexp`` cost a tenth of NumPy scalars' (a guard's
    pass over two small operands took 9 us, most of it on scalars); a
    ``longdouble`` stays a NumPy scalar, which a Python float would round.
    NaN when ``x`` holds a NaN, infinity when it holds an infinity: both
    propagate through ``max`` and ``min``.
    """
    if x.dtype.kind == "c":
        if not x.flags.forc:
            return _larger(_max_abs(x.real), _max_abs(x.imag))
        # contiguous: one pass over both parts, interleaved, as reals
        x = x.ravel(order="K").view(x.real.dtype)
    if x.size <= _ABS_PASS_SIZE:
        top = np.maximum.reduce(np.abs(x), axis=None)
        return top if x.dtype.itemsize > 8 else float(top)
    hi, lo = np.maximum.reduce(x, axis=None), np.minimum.reduce(x, axis=None)
    if x.dtype.itemsize > 8:
        return _larger(hi, -lo)
    return _larger(float(hi), -float(lo))


def _top_exponent(x: np.ndarray, name: str) -> int | None:
    """Binary exponent ``e`` with ``2**(e-1) <= max|x| < 2**e``; ``None`` for an all-zero ``x``.

    Raises ``ValueError`` naming ``name`` and the index when ``x`` holds a
    NaN or an infinity (:func:`convcorr._checks.check_finite`).
    """
    top = _max_abs(x)
    if type(top) is float:
        if not math.isfinite(top):
            check_finite(x, name)
        return math.frexp(top)[1] if top else None
    if not np.isfinite(top):
        check_finite(x, name)
    return int(np.frexp(top)[1]) if top else None


def ldexp(x: np.ndarray, exponent: int) -> np.ndarray:
    """``x * 2**exponent``, exact away from overflow and subnormals (complex: both parts).

    Returns a new array of ``x``'s dtype; ``numpy.ldexp`` alone refuses
    complex input.
    """
    if x.dtype.kind == "c":
        out = np.empty_like(x)
        out.real = np.ldexp(x.real, exponent)
        out.imag = np.ldexp(x.imag, exponent)
        return out
    return np.ldexp(x, exponent)


def scaled(
    run: Algorithm,
    f: np.ndarray,
    g: np.ndarray,
    dtype: DTypeLike,
    mode: str = "full",
    correlate: bool = False,
) -> np.ndarray:
    """``run(f, g, dtype, mode, correlate)`` with the operands scaled by powers of two when needed.

    Operands whose largest magnitude lies outside ``2**(+-emax/4)`` of the
    result dtype are scaled to a largest magnitude in ``[1/2, 1)``; the
    result is scaled back by ``ldexp``, which is exact unless the result
    itself overflows or becomes subnormal. Inside the window nothing is
    copied: products and sums of ``L`` terms cannot overflow or underflow there.

    The magnitudes come from NumPy's ``max`` and ``min`` of each operand: a
    single-threaded pass that calls no BLAS (a multi-threaded BLAS reduction
    stalls for milliseconds when another process keeps a core busy).

    When the result overflows, an FFT cannot give its other outputs: its
    rounding error, about ``eps`` times the largest output, is then itself
    beyond the range, and outputs far below the largest come back as noise
    or as infinities where the exact value is finite. Such a call (a result
    that overflows, or a bound on the rounding error, :func:`_error_exponent`,
    beyond the range) is computed by the direct sum instead
    (:func:`overflowing`), whose every output is the sum of its own products.

    Raises
    ------
    ValueError
        If ``f`` or ``g`` holds a NaN or an infinity (the package's rule for
        every method; see :func:`convcorr._checks.check_finite`), or if the
        result overflows and the direct sum is too long to run in its place.
    """
    info = np.finfo(dtype)
    window = info.maxexp // 4
    # a bool or integer operand next to a float one: its magnitude in dtype
    f = f if f.dtype.kind in "fc" else f.astype(dtype)
    g = g if g.dtype.kind in "fc" else g.astype(dtype)
    ef, eg = _top_exponent(f, "f"), _top_exponent(g, "g")
    if ef is None or eg is None:  # an all-zero operand
        return np.zeros(plan.kept_shape(f.shape, g.shape, mode), dtype=dtype)
    if max(abs(ef), abs(eg)) <= window:
        return run(f, g, dtype, mode, correlate)
    if _error_exponent(f, g, ef + eg, float(info.eps)) >= info.maxexp:
        return overflowing(f, g, dtype, mode, correlate)
    fs = ldexp(f.astype(dtype, copy=False), -ef)
    gs = ldexp(g.astype(dtype, copy=False), -eg)
    out = run(fs, gs, dtype, mode, correlate)
    # |fs|, |gs| < 1 in both parts: every output is below 2 min(size) plus rounding
    if ef + eg + (2 * min(f.size, g.size)).bit_length() + 1 < info.maxexp:
        return ldexp(out, ef + eg)
    with np.errstate(over="ignore"):
        out = ldexp(out, ef + eg)
    if np.isfinite(out).all():
        return out
    return overflowing(f, g, dtype, mode, correlate)


def _error_exponent(f: np.ndarray, g: np.ndarray, shift: int, eps: float) -> float:
    """``log2`` of a bound on the FFT paths' rounding error, ``shift`` the scaled-back exponent.

    The bound of the module docstring, ``C eps log2(L) ||f||_2 ||g||_2``, with
    the scaled operands' norms bounded by ``sqrt(size)`` (every scaled entry
    is below 1 in each part, so below ``sqrt(2)`` in magnitude). When it
    reaches the top of the range, no finite output of an FFT is trustworthy.
    """
    length = _fft_length(f.shape, g.shape)
    factor = FFT_ERROR_FACTOR * eps * math.log2(max(length, 2)) * 2.0
    return shift + math.log2(factor) + 0.5 * math.log2(f.size * g.size)


#: Multiply-adds up to which a result that overflows is computed by the
#: direct sum (seconds of work); beyond, :func:`overflowing` refuses the call.
OVERFLOW_DIRECT_LIMIT = 2**32


def overflowing(
    f: np.ndarray, g: np.ndarray, dtype: DTypeLike, mode: str = "full", correlate: bool = False
) -> np.ndarray:
    """The direct sum of a call whose result overflows, or a ``ValueError`` when too long.

    Each output of the direct sum is the sum of its own products, so it
    overflows exactly where that sum does and is accurate elsewhere, where
    an FFT's rounding error (relative to the largest output) would be beyond
    the range. Up to :data:`OVERFLOW_DIRECT_LIMIT` multiply-adds it runs;
    beyond, the call is refused rather than answered wrongly.

    Raises
    ------
    ValueError
        When the direct sum needs more than :data:`OVERFLOW_DIRECT_LIMIT`
        multiply-adds; the message names ``f`` and ``g``, their largest
        magnitudes and what is accepted.
    """
    products = plan.kept_products(f.shape, g.shape, mode)
    if products > OVERFLOW_DIRECT_LIMIT:
        raise ValueError(
            f"the result reaches beyond {np.dtype(dtype).name}'s range: with max |f| = "
            f"{float(_max_abs(f)):.3g} and max |g| = {float(_max_abs(g)):.3g} an FFT's rounding "
            "error is beyond it too, so its finite outputs cannot be trusted, and the direct sum "
            f"needs {products:.3g} multiply-adds (accepted: up to {OVERFLOW_DIRECT_LIMIT:.3g}); "
            "scale f or g down by a power of two (exact), or call method='direct'"
        )
    # the infinities in the result say it; NumPy's N-D products would warn too
    with np.errstate(over="ignore", invalid="ignore"):
        return screened(methods.ALGORITHMS["direct"], f, g, dtype, mode, correlate)


def screened(
    run: Algorithm,
    f: np.ndarray,
    g: np.ndarray,
    dtype: DTypeLike,
    mode: str = "full",
    correlate: bool = False,
) -> np.ndarray:
    """``run(f, g, dtype, mode, correlate)``, the direct sum, refusing non-finite operands.

    When every input sample is a term of some kept output
    (:func:`convcorr.plan.kept_outputs_read_every_input`), a finite output
    proves finite inputs, since a sum with a NaN or infinity among its terms
    is never finite: only the (often much smaller) output is screened, and
    the inputs are looked at only when that screen fails.

    Raises
    ------
    ValueError
        If ``f`` or ``g`` holds a NaN or an infinity.
    """
    out = run(f, g, dtype, mode, correlate)
    if not (plan.kept_outputs_read_every_input(f.shape, g.shape, mode) and screen_finite(out)):
        check_finite(f, "f")
        check_finite(g, "g")
    return out
