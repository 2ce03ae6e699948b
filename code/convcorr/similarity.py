"""Cross-correlation as a similarity measure.

Everything here uses the book's correlation, ``(f ⋆ g)[k] = sum_m conj(f[m])
g[m + k]`` (:func:`convcorr.correlate`), with the template or reference ``f``
first and the searched signal ``g`` second, so that a copy of ``f`` starting
at index ``D`` of ``g`` gives a peak at lag ``k = D``.

* :func:`normalized_correlate`: ``f ⋆ g`` divided by ``||f|| ||g||``, bounded
  by 1 in magnitude (Cauchy–Schwarz);
* :func:`match_template`: zero-mean normalised cross-correlation per window
  (the correlation coefficient of the template and each window), every
  score computed from its own window only, so that no other part of the
  image can spoil it;
* :func:`gcc` and :func:`gcc_phat`: the generalized cross-correlation of
  Knapp and Carter (1976), unweighted or with the phase transform (PHAT);
* :func:`estimate_delay`: the lag of the correlation peak, plain or PHAT;
* :func:`linear_chirp`: a test signal whose autocorrelation has one sharp
  peak.

Every function refuses non-finite input (``ValueError``): one NaN would
otherwise spread through the FFT to every score, or be skipped by ``argmax``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal

import numpy as np
import scipy.fft as sfft
from numpy.typing import ArrayLike

from ._checks import (
    as_finite_signal,
    check_choice,
    check_length,
    check_same_ndim,
    result_dtype,
)
from .discrete import Method, Mode, correlate, correlation_lags
from .guards import FFT_ERROR_FACTOR, ldexp

# Deviations of a window from its mean below this many ulps of its largest
# value are what rounding the mean leaves of a constant window.
_FLAT_ULPS = 8
# Elements per block of windows in match_template (bounds the temporaries).
_BLOCK = 1 << 21
_EPS64 = float(np.finfo(np.float64).eps)


def _pair(
    f: ArrayLike, g: ArrayLike, names: tuple[str, str] = ("f", "g")
) -> tuple[np.ndarray, np.ndarray]:
    """Both operands as finite numeric signals of one ``ndim`` (errors name them)."""
    f = as_finite_signal(f, names[0])
    g = as_finite_signal(g, names[1])
    check_same_ndim(f, g, names)
    return f, g


def _work_dtype(*arrays: np.ndarray) -> np.dtype:
    """At least double precision: float16 and float32 sums lose too much."""
    return np.result_type(*arrays, np.float64)


def _unit_scale(x: np.ndarray) -> tuple[np.ndarray, int]:
    """``x`` times the power of two that brings ``max|x|`` into ``[0.5, 1)``, and the exponent.

    Multiplying by a power of two is exact (away from subnormals), so quotients
    of scaled quantities equal those of the originals, and squares and
    products of the scaled values neither overflow nor underflow.
    """
    top = float(np.max(np.abs(x)))
    if top == 0.0:
        return x, 0
    exponent = int(np.frexp(top)[1])
    return ldexp(x, -exponent), exponent


def normalized_correlate(
    f: ArrayLike, g: ArrayLike, mode: Mode = "full", method: Method = "auto"
) -> np.ndarray:
    """Cross-correlation scaled by the norms: ``(f ⋆ g)[k] / (||f|| ||g||)``.

    .. math:: \\rho[k] = \\frac{\\sum_m \\overline{f[m]}\\, g[m + k]}
              {\\lVert f \\rVert_2\\, \\lVert g \\rVert_2}

    By the Cauchy–Schwarz inequality ``|rho[k]| <= 1`` for every lag, with
    equality only where ``g`` restricted to the overlap is a multiple of the
    shifted ``f`` and carries all of ``g``'s energy.

    Both operands are first scaled by powers of two to a largest magnitude in
    ``[0.5, 1)`` (exact, and the factors cancel in the quotient), so inputs of
    any magnitude from about 1e-300 to 1e300 give the same ``rho``; the sums
    run in at least double precision and the result is rounded to the dtype
    :func:`convcorr.correlate` returns. Rounding can push ``|rho|`` an ulp or
    two past 1 at a perfect match; such values are scaled back to magnitude 1.
    When ``g`` equals ``f`` elementwise, ``rho`` at lag 0 is ``<f, f> / ||f||^2
    = 1`` by definition and is returned as exactly 1 (a quotient of two
    roundings of the same energy would be off by an ulp).

    Defined in chapter 10 (Correlation as similarity).

    Parameters
    ----------
    f, g : array_like
        Template and signal, same ``ndim``, finite, not identically zero.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.correlate`; ``'full'`` has
        ``len(f) + len(g) - 1`` lags ``-(len(f) - 1) .. len(g) - 1`` per axis.
    method : {'auto', 'direct', 'fft', 'oa'}, optional
        As in :func:`convcorr.correlate`.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``correlate(f, g, mode)``, magnitudes in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``f`` or ``g`` is identically zero or not finite, or for the errors
        of :func:`convcorr.correlate`.
    TypeError
        Non-numeric or masked input.
    """
    f, g = _pair(f, g)
    out_dtype = result_dtype(f, g)
    work = _work_dtype(f, g)
    scaled = []
    for x, name in ((f, "f"), (g, "g")):
        x = x.astype(work, copy=False)
        if not np.any(x):
            raise ValueError(f"{name} must not be identically zero; received all zeros")
        scaled.append(_unit_scale(x)[0])
    fs, gs = scaled
    energies = [float(np.vdot(x, x).real) for x in scaled]
    # sqrt(Ef * Eg), not sqrt(Ef) sqrt(Eg): for f = g it is exactly Ef
    rho = correlate(fs, gs, mode, method) / np.sqrt(energies[0] * energies[1])
    mag = np.abs(rho)
    rho = np.where(mag > 1, rho / np.maximum(mag, 1), rho)
    if f.shape == g.shape and np.array_equal(f, g):
        zero = tuple(int(np.flatnonzero(correlation_lags(n, n, mode) == 0)[0]) for n in f.shape)
        rho[zero] = 1
    return rho.astype(out_dtype, copy=False)


def _window_stats(windows: np.ndarray, nd: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scaled deviations, their energy and the flat mask of each window.

    ``windows`` has the window axes last (``nd`` of them). Each window is
    divided by its own largest magnitude first, so no floor or rounding
    level depends on anything outside the window.
    """
    axes = tuple(range(-nd, 0))
    top = np.max(np.abs(windows), axis=axes, keepdims=True)
    w = windows / np.where(top > 0, top, 1)
    mean = np.mean(w, axis=axes, keepdims=True)
    mean = mean + np.mean(w - mean, axis=axes, keepdims=True)
    dev = w - mean
    energy = np.sum((dev * np.conj(dev)).real, axis=axes)
    size = int(np.prod(windows.shape[-nd:]))
    eps = np.finfo(dev.real.dtype).eps
    flat = energy <= size * (_FLAT_ULPS * eps) ** 2
    return dev, energy, flat


def match_template(template: ArrayLike, image: ArrayLike) -> np.ndarray:
    """Zero-mean normalised cross-correlation of a template with each window.

    For every placement ``k`` of the template ``t`` (``M`` samples) fully
    inside the image ``x`` (``'valid'`` lags ``k = 0 .. len(x) - len(t)`` on
    each axis), with ``w_k`` the window ``x[k : k + M]``:

    .. math:: \\gamma[k] = \\frac{\\sum_m \\overline{(t[m] - \\bar t)}\\,
              (w_k[m] - \\bar w_k)}{\\lVert t - \\bar t \\rVert\\,
              \\lVert w_k - \\bar w_k \\rVert}

    the correlation coefficient of the template and the window, so
    ``|gamma[k]| <= 1`` and ``gamma[k] = 1`` exactly where the window is
    ``a t + b`` with ``a > 0``: the score ignores the window's brightness
    (offset) and contrast (gain).

    Each score is computed from its own window only, as the definition reads:
    the window is divided by its largest magnitude, its mean is taken in two
    passes (the second removes the first one's rounding error), and the
    deviations give both the numerator and the window's energy. The score is
    therefore the same for ``a x + b`` as for ``x`` at any magnitude, as far
    as the floating-point values of ``a x + b`` still hold the texture of
    ``x``; the running sums of Lewis (1995) would cost ``O(pixels)`` instead
    of ``O(pixels * M)`` but lose the texture of a window on a large offset
    (their rounding error scales with the whole image).

    Flat windows: a window whose deviations from its mean have energy at most
    ``M (8 eps)^2`` relative to its largest magnitude squared (what rounding
    leaves of a constant window) has no defined coefficient and scores 0.

    Defined in chapter 10 (Correlation as similarity).

    Parameters
    ----------
    template : array_like
        1-D or N-D template, finite, not constant (same flatness rule as a
        window), no larger than ``image`` along any axis.
    image : array_like
        Signal or image, same ``ndim``, finite.

    Returns
    -------
    numpy.ndarray
        Shape ``image.shape - template.shape + 1``; float64 for real input
        (longdouble for longdouble input), complex for complex input.

    Raises
    ------
    ValueError
        Constant template, template larger than the image on some axis,
        non-finite values, different ``ndim``, empty or 0-d input.
    TypeError
        Non-numeric or masked input.
    """
    t, x = _pair(template, image, ("template", "image"))
    if any(a > b for a, b in zip(t.shape, x.shape)):
        raise ValueError(
            "template must be no larger than image along every axis; "
            f"received shapes {t.shape} and {x.shape}"
        )
    work = _work_dtype(t, x)
    nd = t.ndim
    tdev, tenergy, tflat = _window_stats(t.astype(work)[np.newaxis], nd)
    if tflat[0]:
        raise ValueError(
            "template must not be constant; received an array whose deviations from "
            "its mean are at the rounding level of its values"
        )
    tconj = np.conj(tdev[0])
    # scaling by a power of two first keeps the window arithmetic from overflowing
    x = _unit_scale(x.astype(work, copy=False))[0]
    windows = np.lib.stride_tricks.sliding_window_view(x, t.shape)
    out_shape = windows.shape[:nd]
    gamma = np.zeros(out_shape, dtype=np.result_type(work, tconj))
    rows = max(1, _BLOCK // max(1, windows[:1].size))
    for start in range(0, out_shape[0], rows):
        block = windows[start : start + rows]
        dev, energy, flat = _window_stats(block, nd)
        num = np.tensordot(dev, tconj, axes=nd)
        den = np.sqrt(np.where(flat, 1, energy) * tenergy[0])
        gamma[start : start + rows] = np.where(flat, 0, num / den)
    if not np.iscomplexobj(gamma):
        return np.clip(gamma, -1, 1)
    mag = np.abs(gamma)
    return np.where(mag > 1, gamma / np.maximum(mag, 1), gamma)


def _delay_pair(reference: ArrayLike, received: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r, x = _pair(reference, received, ("reference", "received"))
    if r.ndim != 1:
        raise ValueError(f"reference and received must be 1-D; received ndim={r.ndim}")
    for arr, name in ((r, "reference"), (x, "received")):
        if not np.any(arr):
            raise ValueError(
                f"{name} is all zeros: its correlation with anything is zero at every "
                "lag, so no delay can be estimated"
            )
    return r, x


def estimate_delay(
    reference: ArrayLike,
    received: ArrayLike,
    weighting: Literal["none", "phat"] = "none",
    method: Method = "auto",
) -> int:
    """Delay ``D`` of ``received`` against ``reference``: the correlation peak.

    If ``received[n] ≈ a reference[n - D]`` plus noise, the correlation
    ``(reference ⋆ received)[k]`` peaks at ``k = D``. Returns the lag of the
    largest score ``s[k] = |(reference ⋆ received)[k]|`` over all ``'full'``
    lags ``k = -(len(reference) - 1) .. len(received) - 1``, read off
    :func:`convcorr.correlation_lags` (``|gcc_phat(reference, received)[k]|``
    under ``'phat'``).

    Ties go to the first lag, decided on values that rounding cannot reorder:
    every lag whose computed score is within ``2 E`` of the largest one ties
    with it, where ``E`` bounds the rounding error of each computed score, so
    that lags whose exact scores are equal always tie:

    * bool and integer input: the scores are exact (:func:`convcorr.correlate`
      computes integer correlations exactly under every method; rounded to
      float64 only beyond ``2**53``), and ``E = 0``;
    * floating-point input: ``E = (2 n + 32 log2(2 (m + n))) eps ||r|| ||x||``
      with ``m``, ``n`` the lengths (``n`` the shorter), ``eps`` the float64
      machine epsilon and ``r``, ``x`` the operands scaled by powers of two to
      a largest magnitude in ``[1/2, 1)``: ``2 n eps ||r|| ||x||`` bounds the
      error of a direct sum of ``n`` products, real or complex, and
      ``32 log2(L) eps ||r|| ||x||`` that of an FFT of length
      ``L < 2 (m + n)`` (:data:`convcorr.guards.FFT_ERROR_FACTOR`, the bound
      the integer paths rely on), whichever method ``'auto'`` picks;
    * ``'phat'``: each bin of the two spectra (FFT length ``L``) is off by at
      most ``32 log2(L) eps sqrt(L)`` times its operand's norm, which moves
      a kept whitened bin ``R̄ X / |R̄ X|`` by at most
      ``min(2, 2 d / |R̄ X| + 8 eps)`` (``d`` the bound on the bin of
      ``R̄ X``); ``E`` is the mean of these over the bins (the bins
      :func:`gcc` leaves at zero count 0) plus ``32 log2(L) eps`` for the
      inverse FFT.

    Defined in chapter 10 (Correlation as similarity).

    Parameters
    ----------
    reference, received : array_like
        1-D finite signals, any lengths, neither all zeros.
    weighting : {'none', 'phat'}, optional
        ``'none'``: the plain cross-correlation :func:`convcorr.correlate`.
        ``'phat'``: the generalized cross-correlation with the phase
        transform, :func:`gcc_phat`.
    method : {'auto', 'direct', 'fft', 'oa'}, optional
        Method of the plain correlation (``'phat'`` always uses the FFT).

    Returns
    -------
    int
        The estimated delay in samples (negative if ``received`` leads).

    Raises
    ------
    ValueError
        Inputs that are not 1-D, not finite or all zeros (a zero signal has a
        zero correlation at every lag: there is no peak and no delay), scores
        that are all within ``2 E`` of the largest (rounding could put the
        peak at any lag), a cross-spectrum that vanishes at every frequency
        under ``'phat'``, an unknown ``weighting``, or the errors of
        :func:`convcorr.correlate`.
    """
    r, x = _delay_pair(reference, received)
    check_choice(weighting, "weighting", ("none", "phat"))
    if weighting == "none":
        score, err = _plain_scores(r, x, method)
    else:
        c, err = _gcc(r, x, "phat")
        score = np.abs(c)
    lags = correlation_lags(r.size, x.size, "full")
    return int(lags[_first_peak(score, err)])


def _plain_scores(r: np.ndarray, x: np.ndarray, method: Method) -> tuple[np.ndarray, float]:
    """``|r ⋆ x|`` at every 'full' lag and a bound on the rounding error of each."""
    if r.dtype.kind in "biu" and x.dtype.kind in "biu":
        return np.abs(correlate(r, x, "full", method)), 0.0
    # scaled by powers of two so that 1e200-sized signals do not overflow
    work = _work_dtype(r, x)
    r_s, x_s = _unit_scale(r.astype(work))[0], _unit_scale(x.astype(work))[0]
    score = np.abs(correlate(r_s, x_s, "full", method))
    terms = 2 * min(r.size, x.size) + FFT_ERROR_FACTOR * math.log2(2 * (r.size + x.size))
    return score, terms * _EPS64 * _norm(r_s) * _norm(x_s)


def _norm(x: np.ndarray) -> float:
    """``||x||_2`` without BLAS (a BLAS reduction stalls when another process holds a core)."""
    parts = (x.real, x.imag) if np.iscomplexobj(x) else (x,)
    return math.sqrt(sum(float(np.sum(p * p)) for p in parts))


def _first_peak(score: np.ndarray, err: float) -> int:
    """Index of the first score within ``2 err`` of the largest (ties go to the first)."""
    first_max = int(np.argmax(score))
    top = float(score[first_max])
    if not top > 2 * err:
        raise ValueError(
            f"the correlation is at the rounding level at every lag (largest |score| "
            f"{top:.3g}, rounding bound {err:.3g}): no peak stands out, so no delay can "
            "be estimated"
        )
    # argmax of a boolean array is its first True (first_max itself at the latest)
    return int(np.argmax(score[: first_max + 1] >= top - 2 * err))


def gcc(
    reference: ArrayLike, received: ArrayLike, weighting: Literal["none", "phat"] = "phat"
) -> np.ndarray:
    """Generalized cross-correlation, unweighted or with the phase transform.

    .. math:: c[k] = \\mathrm{DFT}^{-1}\\big[\\,W\\, \\overline{R}\\, X\\,\\big][k],
              \\qquad W = 1 \\ (\\text{'none'}), \\quad
              W = 1 / |\\overline{R}\\, X| \\ (\\text{'phat'})

    with ``R`` and ``X`` the DFTs of ``reference`` and ``received``
    zero-padded to at least ``len(reference) + len(received) - 1`` samples
    (no wrap-around). Unweighted, this is the plain correlation
    ``correlate(reference, received, 'full')`` computed through the DFT (the
    correlation theorem). PHAT divides the cross-spectrum by its magnitude so
    that every frequency counts equally (Knapp and Carter, 1976); bins whose
    magnitude is at the rounding level of the largest one (below
    ``n eps max|R X|``) carry no phase information and are left at zero.

    Defined in chapter 10 (Correlation as similarity).

    Parameters
    ----------
    reference, received : array_like
        1-D finite signals, neither all zeros.
    weighting : {'phat', 'none'}, optional
        The weight ``W`` above.

    Returns
    -------
    numpy.ndarray
        ``len(reference) + len(received) - 1`` values at the lags of
        ``correlation_lags(len(reference), len(received))``; real for real
        input.

    Raises
    ------
    ValueError
        Inputs that are not 1-D, not finite, or all zeros (under PHAT the
        weight ``1 / |R X|`` would be undefined everywhere), a cross-spectrum
        at the rounding level everywhere, or an unknown ``weighting``.
    """
    r, x = _delay_pair(reference, received)
    check_choice(weighting, "weighting", ("none", "phat"))
    return _gcc(r, x, weighting)[0]


def _gcc(r: np.ndarray, x: np.ndarray, weighting: str) -> tuple[np.ndarray, float]:
    """:func:`gcc` of validated operands, and under ``'phat'`` a bound on each value's error."""
    work = _work_dtype(r, x)
    (r, er), (x, ex) = _unit_scale(r.astype(work)), _unit_scale(x.astype(work))
    n = sfft.next_fast_len(r.size + x.size - 1)
    spectra = sfft.fft(r, n), sfft.fft(x, n)
    cross = np.conj(spectra[0]) * spectra[1]
    err = math.nan
    if weighting == "phat":
        mag = np.abs(cross)
        keep = mag > n * np.finfo(mag.dtype).eps * np.max(mag)
        if not np.any(keep):
            raise ValueError(
                "the cross-spectrum of reference and received is zero at every "
                "frequency; PHAT has no phase to keep"
            )
        err = _phat_error(spectra, (_norm(r), _norm(x)), mag, keep)
        cross = np.divide(cross, mag, out=np.zeros_like(cross), where=keep)
    c = sfft.ifft(cross)
    # lag k sits at index k mod n; reorder to -(len(r) - 1) .. len(x) - 1
    c = np.concatenate([c[n - (r.size - 1) :], c[: x.size]])
    if weighting == "none":
        with np.errstate(over="ignore"):
            c = ldexp(c, er + ex)
        if not np.isfinite(c).all():
            # lags that overflow leave the others at the FFT's rounding noise,
            # itself beyond the range: the direct sum, as correlate's FFT paths do
            c = correlate(ldexp(r, er), ldexp(x, ex), "full", "direct")
    if np.isrealobj(r) and np.isrealobj(x):
        c = c.real
    return c, err


def _phat_error(
    spectra: tuple[np.ndarray, np.ndarray],
    norms: tuple[float, float],
    mag: np.ndarray,
    keep: np.ndarray,
) -> float:
    """A bound on the rounding error of every value of the PHAT correlation.

    Each bin of an FFT of length ``n`` is off by at most
    ``e = 32 log2(n) eps sqrt(n) ||x||`` (the normwise FFT bound), so a kept
    bin of the cross-spectrum by at most ``d = |R| e_x + |X| e_r + e_r e_x``
    plus its own rounding, and its unit phasor by
    ``min(2, 2 d / |R X| + 8 eps)``. The bins PHAT drops are those it
    computes at the rounding level: they carry no phase by definition and
    add nothing. The inverse FFT averages the phasors' errors and adds its
    own ``32 log2(n) eps`` at most.
    """
    n = mag.size
    unit = FFT_ERROR_FACTOR * math.log2(n) * _EPS64
    e_r, e_x = (unit * math.sqrt(n) * v for v in norms)
    d = np.abs(spectra[0])
    d *= e_x
    d += e_r * e_x
    d += e_r * np.abs(spectra[1])
    phase = np.divide(d, mag, out=np.zeros_like(d), where=keep)
    phase *= 2
    phase += 8 * _EPS64
    np.minimum(phase, 2.0, out=phase)
    phase[~keep] = 0.0
    return float(np.sum(phase)) / n + unit


def gcc_phat(reference: ArrayLike, received: ArrayLike) -> np.ndarray:
    """Generalized cross-correlation with the phase transform: ``gcc(reference, received, 'phat')``.

    .. math:: c[k] = \\mathrm{DFT}^{-1}\\left[\\frac{\\overline{R}\\, X}
              {|\\overline{R}\\, X|}\\right][k]

    See :func:`gcc` for the padding, the lags and the bins left at zero.
    A pure delay ``received[n] = reference[n - D]`` gives a unit impulse at
    lag ``D``. Errors as :func:`gcc`.

    Defined in chapter 10 (Correlation as similarity).
    """
    return gcc(reference, received, "phat")


def _real_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number (int or float); received "
            f"{type(value).__name__} {value!r}"
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; received {value!r}")
    return value


def linear_chirp(
    n: int, f0: float, f1: float, sample_rate: float = 1.0, analytic: bool = False
) -> np.ndarray:
    """A linear chirp sweeping from ``f0`` to ``f1`` over ``n`` samples.

    .. math:: s[m] = \\cos\\big(2\\pi (f_0 t + \\tfrac{f_1 - f_0}{2T} t^2)\\big),
              \\quad t = m / f_s,\\ T = n / f_s,\\ m = 0 .. n - 1

    (``exp(i ...)`` when ``analytic``). Its autocorrelation has a single
    narrow peak of width about ``1 / |f1 - f0|`` seconds, which makes the
    chirp a good probe for delay estimation.

    Defined in chapter 10 (Correlation as similarity).

    Parameters
    ----------
    n : int
        Number of samples, positive.
    f0, f1 : float
        Start and end frequency, in cycles per unit of time: real scalars,
        finite, within ``[0, sample_rate / 2]`` (no aliasing).
    sample_rate : float, optional
        Samples per unit of time, a positive finite real scalar.
    analytic : bool, optional
        Return the complex analytic chirp instead of the cosine.

    Returns
    -------
    numpy.ndarray
        ``n`` samples, float64 (or complex128 if ``analytic``).

    Raises
    ------
    TypeError
        ``n`` not an integer; ``f0``, ``f1`` or ``sample_rate`` not a real
        scalar (strings, complex numbers, arrays); ``analytic`` not a bool.
    ValueError
        ``n < 1``; a frequency outside ``[0, sample_rate / 2]``; a
        non-positive or non-finite ``sample_rate``.
    """
    n = check_length(n, "n")
    sample_rate = _real_number(sample_rate, "sample_rate")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive; received {sample_rate!r}")
    f0 = _real_number(f0, "f0")
    f1 = _real_number(f1, "f1")
    for value, name in ((f0, "f0"), (f1, "f1")):
        if not 0 <= value <= sample_rate / 2:
            raise ValueError(
                f"{name} must lie in [0, sample_rate / 2] = [0, {sample_rate / 2}]; "
                f"received {value!r}"
            )
    if not isinstance(analytic, (bool, np.bool_)):
        raise TypeError(f"analytic must be a bool; received {type(analytic).__name__}")
    t = np.arange(n) / sample_rate
    duration = n / sample_rate
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * duration) * t**2)
    return np.exp(1j * phase) if analytic else np.cos(phase)


__all__ = [
    "estimate_delay",
    "gcc",
    "gcc_phat",
    "linear_chirp",
    "match_template",
    "normalized_correlate",
]
