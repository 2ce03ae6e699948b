"""Fast convolution: FFT, overlap-add, and the cost model behind ``'auto'``.

By the convolution theorem, the full linear convolution of ``f`` and ``g``
equals the circular convolution of both zero-padded to at least
``len(f) + len(g) - 1`` samples on each axis, which the FFT computes in
``O(L log L)``.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from .discrete import full_shape


def fft_convolve_full(f, g, dtype):
    """Full convolution ``f * g`` through zero-padded FFTs.

    Real inputs use ``rfftn`` (half the spectrum), complex inputs ``fftn``;
    every axis is padded to ``scipy.fft.next_fast_len`` of
    ``len(f) + len(g) - 1``, and the result is cropped back to that size.
    """
    shape = full_shape(f.shape, g.shape)
    real = np.dtype(dtype).kind == "f"
    fast = tuple(sfft.next_fast_len(n, real=real) for n in shape)
    axes = tuple(range(f.ndim))
    if real:
        spec = sfft.rfftn(f, fast, axes=axes) * sfft.rfftn(g, fast, axes=axes)
        out = sfft.irfftn(spec, fast, axes=axes)
    else:
        spec = sfft.fftn(f, fast, axes=axes) * sfft.fftn(g, fast, axes=axes)
        out = sfft.ifftn(spec, fast, axes=axes)
    return out[tuple(slice(0, n) for n in shape)].astype(dtype, copy=False)


def oa_convolve_full(f, g, dtype):
    """Full convolution by overlap-add: FFT blocks of the longer operand."""
    import scipy.signal

    return scipy.signal.oaconvolve(f, g).astype(dtype, copy=False)


def choose_method(f_shape, g_shape, dtype):
    """Pick ``'direct'`` or ``'fft'`` for ``convolve(f, g)``.

    Compares ``prod(len(f)) * prod(len(g))`` multiply-adds of the direct sum
    with ``c * L log2 L`` for an FFT of the padded size ``L``.
    """
    direct_cost = float(np.prod(f_shape)) * float(np.prod(g_shape))
    size = float(np.prod(full_shape(f_shape, g_shape)))
    fft_cost = 40.0 * size * max(np.log2(size), 1.0)
    return "direct" if direct_cost <= fft_cost else "fft"
