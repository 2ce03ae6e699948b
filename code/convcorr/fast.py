"""Fast convolution: FFT, overlap-add, and the cost model behind ``'auto'``.

By the convolution theorem, the full linear convolution of ``f`` and ``g``
equals the circular convolution of both zero-padded to at least
``len(f) + len(g) - 1`` samples on each axis, which the FFT computes in
``O(L log L)`` for ``L`` padded samples. Overlap-add cuts a long signal into
blocks, convolves each block with the short kernel by FFT and adds the
overlapping tails, so that the FFTs stay short: ``O(N log K)`` instead of
``O(N log N)``.

``method='auto'`` picks among the direct sum, the FFT and overlap-add by
predicting the run time of each from a linear cost model
(:func:`predict_times`) whose constants, :data:`COST_CONSTANTS`, were fitted
by :func:`calibrate` to timings measured on the machine that built the book
(2 shared cores, single-threaded FFTs). :func:`calibrate` can be re-run
anywhere to refit them.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np
import scipy.fft as sfft

from ._checks import check_choice, check_length
from ._shapes import full_shape

#: Candidate block FFT lengths for overlap-add: 5-smooth, so fast for
#: ``scipy.fft``, and dense enough that the block fits the kernel well.
_OA_LENGTHS = tuple(
    sorted(n for n in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if n <= 2**20)
)

#: Cost-model constants in seconds, one set per dtype. Each entry is the
#: coefficient vector of one method's features (see :func:`_features`):
#:
#: * ``direct1``: 1-D direct sum by ``numpy.convolve``;
#:   ``t = c0 + c1 (N + K) [short] + c2 (N + K) [not short] + c3 N K``, where
#:   "short" means a real kernel of at most 11 samples, which NumPy sums with
#:   an unrolled loop instead of one BLAS dot call per output sample.
#: * ``directn``: N-D shift-and-add over the ``s`` elements of the smaller
#:   operand, each adding a copy of the larger (``l`` elements);
#:   ``t = c0 + c1 s + c2 s l``.
#: * ``fft``: one padded transform of ``L`` samples;
#:   ``t = c0 + c1 L log2 L + c2 L + c3 L max(0, log2 L - 16)``, the last term
#:   for transforms that spill out of the cache.
#: * ``oa``: ``B`` blocks of ``Lb`` samples and ``L`` output samples;
#:   ``t = c0 + c1 B Lb log2 Lb + c2 (B Lb + L)``; the blocks are short
#:   enough to stay in the cache.
#:
#: Fitted by :func:`calibrate` (non-negative least squares on the relative
#: error; the fastest of 21 interleaved repeats of each case in
#: :data:`CALIBRATION_CASES`) on the book's build machine: 2 shared cores of
#: an Intel Xeon (2 MiB L2 per core), numpy 2.4, scipy 1.17, single-threaded
#: FFTs. Regenerate with ``calibrate(repeats=21)[0]`` and paste the result.
COST_CONSTANTS = {
    "float32": {
        "direct1": (1.14e-06, 9.47e-10, 8.74e-09, 3.99e-11),
        "directn": (3.17e-06, 2.69e-06, 4.77e-10),
        "fft": (2.05e-05, 9.25e-10, 0, 4.19e-09),
        "oa": (3.05e-05, 4.28e-10, 0),
    },
    "float64": {
        "direct1": (9.79e-07, 3.2e-10, 3.92e-09, 9e-11),
        "directn": (2.96e-06, 2.7e-06, 9.86e-10),
        "fft": (1.93e-05, 1.14e-09, 0, 1.2e-08),
        "oa": (2.48e-05, 8.3e-10, 8.13e-11),
    },
    "complex64": {
        "direct1": (1.05e-06, 0, 7.8e-09, 1.49e-10),
        "directn": (3.89e-06, 2.76e-06, 1.09e-09),
        "fft": (1.81e-05, 1.81e-09, 0, 5.94e-09),
        "oa": (3.19e-05, 7.73e-10, 0),
    },
    "complex128": {
        "direct1": (9.46e-07, 0, 1.63e-08, 2.41e-10),
        "directn": (4.33e-06, 2.96e-06, 2.38e-09),
        "fft": (1.85e-05, 1.77e-09, 0, 1.05e-08),
        "oa": (2.49e-05, 1.21e-09, 7.88e-10),
    },
}

METHODS = ("direct", "fft", "oa")
_NUMPY_SMALL_CORRELATE = 11
_CACHE_LOG2 = 16
_FLOAT_DTYPES = tuple(COST_CONSTANTS)


def _fast_shape(shape, real):
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
    fast = _fast_shape(shape, real)
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


def _oa_plan(large_shape, small_shape):
    """Per axis: (block FFT length, step, number of blocks)."""
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
    plan = _oa_plan(large.shape, small.shape)
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


def _features(method, f_shape, g_shape, real):
    """Feature vector of ``method`` whose dot product with constants is time."""
    if method == "direct1":
        n, k = f_shape[0], g_shape[0]
        # numpy.convolve sums kernels of <= 11 real samples with an unrolled
        # loop, longer ones (and complex ones) with one BLAS dot per output
        unrolled = real and min(n, k) <= _NUMPY_SMALL_CORRELATE
        outputs = float(n + k)
        return (
            1.0,
            outputs if unrolled else 0.0,
            0.0 if unrolled else outputs,
            float(n) * k,
        )
    if method == "directn":
        s, lg = sorted((math.prod(f_shape), math.prod(g_shape)))
        return (1.0, float(s), float(s) * lg)
    shape = full_shape(f_shape, g_shape)
    if method == "fft":
        size = math.prod(_fast_shape(shape, real))
        return (
            1.0,
            size * math.log2(max(size, 2)),
            float(size),
            size * _out_of_cache(size),
        )
    large, small = (
        (g_shape, f_shape) if math.prod(f_shape) <= math.prod(g_shape) else (f_shape, g_shape)
    )
    plan = _oa_plan(large, small)
    blocks = math.prod(b for _, _, b in plan)
    lb = math.prod(lb for lb, _, _ in plan)
    return (
        1.0,
        blocks * lb * math.log2(max(lb, 2)),
        float(blocks * lb + math.prod(shape)),
    )


def _out_of_cache(size):
    # Transforms longer than 2**16 samples (1 MiB of complex128) no longer
    # fit in the per-core cache; each doubling past it costs one more pass
    # through memory, which the L log L term alone underestimates.
    return max(0.0, math.log2(max(size, 1)) - _CACHE_LOG2)


def _dot(c, x):
    return sum(a * b for a, b in zip(c, x))


def predict_times(f_shape, g_shape, dtype, constants=None):
    """Predicted run time in seconds of each method for ``convolve(f, g)``.

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.
    constants : dict, optional
        Per-dtype constants in the layout of :data:`COST_CONSTANTS` (the
        default), for instance fresh ones from :func:`calibrate`.

    Returns
    -------
    dict
        ``{'direct': t, 'fft': t, 'oa': t}``; ``'oa'`` is present only when
        overlap-add would use more than one block.
    """
    f_shape, g_shape, dtype = _check_shapes(f_shape, g_shape, dtype)
    return _predict(f_shape, g_shape, dtype.name, constants or COST_CONSTANTS)


def _predict(f_shape, g_shape, name, constants):
    real = name.startswith("float")
    # extended precision (longdouble) is priced as double precision
    c = constants.get(name) or constants["float64" if real else "complex128"]
    key = "direct1" if len(f_shape) == 1 else "directn"
    times = {
        "direct": _dot(c[key], _features(key, f_shape, g_shape, real)),
        "fft": _dot(c["fft"], _features("fft", f_shape, g_shape, real)),
    }
    large, small = (
        (g_shape, f_shape) if math.prod(f_shape) <= math.prod(g_shape) else (f_shape, g_shape)
    )
    if any(b > 1 for _, _, b in _oa_plan(large, small)):
        times["oa"] = _dot(c["oa"], _features("oa", f_shape, g_shape, real))
    return times


@functools.lru_cache(maxsize=4096)
def _choose(f_shape, g_shape, char):
    # keyed by dtype.char: numpy computes dtype.name in Python, slowly enough
    # to matter when the convolution itself takes a microsecond
    times = _predict(f_shape, g_shape, np.dtype(char).name, COST_CONSTANTS)
    return min(times, key=times.get)


def _check_shapes(f_shape, g_shape, dtype):
    shapes = []
    for shape, name in ((f_shape, "f_shape"), (g_shape, "g_shape")):
        if isinstance(shape, (int, np.integer)) or not hasattr(shape, "__len__"):
            raise TypeError(f"{name} must be a tuple of positive integers; received {shape!r}")
        if len(shape) == 0:
            raise ValueError(f"{name} must not be empty; received {shape!r}")
        shapes.append(tuple(check_length(n, name) for n in shape))
    if len(shapes[0]) != len(shapes[1]):
        raise ValueError(
            f"f_shape and g_shape must have the same length; received {shapes[0]} and {shapes[1]}"
        )
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype must be one of {', '.join(_FLOAT_DTYPES)}; received {dtype!r}"
        ) from None
    check_choice(dtype.name, "dtype", _FLOAT_DTYPES)
    return shapes[0], shapes[1], dtype


def choose_method(f_shape, g_shape, dtype):
    """Method that ``convolve(f, g, method='auto')`` uses for these shapes.

    Returns the method with the smallest time predicted by
    :func:`predict_times`: ``'direct'`` (the definition), ``'fft'`` (one
    zero-padded FFT of ``prod(next_fast_len(M + N - 1))`` samples) or ``'oa'``
    (overlap-add, for a long signal and a short kernel).

    Parameters
    ----------
    f_shape, g_shape : tuple of int
        Shapes of the two operands (same length, positive entries).
    dtype : dtype-like
        Result dtype: float32, float64, complex64 or complex128.

    Returns
    -------
    str
        ``'direct'``, ``'fft'`` or ``'oa'``.

    Raises
    ------
    ValueError, TypeError
        Shapes that are not tuples of positive integers of equal length, or
        a dtype outside the four floating dtypes.

    Examples
    --------
    >>> choose_method((3,), (100,), "float64")
    'direct'
    >>> choose_method((4096,), (4096,), "float64")
    'fft'
    """
    f_shape, g_shape, dtype = _check_shapes(f_shape, g_shape, dtype)
    return _choose(f_shape, g_shape, dtype.char)


def _best_time(fns, repeats, budget=1e-3):
    """Fastest seconds per call of each of ``fns`` over ``repeats`` batches.

    Each function runs in batches sized to last about ``budget`` seconds, and
    the batches of all functions alternate. Load from other processes only
    ever adds time, so the fastest batch estimates the unloaded cost, which
    is what the cost model should predict.
    """
    loops = []
    for fn in fns:
        fn()
        start = time.perf_counter()
        fn()
        once = max(time.perf_counter() - start, 1e-7)
        loops.append(max(1, int(budget / once)))
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for fn, n, out in zip(fns, loops, samples):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - start) / n)
    return [min(s) for s in samples]


#: Shapes timed by :func:`calibrate` for each method (kernel, signal).
CALIBRATION_CASES = {
    "direct1": [
        (3, 64),
        (3, 4096),
        (3, 65536),
        (11, 16384),
        (16, 64),
        (16, 1024),
        (16, 16384),
        (128, 4096),
        (128, 65536),
        (256, 256),
        (1024, 1024),
        (4096, 4096),
    ],
    "directn": [
        ((1, 1), (8, 8)),
        ((3, 3), (32, 32)),
        ((5, 5), (16, 16)),
        ((3, 3), (256, 256)),
        ((8, 8), (128, 128)),
        ((16, 16), (64, 64)),
    ],
    "fft": [(n, n) for n in (16, 256, 1024, 4096, 16384, 65536, 262144)]
    + [(16, 1024), (128, 16384)],
    "oa": [
        (3, 1024),
        (16, 1024),
        (64, 4096),
        (16, 16384),
        (16, 65536),
        (128, 65536),
        (128, 262144),
        (1024, 262144),
    ],
}


def _random(shape, dtype, rng):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _runner(method, f, g, dtype):
    if method == "direct1":
        return lambda: np.convolve(f, g)
    if method == "directn":
        from .discrete import _direct_full

        return lambda: _direct_full(f, g, dtype)
    if method == "fft":
        return lambda: fft_convolve_full(f, g, dtype)
    return lambda: oa_convolve_full(f, g, dtype)


def calibrate(dtypes=_FLOAT_DTYPES, repeats=15, cases=None, seed=0):
    """Measure each method and fit the constants of the cost model.

    For every dtype, times all cases in ``cases`` (default
    :data:`CALIBRATION_CASES`) in one round-robin (:func:`_best_time`), then
    fits each method's constants by non-negative least squares on the
    relative error, ``min sum ((x . c - t) / t)^2`` over its cases, so that
    small and large sizes weigh alike.

    Parameters
    ----------
    dtypes : sequence of str, optional
        Dtypes to calibrate (default all four floating dtypes).
    repeats : int, optional
        Timed batches per case; the fastest is kept.
    cases : dict, optional
        ``{method: [(f_shape, g_shape), ...]}``, as
        :data:`CALIBRATION_CASES` (integers stand for 1-D lengths).
    seed : int, optional
        Seed of the random test signals.

    Returns
    -------
    constants : dict
        ``{dtype: {method: (c0, c1, c2)}}``, the layout of
        :data:`COST_CONSTANTS`.
    measurements : list of tuple
        ``(dtype, method, f_shape, g_shape, seconds)`` for every case.
    """
    from scipy.optimize import nnls

    cases = CALIBRATION_CASES if cases is None else cases
    rng = np.random.default_rng(seed)
    constants, measurements = {}, []
    for name in dtypes:
        dtype = np.dtype(name)
        jobs = []
        for method, shapes in cases.items():
            for fs, gs in shapes:
                fs = (fs,) if isinstance(fs, int) else tuple(fs)
                gs = (gs,) if isinstance(gs, int) else tuple(gs)
                f, g = _random(fs, dtype, rng), _random(gs, dtype, rng)
                jobs.append((method, fs, gs, _runner(method, f, g, dtype)))
        # one round-robin over every case, so that a burst of load from
        # another process cannot favour one method over another
        times = _best_time([job[3] for job in jobs], repeats)
        constants[name] = {}
        for method in cases:
            rows, ts = [], []
            for (m, fs, gs, _), t in zip(jobs, times):
                if m == method:
                    rows.append(_features(method, fs, gs, dtype.kind == "f"))
                    ts.append(t)
                    measurements.append((name, method, fs, gs, t))
            a = np.array(rows) / np.array(ts)[:, None]
            coef, _ = nnls(a, np.ones(len(ts)))
            constants[name][method] = tuple(float(f"{c:.3g}") for c in coef)
    return constants, measurements
