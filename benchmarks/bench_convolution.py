"""Benchmark: convcorr's FFT and auto convolution against SciPy's methods.

Run from the repository root with ``python benchmarks/bench_convolution.py``
(or ``make bench``); it takes a few minutes. For every signal length ``N`` in
{64, 256, 1024, 4096, 16384, 65536, 262144}, kernel length ``K`` in
{3, 16, 128, N}, and both real (float64) and complex (complex128) data, it
times the full convolution of a length-``K`` kernel with a length-``N``
signal by

* ``convcorr.convolve(f, g, method="fft")`` and ``method="auto"``;
* ``scipy.signal.fftconvolve(g, f)``, ``scipy.signal.oaconvolve(g, f)``,
  ``scipy.signal.convolve(g, f, method="direct")`` and ``method="auto"``.

All six methods of one case are timed round-robin in one process. Each runs
in batches of calls lasting about two milliseconds; in every round the
batches of the six run once each, in a fresh random order, and the median
over the rounds is reported. Times are CPU time of the timing thread
(``time.thread_time``), so that time slices taken by other processes on a
shared machine do not count. A direct call whose predicted time (by
``convcorr.costmodel.predict_times``) exceeds about one second is skipped and
marked ``skip``. Everything runs single-threaded: the FFTs without
``workers=``, in convcorr and in SciPy alike, and BLAS (used by
``numpy.convolve``) limited to one thread with ``threadpoolctl``. glibc is
asked to keep freed memory (see ``keep_freed_memory``) so that page faults of
fresh allocations do not add order-dependent noise.

The last two lines are

* ``fft_vs_fftconvolve_median_ratio``: the median over K = N, N >= 1024 (real
  and complex) of convcorr fft time / fftconvolve time;
* ``auto_vs_best_scipy_max_ratio``: the maximum over the whole grid of
  convcorr auto time / time of the fastest SciPy method of that case.
"""

from __future__ import annotations

import ctypes
import sys
import time

import numpy as np
import scipy
import scipy.signal as ss
from threadpoolctl import threadpool_limits

import convcorr
from convcorr.costmodel import choose_method, predict_times

NS = (64, 256, 1024, 4096, 16384, 65536, 262144)
KS = (3, 16, 128, "N")
DTYPES = ("float64", "complex128")
DIRECT_LIMIT = 1.0  # seconds: skip a direct call predicted to take longer
BATCH = 2e-3  # seconds per timed batch of calls
CASE_BUDGET = 2.0  # seconds of timing per case, beyond MIN_REPEATS rounds
MIN_REPEATS, MAX_REPEATS = 9, 41
# CPU time of this thread: time slices that other processes take on the shared
# machine are not counted. Every timed call is single-threaded: no workers= for
# the FFTs, and BLAS limited to one thread (see the end of the file).
CLOCK = time.thread_time


def methods(data, skip_direct):
    """The six timed calls of one case, reading the operands from ``data``."""
    calls = {
        "cc_fft": lambda: convcorr.convolve(data["f"], data["g"], method="fft"),
        "cc_auto": lambda: convcorr.convolve(data["f"], data["g"], method="auto"),
        "sp_fftconvolve": lambda: ss.fftconvolve(data["g"], data["f"]),
        "sp_oaconvolve": lambda: ss.oaconvolve(data["g"], data["f"]),
        "sp_direct": lambda: ss.convolve(data["g"], data["f"], method="direct"),
        "sp_auto": lambda: ss.convolve(data["g"], data["f"], method="auto"),
    }
    if skip_direct:
        del calls["sp_direct"]
    return calls


def round_robin(calls, data, rng):
    """Median seconds per call of each call, batches interleaved.

    Every round runs one batch of each call in a fresh random order: a call
    that always ran right after the same other one could inherit its warm
    caches (or pay for its cold ones) every time. Every round also moves the
    operands to freshly allocated copies behind a spacer of random size: how
    the addresses of input and output arrays fall relative to each other
    (cache-set and 4 KiB aliasing) changes the speed of memory-bound calls by
    tens of percent, and would otherwise be fixed for the whole case. Rounds
    continue until the case has used ``CASE_BUDGET`` seconds, at least
    ``MIN_REPEATS`` rounds.
    """
    loops = {}
    for name, fn in calls.items():
        fn()  # warm-up: caches, lazily built plans
        start = time.perf_counter()
        fn()
        loops[name] = max(1, int(BATCH / max(time.perf_counter() - start, 1e-7)))
    samples = {name: [] for name in calls}
    names = list(calls)
    begin = time.perf_counter()
    for r in range(MAX_REPEATS):
        if r >= MIN_REPEATS and time.perf_counter() - begin > CASE_BUDGET:
            break
        spacer = np.empty(int(rng.integers(1, 8192)), dtype=np.uint8)
        data["f"], data["g"] = data["f"].copy(), data["g"].copy()
        for i in rng.permutation(len(names)):
            fn, n = calls[names[i]], loops[names[i]]
            start = CLOCK()
            for _ in range(n):
                fn()
            samples[names[i]].append((CLOCK() - start) / n)
        del spacer
    return {name: float(np.median(s)) for name, s in samples.items()}


def check_equal(f, g):
    """Both convcorr paths agree with SciPy before anything is timed."""
    ref = ss.fftconvolve(g, f)
    scale = np.abs(ref).max()
    for method in ("fft", "auto"):
        err = np.abs(convcorr.convolve(f, g, method=method) - ref).max()
        if err > 1e-9 * scale * np.sqrt(f.size):
            raise AssertionError(f"convcorr {method} differs from SciPy by {err}")


def fmt(t):
    return "skip" if t is None else f"{t * 1e6:10.1f}"


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


def main():
    kept = keep_freed_memory()
    rng = np.random.default_rng(2024)
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, python "
        f"{sys.version.split()[0]}; glibc keeps freed memory: {kept}; "
        "times: median thread CPU time in microseconds"
    )
    header = (
        f"{'dtype':>10} {'N':>7} {'K':>7} {'cc_fft':>10} {'cc_auto':>10} "
        f"{'(pick)':>7} {'sp_fft':>10} {'sp_oa':>10} {'sp_direct':>10} "
        f"{'sp_auto':>10} {'auto/best':>9}"
    )
    print(header)
    fft_ratios, auto_ratios, skipped = [], [], []
    start = time.perf_counter()
    for dtype in DTYPES:
        for n in NS:
            for k in KS:
                k = n if k == "N" else k
                g = rng.standard_normal(n)
                f = rng.standard_normal(k)
                if dtype.startswith("complex"):
                    g = g + 1j * rng.standard_normal(n)
                    f = f + 1j * rng.standard_normal(k)
                check_equal(f, g)
                predicted = predict_times((k,), (n,), dtype)["direct"]
                skip = predicted > DIRECT_LIMIT
                if skip:
                    skipped.append((dtype, n, k, predicted))
                data = {"f": f, "g": g}
                t = round_robin(methods(data, skip), data, rng)
                best = min(v for name, v in t.items() if name.startswith("sp_"))
                ratio = t["cc_auto"] / best
                auto_ratios.append(ratio)
                if k == n and n >= 1024:
                    fft_ratios.append(t["cc_fft"] / t["sp_fftconvolve"])
                pick = choose_method((k,), (n,), dtype)
                print(
                    f"{dtype:>10} {n:>7} {k:>7} {fmt(t['cc_fft'])} "
                    f"{fmt(t['cc_auto'])} {pick:>7} {fmt(t['sp_fftconvolve'])} "
                    f"{fmt(t['sp_oaconvolve'])} {fmt(t.get('sp_direct'))} "
                    f"{fmt(t['sp_auto'])} {ratio:9.2f}",
                    flush=True,
                )
    for dtype, n, k, p in skipped:
        print(f"skipped scipy direct for {dtype} N={n} K={k}: predicted {p:.1f} s")
    print(f"total time {time.perf_counter() - start:.0f} s")
    print(f"fft_vs_fftconvolve_median_ratio: {np.median(fft_ratios):.3f}")
    print(f"auto_vs_best_scipy_max_ratio: {max(auto_ratios):.3f}")


if __name__ == "__main__":
    # One BLAS thread: OpenBLAS would otherwise thread the dot products of
    # numpy.convolve for long kernels, and on a loaded machine its spinning
    # threads make a 0.6 s direct sum take minutes; every method then runs on
    # one core, which is also what thread CPU time measures exactly.
    with threadpool_limits(limits=1, user_api="blas"):
        main()
