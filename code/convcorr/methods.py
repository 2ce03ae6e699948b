"""The three convolution algorithms, as plain functions on validated arrays.

* :func:`direct`: the defining sum over the outputs the mode keeps,
  ``O(kept products)``;
* :func:`fft`: by the convolution theorem, one circular convolution of both
  operands zero-padded just long enough for the mode (for ``'full'``, at least
  ``len(f) + len(g) - 1`` samples on each axis), ``O(L log L)`` for ``L``
  padded samples;
* :func:`oa`: overlap-add (:func:`oa_convolve_full`) cuts a long signal into
  blocks, convolves each block with the short kernel by FFT and adds the
  overlapping tails, so that the FFTs stay short: ``O(N log K)`` instead of
  ``O(N log N)``.

The three share one signature, ``run(f, g, dtype, mode='full',
correlate=False)``, and :data:`ALGORITHMS` is the one table from a method's
name to its function: :mod:`convcorr.discrete` dispatches through it, the
guards run what it hands them, calibration times it. Every length, slice
and plan they need comes from :mod:`convcorr.plan`. None of them validates
its input: :mod:`convcorr.discrete` does that once, at the boundary, and
picks the method (with :mod:`convcorr.costmodel` for ``'auto'``).
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import scipy.fft as sfft
from numpy.typing import DTypeLike

from . import plan

__all__ = [
    "ALGORITHMS",
    "METHODS",
    "Algorithm",
    "direct",
    "fft",
    "oa",
    "oa_convolve_full",
    "overlap_save",
]

#: What every algorithm is: ``run(f, g, dtype, mode, correlate)``, the kept
#: outputs of ``f * g`` (or ``f ⋆ g``) in ``dtype``.
Algorithm = Callable[..., np.ndarray]


def _overlap_add_axis(blocks: np.ndarray, axis: int, step: int, overlap: int) -> np.ndarray:
    """Merge axes ``axis`` (blocks) and ``axis + 1`` (samples) by overlap-add.

    Block ``b`` starts at sample ``b * step``; its last ``overlap`` samples
    (``overlap <= step``) spill into the next block's span.
    """
    nb = blocks.shape[axis]
    lead = blocks.shape[:axis]
    trail = blocks.shape[axis + 2 :]
    out = np.zeros((*lead, nb + 1, step, *trail), dtype=blocks.dtype)
    idx = (slice(None),) * axis
    out[(*idx, slice(0, nb))] += blocks[(*idx, slice(None), slice(0, step))]
    out[(*idx, slice(1, nb + 1), slice(0, overlap))] += blocks[
        (*idx, slice(None), slice(step, step + overlap))
    ]
    return out.reshape((*lead, (nb + 1) * step, *trail))


#: Signal samples per chunk of 1-D overlap-add: the chunk's blocks, spectra
#: and results (about 40 bytes per sample) then stay within a 2 MiB cache.
_OA_CHUNK = 2**15


def _oa_1d(kernel: np.ndarray, signal: np.ndarray, dtype: np.dtype, lb: int) -> np.ndarray:
    """1-D overlap-add, a chunk of blocks at a time to stay in the cache."""
    k, n = kernel.size, signal.size
    step = lb - k + 1
    if dtype.kind == "f":
        fwd, inv = sfft.rfft, sfft.irfft
    else:
        fwd, inv = sfft.fft, sfft.ifft
    spec_k = fwd(kernel, lb)
    nb = -(-n // step)
    out = np.zeros((nb + 1) * step, dtype=dtype)
    per_chunk = max(1, _OA_CHUNK // step)
    for b0 in range(0, nb, per_chunk):
        b1 = min(nb, b0 + per_chunk)
        seg = signal[b0 * step : b1 * step]
        if seg.size < (b1 - b0) * step:  # the last chunk: zero-pad its block
            seg = np.concatenate([seg, np.zeros((b1 - b0) * step - seg.size, seg.dtype)])
        spec = fwd(seg.reshape(b1 - b0, step), lb, axis=-1)
        spec *= spec_k
        y = inv(spec, lb, axis=-1, overwrite_x=True)
        start = b0 * step
        out[start : b1 * step] += y[:, :step].reshape(-1)
        # each block's last k - 1 samples spill into the next block's span
        nxt = out[start + step : (b1 + 1) * step].reshape(b1 - b0, step)
        nxt[:, : k - 1] += y[:, step:]
    return out[: n + k - 1]


def oa_convolve_full(f: np.ndarray, g: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    """Full convolution ``f * g`` by overlap-add.

    The larger operand (the signal, ``N`` samples per axis) is cut into
    blocks of ``S`` samples; each block is convolved with the smaller one
    (the kernel, ``K`` samples) by an FFT of ``Lb = S + K - 1`` samples, and
    block ``b``'s result is added at offset ``b S``:

    .. math:: f * g = \\sum_b (\\text{block}_b * \\text{kernel})[\\,\\cdot - b S]

    which is linearity and shift-invariance of convolution. Axes on which
    blocking does not pay off (see :func:`convcorr.plan.oa_block_length`) are one block.

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim``, already validated.
    dtype : numpy.dtype
        Floating dtype of the result; real dtypes use real FFTs.

    Returns
    -------
    numpy.ndarray
        Shape ``f.shape + g.shape - 1`` on every axis, dtype ``dtype``.
    """
    dtype = np.dtype(dtype)
    f = f.astype(dtype, copy=False)
    g = g.astype(dtype, copy=False)
    small, large = (f, g) if f.size <= g.size else (g, f)
    shape = plan.full_shape(f.shape, g.shape)
    if f.ndim == 1 and plan.oa_block_length(large.size, small.size) is not None:
        return _oa_1d(small, large, dtype, plan.oa_block_length(large.size, small.size))
    blocking = plan.oa_plan(large.shape, small.shape)
    padded = np.zeros([s * b for _, s, b in blocking], dtype=large.dtype)
    padded[tuple(slice(0, n) for n in large.shape)] = large
    # (b0, s0, b1, s1, ...): a block index and a sample index per axis
    blocks = padded.reshape([d for _, s, b in blocking for d in (b, s)])
    nd = large.ndim
    lens = [lb for lb, _, _ in blocking]
    sample_axes = tuple(range(1, 2 * nd, 2))
    if dtype.kind == "f":
        fwd, inv = sfft.rfftn, sfft.irfftn
    else:
        fwd, inv = sfft.fftn, sfft.ifftn
    kernel = fwd(small, lens, axes=tuple(range(nd)))
    spec = fwd(blocks, lens, axes=sample_axes)
    spec *= kernel.reshape([d for n in kernel.shape for d in (1, n)])
    out = inv(spec, lens, axes=sample_axes, overwrite_x=True)
    for ax in reversed(range(nd)):
        lb, step, nb = blocking[ax]
        if nb == 1:
            out = out.reshape((*out.shape[: 2 * ax], lb, *out.shape[2 * ax + 2 :]))
        else:
            out = _overlap_add_axis(out, 2 * ax, step, small.shape[ax] - 1)
    return np.ascontiguousarray(out[tuple(slice(0, n) for n in shape)], dtype=dtype)


# --- mode-aware paths: only the outputs the mode keeps -----------------------------
#
# The functions below compute ``convolve(f, g, mode)`` or, with
# ``correlate=True``, ``correlate(f, g, mode)`` directly, without forming the
# full output first: the direct sum visits only the kept outputs, the FFT is
# only as long as the kept outputs need, and the reversal and conjugate of
# correlation ride on a copy that is made anyway.


def direct(
    f: np.ndarray,
    g: np.ndarray,
    dtype: DTypeLike,
    mode: str = "full",
    correlate: bool = False,
    strategy: str | None = None,
) -> np.ndarray:
    """``f * g`` (or ``f ⋆ g``) by the defining sum, over the kept outputs only.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m], \\qquad
              (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    1-D: NumPy's compiled sums, which compute only the outputs of the mode
    (``numpy.correlate`` conjugates its second argument, so it computes
    ``f ⋆ g`` without a reversed or conjugated copy). N-D: see
    :func:`_direct_nd`. The work is :func:`convcorr.plan.kept_products`
    multiply-adds.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim``, already validated (``'valid'`` possible).
    dtype : numpy.dtype
        Dtype of the computation and result (any numeric dtype the caller
        chooses: an integer dtype keeps integer sums exact).
    mode : {'full', 'same', 'valid'}
    correlate : bool
        ``f ⋆ g`` instead of ``f * g``.
    strategy : {None, 'flat', 'shift', 'windows'}
        N-D only: force one strategy of :func:`convcorr.plan.direct_plan`
        (default: its choice).

    Returns
    -------
    numpy.ndarray
        The kept outputs, shape :func:`convcorr.plan.kept_shape`, dtype ``dtype``.
    """
    # `is` first: a tiny call should not pay for two conversions that copy nothing
    if f.dtype is not dtype:
        f = f.astype(dtype, copy=False)
    if g.dtype is not dtype:
        g = g.astype(dtype, copy=False)
    if (
        f.size == 1
        and strategy is None
        and (f.ndim > 1 or g.size >= _ONE_TAP_FROM.get(f.dtype.kind, 0))
    ):
        return _one_tap(f, g, correlate)
    if f.ndim == 1:
        return _direct_1d(f, g, mode, correlate)
    if strategy is None:
        strategy = plan.direct_plan(f.shape, g.shape, mode, f.dtype.kind != "c")[0]
    ranges = plan.kept_ranges(f.shape, g.shape, mode)
    return _direct_nd(f, g, ranges, correlate, strategy)


#: Signal samples from which a 1-D one-sample kernel is applied by :func:`_one_tap`
#: rather than NumPy's sum (per call: 0.5 us, 1.8 us with the scaling's error state):
#: NumPy's unrolled loop for a real tap costs 0.4 ns an output, its complex dot
#: products 19 ns (float64, 100,000 samples: 38 us against 22 us; complex128, 1000
#: samples: 19 us against 3 us).
_ONE_TAP_FROM = {"f": 4096, "c": 64}


def _one_tap(f: np.ndarray, g: np.ndarray, correlate: bool) -> np.ndarray:
    """:func:`direct` for a kernel of one sample: ``f[0] g`` (``conj(f[0]) g`` for ``f ⋆ g``).

    .. math:: (f * g)[n] = f[0]\\, g[n], \\qquad (f \\star g)[k] = \\overline{f[0]}\\, g[k]

    With ``len(f) = 1`` on every axis, every mode keeps all of ``g``'s
    indices: the full output has ``g``'s shape, ``'same'`` starts at
    ``(1 - 1) // 2 = 0`` and ``'valid'`` keeps ``len(g) - 1 + 1`` outputs.
    Each output is its one product, the same rounding as the defining sum;
    NumPy's compiled sums would make one dot-product call per output.
    """
    tap = f.reshape(())
    if correlate and f.dtype.kind == "c":
        tap = np.conj(tap)
    # quiet, as NumPy's compiled sums are: a NaN or infinity is the caller's screen to
    # refuse (guards.screened), an overflow an infinite output like theirs
    with np.errstate(invalid="ignore", over="ignore"):
        return np.multiply(tap, g, order="C")


def _direct_1d(f: np.ndarray, g: np.ndarray, mode: str, correlate: bool) -> np.ndarray:
    """:func:`direct` of two 1-D operands already in the dtype of the result.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m], \\qquad
              (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    over the outputs ``mode`` keeps (``plan.kept_range(len(f), len(g), mode)``),
    by NumPy's compiled sums; no conversion, so a tiny call costs little more
    than NumPy's. Floating operands both longer than ``_DOT_CHUNK`` samples
    are summed a chunk of the shorter at a time (:func:`_chunked_dots`).
    """
    m, n = f.size, g.size
    if min(m, n) > _DOT_CHUNK and f.dtype.kind in "fc":
        # BLAS dot products that long run threaded: cut them (exact integer sums stay NumPy's)
        return _chunked_dots(f, g, mode, correlate)
    if mode != "same" or n >= m:
        # NumPy crops 'same' and 'valid' as kept_range does when g is the longer
        if f.dtype.kind == "c" and plan.sum_by_parts(m, n):
            return _complex_by_parts(f, g, mode, correlate)
        if correlate:
            return np.correlate(g, f, mode)
        if f.dtype.kind != "c":
            # f * g = g ⋆ f reversed for real f: numpy.convolve makes this very
            # call after Python-level conversions that cost a tiny call 20%
            return np.correlate(g, f[::-1], mode)
        return np.convolve(f, g, mode)
    # 'same' with the kernel longer than the signal: the n kept outputs use
    # only the 2n - 1 kernel samples around them, a 'valid' sum of that part
    start, _ = plan.kept_range(m, n, mode)
    kernel = f[::-1] if correlate else f  # f ⋆ g = conj(f reversed) * g
    lo, hi = start - n + 1, start + n
    part = kernel[max(lo, 0) : min(hi, m)]
    if lo < 0 or hi > m:
        zeros = np.zeros(max(0, -lo), part.dtype), np.zeros(max(0, hi - m), part.dtype)
        part = np.concatenate([zeros[0], part, zeros[1]])
    if correlate and part.dtype.kind == "c":
        part = np.conj(part)
    return np.convolve(part, g, "valid")


def _complex_by_parts(f: np.ndarray, g: np.ndarray, mode: str, correlate: bool) -> np.ndarray:
    """:func:`_direct_1d` of complex operands as four real sums, each NumPy's unrolled loop.

    Used where :func:`convcorr.plan.sum_by_parts` says it pays.

    .. math:: f \\star g = (f_r \\star g_r + f_i \\star g_i)
              + i\\,(f_r \\star g_i - f_i \\star g_r), \\qquad
              f * g = (f_r * g_r - f_i * g_i) + i\\,(f_r * g_i + f_i * g_r)

    with ``f = f_r + i f_i`` and ``g = g_r + i g_i``, over the outputs ``mode``
    keeps (NumPy's cropping, as in :func:`_direct_1d`): the same products as
    the complex sum, each part summed on its own.
    """
    fr, fi = np.ascontiguousarray(f.real), np.ascontiguousarray(f.imag)
    gr, gi = np.ascontiguousarray(g.real), np.ascontiguousarray(g.imag)
    if correlate:
        # numpy.correlate(b, a) is a ⋆ b for real a and b
        re = np.correlate(gr, fr, mode)
        re += np.correlate(gi, fi, mode)
        im = np.correlate(gi, fr, mode)
        im -= np.correlate(gr, fi, mode)
    else:
        # and numpy.correlate(b, a reversed) is a * b
        fr, fi = fr[::-1], fi[::-1]
        re = np.correlate(gr, fr, mode)
        re -= np.correlate(gi, fi, mode)
        im = np.correlate(gi, fr, mode)
        im += np.correlate(gr, fi, mode)
    out = np.empty(re.size, f.dtype)
    out.real, out.imag = re, im
    return out


#: Samples per dot product of :func:`_chunked_dots`. NumPy's compiled sums
#: take one BLAS dot product per output; OpenBLAS computes one of up to
#: 10,000 samples on the calling thread and hands longer ones to its thread
#: pool, whose threads wait for each other while another process keeps a
#: core busy (a 10,001-sample ``numpy.vdot`` took up to 370 ms there, one of
#: 10,000 never over 25 µs). A chunk of each operand (64 or 128 KiB) also
#: stays in the per-core cache (2 MiB on the build machine) over all outputs.
_DOT_CHUNK = 8192


def _chunked_dots(f: np.ndarray, g: np.ndarray, mode: str, correlate: bool) -> np.ndarray:
    """:func:`_direct_1d` of two operands longer than ``_DOT_CHUNK``, a chunk at a time.

    .. math:: (f * g)[s + j] = \\sum_{i=0}^{K-1} h[i]\\, l[s + j - i],
              \\qquad j = 0 .. L - 1

    with ``h`` the shorter of the kernel and the signal, ``l`` the longer
    (convolution commutes), ``s, L = plan.kept_range(len(f), len(g), mode)``
    and, for ``f ⋆ g``, the kernel ``conj(f)`` reversed. The sum over ``i``
    is split into chunks of ``_DOT_CHUNK`` samples of ``h``, each a compiled
    NumPy sum over all kept outputs whose dot products are at most a chunk
    long. ``'valid'``: each output reads ``l[j .. j + K - 1]``, no zero
    padding. ``'full'`` and ``'same'``: each chunk's full convolution with
    ``l`` is added at its offset, and the kept part is cut from the sum.

    A complex ``h`` is conjugated a chunk at a time, as it is used: a copy of
    a whole long operand is fresh memory whose every page faults on first
    touch (complex128, two 65,536-sample operands in ``'valid'`` mode: two
    such copies took 850 us, SciPy's whole call 55 us).
    """
    start, length = plan.kept_range(f.size, g.size, mode)
    flip = correlate and f.dtype.kind == "c"
    kernel = f[::-1] if correlate else f  # conjugated too when flip, below
    if kernel.size <= g.size:
        short, long_, conj_short = kernel, g, flip
    else:
        short, long_, conj_short = g, (np.conj(kernel) if flip else kernel), False
    if mode == "valid":
        # each output sums l[j + i] h[K - 1 - i]: t = h reversed, which for a
        # short h = conj(f) reversed is conj(f), read as f conjugated in the sum
        conj = short.dtype.kind == "c" and conj_short
        return _window_dots(long_, short[::-1], length, conj)
    full = np.zeros(f.size + g.size - 1, short.dtype)
    for c0 in range(0, short.size, _DOT_CHUNK):
        piece = short[c0 : c0 + _DOT_CHUNK]
        if conj_short:
            piece = np.conj(piece)
        full[c0 : c0 + piece.size + long_.size - 1] += np.convolve(piece, long_)
    return np.ascontiguousarray(full[start : start + length])


def _window_dots(long_: np.ndarray, taps: np.ndarray, length: int, conj: bool) -> np.ndarray:
    """``out[j] = sum_i l[j + i] t[i]`` for ``j < length``, by dots of ``_DOT_CHUNK`` samples.

    .. math:: \\mathrm{out}[j] = \\sum_{i=0}^{K-1} l[j + i]\\, t[i]
              \\quad (\\overline{t[i]} \\text{ when } conj), \\qquad j = 0 .. L - 1

    with ``K = len(t)`` and ``len(l) >= K + L - 1``. The windows of ``l`` are
    a strided view cut into chunks of ``_DOT_CHUNK`` samples, and one NumPy
    call (``vecdot``, which conjugates its first argument, or ``matmul``)
    takes every chunk's dot product for every output, a BLAS dot of at most
    ``_DOT_CHUNK`` samples each, on the calling thread: for two 65,536-sample
    complex operands 37 us, where one ``numpy.correlate`` per chunk took
    69 us and SciPy's single long dot product 53 us on one thread. A
    reversed ``l`` (a view of a correlation's kernel) is read forwards, with
    ``t`` and the outputs reversed too; a reversed ``t`` is copied (BLAS
    reads positive strides only).
    """
    if long_.strides[0] < 0:
        # l[j + i] = r[N - 1 - j - i] for r = l reversed: the same sum over u = t
        # reversed gives the outputs in reverse order
        return np.ascontiguousarray(_window_dots(long_[::-1], taps[::-1], length, conj)[::-1])
    taps = np.ascontiguousarray(taps)
    step, (chunks, rest) = long_.strides[0], divmod(taps.size, _DOT_CHUNK)
    out = None
    for first, width, count in ((0, _DOT_CHUNK, chunks), (chunks * _DOT_CHUNK, rest, 1)):
        if not (width and count):
            continue
        part = taps[first : first + width * count].reshape(count, 1, width)
        windows = _strided(long_[first:], (count, length, width), (width * step, step, step))
        if conj or part.dtype.kind != "c":
            dots = np.vecdot(part, windows)
        else:
            dots = np.matmul(windows[:, :, None, :], part[:, :, :, None])[:, :, 0, 0]
        sums = np.add.reduce(dots, 0)  # ndarray.sum's dispatch costs 1-2 us more
        out = sums if out is None else np.add(out, sums, out=out)
    return out


def _strided(x: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """Read-only view of the memory of ``x`` with ``shape`` and byte ``strides``.

    ``numpy.ndarray`` on a contiguous ``x``'s buffer costs 0.3 us; ``as_strided``, which
    also takes any other ``x``, 3 us. The caller keeps every index in bounds.
    """
    if x.flags.c_contiguous:
        view = np.ndarray(shape, x.dtype, x, 0, strides)
        view.flags.writeable = False
        return view
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)


def _direct_nd(
    f: np.ndarray,
    g: np.ndarray,
    ranges: tuple[tuple[int, int], ...],
    correlate: bool,
    strategy: str,
) -> np.ndarray:
    """N-D direct sum over the kept outputs ``ranges`` (start, length per axis), by ``strategy``.

    ``ranges`` and ``strategy`` come from the plan (:func:`convcorr.plan.kept_ranges`,
    :func:`convcorr.plan.direct_plan`), computed once per shape. Correlation is
    the convolution with ``conj(f)`` reversed: the reversal is a view, the
    conjugate a copy of ``f`` only when ``f`` is complex. The flat strategy
    with ``f`` the smaller operand needs neither: its 1-D sum is a
    correlation, whose kernel is ``f`` itself (see :func:`_flat_kept`).
    """
    if strategy == "flat" and f.size <= g.size:
        return _flat_kept(f, g, ranges, mirrored=correlate)
    if correlate:
        f = np.conj(f) if f.dtype.kind == "c" else f
        f = f[(slice(None, None, -1),) * f.ndim]
    out_shape = tuple(length for _, length in ranges)
    small, large = (f, g) if f.size <= g.size else (g, f)
    if strategy == "flat":
        return _flat_kept(small, large, ranges)
    if strategy == "shift":
        return _shift_add(small, large, ranges, out_shape)
    return _windows_dot(small, large, ranges, out_shape)


def _flat_kept(
    small: np.ndarray,
    large: np.ndarray,
    ranges: tuple[tuple[int, int], ...],
    mirrored: bool = False,
) -> np.ndarray:
    """Kept outputs of ``small * large`` by one 1-D sum (see :func:`convcorr.plan.flat_lengths`).

    The part ``P`` of ``large`` that the kept outputs need, laid out flat, is
    correlated (``numpy.correlate``, compiled) with the kernel ``w``: an
    array of ``P``'s rows (zeros between them) holding ``conj(small)``
    reversed on every axis. Kept output ``j`` is then
    ``sum_i conj(w[i]) P[j + i] = sum_i small[K - 1 - i] P[j + i]``, the
    convolution, at the flat index of ``j`` in ``P``. ``mirrored=True``
    means ``small`` is given already reversed and conjugated, i.e. the call
    computes ``small ⋆ large``: ``small`` is then laid out as it is, without
    a reversed or conjugated copy.
    """
    layout = plan.flat_plan(small.shape, large.shape, ranges)
    part_shape, inner, crop, places, length, rows, tail, gather = layout
    if inner is None:
        part = large[crop]
    else:
        part = np.zeros(part_shape, large.dtype)
        part[inner] = large[crop]
    # reversed on every axis is the C-order sequence reversed
    values = small.reshape(-1) if mirrored else small.reshape(-1)[::-1]
    if not mirrored and small.dtype.kind == "c":
        values = np.conj(values)
    # numpy.correlate conjugates its second argument (w), numpy.convolve would
    # reverse it: either is one copy of the short kernel, as this layout is
    taps = np.zeros(length, small.dtype)
    taps[places] = values
    if taps.dtype.kind == "c" and plan.sum_by_parts(taps.size, part.size):
        # priced as the costmodel prices it: four real sums (f ⋆ g is numpy.correlate(g, f))
        y = _complex_by_parts(taps, part.reshape(-1), "valid", True)
    else:
        y = np.correlate(part.reshape(-1), taps, "valid")
    if gather is not None:
        return y.take(gather)
    # whole rows of part, which reshape then slices: the valid sum stops a few
    # samples short of the last row, samples that no kept output reads
    out = np.empty(math.prod(rows), y.dtype)
    out[: y.size] = y
    return np.ascontiguousarray(out.reshape(rows)[tail])


def _shift_add(
    small: np.ndarray,
    large: np.ndarray,
    ranges: Sequence[tuple[int, int]],
    out_shape: tuple[int, ...],
) -> np.ndarray:
    # per axis and index i of small: the output slice and the slice of large
    # it adds (kept output j is full index s + j and takes large[s + j - i]);
    # an index whose shifted copy misses the kept outputs is left out
    per_axis = []
    for k, (s, length), n in zip(small.shape, ranges, large.shape):
        steps = []
        for i in range(k):
            lo, hi = max(0, i - s), min(length, n + i - s)
            if lo < hi:
                steps.append((i, slice(lo, hi), slice(s + lo - i, s + hi - i)))
        per_axis.append(steps)
    out = np.zeros(out_shape, np.result_type(small, large))
    for combo in itertools.product(*per_axis):
        index = tuple(c[0] for c in combo)
        out[tuple(c[1] for c in combo)] += large[tuple(c[2] for c in combo)] * small[index]
    return out


#: Elements of the window copy that one ``tensordot`` of :func:`_windows_dot` makes.
_WINDOW_CHUNK = 2**18


def _needed_part(
    small: np.ndarray, large: np.ndarray, ranges: Sequence[tuple[int, int]]
) -> np.ndarray:
    """The samples of ``large`` the kept outputs touch, zero-extended: ``L + K - 1`` per axis."""
    pads, crop = plan.needed_part_bounds(ranges, small.shape, large.shape)
    part = large[crop]
    if any(a or b for a, b in pads):
        # zeros and one assignment: numpy.pad costs tens of microseconds more
        inner = part
        part = np.zeros([n + a + b for n, (a, b) in zip(inner.shape, pads)], inner.dtype)
        part[tuple(slice(a, a + n) for n, (a, _) in zip(inner.shape, pads))] = inner
    return part


def _windows_dot(
    small: np.ndarray,
    large: np.ndarray,
    ranges: Sequence[tuple[int, int]],
    out_shape: tuple[int, ...],
) -> np.ndarray:
    # kept output j takes sum_i small[i] large[s + j - i]: a correlation of the
    # (zero-extended) large operand with small reversed, window by window
    part = _needed_part(small, large, ranges)
    windows = np.lib.stride_tricks.sliding_window_view(part, small.shape)
    kernel = small[(slice(None, None, -1),) * small.ndim]
    # tensordot copies the windows it contracts: a few output rows at a time
    rows = max(1, _WINDOW_CHUNK // (small.size * math.prod(out_shape[1:])))
    # each product is a BLAS matrix-vector product, which OpenBLAS threads
    # from a few thousand elements on: on one thread it is as fast here
    # (memory-bound), and never waits for a busy core (complex (60, 60) over
    # (64, 64): 92 µs on one thread, 25 ms on two beside other processes)
    with _one_blas_thread():
        if rows >= out_shape[0]:
            return np.tensordot(windows, kernel, axes=small.ndim)
        out = np.empty(out_shape, np.result_type(small, large))
        for r in range(0, out_shape[0], rows):
            out[r : r + rows] = np.tensordot(windows[r : r + rows], kernel, axes=small.ndim)
    return out


_blas_controller = None


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Context manager: BLAS calls of this thread run on it alone (threadpoolctl).

    Costs about 10 µs; the controller, which finds the BLAS libraries
    loaded (about 1 ms), is made at the first call. For BLAS work that
    gains nothing from a second thread but would wait for it on a busy
    machine.
    """
    global _blas_controller
    if _blas_controller is None:
        from threadpoolctl import ThreadpoolController

        _blas_controller = ThreadpoolController().select(user_api="blas")
    return _blas_controller.limit(limits=1)


def fft(
    f: np.ndarray, g: np.ndarray, dtype: DTypeLike, mode: str = "full", correlate: bool = False
) -> np.ndarray:
    """``f * g`` (or ``f ⋆ g``) by one circular convolution just long enough for ``mode``.

    .. math:: y = \\mathcal{F}^{-1}\\big(\\mathcal{F}(h_0)\\,\\mathcal{F}(g_0)\\big),
              \\qquad h = f \\text{ or } h[m] = \\overline{f[M - 1 - m]}

    with both operands zero-padded (or cut) to :func:`convcorr.plan.circular_shape`; the
    kept outputs are ``y[s : s + L]`` on every axis, one slice. For a
    correlation the reversed, conjugated kernel ``h`` is written straight into
    the zero-padded buffer the transform needs anyway, so the conversion
    identity costs no extra copy. Every length and slice comes from the
    cached :func:`convcorr.plan.fft_plan`; from
    :data:`convcorr.plan.FFT_BY_AXIS_FROM` padded samples an N-D call
    transforms one axis at a time (:func:`_forward`, :func:`_inverse`),
    skipping the all-zero lines of the padding and the dropped outputs.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim``, already validated.
    dtype : numpy.dtype
        Floating dtype of the result; real dtypes use real FFTs.
    mode : {'full', 'same', 'valid'}
    correlate : bool
        ``f ⋆ g`` instead of ``f * g``.

    Returns
    -------
    numpy.ndarray
        The kept outputs, dtype ``dtype``.
    """
    dtype = np.dtype(dtype)
    real = dtype.kind == "f"
    p = plan.fft_plan(f.shape, g.shape, mode, real)
    g = g.astype(dtype, copy=False)
    if p.by_axis:
        # the padding is the transforms' own (n=), so a view of f is enough
        h = f[(slice(None, None, -1),) * f.ndim] if correlate else f
        h = np.conj(h) if correlate and dtype.kind == "c" else h
        spec = _product(_forward(h.astype(dtype, copy=False), p, real), _forward(g, p, real), p)
        return _inverse(spec, p, real, dtype)
    f = _reversed_conj_padded(f, p.shape, dtype) if correlate else f.astype(dtype, copy=False)
    if not p.axes:
        y = f * g
    elif f.ndim == 1:  # the 1-D transforms skip the N-D bookkeeping
        fwd, inv = (sfft.rfft, sfft.irfft) if real else (sfft.fft, sfft.ifft)
        spec = fwd(f, p.shape[0])
        spec *= fwd(g, p.shape[0])
        y = inv(spec, p.shape[0], overwrite_x=True)
    else:
        fwd, inv = (sfft.rfftn, sfft.irfftn) if real else (sfft.fftn, sfft.ifftn)
        spec = _product(fwd(f, p.lengths, axes=p.axes), fwd(g, p.lengths, axes=p.axes), p)
        y = inv(spec, p.lengths, axes=p.axes, overwrite_x=True)
    return np.ascontiguousarray(y[p.keep], dtype=dtype)


def _product(spec: np.ndarray, other: np.ndarray, p: plan.FFTPlan) -> np.ndarray:
    """``spec * other``, in place in the spectrum the plan names (they may broadcast)."""
    if p.product == "f":
        spec *= other
        return spec
    if p.product == "g":
        other *= spec
        return other
    return spec * other


def _forward(x: np.ndarray, p: plan.FFTPlan, real: bool) -> np.ndarray:
    """Spectrum of ``x`` zero-padded to ``p.lengths`` on ``p.axes``, one axis at a time.

    The last axis first (a real transform for real ``x``), on ``x``'s own
    lines only: the lines the padding adds are zeros, and so is their
    transform, which the next axis's transform pads in again for free.
    """
    *rest, last = p.axes
    y = (sfft.rfft if real else sfft.fft)(x, p.shape[last], axis=last)
    for a in reversed(rest):
        y = sfft.fft(y, p.shape[a], axis=a, overwrite_x=True)
    return y


def _inverse(spec: np.ndarray, p: plan.FFTPlan, real: bool, dtype: np.dtype) -> np.ndarray:
    """Inverse of :func:`_forward`, cut to ``p.keep`` after each axis's transform.

    Every later transform runs along another axis, line by line, so the
    lines of outputs the mode drops can go as soon as their axis is done.
    """
    *rest, last = p.axes
    keep = list(p.keep)
    for a in rest:
        spec = sfft.ifft(spec, axis=a, overwrite_x=True)
        spec = spec[(slice(None),) * a + (keep[a],)]
        keep[a] = slice(None)
    if real:
        y = sfft.irfft(spec, p.shape[last], axis=last, overwrite_x=True)
    else:
        y = sfft.ifft(spec, axis=last, overwrite_x=True)
    return np.ascontiguousarray(y[tuple(keep)], dtype=dtype)


def _reversed_conj_padded(f: np.ndarray, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``conj(f)`` reversed on every axis, zero-padded (or cut) to ``shape``, in one pass."""
    buf = np.zeros(shape, dtype)
    fit = tuple(slice(0, min(m, c)) for m, c in zip(f.shape, shape))
    reversed_f = f[(slice(None, None, -1),) * f.ndim][fit]
    if dtype.kind == "c":
        np.conjugate(reversed_f, out=buf[fit])
    else:
        buf[fit] = reversed_f
    return buf


def oa(
    f: np.ndarray, g: np.ndarray, dtype: DTypeLike, mode: str = "full", correlate: bool = False
) -> np.ndarray:
    """``f * g`` (or ``f ⋆ g``) by overlap-add (:func:`oa_convolve_full`), cut to ``mode``.

    Overlap-add is chosen for a short kernel and a long signal, where every
    mode keeps nearly the full output. A correlation convolves with
    ``conj(f)`` reversed (a copy of the kernel, short here).

    Defined in chapter 9 (Fast convolution).
    """
    if correlate:
        f = np.conj(f[(slice(None, None, -1),) * f.ndim])
    full = oa_convolve_full(f, g, dtype)
    return np.ascontiguousarray(full[plan.kept_slices(f.shape, g.shape, mode)])


def overlap_save(
    f: np.ndarray, g: np.ndarray, dtype: DTypeLike, mode: str = "full", correlate: bool = False
) -> np.ndarray:
    """``f * g`` (or ``f ⋆ g``) by overlap-save, over the kept outputs only.

    The larger operand (the signal) is read in overlapping blocks of ``Lb``
    samples per axis, ``K - 1`` samples of overlap for a kernel of ``K``;
    each block is convolved *circularly* with the kernel by one FFT of
    length ``Lb``, and the first ``K - 1`` samples of each circular result,
    where the kernel's tail wraps around, are discarded. The kept samples of
    block ``b`` are the linear outputs from ``s + b S`` on (``S = Lb - K + 1``,
    ``s`` the first output the mode keeps):

    .. math:: (f * g)[s + b S + j] = (f \\circledast_{L_b} x_b)[K - 1 + j],
              \\qquad x_b[i] = g[s - (K - 1) + b S + i], \\quad 0 \\le j < S

    where :func:`convcorr.plan.os_plan` gives ``Lb``, ``S`` and the blocks
    per axis (one block of the circular length of :func:`fft` on an axis
    where blocking does not pay). Unlike overlap-add (:func:`oa`), no
    output is ever added to another: every kept output comes from one
    block, and only the outputs ``mode`` keeps are computed. A correlation
    convolves with ``conj(f)`` reversed (a copy of the kernel).

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim``, already validated (``'valid'`` possible).
    dtype : numpy.dtype
        Floating dtype of the result; real dtypes use real FFTs.
    mode : {'full', 'same', 'valid'}
    correlate : bool
        ``f ⋆ g`` instead of ``f * g``.

    Returns
    -------
    numpy.ndarray
        The kept outputs, shape :func:`convcorr.plan.kept_shape`, dtype ``dtype``.
    """
    dtype = np.dtype(dtype)
    if correlate:
        f = np.conj(f[(slice(None, None, -1),) * f.ndim])
    f = f.astype(dtype, copy=False)
    g = g.astype(dtype, copy=False)
    blocking = plan.os_plan(f.shape, g.shape, mode)
    kept = plan.kept_shape(f.shape, g.shape, mode)
    small, large = (f, g) if f.size <= g.size else (g, f)
    nd = large.ndim
    # the part of the signal the blocks read, zeros where it leaves the signal
    extent = [(nb - 1) * step + lb for lb, step, nb, _, _ in blocking]
    part = np.zeros(extent, dtype)
    inside, target = [], []
    for (_, _, _, first, _), size, n in zip(blocking, extent, large.shape):
        lo, hi = max(first, 0), min(first + size, n)
        inside.append(slice(lo, max(lo, hi)))
        target.append(slice(lo - first, lo - first + max(0, hi - lo)))
    part[tuple(target)] = large[tuple(inside)]
    lens = [lb for lb, _, _, _, _ in blocking]
    # (b0, b1, ..., i0, i1, ...): block indices, then the samples of a block (a view)
    windows = np.lib.stride_tricks.sliding_window_view(part, lens)
    blocks = windows[tuple(slice(None, None, step) for _, step, _, _, _ in blocking)]
    sample_axes = tuple(range(nd, 2 * nd))
    if dtype.kind == "f":
        fwd, inv = sfft.rfftn, sfft.irfftn
    else:
        fwd, inv = sfft.fftn, sfft.ifftn
    spec = fwd(blocks, lens, axes=sample_axes)
    spec *= fwd(small, lens, axes=tuple(range(nd)))
    circular = inv(spec, lens, axes=sample_axes, overwrite_x=True)
    # keep the clean samples of every block, then lay the blocks side by side
    clean = circular[(Ellipsis, *(slice(d, d + step) for _, step, _, _, d in blocking))]
    order = [a for axis in range(nd) for a in (axis, nd + axis)]
    out = clean.transpose(order).reshape([nb * step for _, step, nb, _, _ in blocking])
    return np.ascontiguousarray(out[tuple(slice(0, n) for n in kept)], dtype=dtype)


#: The one table from a method's name to its algorithm. ``'auto'`` is not an
#: algorithm: the cost model picks one of these names.
ALGORITHMS: dict[str, Algorithm] = {
    "direct": direct,
    "fft": fft,
    "oa": oa,
    "os": overlap_save,
}
#: Every value of ``method`` the public functions accept.
METHODS = ("auto", *ALGORITHMS)
