"""The three convolution algorithms, as plain functions on validated arrays.

* :func:`direct`: the defining sum over the outputs the mode keeps,
  ``O(kept products)``;
* :func:`fft`: by the convolution theorem, one circular convolution of both
  operands zero-padded just long enough for the mode (for ``'full'``, at least
  ``len(f) + len(g) - 1`` samples on each axis), ``O(L log L)`` for ``L``
  padded samples;
* :func:`oa_convolve_full`: overlap-add cuts a long signal into blocks,
  convolves each block with the short kernel by FFT and adds the overlapping
  tails, so that the FFTs stay short: ``O(N log K)`` instead of ``O(N log N)``.

Each computes convolution or correlation in a given dtype, and :func:`oa` the
``'full'`` output of :func:`oa_convolve_full` cut to the mode. None of them
validates its input: :mod:`convcorr.discrete` does that once, at the
boundary, and picks the method (with :mod:`convcorr.costmodel` for ``'auto'``).
"""

import functools
import itertools
import math

import numpy as np
import scipy.fft as sfft

from ._shapes import full_shape

__all__ = [
    "circular_shape",
    "direct",
    "direct_1d",
    "direct_plan",
    "fft",
    "fft_shape",
    "flat_lengths",
    "kept_outputs",
    "kept_products",
    "kept_range",
    "oa",
    "oa_block_length",
    "oa_convolve_full",
    "oa_plan",
]

#: Candidate block FFT lengths for overlap-add: 5-smooth, so fast for
#: ``scipy.fft``, and dense enough that the block fits the kernel well.
_OA_LENGTHS = tuple(
    sorted(n for n in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if n <= 2**20)
)


def fft_shape(shape, real):
    """Padded FFT shape: ``next_fast_len`` of every length (5-smooth for real FFTs)."""
    return tuple(sfft.next_fast_len(n, real=real) for n in shape)


def oa_block_length(n, k):
    """FFT block length for overlap-add of ``n`` signal and ``k`` kernel samples.

    Chooses, among 5-smooth lengths ``Lb >= max(2 (k - 1), 256)``, the one
    minimising ``B Lb (log2 Lb + 4)`` with ``B = ceil(n / (Lb - k + 1))``
    blocks: the FFT work plus a per-sample cost for padding, multiplying and
    adding. The floor of 256 samples reflects measurements: shorter blocks
    lose more to the per-block overhead of the batched FFT than the formula
    credits them. Returns ``None`` when a single FFT of ``next_fast_len(n + k - 1)``
    samples is at least as cheap (overlap-add would not pay off).

    Parameters
    ----------
    n, k : int
        Lengths of the signal and the kernel along one axis.

    Returns
    -------
    int or None
        The block length ``Lb``; each block then carries ``Lb - k + 1`` new
        signal samples.
    """
    whole = sfft.next_fast_len(n + k - 1, real=True)
    best, best_cost = None, whole * (math.log2(whole) + 4.0)
    low = max(2 * (k - 1), 256)
    for lb in _OA_LENGTHS:
        if lb < low:
            continue
        if lb >= whole:
            break
        blocks = -(-n // (lb - k + 1))
        cost = blocks * lb * (math.log2(lb) + 4.0)
        if cost < best_cost:
            best, best_cost = lb, cost
    return best


def oa_plan(large_shape, small_shape):
    """Overlap-add plan: per axis, ``(block FFT length, step, number of blocks)``."""
    plan = []
    for n, k in zip(large_shape, small_shape):
        lb = oa_block_length(n, k)
        if lb is None:
            plan.append((sfft.next_fast_len(n + k - 1, real=True), n, 1))
        else:
            step = lb - k + 1
            plan.append((lb, step, -(-n // step)))
    return plan


def _overlap_add_axis(blocks, axis, step, overlap):
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


def _oa_1d(kernel, signal, dtype, lb):
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


def oa_convolve_full(f, g, dtype):
    """Full convolution ``f * g`` by overlap-add.

    The larger operand (the signal, ``N`` samples per axis) is cut into
    blocks of ``S`` samples; each block is convolved with the smaller one
    (the kernel, ``K`` samples) by an FFT of ``Lb = S + K - 1`` samples, and
    block ``b``'s result is added at offset ``b S``:

    .. math:: f * g = \\sum_b (\\text{block}_b * \\text{kernel})[\\,\\cdot - b S]

    which is linearity and shift-invariance of convolution. Axes on which
    blocking does not pay off (see :func:`oa_block_length`) are one block.

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
    shape = full_shape(f.shape, g.shape)
    if f.ndim == 1 and oa_block_length(large.size, small.size) is not None:
        return _oa_1d(small, large, dtype, oa_block_length(large.size, small.size))
    plan = oa_plan(large.shape, small.shape)
    padded = np.zeros([s * b for _, s, b in plan], dtype=large.dtype)
    padded[tuple(slice(0, n) for n in large.shape)] = large
    # (b0, s0, b1, s1, ...): a block index and a sample index per axis
    blocks = padded.reshape([d for _, s, b in plan for d in (b, s)])
    nd = large.ndim
    lens = [lb for lb, _, _ in plan]
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
        lb, step, nb = plan[ax]
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


def kept_range(m, n, mode):
    """Start and length, within the full output of one axis, of what ``mode`` keeps.

    For a kernel of ``m`` and a signal of ``n`` samples the full output has
    ``m + n - 1``; ``'same'`` keeps ``n`` from ``(m - 1) // 2`` and
    ``'valid'`` keeps ``|n - m| + 1`` from ``min(m, n) - 1`` (as
    :func:`convcorr._shapes.mode_slices`).
    """
    full = m + n - 1
    if mode == "full":
        return 0, full
    if mode == "same":
        return (full - n) // 2, n
    return min(m, n) - 1, abs(n - m) + 1


def _products_before(x, m, n):
    """Products in the first ``x`` outputs of a full 1-D direct sum.

    Output ``j`` of the full sum has ``min(j + 1, m + n - 1 - j, min(m, n))``
    terms: a ramp up, a plateau and a ramp down, summed in closed form.
    """
    full, short = m + n - 1, min(m, n)
    if x <= short:
        return x * (x + 1) // 2
    if x <= full - short + 1:
        return short * (short + 1) // 2 + (x - short) * short
    tail = full - x
    return m * n - tail * (tail + 1) // 2


def kept_products(f_shape, g_shape, mode):
    """Multiply-adds of the direct sum over the outputs ``mode`` keeps.

    ``f.size * g.size`` for ``'full'``; fewer for ``'same'`` and ``'valid'``.
    The count factorises over the axes, each a sum of the 1-D term counts.
    """
    total = 1
    for m, n in zip(f_shape, g_shape):
        start, length = kept_range(m, n, mode)
        total *= _products_before(start + length, m, n) - _products_before(start, m, n)
    return total


def _kept_slices(f_shape, g_shape, mode):
    spans = (kept_range(m, n, mode) for m, n in zip(f_shape, g_shape))
    return tuple(slice(start, start + length) for start, length in spans)


def kept_outputs(f_shape, g_shape, mode):
    """Number of outputs ``mode`` keeps."""
    return math.prod(kept_range(m, n, mode)[1] for m, n in zip(f_shape, g_shape))


def circular_shape(f_shape, g_shape, mode, real):
    """FFT shape for ``mode``: per axis, the shortest fast length free of wrap-around
    on the kept outputs.

    A circular convolution of ``C`` samples adds full output ``j + C`` onto
    ``j``. The kept outputs ``j in [s, s + L)`` of a full axis of ``F``
    samples stay clean when ``C >= F - s``: then ``j + C >= F`` lies past the
    full output, and ``s + L <= F - s <= C`` (true in every mode) keeps
    ``j < C``. ``'full'`` needs ``F``, ``'same'`` about ``N + K/2``,
    ``'valid'`` only ``max(M, N)``, which is half of ``F`` for equal lengths.
    Samples of an operand past ``C`` reach no kept output and may be cut.
    """
    return tuple(
        sfft.next_fast_len(m + n - 1 - kept_range(m, n, mode)[0], real=real)
        for m, n in zip(f_shape, g_shape)
    )


def direct(f, g, dtype, mode="full", correlate=False, strategy=None):
    """``f * g`` (or ``f ⋆ g``) by the defining sum, over the kept outputs only.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m], \\qquad
              (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    1-D: NumPy's compiled sums, which compute only the outputs of the mode
    (``numpy.correlate`` conjugates its second argument, so it computes
    ``f ⋆ g`` without a reversed or conjugated copy). N-D: see
    :func:`_direct_nd`. The work is :func:`kept_products` multiply-adds.

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
        N-D only: force one strategy of :func:`direct_plan` (default: its choice).

    Returns
    -------
    numpy.ndarray
        The kept outputs, shape ``kept_range(...)[1]`` per axis, dtype ``dtype``.
    """
    f = f.astype(dtype, copy=False)
    g = g.astype(dtype, copy=False)
    if f.ndim == 1:
        return direct_1d(f, g, mode, correlate)
    return _direct_nd(f, g, mode, correlate, strategy)


def direct_1d(f, g, mode="full", correlate=False):
    """:func:`direct` of two 1-D operands already in the dtype of the result.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m], \\qquad
              (f \\star g)[k] = \\sum_m \\overline{f[m]}\\, g[m + k]

    over the outputs ``mode`` keeps (``kept_range(len(f), len(g), mode)``),
    by NumPy's compiled sums; no conversion, so a tiny call costs little more
    than NumPy's. A ``'valid'`` sum of two long operands with few outputs is
    summed a cache-sized chunk at a time (:func:`_valid_by_chunks`).
    """
    m, n = f.size, g.size
    if (
        mode == "valid"
        and abs(n - m) < _FEW_OUTPUTS
        and min(m, n) * f.itemsize > _LONG_BYTES
        and f.dtype.kind in "fc"  # BLAS dot products; exact integer sums stay NumPy's
    ):
        return _valid_by_chunks(f, g, correlate)
    if mode != "same" or n >= m:
        # NumPy crops 'same' and 'valid' as kept_range does when g is the longer
        if correlate:
            return np.correlate(g, f, mode)
        if f.dtype.kind != "c":
            # f * g = g ⋆ f reversed for real f: numpy.convolve makes this very
            # call after Python-level conversions that cost a tiny call 20%
            return np.correlate(g, f[::-1], mode)
        return np.convolve(f, g, mode)
    # 'same' with the kernel longer than the signal: the n kept outputs use
    # only the 2n - 1 kernel samples around them, a 'valid' sum of that part
    start, _ = kept_range(m, n, mode)
    kernel = f[::-1] if correlate else f  # f ⋆ g = conj(f reversed) * g
    lo, hi = start - n + 1, start + n
    part = kernel[max(lo, 0) : min(hi, m)]
    if lo < 0 or hi > m:
        zeros = np.zeros(max(0, -lo), part.dtype), np.zeros(max(0, hi - m), part.dtype)
        part = np.concatenate([zeros[0], part, zeros[1]])
    if correlate and part.dtype.kind == "c":
        part = np.conj(part)
    return np.convolve(part, g, "valid")


#: A 'valid' sum with fewer outputs than this, whose shorter operand is
#: longer than ``_LONG_BYTES``, is summed by :func:`_valid_by_chunks`.
_FEW_OUTPUTS = 64
_LONG_BYTES = 2**19
#: Samples per chunk of :func:`_valid_by_chunks`: a chunk of each operand
#: (256 or 512 KiB) stays in the per-core L2 cache (2 MiB on the build machine).
_VALID_CHUNK = 2**15


def _valid_by_chunks(f, g, correlate):
    """``'valid'`` output of ``f * g`` (or ``f ⋆ g``) for long operands and few outputs.

    With ``K`` samples in the shorter operand and ``L = |len(g) - len(f)| + 1``
    outputs, each output is a dot product of ``K`` terms. ``numpy.correlate``
    computes them one after the other, streaming both operands from memory
    ``L`` times once they outgrow the cache; here the sums run a chunk of
    ``_VALID_CHUNK`` samples at a time over all ``L`` outputs, so each chunk
    is read from memory once. Every sum is a :func:`_sliding_dots`:

    * ``f * g`` is ``sum_j s[K - 1 - j] l[u + j]`` with ``s`` the shorter
      operand and ``l`` the longer (convolution commutes);
    * ``f ⋆ g`` with ``len(f) <= len(g)`` is ``sum_j conj(f[j]) g[u + j]``;
    * ``f ⋆ g`` with ``len(f) > len(g)``: output ``t`` is the lag
      ``t - (L - 1)``, ``sum_j conj(f[j + L - 1 - t]) g[j]``, the conjugate of
      ``R[L - 1 - t]`` with ``R[u] = sum_j conj(g[j]) f[u + j]``.
    """
    if correlate and f.size <= g.size:
        return _sliding_dots(f, g)
    if correlate:
        return np.conj(_sliding_dots(g, f)[::-1])
    short, long_ = (f, g) if f.size <= g.size else (g, f)
    return _sliding_dots(short, long_, convolve=True)


def _sliding_dots(x, y, convolve=False):
    """Sums ``r[u]`` for ``u = 0 .. len(y) - len(x)``, a chunk of ``x`` at a time.

    .. math:: r[u] = \\sum_{j=0}^{K-1} \\overline{x[j]}\\, y[u + j]
              \\quad\\text{or, with } convolve\\text{,}\\quad
              r[u] = \\sum_{j=0}^{K-1} x[K - 1 - j]\\, y[u + j]

    (``K = len(x)``). ``numpy.vdot`` (one BLAS call per chunk and output)
    rather than ``dot``: it conjugates its first argument and, unlike
    ``dot``, does not warn when finite terms overflow (the other paths do not
    either). For a convolution each chunk of ``x`` is reversed and
    conjugated (which ``vdot`` undoes) just before its dot products, while
    it is in the cache, rather than all of ``x`` in one more pass through
    memory.
    """
    k, outputs = x.size, y.size - x.size + 1
    flipped = x[::-1]
    r = [0] * outputs
    for c0 in range(0, k, _VALID_CHUNK):
        xs = np.conj(flipped[c0 : c0 + _VALID_CHUNK]) if convolve else x[c0 : c0 + _VALID_CHUNK]
        width = xs.size
        for u in range(outputs):
            r[u] += np.vdot(xs, y[c0 + u : c0 + u + width])
    return np.array(r, dtype=np.result_type(x, y))


def _direct_nd(f, g, mode, correlate, strategy):
    """N-D direct sum over the kept outputs, by the strategy of :func:`direct_plan`.

    Correlation is the convolution with ``conj(f)`` reversed: the reversal is
    a view, the conjugate a copy of ``f`` only when ``f`` is complex. The flat
    strategy with ``f`` the smaller operand needs neither: its 1-D sum is a
    correlation, whose kernel is ``f`` itself (see :func:`_flat_kept`).
    """
    if strategy is None:
        strategy, _, _ = direct_plan(f.shape, g.shape, mode, f.dtype.kind != "c")
    ranges = [kept_range(m, n, mode) for m, n in zip(f.shape, g.shape)]
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


#: Cost of one Python-level step of shift-and-add, in multiply-adds, and of
#: one multiply-add of NumPy's compiled 1-D sum, in shift-and-add
#: multiply-adds (real, complex); rough ratios measured on the build machine,
#: only used to choose among the strategies of one method.
_STEP_PRODUCTS = 2500
_FLAT_PRODUCT_SHARE = (0.1, 0.3)


@functools.lru_cache(maxsize=4096)
def flat_lengths(f_shape, g_shape, mode="full"):
    """Kernel and signal lengths of the 1-D sum that the ``'flat'`` direct strategy runs.

    The kept outputs need, on each axis, the ``L + K - 1`` samples of the
    larger operand from ``s - (K - 1)`` (zero-extended where they fall
    outside it): call that part ``P``. Laid out flat, ``P`` is the signal;
    the smaller operand laid out with ``P``'s rows (zeros between them, the
    trailing ones cut) is the kernel; their 1-D ``'valid'`` convolution holds
    every kept output at the flat index of its place in ``P``.
    """
    small, part = _flat_layout(f_shape, g_shape, mode)
    return _flat_length(small, part), math.prod(part)


def _flat_layout(f_shape, g_shape, mode):
    if math.prod(f_shape) > math.prod(g_shape):
        f_shape, g_shape = g_shape, f_shape
    part = tuple(kept_range(m, n, mode)[1] + m - 1 for m, n in zip(f_shape, g_shape))
    return f_shape, part


def _flat_length(shape, widths):
    # last flat index + 1 of an array of ``shape`` laid out with the rows of ``widths``
    return sum((n - 1) * math.prod(widths[i + 1 :]) for i, n in enumerate(shape)) + 1


@functools.lru_cache(maxsize=4096)
def direct_plan(f_shape, g_shape, mode, real, flat=True):
    """Strategy of the N-D direct sum, its Python-level steps and its multiply-adds.

    * ``'flat'``: one compiled 1-D sum of both operands flattened (see
      :func:`flat_lengths`), which multiplies many padding zeros but costs
      no Python loop: best for small problems;
    * ``'shift'``: shift-and-add, one step per element of the smaller
      operand, each adding a scaled slice of the larger to the kept outputs;
    * ``'windows'``: one ``tensordot`` of the larger operand's windows with
      the smaller, when there are fewer kept outputs than steps.

    ``flat=False`` leaves ``'flat'`` out (to time the other two).

    Cached: the call sits on the path of every N-D direct sum.

    Returns
    -------
    (str, int, int)
        The strategy, its steps and its multiply-adds (for ``'flat'`` the
        products of the flattened 1-D sum).
    """
    products = kept_products(f_shape, g_shape, mode)
    small = min(math.prod(f_shape), math.prod(g_shape))
    if small <= kept_outputs(f_shape, g_shape, mode) or small <= 8:
        loop = ("shift", small, products)
    else:
        loop = ("windows", 1, products)
    lk, lp = flat_lengths(f_shape, g_shape, mode)
    flat_products = (lp - lk + 1) * lk
    work = _FLAT_PRODUCT_SHARE[0 if real else 1] * flat_products
    if flat and work < loop[1] * _STEP_PRODUCTS + products:
        return ("flat", 0, flat_products)
    return loop


def _flat_kept(small, large, ranges, mirrored=False):
    """Kept outputs of ``small * large`` by one 1-D sum (see :func:`flat_lengths`).

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
    plan = _flat_plan(small.shape, large.shape, tuple(ranges))
    part_shape, inner, crop, kernel_shape, small_place, length, rows, tail = plan
    if inner is None:
        part = large[crop]
    else:
        part = np.zeros(part_shape, large.dtype)
        part[inner] = large[crop]
    kernel = np.zeros(kernel_shape, small.dtype)
    if mirrored:
        kernel[small_place] = small
    elif small.dtype.kind == "c":
        np.conjugate(small[(slice(None, None, -1),) * small.ndim], out=kernel[small_place])
    else:
        kernel[small_place] = small[(slice(None, None, -1),) * small.ndim]
    # numpy.correlate conjugates its second argument (w), numpy.convolve would
    # reverse it: either is one copy of the short kernel, as this layout is
    y = np.correlate(part.reshape(-1), kernel.reshape(-1)[:length], "valid")
    # whole rows of part, which reshape then slices: the valid sum stops a few
    # samples short of the last row, samples that no kept output reads
    out = np.empty(math.prod(rows), y.dtype)
    out[: y.size] = y
    return np.ascontiguousarray(out.reshape(rows)[tail])


@functools.lru_cache(maxsize=1024)
def _flat_plan(small_shape, large_shape, ranges):
    """Shapes and slices of :func:`_flat_kept`, computed once per problem."""
    pads, crop = [], []
    for (s, length), k, n in zip(ranges, small_shape, large_shape):
        lo, hi = s - (k - 1), s + length  # the large samples the kept outputs touch
        pads.append((max(0, -lo), max(0, hi - n)))
        crop.append(slice(max(lo, 0), min(hi, n)))
    part_shape = tuple(length + k - 1 for (_, length), k in zip(ranges, small_shape))
    inner = tuple(slice(a, p - b) for (a, b), p in zip(pads, part_shape))
    if not any(a or b for a, b in pads):
        inner = None
    length = _flat_length(small_shape, part_shape)
    return (
        part_shape,
        inner,
        tuple(crop),
        (small_shape[0], *part_shape[1:]),
        tuple(slice(0, k) for k in small_shape),
        length,
        (ranges[0][1], *part_shape[1:]),
        (slice(None), *(slice(0, length) for _, length in ranges[1:])),
    )


def _shift_add(small, large, ranges, out_shape):
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


def _needed_part(small, large, ranges):
    """The samples of ``large`` the kept outputs touch, zero-extended: ``L + K - 1`` per axis."""
    pads, crop = [], []
    for (s, length), k, n in zip(ranges, small.shape, large.shape):
        lo, hi = s - (k - 1), s + length
        pads.append((max(0, -lo), max(0, hi - n)))
        crop.append(slice(max(lo, 0), min(hi, n)))
    part = large[tuple(crop)]
    if any(a or b for a, b in pads):
        # zeros and one assignment: numpy.pad costs tens of microseconds more
        inner = part
        part = np.zeros([n + a + b for n, (a, b) in zip(inner.shape, pads)], inner.dtype)
        part[tuple(slice(a, a + n) for n, (a, _) in zip(inner.shape, pads))] = inner
    return part


def _windows_dot(small, large, ranges, out_shape):
    # kept output j takes sum_i small[i] large[s + j - i]: a correlation of the
    # (zero-extended) large operand with small reversed, window by window
    part = _needed_part(small, large, ranges)
    windows = np.lib.stride_tricks.sliding_window_view(part, small.shape)
    kernel = small[(slice(None, None, -1),) * small.ndim]
    # tensordot copies the windows it contracts: a few output rows at a time
    rows = max(1, _WINDOW_CHUNK // (small.size * math.prod(out_shape[1:])))
    if rows >= out_shape[0]:
        return np.tensordot(windows, kernel, axes=small.ndim)
    out = np.empty(out_shape, np.result_type(small, large))
    for r in range(0, out_shape[0], rows):
        out[r : r + rows] = np.tensordot(windows[r : r + rows], kernel, axes=small.ndim)
    return out


def fft(f, g, dtype, mode="full", correlate=False):
    """``f * g`` (or ``f ⋆ g``) by one circular convolution just long enough for ``mode``.

    .. math:: y = \\mathcal{F}^{-1}\\big(\\mathcal{F}(h_0)\\,\\mathcal{F}(g_0)\\big),
              \\qquad h = f \\text{ or } h[m] = \\overline{f[M - 1 - m]}

    with both operands zero-padded (or cut) to :func:`circular_shape`; the
    kept outputs are ``y[s : s + L]`` on every axis, one slice. For a
    correlation the reversed, conjugated kernel ``h`` is written straight into
    the zero-padded buffer the transform needs anyway, so the conversion
    identity costs no extra copy.

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
    shape = circular_shape(f.shape, g.shape, mode, real)
    keep = _kept_slices(f.shape, g.shape, mode)
    g = g.astype(dtype, copy=False)
    f = _reversed_conj_padded(f, shape, dtype) if correlate else f.astype(dtype, copy=False)
    if f.ndim == 1:  # the 1-D transforms skip the N-D bookkeeping
        fwd, inv = (sfft.rfft, sfft.irfft) if real else (sfft.fft, sfft.ifft)
        spec = fwd(f, shape[0])
        spec *= fwd(g, shape[0])
        y = inv(spec, shape[0], overwrite_x=True)
    else:
        fwd, inv = (sfft.rfftn, sfft.irfftn) if real else (sfft.fftn, sfft.ifftn)
        axes = tuple(range(g.ndim))
        spec = fwd(f, shape, axes=axes)
        spec *= fwd(g, shape, axes=axes)
        y = inv(spec, shape, axes=axes, overwrite_x=True)
    return np.ascontiguousarray(y[keep], dtype=dtype)


def _reversed_conj_padded(f, shape, dtype):
    """``conj(f)`` reversed on every axis, zero-padded (or cut) to ``shape``, in one pass."""
    buf = np.zeros(shape, dtype)
    fit = tuple(slice(0, min(m, c)) for m, c in zip(f.shape, shape))
    reversed_f = f[(slice(None, None, -1),) * f.ndim][fit]
    if dtype.kind == "c":
        np.conjugate(reversed_f, out=buf[fit])
    else:
        buf[fit] = reversed_f
    return buf


def oa(f, g, dtype, mode="full", correlate=False):
    """``f * g`` (or ``f ⋆ g``) by overlap-add (:func:`oa_convolve_full`), cut to ``mode``.

    Overlap-add is chosen for a short kernel and a long signal, where every
    mode keeps nearly the full output. A correlation convolves with
    ``conj(f)`` reversed (a copy of the kernel, short here).
    """
    if correlate:
        f = np.conj(f[(slice(None, None, -1),) * f.ndim])
    full = oa_convolve_full(f, g, dtype)
    if mode == "full":
        return full
    keep = _kept_slices(f.shape, g.shape, mode)
    return np.ascontiguousarray(full[keep])
