"""Benchmark: convcorr's convolve and correlate against SciPy's methods.

Run from the repository root with ``python benchmarks/bench_convolution.py``
(or ``make bench``); it takes three to five minutes. It covers twelve
families, every combination of

* the operation: ``convcorr.convolve(f, g, mode)`` against
  ``scipy.signal.convolve(g, f, mode)``, and ``convcorr.correlate(f, g, mode)``
  against ``scipy.signal.correlate(g, f, mode)`` (note the swapped order);
* the number of dimensions: 1-D, 2-D and 3-D;
* the data: real (float64) or complex (complex128);

and, in every family, a grid of kernel and signal shapes from tiny calls
(a 3-sample kernel over 16 samples, 2×2 over 10×10) to large ones, each in
all three modes ``'full'``, ``'same'`` and ``'valid'`` (including kernels a
few samples shorter than the signal, where ``'valid'`` keeps a handful of
outputs). Only public functions are called.

For each case it times

* ``cc_fft`` and ``cc_auto``: convcorr with ``method='fft'`` and ``'auto'``;
* the SciPy methods a user can call for the same result: ``sp_fft``
  (``method='fft'``, which for convolve is ``fftconvolve``), ``sp_oa``
  (``oaconvolve``; for correlate with the template reversed and conjugated by
  the caller, as that is how correlation reaches it), ``sp_direct``
  (``method='direct'``) and ``sp_auto`` (``method='auto'``).

All calls of one case are timed round-robin in one process. Each runs in
batches of calls lasting about two milliseconds (sized by the fastest of
three calls); in every round the batches
run once each, in a fresh random order, on fresh copies of the operands, and
the median over the rounds is reported. Times are CPU time of the timing
thread (``time.thread_time``), so that time slices taken by other processes
on a shared machine do not count. Everything runs single-threaded: the FFTs
without ``workers=``, in convcorr and in SciPy alike, and BLAS limited to one
thread with ``threadpoolctl``. A SciPy direct call estimated to take longer
than ``DIRECT_LIMIT`` seconds (from its count of multiply-adds) is skipped and
shown as ``skip``. glibc is asked to keep freed memory (see
``keep_freed_memory``) so that page faults of fresh allocations do not add
order-dependent noise. Before timing, every convcorr path is checked against
SciPy's result.

Per family, and then over all cases, it prints

* ``auto/best``: convcorr auto time / time of the fastest SciPy method of the
  same case, median and maximum over the family's grid;
* ``fft/sp_fft``: convcorr fft time / SciPy's ``method='fft'`` time, median
  and maximum.

The last lines, ``auto_vs_best_scipy_max_ratio``,
``auto_vs_best_scipy_median_ratio``, ``fft_vs_fftconvolve_median_ratio`` and
``fft_vs_fftconvolve_max_ratio``, are these over the whole grid.

Off the grid, as users run::

    python benchmarks/bench_convolution.py --random 200 --load 0 1 2 [--seed S]

draws N cases at random (a fresh seed each run unless given; it is printed):
1-D to 3-D, every mode, ``convolve`` and ``correlate``, float32, float64,
complex64 and complex128, from a few samples to about 10**7 outputs, kernels
shorter or longer than the signal, lengths off any grid. ``--load K`` keeps
K processes spinning on the cores while timing (several values: the same
cases at each). Here the BLAS libraries keep the threads a process starts
with and times are wall-clock, since stalls of threads waiting for a busy
core are what a user sees; the calls of a case still run round-robin, and
each ratio is the median over the rounds of the two calls' times in the
same round. For each load it prints the distribution (median, p10, p90,
min, max) of ``auto`` over SciPy's best method and of ``fft`` over
``fftconvolve``, of the cost model's prediction for the method ``auto``
picks over the measured time of ``auto``, the spread of the rounds, and the
worst cases. ``--load`` also applies to the grid (timed as above).
"""

from __future__ import annotations

import argparse
import ctypes
import math
import sys
import time

import numpy as np
import scipy
import scipy.signal as ss
from load import busy_cores
from threadpoolctl import threadpool_limits

import convcorr
from convcorr import plan
from convcorr.costmodel import choose_method, predict_times

#: (kernel shape, signal shape) per number of dimensions; every pair runs in
#: all three modes. The pairs whose kernel is a few samples shorter than the
#: signal make 'valid' keep only a handful of outputs.
GRID = {
    1: [
        ((3,), (16,)),
        ((16,), (256,)),
        ((3,), (4096,)),
        ((128,), (4096,)),
        ((4096,), (4096,)),
        ((16,), (65536,)),
        ((1024,), (65536,)),
        ((65536,), (65536,)),
        ((262136,), (262144,)),
    ],
    2: [
        ((2, 2), (10, 10)),
        ((3, 3), (32, 32)),
        ((5, 5), (64, 64)),
        ((3, 3), (256, 256)),
        ((8, 8), (128, 128)),
        ((16, 16), (64, 64)),
        ((60, 60), (64, 64)),
        ((256, 256), (256, 256)),
    ],
    3: [
        ((2, 2, 2), (6, 6, 6)),
        ((3, 3, 3), (16, 16, 16)),
        ((5, 5, 5), (32, 32, 32)),
        ((14, 14, 14), (16, 16, 16)),
        ((32, 32, 32), (32, 32, 32)),
    ],
}
MODES = ("full", "same", "valid")
OPS = ("convolve", "correlate")
DTYPES = ("float64", "complex128")
#: Seconds: a SciPy direct call estimated to take longer is skipped. The
#: estimate is its multiply-adds times a nanosecond (1-D, numpy's compiled
#: sum) or ten nanoseconds (N-D, SciPy's generic loop), from measurements.
DIRECT_LIMIT = 0.05
SECONDS_PER_PRODUCT = {1: 1e-9, 2: 1e-8, 3: 1e-8}
BATCH = 2e-3  # seconds per timed batch of calls
CASE_BUDGET = 0.4  # seconds of timing per case, beyond MIN_REPEATS rounds
MIN_REPEATS, MAX_REPEATS = 5, 25
CLOCK = time.thread_time


def _reverse_conj(f):
    return np.conj(f[(slice(None, None, -1),) * f.ndim])


def calls(op, mode, data, skip_direct):
    """The timed calls of one case, reading the operands from ``data``."""
    d = data
    if op == "convolve":
        out = {
            "cc_fft": lambda: convcorr.convolve(d["f"], d["g"], mode, method="fft"),
            "cc_auto": lambda: convcorr.convolve(d["f"], d["g"], mode, method="auto"),
            "sp_fft": lambda: ss.fftconvolve(d["g"], d["f"], mode),
            "sp_oa": lambda: ss.oaconvolve(d["g"], d["f"], mode),
            "sp_direct": lambda: ss.convolve(d["g"], d["f"], mode, method="direct"),
            "sp_auto": lambda: ss.convolve(d["g"], d["f"], mode, method="auto"),
        }
    else:
        out = {
            "cc_fft": lambda: convcorr.correlate(d["f"], d["g"], mode, method="fft"),
            "cc_auto": lambda: convcorr.correlate(d["f"], d["g"], mode, method="auto"),
            "sp_fft": lambda: ss.correlate(d["g"], d["f"], mode, method="fft"),
            "sp_oa": lambda: ss.oaconvolve(d["g"], _reverse_conj(d["f"]), mode),
            "sp_direct": lambda: ss.correlate(d["g"], d["f"], mode, method="direct"),
            "sp_auto": lambda: ss.correlate(d["g"], d["f"], mode, method="auto"),
        }
    if skip_direct:
        del out["sp_direct"]
    return out


def round_robin(fns, data, rng, clock=CLOCK, budget=CASE_BUDGET, min_repeats=MIN_REPEATS):
    """Median seconds per call of each of ``fns``, batches interleaved.

    Every round runs one batch of each call in a fresh random order: a call
    that always ran right after the same other one could inherit its warm
    caches (or pay for its cold ones) every time. Every round also moves the
    operands to freshly allocated copies behind a spacer of random size: how
    the addresses of input and output arrays fall relative to each other
    (cache-set and 4 KiB aliasing) changes the speed of memory-bound calls by
    tens of percent, and would otherwise be fixed for the whole case. Rounds
    continue until the case has used ``budget`` seconds, at least
    ``min_repeats`` rounds. ``clock`` measures each batch (the batch size
    always comes from thread CPU time).

    Returns ``{name: median seconds per call}`` and ``{name: [seconds per
    call of every round]}``.
    """
    loops = {}
    for name, fn in fns.items():
        fn()  # warm-up: caches, lazily built plans
        # the batch size from the fastest of three calls in thread CPU time: a
        # single wall-clock call that another process preempted would shrink
        # this method's batches to a few calls, each paying for the caches the
        # previous method's batch left cold (the 'valid' correlation of two
        # 65536-sample signals takes 13 us warm, 70 us right after an FFT)
        once = []
        for _ in range(3):
            start = CLOCK()
            fn()
            once.append(CLOCK() - start)
            if once[-1] > BATCH:  # a batch of one call anyway
                break
        loops[name] = max(1, int(BATCH / max(min(once), 1e-7)))
    samples = {name: [] for name in fns}
    names = list(fns)
    begin = time.perf_counter()
    for r in range(MAX_REPEATS):
        if r >= min_repeats and time.perf_counter() - begin > budget:
            break
        spacer = np.empty(int(rng.integers(1, 8192)), dtype=np.uint8)
        data["f"], data["g"] = data["f"].copy(), data["g"].copy()
        for i in rng.permutation(len(names)):
            fn, n = fns[names[i]], loops[names[i]]
            start = clock()
            for _ in range(n):
                fn()
            samples[names[i]].append((clock() - start) / n)
        del spacer
    return {name: float(np.median(s)) for name, s in samples.items()}, samples


def products(f_shape, g_shape, mode):
    """Multiply-adds of the direct sum over the outputs ``mode`` keeps."""
    total = 1
    for m, n in zip(f_shape, g_shape):
        j = np.arange(m + n - 1)
        terms = np.minimum.reduce([j + 1, m + n - 1 - j, np.full_like(j, min(m, n))])
        full = m + n - 1
        if mode == "full":
            start, length = 0, full
        elif mode == "same":
            start, length = (full - n) // 2, n
        else:
            start, length = min(m, n) - 1, abs(n - m) + 1
        total *= int(terms[start : start + length].sum())
    return total


def check_equal(op, mode, f, g):
    """Both convcorr paths agree with SciPy before anything is timed."""
    sp = ss.convolve if op == "convolve" else ss.correlate
    cc = convcorr.convolve if op == "convolve" else convcorr.correlate
    ref = sp(g, f, mode, method="fft")
    scale = np.abs(ref).max()
    for method in ("fft", "auto"):
        res = cc(f, g, mode, method=method)
        if res.shape != ref.shape:
            raise AssertionError(f"convcorr {op} {method} {mode}: shape {res.shape}")
        err = np.abs(res - ref).max()
        if err > 1e-9 * scale * math.sqrt(f.size):
            raise AssertionError(f"convcorr {op} {method} {mode} differs from SciPy by {err}")


def fmt(t):
    return f"{'skip':>9}" if t is None else f"{t * 1e6:9.1f}"


def keep_freed_memory():
    """Ask glibc to keep freed blocks instead of returning them to the OS.

    Otherwise every large output array is a fresh ``mmap`` whose pages fault
    in on first touch, and whether a call pays for that depends on what the
    previous call freed: with round-robin timing this adds up to 50% noise to
    millisecond calls. The setting applies to every method alike. Returns
    whether it took effect (it needs glibc).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        ok = libc.mallopt(m_mmap_threshold, 2**30) == 1
        return ok and libc.mallopt(m_trim_threshold, 2**31 - 1) == 1
    except OSError:
        return False


def operands(k_shape, n_shape, dtype, rng):
    f = rng.standard_normal(k_shape)
    g = rng.standard_normal(n_shape)
    if dtype.startswith("complex"):
        f = f + 1j * rng.standard_normal(k_shape)
        g = g + 1j * rng.standard_normal(n_shape)
    return f, g


def shape_text(shape):
    return "x".join(str(n) for n in shape)


def run_family(ndim, op, dtype, rng):
    """Time every case of one family; return its rows of ratios."""
    rows = []
    for k_shape, n_shape in GRID[ndim]:
        f, g = operands(k_shape, n_shape, dtype, rng)
        for mode in MODES:
            check_equal(op, mode, f, g)
            estimate = products(k_shape, n_shape, mode) * SECONDS_PER_PRODUCT[ndim]
            data = {"f": f, "g": g}
            t, _ = round_robin(calls(op, mode, data, estimate > DIRECT_LIMIT), data, rng)
            best = min(v for name, v in t.items() if name.startswith("sp_"))
            auto_ratio = t["cc_auto"] / best
            fft_ratio = t["cc_fft"] / t["sp_fft"]
            rows.append((auto_ratio, fft_ratio))
            pick = choose_method(k_shape, n_shape, dtype, mode=mode)
            print(
                f"{ndim}-D {op:>9} {dtype:>10} {shape_text(k_shape):>10} "
                f"{shape_text(n_shape):>12} {mode:>5} {fmt(t['cc_fft'])} "
                f"{fmt(t['cc_auto'])} {pick:>6} {fmt(t['sp_fft'])} {fmt(t['sp_oa'])} "
                f"{fmt(t.get('sp_direct'))} {fmt(t['sp_auto'])} {auto_ratio:9.2f} "
                f"{fft_ratio:7.2f}",
                flush=True,
            )
    return rows


def summary(name, rows):
    auto = np.array([r[0] for r in rows])
    fft = np.array([r[1] for r in rows])
    return (
        f"{name:<32} auto/best median {np.median(auto):5.2f} max {auto.max():5.2f}   "
        f"fft/sp_fft median {np.median(fft):5.2f} max {fft.max():5.2f}"
    )


# --- random shapes, as users call: --random N [--seed S] [--load K ...] ---------------------

#: Largest number of kept outputs, and of samples in the FFT a case needs.
RANDOM_MAX_OUTPUTS = 10**7
RANDOM_MAX_FFT = 2**24
RANDOM_DTYPES = ("float32", "float64", "complex64", "complex128")
#: Seconds of timing per random case beyond RANDOM_MIN_REPEATS rounds.
RANDOM_BUDGET = 0.4
RANDOM_MIN_REPEATS = 5


def draw_shapes(rng, ndim):
    """Kernel and signal shapes of one random case, lengths off any grid.

    The signal has between 2 and 10**7 samples (log-uniform), split over
    the axes with jitter; the kernel is, per axis, ``n**r`` samples for a
    random ``r`` in ``[0, 1]`` (from one sample to the signal's length), a
    few samples short of the signal (``'valid'`` keeps a handful), or
    longer than the signal (one case in six).
    """
    total = 10 ** rng.uniform(0.3, 7)
    side = total ** (1 / ndim)
    n_shape = tuple(max(1, round(side * 2 ** rng.uniform(-1, 1))) for _ in range(ndim))
    kind = rng.choice(["power", "near", "longer"], p=[0.7, 0.15, 0.15])
    if kind == "power":
        k_shape = tuple(max(1, round(n ** rng.uniform(0, 1))) for n in n_shape)
    elif kind == "near":
        k_shape = tuple(max(1, n - int(rng.integers(0, 8))) for n in n_shape)
    else:
        k_shape = tuple(max(1, round(n * rng.uniform(1, 3))) for n in n_shape)
    return k_shape, n_shape


def draw_case(rng):
    """One random case ``(op, dtype, kernel shape, signal shape, mode)`` within the limits."""
    while True:
        ndim = int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))
        k_shape, n_shape = draw_shapes(rng, ndim)
        mode = str(rng.choice(MODES))
        if not plan.mode_possible(k_shape, n_shape, mode):
            continue
        fft_size = math.prod(plan.full_shape(k_shape, n_shape))
        if plan.kept_outputs(k_shape, n_shape, mode) <= RANDOM_MAX_OUTPUTS >= 1 and (
            fft_size <= RANDOM_MAX_FFT
        ):
            return str(rng.choice(OPS)), str(rng.choice(RANDOM_DTYPES)), k_shape, n_shape, mode


def random_operands(k_shape, n_shape, dtype, rng):
    f, g = operands(k_shape, n_shape, dtype, rng)
    return f.astype(dtype), g.astype(dtype)


def check_close(op, mode, f, g):
    """convcorr's fft and auto against SciPy in double precision, before anything is timed.

    The tolerance is the FFT's rounding bound, ``64 eps log2(L) ||f|| ||g||``
    in the precision of the operands.
    """
    sp = ss.convolve if op == "convolve" else ss.correlate
    cc = convcorr.convolve if op == "convolve" else convcorr.correlate
    wide = np.complex128 if f.dtype.kind == "c" else np.float64
    ref = sp(g.astype(wide), f.astype(wide), mode, method="fft")
    length = max(2, math.prod(plan.full_shape(f.shape, g.shape)))
    bound = 64 * np.finfo(f.dtype).eps * math.log2(length)
    bound *= np.linalg.norm(f.astype(wide)) * np.linalg.norm(g.astype(wide))
    for method in ("fft", "auto"):
        res = cc(f, g, mode, method=method)
        if res.shape != ref.shape or res.dtype != f.dtype:
            raise AssertionError(f"convcorr {op} {method} {mode}: {res.shape} {res.dtype}")
        err = float(np.abs(res - ref).max())
        if err > bound:
            raise AssertionError(f"convcorr {op} {method} {mode} differs from SciPy by {err}")


def time_random_case(case, rng):
    """Wall-clock times of every call of one case: ``{name: median}``, ``{name: rounds}``."""
    op, dtype, k_shape, n_shape, mode = case
    f, g = random_operands(k_shape, n_shape, dtype, rng)
    check_close(op, mode, f, g)
    ndim = len(k_shape)
    estimate = products(k_shape, n_shape, mode) * SECONDS_PER_PRODUCT[ndim]
    data = {"f": f, "g": g}
    fns = calls(op, mode, data, estimate > DIRECT_LIMIT)
    return round_robin(
        fns, data, rng, time.perf_counter, RANDOM_BUDGET, min_repeats=RANDOM_MIN_REPEATS
    )


def paired_ratio(samples, a, b):
    """Median over the rounds of ``a``'s time over ``b``'s in the same round.

    Both ran in the same round, a few milliseconds apart: load that comes
    and goes (another process starting, a core taken for a while) slows
    both, and the median of the paired ratios leaves out the rounds where
    it hit only one.
    """
    return float(np.median(np.array(samples[a]) / np.array(samples[b])))


def case_text(case):
    op, dtype, k_shape, n_shape, mode = case
    return f"{op:>9} {dtype:>10} {shape_text(k_shape):>14} {shape_text(n_shape):>16} {mode:>5}"


def run_random(cases, load, rng):
    """Time every case with ``load`` processes spinning; return one row per case."""
    rows = []
    print(
        f"\n--load {load}: {len(cases)} random cases, wall-clock medians in microseconds, "
        "BLAS threads as the process starts (a user's default)"
    )
    print(
        f"{'case':>59} {'cc_fft':>9} {'cc_auto':>9} {'(pick)':>6} {'sp_fft':>9} "
        f"{'sp_oa':>9} {'sp_direct':>9} {'sp_auto':>9} {'auto/best':>9} {'fft/sp':>7} "
        f"{'pred/auto':>9}"
    )
    with busy_cores(load):
        for case in cases:
            t, samples = time_random_case(case, rng)
            _, dtype, k_shape, n_shape, mode = case
            pick = choose_method(k_shape, n_shape, dtype, mode=mode)
            predicted = predict_times(k_shape, n_shape, dtype, mode=mode)[pick]
            # SciPy's best method by its median; the ratios paired by round
            best = min((v, name) for name, v in t.items() if name.startswith("sp_"))[1]
            row = {
                "case": case,
                "auto": paired_ratio(samples, "cc_auto", best),
                "fft": paired_ratio(samples, "cc_fft", "sp_fft"),
                "pred": predicted / t["cc_auto"],
                "pick": pick,
                "spread": float(np.ptp(samples["cc_auto"]) / t["cc_auto"]),
            }
            rows.append(row)
            print(
                f"{case_text(case)} {fmt(t['cc_fft'])} {fmt(t['cc_auto'])} {pick:>6} "
                f"{fmt(t['sp_fft'])} {fmt(t['sp_oa'])} {fmt(t.get('sp_direct'))} "
                f"{fmt(t['sp_auto'])} {row['auto']:9.2f} {row['fft']:7.2f} {row['pred']:9.2f}",
                flush=True,
            )
    return rows


def distribution(values):
    v = np.asarray(values)
    return (
        f"median {np.median(v):5.2f} p10 {np.percentile(v, 10):5.2f} "
        f"p90 {np.percentile(v, 90):5.2f} min {v.min():5.2f} max {v.max():5.2f}"
    )


def report_random(rows, load, worst=8):
    """Distributions of the ratios at one load, and the worst cases of auto."""
    auto = [r["auto"] for r in rows]
    fft = [r["fft"] for r in rows]
    pred = [r["pred"] for r in rows]
    within = np.mean([0.5 <= p <= 2 for p in pred])
    print(f"\n--load {load}, {len(rows)} random cases")
    print(f"  auto / best SciPy:           {distribution(auto)}")
    print(f"  fft / fftconvolve:           {distribution(fft)}")
    print(f"  predicted / measured (auto): {distribution(pred)}; within 2x: {100 * within:.0f} %")
    spread = distribution([r["spread"] for r in rows])
    print(f"  spread of auto's rounds (max - min) / median: {spread}")
    print(f"  worst {worst} of auto / best SciPy:")
    for r in sorted(rows, key=lambda r: -r["auto"])[:worst]:
        print(f"    {case_text(r['case'])} pick {r['pick']:>6} auto/best {r['auto']:5.2f}")
    print(f"random_load{load}_auto_vs_best_scipy_median_ratio: {np.median(auto):.3f}")
    print(f"random_load{load}_auto_vs_best_scipy_p90_ratio: {np.percentile(auto, 90):.3f}")
    print(f"random_load{load}_auto_vs_best_scipy_max_ratio: {max(auto):.3f}")
    print(f"random_load{load}_fft_vs_fftconvolve_median_ratio: {np.median(fft):.3f}")
    print(f"random_load{load}_predicted_vs_measured_median_ratio: {np.median(pred):.3f}")
    print(f"random_load{load}_predicted_within_2x_share: {within:.3f}")


def main_random(count, seed, loads):
    """Draw ``count`` cases from ``seed`` and time them at each load in ``loads``."""
    kept = keep_freed_memory()
    rng = np.random.default_rng(seed)
    cases = [draw_case(rng) for _ in range(count)]
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, python "
        f"{sys.version.split()[0]}; convcorr {convcorr.__version__} from "
        f"{convcorr.__file__}; glibc keeps freed memory: {kept}; "
        f"--random {count} --seed {seed} --load {' '.join(map(str, loads))}"
    )
    start = time.perf_counter()
    results = {load: run_random(cases, load, rng) for load in loads}
    print(f"\ntotal time {time.perf_counter() - start:.0f} s (seed {seed})")
    for load, rows in results.items():
        report_random(rows, load)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--random",
        type=int,
        metavar="N",
        help="time N random cases (1-D to 3-D, every mode, op and float dtype) instead of the grid",
    )
    parser.add_argument(
        "--seed", type=int, help="seed of the random cases (default: a fresh one, printed)"
    )
    parser.add_argument(
        "--load",
        type=int,
        nargs="+",
        default=[0],
        metavar="K",
        help="processes spinning on the cores while timing; several values run the set at each",
    )
    args = parser.parse_args(argv)
    if args.random is not None and args.random < 1:
        parser.error(f"--random must be a positive count; received {args.random}")
    if any(k < 0 for k in args.load):
        parser.error(f"--load takes counts >= 0; received {args.load}")
    return args


def main():
    kept = keep_freed_memory()
    rng = np.random.default_rng(2024)
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, python "
        f"{sys.version.split()[0]}; glibc keeps freed memory: {kept}; "
        "times: median thread CPU time in microseconds"
    )
    print(
        f"{'family':>24} {'kernel':>10} {'signal':>12} {'mode':>5} {'cc_fft':>9} "
        f"{'cc_auto':>9} {'(pick)':>6} {'sp_fft':>9} {'sp_oa':>9} {'sp_direct':>9} "
        f"{'sp_auto':>9} {'auto/best':>9} {'fft/sp':>7}"
    )
    start = time.perf_counter()
    families = {}
    for ndim in GRID:
        for op in OPS:
            for dtype in DTYPES:
                kind = "real" if dtype.startswith("float") else "complex"
                families[f"{ndim}-D {op} {kind}"] = run_family(ndim, op, dtype, rng)
    print(f"total time {time.perf_counter() - start:.0f} s")
    for name, rows in families.items():
        print(summary(name, rows))
    everything = [r for rows in families.values() for r in rows]
    print(summary("all families", everything))
    auto = [r[0] for r in everything]
    fft = [r[1] for r in everything]
    print(f"auto_vs_best_scipy_max_ratio: {max(auto):.3f}")
    print(f"auto_vs_best_scipy_median_ratio: {np.median(auto):.3f}")
    print(f"fft_vs_fftconvolve_median_ratio: {np.median(fft):.3f}")
    print(f"fft_vs_fftconvolve_max_ratio: {max(fft):.3f}")


if __name__ == "__main__":
    ARGS = parse_args()
    if ARGS.random is not None:
        # as users run: BLAS threads as the process starts, wall-clock time
        seed = ARGS.seed if ARGS.seed is not None else int(np.random.SeedSequence().entropy % 2**32)
        main_random(ARGS.random, seed, ARGS.load)
    else:
        # One BLAS thread: OpenBLAS would otherwise thread the dot products of
        # numpy.convolve for long kernels, and on a loaded machine its spinning
        # threads make a 0.6 s direct sum take minutes; every method then runs on
        # one core, which is also what thread CPU time measures exactly.
        for load in ARGS.load:
            with threadpool_limits(limits=1, user_api="blas"), busy_cores(load):
                print(f"--load {load}")
                main()
