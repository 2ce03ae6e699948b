"""Cross-correlation as a similarity measure.

Everything here uses the book's correlation, ``(f ⋆ g)[k] = sum_m conj(f[m])
g[m + k]`` (:func:`convcorr.correlate`), with the template or reference ``f``
first and the searched signal ``g`` second, so that a copy of ``f`` starting
at index ``D`` of ``g`` gives a peak at lag ``k = D``.

* :func:`normalized_correlate`: ``f ⋆ g`` divided by ``||f|| ||g||``, bounded
  by 1 in magnitude (Cauchy–Schwarz);
* :func:`match_template`: zero-mean normalised cross-correlation per window
  (the correlation coefficient of the template and each window), computed
  with running sums as in Lewis (1995);
* :func:`estimate_delay`: the lag of the correlation peak, optionally with
  the PHAT weighting of the generalized cross-correlation (Knapp and Carter,
  1976);
* :func:`linear_chirp`: a test signal whose autocorrelation has one sharp
  peak.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from ._checks import as_signal, check_choice, check_length, check_same_ndim
from .discrete import correlate, correlation_lags


def _pair(f, g):
    f = as_signal(f, "f")
    g = as_signal(g, "g")
    check_same_ndim(f, g)
    return f, g


def normalized_correlate(f, g, mode="full", method="auto"):
    """Cross-correlation scaled by the norms: ``(f ⋆ g)[k] / (||f|| ||g||)``.

    .. math:: \\rho[k] = \\frac{\\sum_m \\overline{f[m]}\\, g[m + k]}
              {\\lVert f \\rVert_2\\, \\lVert g \\rVert_2}

    By the Cauchy–Schwarz inequality ``|rho[k]| <= 1`` for every lag, with
    equality only where ``g`` restricted to the overlap is a multiple of the
    shifted ``f`` and carries all of ``g``'s energy. For ``f = g`` the value
    at lag 0 is exactly 1.

    Parameters
    ----------
    f, g : array_like
        Template and signal, same ``ndim``, not identically zero.
    mode : {'full', 'same', 'valid'}, optional
        As in :func:`convcorr.correlate`; ``'full'`` has
        ``len(f) + len(g) - 1`` lags ``-(len(f) - 1) .. len(g) - 1``.
    method : {'auto', 'direct', 'fft'}, optional
        As in :func:`convcorr.correlate`.

    Returns
    -------
    numpy.ndarray
        Same shape as ``correlate(f, g, mode)``, magnitudes in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``f`` or ``g`` is identically zero, or for the errors of
        :func:`convcorr.correlate`.
    """
    f, g = _pair(f, g)
    norms = []
    for x, name in ((f, "f"), (g, "g")):
        norm = float(np.linalg.norm(x.ravel()))
        if norm == 0.0:
            raise ValueError(f"{name} must not be identically zero; received all zeros")
        norms.append(norm)
    rho = correlate(f, g, mode, method) / (norms[0] * norms[1])
    # rounding can push |rho| a few ulps past 1 at a perfect match
    mag = np.abs(rho)
    return np.where(mag > 1, rho / np.maximum(mag, 1), rho)


def _window_sums(x, shape):
    """Sums of ``x`` over every window of ``shape`` that fits inside ``x``.

    One cumulative sum per axis (a summed-area table) gives each window sum
    as a difference of two entries per axis: ``O(x.size)`` work whatever the
    window size.
    """
    for axis, w in enumerate(shape):
        c = np.cumsum(x, axis=axis)
        zero = np.zeros_like(np.take(c, [0], axis=axis))
        c = np.concatenate([zero, c], axis=axis)
        n = c.shape[axis]
        x = np.take(c, range(w, n), axis=axis) - np.take(c, range(n - w), axis=axis)
    return x


def match_template(template, image, method="auto"):
    """Zero-mean normalised cross-correlation of a template with each window.

    For every placement ``k`` of the template ``t`` (``M`` samples) fully
    inside the image ``x`` (``'valid'`` lags ``k = 0 .. len(x) - len(t)`` on
    each axis), with ``w_k`` the window ``x[k : k + M]``:

    .. math:: \\gamma[k] = \\frac{\\sum_m \\overline{(t[m] - \\bar t)}\\,
              (x[m + k] - \\bar w_k)}{\\lVert t - \\bar t \\rVert\\,
              \\lVert w_k - \\bar w_k \\rVert}

    the correlation coefficient of the template and the window, so
    ``|gamma[k]| <= 1`` and ``gamma[k] = 1`` exactly where the window is
    ``a t + b`` with ``a > 0``: the score ignores the window's brightness
    (offset) and contrast (gain). The numerator is ``(t - mean t) ⋆ x`` in
    ``'valid'`` mode (the window mean drops out because the centred template
    sums to zero); the window energies come from running sums (Lewis, 1995).
    Windows of zero variance, where the coefficient is undefined, get 0.

    Parameters
    ----------
    template : array_like
        1-D or N-D template, not constant, no larger than ``image`` along
        any axis.
    image : array_like
        Signal or image, same ``ndim``.
    method : {'auto', 'direct', 'fft'}, optional
        Method of the correlation in the numerator.

    Returns
    -------
    numpy.ndarray
        Shape ``image.shape - template.shape + 1``; real for real inputs.

    Raises
    ------
    ValueError
        Constant template, template larger than the image on some axis, or
        the errors of :func:`convcorr.correlate`.
    """
    t, x = _pair(template, image)
    names = ("template", "image")
    if any(a > b for a, b in zip(t.shape, x.shape)):
        raise ValueError(
            f"{names[0]} must be no larger than {names[1]} along every axis; "
            f"received shapes {t.shape} and {x.shape}"
        )
    t = t - t.mean()
    t_energy = float(np.sum(np.abs(t) ** 2))
    if t_energy == 0.0:
        raise ValueError("template must not be constant; received a constant array")
    x = x.astype(np.result_type(x.dtype, np.float64), copy=False)
    num = correlate(t, x, "valid", method)
    count = t.size
    sums = _window_sums(x, t.shape)
    energy = _window_sums(np.abs(x) ** 2, t.shape) - np.abs(sums) ** 2 / count
    # variance below the rounding level of the running sums counts as zero
    floor = 1e-10 * max(float(np.max(np.abs(x)) ** 2) * count, np.finfo(float).tiny)
    ok = energy > floor
    gamma = np.zeros(num.shape, dtype=num.dtype)
    gamma[ok] = num[ok] / np.sqrt(energy[ok] * t_energy)
    mag = np.abs(gamma)
    return np.where(mag > 1, gamma / np.maximum(mag, 1), gamma)


def estimate_delay(reference, received, weighting="none", method="auto"):
    """Delay ``D`` of ``received`` against ``reference``: the correlation peak.

    If ``received[n] ≈ a reference[n - D]`` plus noise, the correlation
    ``(reference ⋆ received)[k]`` peaks at ``k = D``. Returns the lag of the
    largest ``|(reference ⋆ received)[k]|`` over all ``'full'`` lags
    ``-(len(reference) - 1) .. len(received) - 1``, read off
    :func:`convcorr.correlation_lags`.

    Parameters
    ----------
    reference, received : array_like
        1-D signals, any lengths.
    weighting : {'none', 'phat'}, optional
        ``'none'``: the plain cross-correlation. ``'phat'``: the generalized
        cross-correlation with the phase transform of Knapp and Carter
        (1976): the cross-spectrum ``conj(R) X`` is divided by its magnitude
        before the inverse DFT, which whitens it and sharpens the peak.
    method : {'auto', 'direct', 'fft'}, optional
        Method of the plain correlation (``'phat'`` always uses the FFT).

    Returns
    -------
    int
        The estimated delay in samples (negative if ``received`` leads).

    Raises
    ------
    ValueError
        Inputs that are not 1-D, unknown ``weighting``, or the errors of
        :func:`convcorr.correlate`.
    """
    r, x = _pair(reference, received)
    if r.ndim != 1:
        raise ValueError(f"reference and received must be 1-D; received ndim={r.ndim}")
    check_choice(weighting, "weighting", ("none", "phat"))
    if weighting == "none":
        score = np.abs(correlate(r, x, "full", method))
    else:
        score = np.abs(gcc_phat(r, x))
    lags = correlation_lags(r.size, x.size, "full")
    return int(lags[int(np.argmax(score))])


def gcc_phat(reference, received):
    """Generalized cross-correlation with the phase transform (PHAT).

    .. math:: c[k] = \\mathrm{DFT}^{-1}\\left[\\frac{\\overline{R}\\, X}
              {|\\overline{R}\\, X|}\\right][k]

    with ``R`` and ``X`` the DFTs of ``reference`` and ``received``
    zero-padded to at least ``len(reference) + len(received) - 1`` samples
    (no wrap-around), and frequencies where the cross-spectrum vanishes left
    at zero. Without the division this is exactly
    ``correlate(reference, received, 'full')`` (the correlation theorem).

    Parameters
    ----------
    reference, received : array_like
        1-D signals.

    Returns
    -------
    numpy.ndarray
        ``len(reference) + len(received) - 1`` values at the lags of
        ``correlation_lags(len(reference), len(received))``.
    """
    r, x = _pair(reference, received)
    if r.ndim != 1:
        raise ValueError(f"reference and received must be 1-D; received ndim={r.ndim}")
    full = r.size + x.size - 1
    n = sfft.next_fast_len(full)
    cross = np.conj(sfft.fft(r, n)) * sfft.fft(x, n)
    mag = np.abs(cross)
    cross = np.divide(cross, mag, out=np.zeros_like(cross), where=mag > 0)
    c = sfft.ifft(cross)
    # lag k sits at index k mod n; reorder to -(len(r) - 1) .. len(x) - 1
    c = np.concatenate([c[n - (r.size - 1) :], c[: x.size]])
    if np.isrealobj(r) and np.isrealobj(x):
        c = c.real
    return c


def linear_chirp(n, f0, f1, sample_rate=1.0, analytic=False):
    """A linear chirp sweeping from ``f0`` to ``f1`` over ``n`` samples.

    .. math:: s[m] = \\cos\\big(2\\pi (f_0 t + \\tfrac{f_1 - f_0}{2T} t^2)\\big),
              \\quad t = m / f_s,\\ T = n / f_s,\\ m = 0 .. n - 1

    (``exp(i ...)`` when ``analytic``). Its autocorrelation has a single
    narrow peak of width about ``1 / |f1 - f0|`` seconds, which makes the
    chirp a good probe for delay estimation.

    Parameters
    ----------
    n : int
        Number of samples, positive.
    f0, f1 : float
        Start and end frequency, in cycles per unit of time, finite and
        within ``[0, sample_rate / 2]`` (no aliasing).
    sample_rate : float, optional
        Samples per unit of time, positive.
    analytic : bool, optional
        Return the complex analytic chirp instead of the cosine.

    Returns
    -------
    numpy.ndarray
        ``n`` samples, float64 (or complex128 if ``analytic``).
    """
    n = check_length(n, "n")
    if not np.isfinite(sample_rate) or sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive; received {sample_rate!r}")
    for value, name in ((f0, "f0"), (f1, "f1")):
        if not np.isfinite(value) or not 0 <= value <= sample_rate / 2:
            raise ValueError(
                f"{name} must lie in [0, sample_rate / 2] = [0, {sample_rate / 2}]; "
                f"received {value!r}"
            )
    t = np.arange(n) / sample_rate
    duration = n / sample_rate
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * duration) * t**2)
    return np.exp(1j * phase) if analytic else np.cos(phase)


__all__ = [
    "estimate_delay",
    "gcc_phat",
    "linear_chirp",
    "match_template",
    "normalized_correlate",
]
