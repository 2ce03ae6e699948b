"""Shape arithmetic of every convolution path: pure functions of shapes and a mode.

The book's three output modes are written here once, as one per-axis formula
(:func:`kept_range`), and everything else is derived from it: the slices
that cut the full output down to a mode, the number of kept outputs and of
their multiply-adds, the shortest FFT free of wrap-around on them, and the
plans of overlap-add and of the N-D direct sum. The algorithms of
:mod:`convcorr.methods`, the guards, the cost model and the public functions
all read the mode through these functions.

Nothing here touches an array or checks its arguments' types: the public
functions validate once, at the boundary (:func:`mode_possible` is the one
shape rule a mode adds).
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import scipy.fft as sfft

__all__ = [
    "MODES",
    "FFTPlan",
    "block_cost",
    "check_mode_possible",
    "circular_shape",
    "direct_plan",
    "fast_length",
    "fft_plan",
    "fft_shape",
    "flat_lengths",
    "flat_plan",
    "full_shape",
    "kept_outputs",
    "kept_outputs_read_every_input",
    "kept_products",
    "kept_range",
    "kept_ranges",
    "kept_shape",
    "kept_slices",
    "large_small",
    "mode_possible",
    "mode_slices",
    "needed_part_bounds",
    "oa_block_length",
    "oa_plan",
    "os_plan",
    "sum_by_parts",
]

Shape = tuple[int, ...]

#: The output modes, as in :func:`convcorr.convolve`.
MODES = ("full", "same", "valid")


# --- the modes ------------------------------------------------------------------------


def full_shape(f_shape: Sequence[int], g_shape: Sequence[int]) -> Shape:
    """Shape of the ``'full'`` output: ``len(f) + len(g) - 1`` on every axis."""
    return tuple(a + b - 1 for a, b in zip(f_shape, g_shape))


def kept_range(m: int, n: int, mode: str) -> tuple[int, int]:
    """Start and length, within the full output of one axis, of what ``mode`` keeps.

    For a kernel of ``m`` and a signal of ``n`` samples the full output has
    ``m + n - 1`` samples, indices ``0 .. m + n - 2``:

    * ``'full'`` keeps all of them, from ``0``;
    * ``'same'`` keeps ``n`` from ``(m - 1) // 2`` (the centre, as
      ``scipy.signal.convolve(g, f, 'same')``);
    * ``'valid'`` keeps the ``|n - m| + 1`` outputs whose sums need no zero
      padding, from ``min(m, n) - 1``.
    """
    full = m + n - 1
    if mode == "full":
        return 0, full
    if mode == "same":
        return (full - n) // 2, n
    return min(m, n) - 1, abs(n - m) + 1


@functools.lru_cache(maxsize=4096)
def kept_ranges(
    f_shape: tuple[int, ...], g_shape: tuple[int, ...], mode: str
) -> tuple[tuple[int, int], ...]:
    """:func:`kept_range` of every axis, ``(start, length)`` each; cached per shape.

    Computed once per call of an N-D direct sum, which reads it on every axis.
    """
    return tuple(kept_range(m, n, mode) for m, n in zip(f_shape, g_shape))


def kept_slices(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> tuple[slice, ...]:
    """Slices of the full output that ``mode`` keeps, one per axis (:func:`kept_range`)."""
    spans = (kept_range(m, n, mode) for m, n in zip(f_shape, g_shape))
    return tuple(slice(start, start + length) for start, length in spans)


def kept_shape(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> Shape:
    """Output shape of ``mode``: the lengths of :func:`kept_range`, one per axis."""
    return tuple(kept_range(m, n, mode)[1] for m, n in zip(f_shape, g_shape))


def kept_outputs(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> int:
    """Number of outputs ``mode`` keeps: the product of :func:`kept_shape`."""
    return math.prod(kept_shape(f_shape, g_shape, mode))


def mode_possible(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> bool:
    """Whether ``mode`` is possible for these shapes: always, but for ``'valid'``.

    ``'valid'`` keeps the outputs whose sums need no zero padding; along every
    axis that is ``|n - m| + 1`` of them, but as one N-D set only when one
    operand is at least as large as the other along every axis (two 1-D
    operands always are).
    """
    if mode != "valid":
        return True
    # map over operator functions: a third of the time of generator expressions
    return all(map(operator.ge, f_shape, g_shape)) or all(map(operator.le, f_shape, g_shape))


def check_mode_possible(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> None:
    """Raise unless ``mode`` is possible for these shapes (:func:`mode_possible`).

    Raises
    ------
    ValueError
        In ``'valid'`` mode, when neither operand covers the other.
    """
    if not mode_possible(f_shape, g_shape, mode):
        raise ValueError(
            "mode='valid' needs one operand at least as large as the other "
            f"along every axis; received f.shape={tuple(f_shape)} and "
            f"g.shape={tuple(g_shape)}"
        )


def mode_slices(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> tuple[slice, ...]:
    """:func:`kept_slices`, for a mode these shapes make possible (:func:`check_mode_possible`).

    Raises
    ------
    ValueError
        In ``'valid'`` mode, when neither operand covers the other.
    """
    check_mode_possible(f_shape, g_shape, mode)
    return kept_slices(f_shape, g_shape, mode)


@functools.lru_cache(maxsize=4096)
def kept_outputs_read_every_input(
    f_shape: tuple[int, ...], g_shape: tuple[int, ...], mode: str
) -> bool:
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
    holds on every axis. Cached: every direct sum asks it.
    """
    if mode != "same":
        return True
    return all(n + (m - 1) // 2 >= m for m, n in zip(f_shape, g_shape))


def _products_before(x: int, m: int, n: int) -> int:
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


def kept_products(f_shape: Sequence[int], g_shape: Sequence[int], mode: str) -> int:
    """Multiply-adds of the direct sum over the outputs ``mode`` keeps.

    ``f.size * g.size`` for ``'full'``; fewer for ``'same'`` and ``'valid'``.
    The count factorises over the axes, each a sum of the 1-D term counts.
    """
    total = 1
    for m, n in zip(f_shape, g_shape):
        start, length = kept_range(m, n, mode)
        total *= _products_before(start + length, m, n) - _products_before(start, m, n)
    return total


# --- FFT lengths ----------------------------------------------------------------------


def _smooth_lengths(limit: int) -> tuple[tuple[int, int, int], ...]:
    # (L, e3, e5) for every L = 2**a 3**b 5**c <= limit, ascending
    found = []
    for a in range(limit.bit_length()):
        for b in range(int(math.log(limit, 3)) + 1):
            for c in range(int(math.log(limit, 5)) + 1):
                length = 2**a * 3**b * 5**c
                if length <= limit:
                    found.append((length, b, c))
    return tuple(sorted(found))


_SMOOTH = _smooth_lengths(2**31)
_SMOOTH_LENGTHS = tuple(length for length, _, _ in _SMOOTH)
#: Nanoseconds per sample of a real FFT pair (``rfft`` then ``irfft``) of length
#: ``L = 2**a 3**b 5**c``: ``c0 + c1 log2 L + c3 b + c5 c + cs max(0, log2 L - 16)``
#: (:func:`fast_length`). Fitted to the measured pairs of every 5-smooth length in
#: ``[N, 1.2 N]`` for 16 lengths ``N`` from 2,000 to 4 million, float64 and float32.
#: Choosing by it, each left-out ``N``'s pair took 0.93 (float64) and 0.90 (float32)
#: of the time at ``next_fast_len`` on average, 0.64-1.04: SciPy's ``next_fast_len`` is
#: the shortest 5-smooth length, and its factors of 3 and 5 can cost more than a few
#: per cent more samples would. Large powers of two, sometimes slower than their
#: neighbours through cache conflicts, have no term: the fit found none.
REAL_FFT_COST = {"c0": 13.35, "c1": -0.338, "c3": 0.48, "c5": 0.445, "cs": 1.611}
#: Lengths from which :func:`fast_length` chooses by :data:`REAL_FFT_COST` (below it,
#: as throughout for complex data, ``scipy.fft.next_fast_len``), and how much longer
#: than the shortest one the choice may be.
FAST_LENGTH_FROM, FAST_LENGTH_SLACK = 4096, 1.2


def _real_fft_cost(length: int, e3: int, e5: int) -> float:
    c = REAL_FFT_COST
    log_len = math.log2(length)
    per_sample = c["c0"] + c["c1"] * log_len + c["c3"] * e3 + c["c5"] * e5
    return length * (per_sample + c["cs"] * max(0.0, log_len - 16))


@functools.lru_cache(maxsize=4096)
def fast_length(n: int, real: bool) -> int:
    """FFT length for at least ``n`` samples: the cheapest by :data:`REAL_FFT_COST`.

    Real data from :data:`FAST_LENGTH_FROM` samples: the 5-smooth length
    ``L = 2**a 3**b 5**c`` in ``[n, 1.2 n]`` of least predicted time
    ``L (c0 + c1 log2 L + c3 b + c5 c + cs max(0, log2 L - 16))``. Shorter
    lengths, and complex data (whose costs the fit did not settle):
    ``scipy.fft.next_fast_len(n, real)``, the shortest fast length.

    Defined in chapter 9 (Fast convolution).
    """
    if not real or n < FAST_LENGTH_FROM or n > _SMOOTH_LENGTHS[-1]:
        return sfft.next_fast_len(n, real=real)
    first = bisect.bisect_left(_SMOOTH_LENGTHS, n)
    last = bisect.bisect_right(_SMOOTH_LENGTHS, FAST_LENGTH_SLACK * n)
    return min(_SMOOTH[first:last], key=lambda entry: _real_fft_cost(*entry))[0]


def fft_shape(shape: Sequence[int], real: bool) -> Shape:
    """Padded FFT shape: :func:`fast_length` of every length."""
    return tuple(fast_length(n, real) for n in shape)


def circular_shape(f_shape: Sequence[int], g_shape: Sequence[int], mode: str, real: bool) -> Shape:
    """FFT shape for ``mode``: per axis, a fast length (:func:`fast_length`) of at least
    the samples that keep the kept outputs free of wrap-around.

    A circular convolution of ``C`` samples adds full output ``j + C`` onto
    ``j``. The kept outputs ``j in [s, s + L)`` of a full axis of ``F``
    samples stay clean when ``C >= F - s``: then ``j + C >= F`` lies past the
    full output, and ``s + L <= F - s <= C`` (true in every mode) keeps
    ``j < C``. ``'full'`` needs ``F``, ``'same'`` about ``N + K/2``,
    ``'valid'`` only ``max(M, N)``, which is half of ``F`` for equal lengths.
    Samples of an operand past ``C`` reach no kept output and may be cut.

    Defined in chapter 9 (Fast convolution).
    """
    return tuple(
        fast_length(m + n - 1 - kept_range(m, n, mode)[0], real) for m, n in zip(f_shape, g_shape)
    )


class FFTPlan(NamedTuple):
    """How :func:`convcorr.methods.fft` computes one call: :func:`fft_plan`'s answer."""

    #: Axes transformed: those where both operands have more than one sample.
    axes: tuple[int, ...]
    #: Per axis, the transform length (:func:`circular_shape`) on ``axes``,
    #: elsewhere the kernel's own length (its spectrum broadcasts there).
    shape: Shape
    #: ``shape`` on ``axes``: the transform lengths.
    lengths: tuple[int, ...]
    #: Slices of the circular result that ``mode`` keeps (:func:`kept_slices`).
    keep: tuple[slice, ...]
    #: Which spectrum holds the product in place: ``'f'``, ``'g'`` or ``'new'``
    #: when the broadcast product is larger than both.
    product: str
    #: Transform one axis at a time (:data:`FFT_BY_AXIS_FROM`), skipping the
    #: lines that are all zeros and the outputs the mode drops.
    by_axis: bool


#: Padded samples from which an N-D FFT convolution transforms one axis at a
#: time. An operand padded along an axis is all zeros on most lines of the
#: other axes until that axis is transformed; transforming the unpadded axes
#: first skips those lines, and the inverse transform keeps, after each axis,
#: only the outputs the mode keeps. Each extra ``scipy.fft`` call costs a few
#: microseconds, so it pays from about this size (float64, 20x27 over 231x211,
#: 'full': 1.84 ms as one ``rfftn`` per operand, 1.35 ms by axis; 5x5 over
#: 64x64: equal; 3x3x3 over 16**3: 2 % slower).
FFT_BY_AXIS_FROM = 16384


@functools.lru_cache(maxsize=4096)
def fft_plan(f_shape: Shape, g_shape: Shape, mode: str, real: bool) -> FFTPlan:
    """The plan of an FFT convolution of shapes ``f_shape`` and ``g_shape`` in ``mode``.

    Cached per shape: an FFT call reads it once instead of working out the
    lengths, slices and broadcasting again (about 10 us of Python per call).
    An axis where an operand has one sample is a scaling of the other: it is
    not transformed and the spectra broadcast along it, as SciPy's
    ``fftconvolve`` does.
    """
    circular = circular_shape(f_shape, g_shape, mode, real)
    axes = tuple(a for a, (m, n) in enumerate(zip(f_shape, g_shape)) if m > 1 and n > 1)
    shape = tuple(c if a in axes else m for a, (c, m) in enumerate(zip(circular, f_shape)))
    # the spectra differ in shape only off `axes`, where one of them has length 1
    off = [(m, n) for a, (m, n) in enumerate(zip(f_shape, g_shape)) if a not in axes]
    if all(n == 1 or m == n for m, n in off):
        product = "f"
    elif all(m == 1 for m, _ in off):
        product = "g"
    else:
        product = "new"
    by_axis = len(axes) > 1 and math.prod(shape) >= FFT_BY_AXIS_FROM
    lengths = tuple(shape[a] for a in axes)
    keep = kept_slices(f_shape, g_shape, mode)
    return FFTPlan(axes, shape, lengths, keep, product, by_axis)


# --- overlap-add ----------------------------------------------------------------------

#: Candidate block FFT lengths for overlap-add, ``2**p * {1, 3, 5}`` from 16 to
#: ``2**20``: fast for ``scipy.fft``, and dense enough that the block fits the
#: kernel well.
_OA_LENGTHS = tuple(
    sorted(n for n in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if n <= 2**20)
)


#: Block cost of overlap-add and overlap-save per sample, ``log2 Lb + 2 + 16 (log2 Lb -
#: 12)^+`` (:func:`block_cost`): fitted to the measured best block length of 1-D
#: overlap-add for kernels of 16 to 4000 samples in all four dtypes (the chosen
#: length's time within 5 % of the best on average, 22 % at worst). The former
#: ``log2 Lb + 4`` chose blocks 3-5 times too long for kernels of hundreds of
#: samples (complex64, 631 over 50,000 samples: 8192, 1.6 times the time of 2560;
#: on average 19 % over the best, 77 % at worst).
_BLOCK_EXTRA, _BLOCK_CACHE_LOG2, _BLOCK_CACHE_SLOPE = 2.0, 12, 16.0


def block_cost(length: int) -> float:
    """Relative cost of one FFT block of ``Lb = length`` samples.

    ``Lb (log2 Lb + 2 + 16 (log2 Lb - 12)^+)``, with ``x^+ = max(0, x)``.

    The transforms' ``Lb log2 Lb``, a per-sample cost for padding, products and
    additions, and a steep charge for blocks beyond ``2**12`` samples, whose
    transforms leave the fastest caches: measured, such blocks pay off only
    for kernels of thousands of samples.
    """
    log_len = math.log2(max(length, 2))
    beyond = max(0.0, log_len - _BLOCK_CACHE_LOG2)
    return length * (log_len + _BLOCK_EXTRA + _BLOCK_CACHE_SLOPE * beyond)


def oa_block_length(n: int, k: int) -> int | None:
    """FFT block length for overlap-add of ``n`` signal and ``k`` kernel samples.

    Chooses, among the lengths ``Lb = 2**p * {1, 3, 5}`` up to ``2**20`` with
    ``Lb >= max(2 (k - 1), 256)``, the one minimising ``B block_cost(Lb)``
    with ``B = ceil(n / (Lb - k + 1))`` blocks (the shortest on a tie), where
    :func:`block_cost` is ``Lb (log2 Lb + 2 + 16 (log2 Lb - 12)^+)``. The
    floor of 256 samples reflects measurements: shorter blocks lose more to
    the per-block overhead of the batched FFT than the formula credits them.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    n, k : int
        Lengths of the signal and the kernel along one axis.

    Returns
    -------
    int or None
        The block length ``Lb``; each block then carries ``Lb - k + 1`` new
        signal samples. ``None`` when a single FFT of
        ``L = fast_length(n + k - 1)`` samples, ``block_cost(L)``, is at
        least as cheap (overlap-add would not pay off).
    """
    return _cheapest_block(n, k, fast_length(n + k - 1, True))


def _cheapest_block(n: int, k: int, whole: int) -> int | None:
    """Block length of at least ``max(2 (k - 1), 256)`` samples and below ``whole`` covering
    ``n`` samples (``k`` kernel samples) at the least ``B block_cost(Lb)``, the shortest on a
    tie; ``None`` when one transform of ``whole`` samples costs no more."""
    best, best_cost = None, block_cost(whole)
    low = max(2 * (k - 1), 256)
    for lb in _OA_LENGTHS:
        if lb < low:
            continue
        if lb >= whole:
            break
        cost = -(-n // (lb - k + 1)) * block_cost(lb)
        if cost < best_cost:
            best, best_cost = lb, cost
    return best


def large_small(f_shape: Shape, g_shape: Shape) -> tuple[Shape, Shape]:
    """``(large, small)``: the operand with more samples first (``g`` on a tie)."""
    if math.prod(f_shape) <= math.prod(g_shape):
        return g_shape, f_shape
    return f_shape, g_shape


def oa_plan(large_shape: Sequence[int], small_shape: Sequence[int]) -> list[tuple[int, int, int]]:
    """Overlap-add plan: per axis, ``(block FFT length, step, number of blocks)``.

    An axis where blocking does not pay off (:func:`oa_block_length` is
    ``None``) is one block of ``fast_length(n + k - 1)`` samples, step ``n``.

    Defined in chapter 9 (Fast convolution).
    """
    plan = []
    for n, k in zip(large_shape, small_shape):
        lb = oa_block_length(n, k)
        if lb is None:
            plan.append((fast_length(n + k - 1, True), n, 1))
        else:
            step = lb - k + 1
            plan.append((lb, step, -(-n // step)))
    return plan


# --- the N-D direct sum -----------------------------------------------------------------

#: Cost of one Python-level step of shift-and-add, in multiply-adds, and of
#: one multiply-add of NumPy's compiled 1-D sum, in shift-and-add
#: multiply-adds (real, complex); rough ratios, measured once, only used to
#: choose among the strategies of one method.
_STEP_PRODUCTS = 2500
_FLAT_PRODUCT_SHARE = (0.1, 0.3)


def needed_part_bounds(
    ranges: Sequence[tuple[int, int]], small_shape: Sequence[int], large_shape: Sequence[int]
) -> tuple[list[tuple[int, int]], tuple[slice, ...]]:
    """Zero padding and crop of the part of ``large`` that the kept outputs touch.

    Kept output ``j`` (full index ``s + j``, ``j < L``) of ``small * large``
    reads ``large[s + j - i]`` for ``i = 0 .. K - 1``: the samples
    ``s - (K - 1) .. s + L - 1`` of each axis, ``L + K - 1`` of them. Returns
    per axis the zeros needed before and after ``large`` (where that range
    leaves it), and the slices of ``large`` inside it.
    """
    pads, crop = [], []
    for (s, length), k, n in zip(ranges, small_shape, large_shape):
        lo, hi = s - (k - 1), s + length
        pads.append((max(0, -lo), max(0, hi - n)))
        crop.append(slice(max(lo, 0), min(hi, n)))
    return pads, tuple(crop)


@functools.lru_cache(maxsize=4096)
def flat_lengths(f_shape: Shape, g_shape: Shape, mode: str = "full") -> tuple[int, int]:
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


def _flat_layout(f_shape: Shape, g_shape: Shape, mode: str) -> tuple[Shape, Shape]:
    if math.prod(f_shape) > math.prod(g_shape):
        f_shape, g_shape = g_shape, f_shape
    part = tuple(kept_range(m, n, mode)[1] + m - 1 for m, n in zip(f_shape, g_shape))
    return f_shape, part


def _flat_length(shape: Sequence[int], widths: Sequence[int]) -> int:
    # last flat index + 1 of an array of ``shape`` laid out with the rows of ``widths``
    return sum((n - 1) * math.prod(widths[i + 1 :]) for i, n in enumerate(shape)) + 1


#: A complex kernel (or signal) of at most ``_PARTS_TAPS`` samples against at
#: least ``_PARTS_FROM`` is summed as four real sums (:func:`sum_by_parts`).
_PARTS_TAPS, _PARTS_FROM = 8, 1000


def sum_by_parts(m: int, n: int) -> bool:
    """Whether the 1-D direct sum of complex operands of ``m`` and ``n`` samples runs by parts.

    NumPy sums a real float32/float64 kernel of up to 11 samples with an
    unrolled loop, a complex one with a BLAS dot product per output; for a
    complex kernel of up to 8 samples four real sums (real and imaginary parts)
    are faster once the longer operand has 1000 samples (complex128, 4 taps
    over 10,000 samples: 188 us as one complex sum, 46-50 us as four real
    ones; below 1000 samples the extra calls cost more than they save, and
    beyond 8 taps complex64 gains nothing).
    """
    return min(m, n) <= _PARTS_TAPS and max(m, n) >= _PARTS_FROM


@functools.lru_cache(maxsize=4096)
def direct_plan(
    f_shape: Shape, g_shape: Shape, mode: str, real: bool, flat: bool = True
) -> tuple[str, int, int]:
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

    Defined in chapter 9 (Fast convolution).

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


#: Kept outputs up to which :func:`flat_plan` holds their flat indices (one gather
#: instead of four steps; a few kilobytes per cached plan).
_GATHER_OUTPUTS = 4096


@functools.lru_cache(maxsize=1024)
def flat_plan(small_shape: Shape, large_shape: Shape, ranges: tuple[tuple[int, int], ...]) -> tuple:
    """Shapes, slices and indices of the ``'flat'`` direct sum, computed once per problem.

    Returns ``(part_shape, inner, crop, taps, length, rows, tail, gather)``: the
    zero-extended part ``P`` of ``large`` the kept outputs need (``L + K - 1``
    per axis), where ``large[crop]`` sits in it (``None``: ``P`` is that crop
    itself); the flat indices, in a kernel of ``length`` samples laid out with
    ``P``'s rows, of ``small``'s elements in C order; the rows and slice that
    reshape the flat sum into the kept outputs, and, for at most
    ``_GATHER_OUTPUTS`` of them, their flat indices in the sum (else ``None``).
    """
    pads, crop = needed_part_bounds(ranges, small_shape, large_shape)
    part_shape = tuple(length + k - 1 for (_, length), k in zip(ranges, small_shape))
    inner = tuple(slice(a, p - b) for (a, b), p in zip(pads, part_shape))
    if not any(a or b for a, b in pads):
        inner = None
    length = _flat_length(small_shape, part_shape)
    kernel_shape = (small_shape[0], *part_shape[1:])
    places = np.indices(small_shape).reshape(len(small_shape), -1)
    taps = np.ravel_multi_index(places, kernel_shape)
    rows = (ranges[0][1], *part_shape[1:])
    tail = (slice(None), *(slice(0, length) for _, length in ranges[1:]))
    gather = None
    if math.prod(n for _, n in ranges) <= _GATHER_OUTPUTS:
        gather = np.ascontiguousarray(np.arange(math.prod(rows)).reshape(rows)[tail])
        gather.setflags(write=False)  # cached: shared by every later call
    taps.setflags(write=False)
    return part_shape, inner, crop, taps, length, rows, tail, gather


# --- overlap-save ---------------------------------------------------------------------


def os_plan(
    f_shape: Sequence[int], g_shape: Sequence[int], mode: str
) -> list[tuple[int, int, int, int, int]]:
    """Overlap-save plan: per axis ``(Lb, step, blocks, first, discard)``.

    The larger operand (the signal, by number of samples; ``g`` on a tie) is
    read in overlapping blocks of ``Lb`` samples, block ``b`` starting at its
    sample ``first + b * step`` (zeros where that leaves the signal). Each
    block is convolved *circularly* with the smaller operand (the kernel,
    ``K`` samples on the axis) by one FFT of length ``Lb``; of that circular
    result, samples ``discard .. discard + step - 1`` equal the linear ones,
    full outputs ``first + b * step + discard + j``, and the others are
    wrapped and thrown away. The blocks tile exactly the outputs ``mode``
    keeps (:func:`kept_range`, start ``s`` and ``L`` outputs):

    * a blocked axis: ``first = s - (K - 1)`` and ``discard = K - 1``, since
      circular output ``j`` of a block is clean once ``j >= K - 1`` (every
      term it sums lies in the block); ``step = Lb - K + 1``;
    * an axis where blocking does not pay: one block of
      ``C = fast_length(M + N - 1 - s)`` samples from ``first = 0``, the
      circular length of :func:`circular_shape`, keeping ``discard = s``,
      ``step = L``.

    ``Lb`` is chosen as in :func:`oa_block_length`, among the lengths
    ``2**p * {1, 3, 5}`` of at least ``max(2 (K - 1), 256)`` samples and
    below ``C``, by the smallest ``B block_cost(Lb)`` with
    ``B = ceil(L / (Lb - K + 1))``, against ``block_cost(C)`` for one
    block (:func:`block_cost`). Every transform is at most the 5-smooth length of the full
    output on its axis, the length the rounding bound of the integer guard
    assumes.

    Defined in chapter 9 (Fast convolution).

    Parameters
    ----------
    f_shape, g_shape : sequence of int
        Shapes of the kernel argument and the signal argument, as passed to
        :func:`convcorr.convolve` (their roles in ``mode``).
    mode : {'full', 'same', 'valid'}

    Returns
    -------
    list of (int, int, int, int, int)
        One ``(Lb, step, blocks, first, discard)`` per axis; ``first`` is an
        index into the larger operand (negative: zeros before it).
    """
    _, small_shape = large_small(tuple(f_shape), tuple(g_shape))
    plan = []
    for m, n, k in zip(f_shape, g_shape, small_shape):
        s, length = kept_range(m, n, mode)
        whole = fast_length(m + n - 1 - s, True)
        best = _cheapest_block(length, k, whole)
        if best is None:
            plan.append((whole, length, 1, 0, s))
        else:
            step = best - k + 1
            plan.append((best, step, -(-length // step), s - (k - 1), k - 1))
    return plan
