"""The three convolution algorithms, as plain functions on validated arrays.

* :func:`direct_convolve_full`: the defining sum, ``O(f.size * g.size)``;
* :func:`fft_convolve_full`: by the convolution theorem, the full linear
  convolution equals the circular convolution of both operands zero-padded to
  at least ``len(f) + len(g) - 1`` samples on each axis, which the FFT
  computes in ``O(L log L)`` for ``L`` padded samples;
* :func:`oa_convolve_full`: overlap-add cuts a long signal into blocks,
  convolves each block with the short kernel by FFT and adds the overlapping
  tails, so that the FFTs stay short: ``O(N log K)`` instead of ``O(N log N)``.

Each returns the ``'full'`` output in a given floating dtype. None of them
validates its input: :mod:`convcorr.discrete` does that once, at the
boundary, and picks the method (with :mod:`convcorr.costmodel` for ``'auto'``).
"""

import functools
import math

import numpy as np
import scipy.fft as sfft

from ._shapes import full_shape

__all__ = [
    "direct_convolve_full",
    "fft_convolve_full",
    "fft_shape",
    "oa_block_length",
    "oa_convolve_full",
    "oa_plan",
]

#: Candidate block FFT lengths for overlap-add: 5-smooth, so fast for
#: ``scipy.fft``, and dense enough that the block fits the kernel well.
_OA_LENGTHS = tuple(
    sorted(n for n in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if n <= 2**20)
)


def direct_convolve_full(f, g, dtype):
    """Full convolution ``f * g`` by the definition, ``O(f.size * g.size)`` work.

    .. math:: (f * g)[n] = \\sum_m f[m]\\, g[n - m]

    1-D inputs use NumPy's compiled direct sum (``numpy.convolve``). N-D inputs
    loop over the elements of the smaller operand and add a scaled, shifted
    copy of the larger one: ``out[m + j] += f[m] * g[j]``, which is the sum
    read term by term.

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim`` (any shapes), already validated.
    dtype : numpy.dtype
        Floating dtype of the result.

    Returns
    -------
    numpy.ndarray
        Shape ``f.shape + g.shape - 1`` on every axis, dtype ``dtype``.
    """
    f = f.astype(dtype, copy=False)
    g = g.astype(dtype, copy=False)
    if f.ndim == 1:
        return np.convolve(f, g)
    small, large = (f, g) if f.size <= g.size else (g, f)
    out = np.zeros(full_shape(f.shape, g.shape), dtype=dtype)
    for m in np.ndindex(small.shape):
        window = tuple(slice(i, i + n) for i, n in zip(m, large.shape))
        out[window] += small[m] * large
    return out


def fft_shape(shape, real):
    """Padded FFT shape: ``next_fast_len`` of every length (5-smooth for real FFTs)."""
    return tuple(sfft.next_fast_len(n, real=real) for n in shape)


def fft_convolve_full(f, g, dtype):
    """Full convolution ``f * g`` through zero-padded FFTs.

    .. math:: f * g = \\mathcal{F}^{-1}\\big(\\mathcal{F}(f_0)\\,
              \\mathcal{F}(g_0)\\big)[0 : M + N - 1]

    where ``f_0`` and ``g_0`` are ``f`` and ``g`` zero-padded on every axis to
    ``L = next_fast_len(M + N - 1) >= M + N - 1`` samples, so that the
    circular convolution of length ``L`` has no wrap-around.

    Parameters
    ----------
    f, g : numpy.ndarray
        Operands of equal ``ndim`` (any shapes), already validated.
    dtype : numpy.dtype
        Floating dtype of the result (float32/64 or complex64/128). Real
        dtypes use ``rfftn`` (half the spectrum), complex dtypes ``fftn``.

    Returns
    -------
    numpy.ndarray
        Shape ``f.shape + g.shape - 1`` on every axis, dtype ``dtype``.
    """
    dtype = np.dtype(dtype)
    # a float32 operand would otherwise make an in-place product single precision
    f = f.astype(dtype, copy=False)
    g = g.astype(dtype, copy=False)
    shape = full_shape(f.shape, g.shape)
    real = dtype.kind == "f"
    fast = fft_shape(shape, real)
    if f.ndim == 1:  # the 1-D transforms skip the N-D bookkeeping
        n = fast[0]
        if real:
            spec = sfft.rfft(f, n)
            spec *= sfft.rfft(g, n)
            out = sfft.irfft(spec, n, overwrite_x=True)
        else:
            spec = sfft.fft(f, n)
            spec *= sfft.fft(g, n)
            out = sfft.ifft(spec, n, overwrite_x=True)
        return out[: shape[0]].astype(dtype, copy=False)
    axes = tuple(range(f.ndim))
    if real:
        spec = sfft.rfftn(f, fast, axes=axes)
        spec *= sfft.rfftn(g, fast, axes=axes)
        out = sfft.irfftn(spec, fast, axes=axes, overwrite_x=True)
    else:
        spec = sfft.fftn(f, fast, axes=axes)
        spec *= sfft.fftn(g, fast, axes=axes)
        out = sfft.ifftn(spec, fast, axes=axes, overwrite_x=True)
    return np.ascontiguousarray(out[tuple(slice(0, n) for n in shape)], dtype=dtype)


@functools.lru_cache(maxsize=4096)
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
