"""The atlas of library conventions: every row's text and the check that proves it.

Each :class:`Row` translates one library routine into the book's notation,

* ``(f * g)[n] = sum_m f[m] g[n - m]`` (``convcorr.convolve(f, g)``),
* ``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]`` (``convcorr.correlate(f, g)``),

and carries a ``check(rng)`` that asserts the translation. Rows with status ``'executed'``
call the installed NumPy / SciPy routine on random complex data and compare it with the
defining sums, evaluated here by :func:`defining_convolve` and :func:`defining_correlate`
(shift-and-add loops that call neither NumPy's nor SciPy's convolution routines), and
compare ``convcorr``'s translated call with the same sums. Rows with status ``'cited'``
describe libraries that are not installed (PyTorch, TensorFlow, JAX, MATLAB): their check
executes the documented formula or reproduces the documented example output.

Chapter 7 (An atlas of library conventions) runs the checks section by section with
:func:`verify` and shows the table once, built by :func:`table`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "HEADER",
    "MATLAB_CONV_EXAMPLE",
    "NDIMAGE_TO_NP_PAD",
    "ROWS",
    "SECTIONS",
    "SIGNAL_TO_NP_PAD",
    "TORCH_PAD_EXAMPLES",
    "TORCH_TO_NP_PAD",
    "Row",
    "defining_convolve",
    "defining_correlate",
    "documented_layer",
    "matlab_xcorr",
    "ndimage_extension",
    "rows",
    "table",
    "verify",
]

_MODES = ("full", "same", "valid")


# --------------------------------------------------------------------------- references


def _operands(f: ArrayLike, g: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    arrays = []
    for name, x in (("f", f), ("g", g)):
        arr = np.asarray(x)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"{name} must have a numeric dtype; received dtype {arr.dtype}")
        if arr.ndim == 0 or arr.size == 0:
            raise ValueError(f"{name} must be non-empty with at least one axis; got {arr.shape}")
        arrays.append(arr)
    f, g = arrays
    if f.ndim != g.ndim:
        raise ValueError(f"f and g must have the same ndim; received {f.ndim} and {g.ndim}")
    return f, g


def _crop(
    full: np.ndarray, f_shape: Sequence[int], g_shape: Sequence[int], mode: str
) -> np.ndarray:
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"mode must be one of 'full', 'same', 'valid'; received {mode!r}")
    pairs = list(zip(f_shape, g_shape, strict=True))
    if mode == "valid" and not (all(m >= n for m, n in pairs) or all(n >= m for m, n in pairs)):
        raise ValueError(
            "mode 'valid' needs f or g to be at least as large as the other on every axis; "
            f"received shapes {tuple(f_shape)} and {tuple(g_shape)}"
        )
    keep = []
    for M, N in pairs:
        start, length = {
            "full": (0, M + N - 1),
            "same": ((M - 1) // 2, N),
            "valid": (min(M, N) - 1, abs(M - N) + 1),
        }[mode]
        keep.append(slice(start, start + length))
    return full[tuple(keep)]


def defining_convolve(f: ArrayLike, g: ArrayLike, mode: str = "full") -> np.ndarray:
    """``(f * g)[n] = sum_m f[m] g[n - m]`` by shift-and-add: ``g`` shifted by each ``m``.

    The output covers ``n = 0 .. f.shape + g.shape - 2`` (``'full'``), the ``g.shape``
    samples from ``(f.shape - 1) // 2`` (``'same'``) or the ``|f.shape - g.shape| + 1``
    samples from ``min(f.shape, g.shape) - 1`` (``'valid'``), per axis: the modes of
    :func:`convcorr.convolve`. A reference for checking libraries: it calls no convolution
    routine of NumPy or SciPy.

    Parameters
    ----------
    f, g : array_like
        Numeric arrays of the same ``ndim >= 1``, non-empty.
    mode : {'full', 'same', 'valid'}, optional

    Returns
    -------
    numpy.ndarray
        Complex or float (the result type of ``f``, ``g`` and float).

    Raises
    ------
    TypeError
        A non-numeric operand.
    ValueError
        Empty or 0-d operands, different ``ndim``, unknown ``mode``, impossible ``'valid'``.

    Defined in chapter 7 (An atlas of library conventions).
    """
    f, g = _operands(f, g)
    full = np.zeros(np.add(f.shape, g.shape) - 1, dtype=np.result_type(f, g, float))
    for m in np.ndindex(f.shape):
        full[tuple(slice(i, i + n) for i, n in zip(m, g.shape, strict=True))] += f[m] * g
    return _crop(full, f.shape, g.shape, mode)


def defining_correlate(f: ArrayLike, g: ArrayLike, mode: str = "full") -> np.ndarray:
    """``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]`` by shift-and-add, conjugate on ``f``.

    Lag ``k`` runs from ``-(f.shape - 1)`` to ``g.shape - 1`` in ``'full'`` (full index
    ``k + f.shape - 1``); ``'same'`` and ``'valid'`` keep the windows of
    :func:`defining_convolve`, as :func:`convcorr.correlate` does. Computed directly from
    this sum, not through the conversion ``f ⋆ g = f~ * g``.

    Parameters, returns and errors as :func:`defining_convolve`.

    Defined in chapter 7 (An atlas of library conventions).
    """
    f, g = _operands(f, g)
    full = np.zeros(np.add(f.shape, g.shape) - 1, dtype=np.result_type(f, g, float))
    for m in np.ndindex(f.shape):
        start = np.subtract(f.shape, 1) - m  # g[m + k] lands on lag k = (index) - (M - 1)
        full[tuple(slice(s, s + n) for s, n in zip(start, g.shape, strict=True))] += (
            np.conj(f[m]) * g
        )
    return _crop(full, f.shape, g.shape, mode)


def ndimage_extension(x: ArrayLike, pad: int, mode: str) -> np.ndarray:
    """The 1-D signal ``x`` extended by ``pad`` samples on each side as ``scipy.ndimage`` does.

    Read off ``scipy.ndimage.correlate1d`` itself: correlating with a unit impulse of length
    ``2 pad + 1`` at index ``0`` returns ``x_ext[i - pad]``, at index ``2 pad`` it returns
    ``x_ext[i + pad]``. Needs ``len(x) >= pad``.

    Parameters
    ----------
    x : array_like
        A 1-D numeric signal with at least ``pad`` samples.
    pad : int
        Samples added on each side (``>= 1``).
    mode : str
        A ``scipy.ndimage`` boundary mode (``'reflect'``, ``'mirror'``, ``'nearest'``,
        ``'wrap'``, ``'constant'``, ...).

    Returns
    -------
    numpy.ndarray of length ``len(x) + 2 pad``.

    Defined in chapter 7 (An atlas of library conventions).
    """
    import scipy.ndimage as ndi

    x = np.asarray(x)
    if x.ndim != 1 or x.dtype.kind not in "biuf":
        raise ValueError(f"x must be a 1-D real signal; received shape {x.shape}, {x.dtype}")
    if isinstance(pad, bool) or not isinstance(pad, int) or not 1 <= pad <= len(x):
        raise ValueError(f"pad must be an int from 1 to len(x) = {len(x)}; received {pad!r}")
    impulses = np.eye(2 * pad + 1)
    left = ndi.correlate1d(x, impulses[0], mode=mode)[:pad]
    right = ndi.correlate1d(x, impulses[-1], mode=mode)[len(x) - pad :]
    return np.concatenate([left, x, right])


# --------------------------------------------------------------------------- helpers


def _crandn(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _matches(a: ArrayLike, b: ArrayLike, what: str) -> None:
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shapes {a.shape} != {b.shape}"
    scale = max(float(np.abs(b).max()), 1e-300)
    err = float(np.abs(a - b).max()) / scale
    assert err < 1e-12, f"{what}: relative error {err:.2e}"


def _differs(a: ArrayLike, b: ArrayLike, what: str) -> None:
    a, b = np.asarray(a), np.asarray(b)
    same = a.shape == b.shape and np.allclose(a, b, rtol=0, atol=1e-9 * np.abs(b).max())
    assert not same, f"{what}: expected a difference"


def _default(func: Callable, name: str = "mode") -> object:
    return inspect.signature(func).parameters[name].default


def _reverse_conj(a: np.ndarray) -> np.ndarray:
    return np.conj(a[(slice(None, None, -1),) * a.ndim])


# --------------------------------------------------------------------------- NumPy


def _check_numpy_convolve(rng: np.random.Generator) -> None:
    import convcorr

    pairs = [(7, 4), (4, 7), (6, 6), (5, 8), (8, 5), (3, 3)]
    for (M, N), real in zip(pairs, (False, True) * 3, strict=True):
        a, v = _crandn(rng, M), _crandn(rng, N)
        if real:  # real data take other code paths in libraries
            a, v = a.real, v.real
        shorter, longer = (a, v) if M <= N else (v, a)
        for mode in ("full", "valid"):
            _matches(np.convolve(a, v, mode), defining_convolve(a, v, mode), f"np {mode}")
            _matches(convcorr.convolve(a, v, mode), defining_convolve(a, v, mode), "convcorr")
        same = np.convolve(a, v, "same")
        assert same.shape == (max(M, N),)
        _matches(same, defining_convolve(shorter, longer, "same"), "np.convolve 'same'")
    assert _default(np.convolve) == "full"


def _check_numpy_correlate(rng: np.random.Generator) -> None:
    import convcorr

    for M, N in [(7, 4), (4, 7), (6, 6), (5, 8), (8, 5), (2, 9)]:
        a, v = _crandn(rng, M), _crandn(rng, N)
        for mode in ("full", "valid"):
            ref = defining_correlate(v, a, mode)  # v ⋆ a: the conjugate on v
            _matches(np.correlate(a, v, mode), ref, f"np.correlate {mode}")
            _matches(convcorr.correlate(v, a, mode), ref, f"convcorr.correlate(v, a) {mode}")
            _differs(np.correlate(a, v, mode), defining_correlate(a, v, mode), "a ⋆ v")
        same = np.correlate(a, v, "same")
        if M >= N:
            _matches(same, defining_correlate(v, a, "same"), "np.correlate 'same'")
        else:  # the longer v sets the length: the conjugate-symmetric image of a ⋆ v
            _matches(same, _reverse_conj(defining_correlate(a, v, "same")), "short a")
    _matches(np.correlate([1.0, 2.0, 3.0], [1j]), [-1j, -2j, -3j], "conj(1j) * a")
    assert _default(np.correlate) == "valid"


# --------------------------------------------------------------------------- scipy.signal

_ND_SHAPES = [((5,), (11,)), ((4,), (9,)), ((9,), (4,)), ((3, 4), (6, 7)), ((2, 3, 2), (4, 3, 5))]


def _check_scipy_convolve(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    import convcorr

    for (fs, gs), real in zip(_ND_SHAPES, (False, True, False, True, False), strict=True):
        f, g = _crandn(rng, *fs), _crandn(rng, *gs)
        if real:
            f, g = f.real, g.real
        for mode in _MODES:
            ref = defining_convolve(f, g, mode)
            for method in ("direct", "fft"):
                _matches(sps.convolve(g, f, mode, method=method), ref, f"convolve {method}")
            _matches(convcorr.convolve(f, g, mode), ref, "convcorr.convolve(f, g)")
            if mode == "same":
                assert sps.convolve(g, f, mode).shape == g.shape  # in1's shape
    assert _default(sps.convolve) == "full"


def _check_scipy_correlate(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    import convcorr

    for fs, gs in _ND_SHAPES:
        f, g = _crandn(rng, *fs), _crandn(rng, *gs)
        for mode in _MODES:
            ref = defining_correlate(f, g, mode)
            for method in ("direct", "fft"):
                _matches(sps.correlate(g, f, mode, method=method), ref, f"correlate {method}")
            _matches(convcorr.correlate(f, g, mode), ref, "convcorr.correlate(f, g)")
    _matches(sps.correlate([1.0, 2.0, 3.0], [1j]), [-1j, -2j, -3j], "conj on in2")
    assert _default(sps.correlate) == "full"


def _check_scipy_fftconvolve(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    import convcorr

    for fs, gs in _ND_SHAPES:
        f, g = _crandn(rng, *fs), _crandn(rng, *gs)
        for mode in _MODES:
            for routine in (sps.fftconvolve, sps.oaconvolve):
                _matches(routine(g, f, mode), defining_convolve(f, g, mode), routine.__name__)
    a, b = np.ones((1, 3)), np.ones((2, 2))  # neither covers the other
    for strict in (sps.convolve, sps.correlate, convcorr.convolve, convcorr.correlate):
        try:
            strict(a, b, "valid")
        except ValueError:
            pass
        else:
            raise AssertionError(f"{strict.__name__} accepted an impossible 'valid'")
    for lax in (sps.fftconvolve, sps.oaconvolve):
        # each output sums 2 of the 4 products: the other 2 fell on zero padding
        assert np.array_equal(lax(a, b, "valid"), np.full((2, 2), 2.0)), lax.__name__
        assert _default(lax) == "full"


_2D_SHAPES = [((3, 3), (6, 7)), ((4, 4), (6, 7)), ((2, 3), (5, 5)), ((4, 5), (7, 6))]


def _check_scipy_convolve2d(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    for fs, gs in _2D_SHAPES:
        f, g = _crandn(rng, *fs), _crandn(rng, *gs)
        for mode in _MODES:
            _matches(sps.convolve2d(g, f, mode), defining_convolve(f, g, mode), mode)
    assert _default(sps.convolve2d) == "full" and _default(sps.convolve2d, "boundary") == "fill"


def _check_scipy_correlate2d(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    for fs, gs in _2D_SHAPES:
        f, g = _crandn(rng, *fs), _crandn(rng, *gs)
        full = defining_correlate(f, g)
        _matches(sps.correlate2d(g, f, "full"), full, "full")
        # 'same': the window starts at len(in2) // 2, not (len(in2) - 1) // 2
        keep = tuple(slice(n // 2, n // 2 + m) for n, m in zip(fs, gs, strict=True))
        _matches(sps.correlate2d(g, f, "same"), full[keep], "'same' from n // 2")
        if any(n % 2 == 0 for n in fs):
            _differs(sps.correlate2d(g, f, "same"), defining_correlate(f, g, "same"), "even")
        else:
            _matches(sps.correlate2d(g, f, "same"), defining_correlate(f, g, "same"), "odd")
    small, big = _crandn(rng, 2, 3), _crandn(rng, 4, 5)
    right = defining_correlate(big, small, "valid")  # correlate(small, big): big is in2
    _matches(sps.correlate(small, big, "valid"), right, "correlate valid")
    _matches(sps.correlate2d(small, big, "valid"), np.conj(right), "conjugated 'valid'")
    _matches(
        sps.correlate2d(small.real, big.real, "valid"),
        defining_correlate(big.real, small.real, "valid"),
        "real data unaffected",
    )
    _matches(sps.correlate2d(big, small, "valid"), defining_correlate(small, big, "valid"), "")
    assert _default(sps.correlate2d) == "full"


# --------------------------------------------------------------------------- lags


def _check_correlation_lags(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    import convcorr

    off = set()
    for n_f in range(1, 9):
        for n_g in range(n_f, 14):
            for offset in range(n_g - n_f + 1):
                f = _crandn(rng, n_f)
                g = np.zeros(n_g, dtype=complex)
                g[offset : offset + n_f] = f  # the template sits at lag `offset`
                i = int(np.argmax(np.abs(sps.correlate(g, f, "same"))))
                assert convcorr.correlation_lags(n_f, n_g, "same")[i] == offset
                scipy_lag = int(sps.correlation_lags(n_g, n_f, "same")[i])
                if scipy_lag != offset:
                    assert scipy_lag == offset + 1, (n_f, n_g, offset)
                    off.add((n_f, n_g))
    odd_even = {(a, b) for a in range(1, 9) for b in range(a, 14) if a % 2 == 0 and b % 2}
    assert off == odd_even, off ^ odd_even  # n1 = len(in1) odd, n2 = len(in2) even
    for mode in ("full", "valid"):
        for n_f, n_g in [(3, 8), (4, 7), (8, 3)]:
            ref = np.arange(-(n_f - 1), n_g)  # lags of the full output
            if mode == "valid":
                ref = ref[min(n_f, n_g) - 1 : min(n_f, n_g) - 1 + abs(n_f - n_g) + 1]
            assert np.array_equal(sps.correlation_lags(n_g, n_f, mode), ref)
            assert np.array_equal(convcorr.correlation_lags(n_f, n_g, mode), ref)


# --------------------------------------------------------------------------- scipy.ndimage


def _check_ndimage_correlate(rng: np.random.Generator) -> None:
    import scipy.ndimage as ndi

    assert _default(ndi.correlate) == "reflect"
    for n_w in (2, 3, 4, 5):
        x, w = _crandn(rng, 11), _crandn(rng, n_w)
        _matches(ndi.correlate(x, w, mode="constant"), defining_correlate(w, x, "same"), "0s")
        padded = np.pad(x, (n_w // 2, (n_w - 1) // 2), mode="symmetric")
        _matches(ndi.correlate(x, w), defining_correlate(w, padded, "valid"), "reflect")
        o = 1 if n_w > 2 else -1  # a length-2 kernel accepts origin -1 or 0 only
        moved = ndi.correlate(x, w, mode="constant", origin=o)
        base = ndi.correlate(x, w, mode="constant")
        _matches(moved[o:] if o > 0 else moved[:o], base[:-o] if o > 0 else base[-o:], "delay")


def _check_ndimage_convolve(rng: np.random.Generator) -> None:
    import scipy.ndimage as ndi

    assert _default(ndi.convolve) == "reflect"
    x = _crandn(rng, 12)
    for n_w in (2, 3, 4, 5):
        w = _crandn(rng, n_w)
        full = defining_convolve(w, x)
        out0 = ndi.convolve(x, w, mode="constant")
        _matches(out0, full[n_w // 2 : n_w // 2 + 12], "window from n // 2")
        if n_w % 2 == 0:  # advanced by one sample; origin=-1 gives the 'same' window
            _matches(out0[:-1], defining_convolve(w, x, "same")[1:], "advanced")
            _matches(
                ndi.convolve(x, w, mode="constant", origin=-1),
                defining_convolve(w, x, "same"),
                "origin=-1",
            )
        else:
            _matches(out0, defining_convolve(w, x, "same"), "odd kernel")
        o = 1 if n_w > 2 else -1
        moved = ndi.convolve(x, w, mode="constant", origin=o)
        _matches(moved[:-o] if o > 0 else moved[-o:], out0[o:] if o > 0 else out0[:o], "adv")


# --------------------------------------------------------------------------- boundary modes

#: scipy.ndimage mode -> numpy.pad mode giving the same extension.
NDIMAGE_TO_NP_PAD = {
    "reflect": "symmetric",
    "mirror": "reflect",
    "nearest": "edge",
    "wrap": "wrap",
    "constant": "constant",
}
#: scipy.signal.convolve2d boundary -> numpy.pad mode.
SIGNAL_TO_NP_PAD = {"fill": "constant", "wrap": "wrap", "symm": "symmetric"}
#: PyTorch padding_mode (torch.nn.Conv2d, torch.nn.functional.pad) -> numpy.pad mode.
TORCH_TO_NP_PAD = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}


def _pad_then(
    op: Callable[[ArrayLike, ArrayLike, str], np.ndarray],
    w: np.ndarray,
    x: ArrayLike,
    pad_mode: str,
) -> np.ndarray:
    widths = [(n // 2, (n - 1) // 2) for n in w.shape]
    return op(w, np.pad(x, widths, mode=pad_mode), "valid")


def _check_ndimage_modes(rng: np.random.Generator) -> None:
    import scipy.ndimage as ndi

    x, w = _crandn(rng, 7, 9), _crandn(rng, 3, 4)
    for nd_mode, pad_mode in NDIMAGE_TO_NP_PAD.items():
        ref = _pad_then(defining_correlate, w, x, pad_mode)
        _matches(ndi.correlate(x, w, mode=nd_mode), ref, nd_mode)
        # ndimage.convolve flips about the kernel's centre: pad even axes to odd first
        wf = np.pad(w, [(0, 1 - n % 2) for n in w.shape])
        ref = _pad_then(defining_convolve, wf, x, pad_mode)
        _matches(ndi.convolve(x, wf, mode=nd_mode), ref, nd_mode)
    # the same word, a different extension
    _differs(
        ndi.correlate(x, w, mode="reflect"), _pad_then(defining_correlate, w, x, "reflect"), ""
    )
    x1 = np.arange(1.0, 7.0)
    for nd_mode, pad_mode in NDIMAGE_TO_NP_PAD.items():
        assert np.array_equal(ndimage_extension(x1, 3, nd_mode), np.pad(x1, 3, mode=pad_mode))


def _check_convolve2d_boundary(rng: np.random.Generator) -> None:
    import scipy.signal as sps

    x, k = _crandn(rng, 7, 9), _crandn(rng, 3, 3)  # odd k: 'same' centred like the pad widths
    for boundary, pad_mode in SIGNAL_TO_NP_PAD.items():
        ref = _pad_then(defining_convolve, k, x, pad_mode)
        _matches(sps.convolve2d(x, k, "same", boundary=boundary), ref, boundary)


#: PyTorch's documented examples (torch.nn.ReflectionPad1d, ReplicationPad1d, CircularPad2d):
#: (module, padding, input, documented output).
TORCH_PAD_EXAMPLES = (
    ("reflect", 2, [0.0, 1.0, 2.0, 3.0], [2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0]),
    ("reflect", (3, 1), [0.0, 1.0, 2.0, 3.0], [3.0, 2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0]),
    ("replicate", 2, [0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 3.0]),
    ("replicate", (3, 1), [0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0]),
    (
        "circular",
        2,
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
        [
            [4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0],
            [7.0, 8.0, 6.0, 7.0, 8.0, 6.0, 7.0],
            [1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0],
            [4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0],
            [7.0, 8.0, 6.0, 7.0, 8.0, 6.0, 7.0],
            [1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0],
            [4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0],
        ],
    ),
)


def _check_torch_padding_mode(rng: np.random.Generator) -> None:
    del rng  # the documented examples are fixed
    for torch_mode, padding, x, documented in TORCH_PAD_EXAMPLES:
        x = np.asarray(x)
        widths = padding if isinstance(padding, tuple) else (padding, padding)
        padded = np.pad(x, [widths] * x.ndim, mode=TORCH_TO_NP_PAD[torch_mode])
        assert np.array_equal(padded, documented), torch_mode
    # PyTorch's 'reflect' is ndimage's 'mirror', and ndimage's 'reflect' is another one
    x, doc = np.asarray(TORCH_PAD_EXAMPLES[0][2]), TORCH_PAD_EXAMPLES[0][3]
    assert np.array_equal(ndimage_extension(x, 2, "mirror"), doc)
    assert not np.array_equal(ndimage_extension(x, 2, "reflect"), doc)
    assert np.array_equal(ndimage_extension(x, 2, "nearest"), TORCH_PAD_EXAMPLES[2][3])
    assert np.array_equal(np.pad(x, 2, mode="constant"), [0, 0, 0, 1, 2, 3, 0, 0])


# --------------------------------------------------------------------------- numpy.fft


def _check_fft(rng: np.random.Generator) -> None:
    f, g = _crandn(rng, 5), _crandn(rng, 9)
    full_conv, full_corr = defining_convolve(f, g), defining_correlate(f, g)
    lags = np.arange(-4, 9)
    N = 13  # == len(f) + len(g) - 1: no wrap-around
    _matches(np.fft.ifft(np.fft.fft(f, N) * np.fft.fft(g, N)), full_conv, "linear")
    circ = np.fft.ifft(np.conj(np.fft.fft(f, N)) * np.fft.fft(g, N))
    _matches(circ[lags % N], full_corr, "lag k at index k mod N")
    N = 9  # too short: the tail wraps onto the head
    wrapped = np.zeros(N, dtype=complex)
    np.add.at(wrapped, np.arange(full_conv.size) % N, full_conv)
    circular = np.fft.ifft(np.fft.fft(f, N) * np.fft.fft(g, N))
    _matches(circular, wrapped, "wrapped")
    _differs(circular, full_conv[:N], "wrap-around")


# --------------------------------------------------------------------------- deep learning


def documented_layer(x: ArrayLike, w: ArrayLike) -> np.ndarray:
    """The one-channel, stride-1, unpadded layer documented by PyTorch and TensorFlow.

    ``out[i, j] = sum_{di, dj} x[i + di, j + dj] * w[di, dj]`` for ``0 <= i <= H - kh``,
    ``0 <= j <= W - kw``: the kernel slides unflipped and is not conjugated.

    Defined in chapter 7 (An atlas of library conventions).
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 2 or w.ndim != 2 or any(a < b for a, b in zip(x.shape, w.shape, strict=True)):
        raise ValueError(
            f"x and w must be 2-D with w no larger than x; received {x.shape} and {w.shape}"
        )
    H, W = x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1
    out = np.zeros((H, W), dtype=np.result_type(x, w))
    for i in range(H):
        for j in range(W):
            out[i, j] = np.sum(x[i : i + w.shape[0], j : j + w.shape[1]] * w)
    return out


def _check_torch_conv2d(rng: np.random.Generator) -> None:
    x, w = _crandn(rng, 7, 8), _crandn(rng, 3, 2)
    _matches(documented_layer(x, w), defining_correlate(np.conj(w), x, "valid"), "conj W ⋆ x")
    _differs(documented_layer(x, w), defining_correlate(w, x, "valid"), "W ⋆ x (complex)")
    _matches(documented_layer(x.real, w.real), defining_correlate(w.real, x.real, "valid"), "")


def _check_tf_conv2d(rng: np.random.Generator) -> None:
    x, w = rng.standard_normal((7, 8)), rng.standard_normal((3, 2))
    _matches(documented_layer(x, w), defining_correlate(w, x, "valid"), "filters ⋆ input")
    _differs(documented_layer(x, w), defining_convolve(w, x, "valid"), "not a convolution")


def _check_jax_numpy(rng: np.random.Generator) -> None:
    # jax.numpy.correlate documents c_k = sum_j a_{k+j} conj(v_j): written out, it is v ⋆ a
    a, v = _crandn(rng, 7), _crandn(rng, 3)
    ks = np.arange(-(len(v) - 1), len(a))
    documented = [
        sum(a[k + j] * np.conj(v[j]) for j in range(len(v)) if 0 <= k + j < len(a)) for k in ks
    ]
    _matches(documented, defining_correlate(v, a), "jax.numpy.correlate full")


def _check_jax_lax(rng: np.random.Generator) -> None:
    # a primitive that slides the kernel unflipped is W ⋆ x for real W, not W * x
    x, w = rng.standard_normal((6, 7)), rng.standard_normal((3, 3))
    _matches(documented_layer(x, w), defining_correlate(w, x, "valid"), "no flip")
    _differs(documented_layer(x, w), defining_convolve(w, x, "valid"), "flip")


# --------------------------------------------------------------------------- MATLAB

#: MATLAB's documented conv(u, v, 'same') example: u, v and the printed result.
MATLAB_CONV_EXAMPLE = ([-1, 2, 3, -2, 0, 1, 2], [2, 4, -1, 1], [15, 5, -9, 7, 6, 7, -1])


def _check_matlab_conv(rng: np.random.Generator) -> None:
    del rng
    u, v, documented = (np.array(a) for a in MATLAB_CONV_EXAMPLE)
    full = defining_convolve(u, v).real.round().astype(int)
    L = len(v)
    assert full[L // 2 : L // 2 + len(u)].tolist() == documented.tolist()  # from floor(L/2)
    assert np.convolve(u, v, "same").tolist() == full[(L - 1) // 2 :][: len(u)].tolist()
    assert np.convolve(u, v, "same").tolist() == [0, 15, 5, -9, 7, 6, 7]


def matlab_xcorr(x: ArrayLike, y: ArrayLike, scaleopt: str = "none") -> np.ndarray:
    """MATLAB's documented ``xcorr(x, y, scaleopt)`` for equal lengths ``N``.

    ``R_xy(m) = sum_n x[n + m] conj(y[n])`` for lags ``m = -(N - 1) .. N - 1`` (the book's
    ``(y ⋆ x)[m]``), divided by 1 (``'none'``), ``N`` (``'biased'``), ``N - |m|``
    (``'unbiased'``) or ``sqrt(R_xx(0) R_yy(0))`` (``'normalized'``). Evaluated from the
    documented sum, written out.

    Defined in chapter 7 (An atlas of library conventions).
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError(f"x and y must be 1-D of one length; received {x.shape}, {y.shape}")
    N = len(x)
    lags = np.arange(-(N - 1), N)
    raw = np.array(
        [sum(x[n + m] * np.conj(y[n]) for n in range(N) if 0 <= n + m < N) for m in lags]
    )
    scale = {
        "none": 1.0,
        "biased": N,
        "unbiased": N - np.abs(lags),
        "normalized": np.sqrt(np.vdot(x, x).real * np.vdot(y, y).real),
    }
    if scaleopt not in scale:
        raise ValueError(f"scaleopt must be one of {sorted(scale)}; received {scaleopt!r}")
    return raw / scale[scaleopt]


def _check_matlab_xcorr(rng: np.random.Generator) -> None:
    import convcorr

    N = 6
    x, y = _crandn(rng, N), _crandn(rng, N)
    lags = np.arange(-(N - 1), N)
    _matches(matlab_xcorr(x, y), defining_correlate(y, x), "R_xy = y ⋆ x")
    _matches(convcorr.correlate(y, x), defining_correlate(y, x), "convcorr.correlate(y, x)")
    c = np.full(N, 3.0)
    assert np.allclose(matlab_xcorr(c, c, "unbiased"), 9.0)  # a constant's square
    assert np.allclose(matlab_xcorr(c, c, "biased"), 9.0 * (N - np.abs(lags)) / N)  # triangle
    auto = matlab_xcorr(x, x, "normalized")
    assert np.isclose(auto[lags == 0][0], 1.0) and np.all(np.abs(auto) <= 1 + 1e-12)
    _matches(matlab_xcorr(5 * x, y, "normalized"), matlab_xcorr(x, y, "normalized"), "scale")
    # the documented example: x = 0.84.^n, y = circshift(x, 5); xcorr(x, y) peaks at lag -5
    n = np.arange(16)
    xm = 0.84**n
    ym = np.roll(xm, 5)
    assert np.arange(-15, 16)[np.argmax(matlab_xcorr(xm, ym).real)] == -5


# --------------------------------------------------------------------------- the rows


@dataclasses.dataclass(frozen=True)
class Row:
    """One routine of the atlas.

    ``call`` is the library call; ``in_book`` its translation; ``conj_flip`` which argument
    it conjugates and which it flips; ``default`` the default mode (and padding);
    ``same_keeps`` what ``'same'`` keeps (``'n/a'`` when the routine has no such mode);
    ``status`` is ``'executed'`` (the installed library was called) or ``'cited'``
    (documentation only, its formula or example executed); ``claim`` and ``against`` are
    what :func:`verify` prints once ``check(rng)`` has passed.
    """

    section: str
    call: str
    in_book: str
    conj_flip: str
    default: str
    same_keeps: str
    status: str
    claim: str
    against: str
    check: Callable[[np.random.Generator], None]


SUM = "the defining sum"

ROWS = (
    Row(
        "numpy",
        "`numpy.convolve(a, v)`",
        "$a * v$: `convolve(a, v)`",
        "no conjugate; either flips",
        "`'full'`",
        "the longer input's length",
        "executed",
        "np.convolve(a, v) = a * v in every mode",
        SUM,
        _check_numpy_convolve,
    ),
    Row(
        "numpy",
        "`numpy.correlate(a, v)`",
        "$v \\star a$: `correlate(v, a)`",
        "conjugates `v` (2nd); no flip",
        "`'valid'`",
        "the longer length; if `a` is shorter, $\\overline{(a \\star v)[-k]}$",
        "executed",
        "np.correlate(a, v) = v ⋆ a: conjugate on v",
        SUM,
        _check_numpy_correlate,
    ),
    Row(
        "scipy.signal",
        "`scipy.signal.convolve(in1, in2)`",
        "$in_2 * in_1$: `convolve(in2, in1)`",
        "no conjugate; flips `in2`",
        "`'full'`",
        "`in1`'s shape",
        "executed",
        "signal.convolve(g, f) = f * g, 1-D to 3-D",
        SUM,
        _check_scipy_convolve,
    ),
    Row(
        "scipy.signal",
        "`scipy.signal.correlate(in1, in2)`",
        "$in_2 \\star in_1$: `correlate(in2, in1)`",
        "conjugates `in2` (2nd); no flip",
        "`'full'`",
        "`in1`'s shape",
        "executed",
        "signal.correlate(g, f) = f ⋆ g, 1-D to 3-D",
        SUM,
        _check_scipy_correlate,
    ),
    Row(
        "scipy.signal",
        "`scipy.signal.fftconvolve`, `oaconvolve`",
        "as `scipy.signal.convolve`, but an impossible `'valid'` is not rejected",
        "no conjugate; flips `in2`",
        "`'full'`",
        "`in1`'s shape",
        "executed",
        "fftconvolve = f * g; impossible 'valid' passes",
        SUM,
        _check_scipy_fftconvolve,
    ),
    Row(
        "scipy.signal 2-D",
        "`scipy.signal.convolve2d(in1, in2)`",
        "$in_2 * in_1$ (zero fill)",
        "no conjugate; flips `in2`",
        "`'full'`, `boundary='fill'`",
        "`in1`'s shape",
        "executed",
        "convolve2d(g, f) = f * g in every mode",
        SUM,
        _check_scipy_convolve2d,
    ),
    Row(
        "scipy.signal 2-D",
        "`scipy.signal.correlate2d(in1, in2)`",
        "$in_2 \\star in_1$ in `'full'`; `'same'` advanced by one sample for an even `in2` "
        "axis; complex `'valid'` with the larger `in2` conjugated",
        "conjugates `in2` (2nd); no flip",
        "`'full'`, `boundary='fill'`",
        "`in1`'s shape, window from `len(in2) // 2`",
        "executed",
        "correlate2d: 'same' from n // 2; 'valid' conj",
        SUM,
        _check_scipy_correlate2d,
    ),
    Row(
        "lags",
        "`scipy.signal.correlation_lags(n1, n2, mode)`",
        "`correlation_lags(n2, n1, mode)`, except `'same'` with odd `n1`, even `n2`: "
        "every lag one too large",
        "n/a",
        "`'full'`",
        "n/a",
        "executed",
        "scipy's 'same' lags +1 iff n1 odd, n2 even",
        "420 planted templates",
        _check_correlation_lags,
    ),
    Row(
        "ndimage",
        "`scipy.ndimage.correlate(input, weights)`",
        "$w \\star x$: `'valid'` of the input padded by `mode` (`n // 2` before, "
        "`(n - 1) // 2` after); `origin=+1` delays",
        "conjugates `weights`; no flip",
        "`mode='reflect'` (not zeros)",
        "`input`'s shape",
        "executed",
        "ndimage.correlate(x, w) = w ⋆ x of the padded x",
        SUM,
        _check_ndimage_correlate,
    ),
    Row(
        "ndimage",
        "`scipy.ndimage.convolve(input, weights)`",
        "$w * x$ of the padded input; for an even `len(w)` advanced by one sample against "
        "`convolve(w, x, 'same')`; `origin=+1` advances",
        "no conjugate; flips `weights`",
        "`mode='reflect'` (not zeros)",
        "`input`'s shape",
        "executed",
        "ndimage.convolve: even kernels advanced by one",
        SUM,
        _check_ndimage_convolve,
    ),
    Row(
        "boundary",
        "`scipy.ndimage` boundary `mode=`",
        "`'reflect'`, `'mirror'`, `'nearest'`, `'wrap'`, `'constant'` = `np.pad` "
        "`'symmetric'`, `'reflect'`, `'edge'`, `'wrap'`, `'constant'`",
        "n/a",
        "`'reflect'`",
        "n/a",
        "executed",
        "ndimage modes = np.pad ('reflect' = 'symmetric')",
        "sums over np.pad",
        _check_ndimage_modes,
    ),
    Row(
        "boundary",
        "`scipy.signal.convolve2d(..., boundary=)`",
        "`'fill'`, `'wrap'`, `'symm'` = `np.pad` `'constant'`, `'wrap'`, `'symmetric'`",
        "n/a",
        "`'fill'` (zeros)",
        "n/a",
        "executed",
        "convolve2d boundary= modes = np.pad modes",
        "sums over np.pad",
        _check_convolve2d_boundary,
    ),
    Row(
        "boundary",
        "`torch.nn.Conv2d(padding_mode=)`",
        "`'zeros'`, `'reflect'`, `'replicate'`, `'circular'` = `np.pad` `'constant'`, "
        "`'reflect'`, `'edge'`, `'wrap'`; so PyTorch's `'reflect'` is ndimage's `'mirror'`",
        "n/a",
        "`'zeros'`",
        "n/a",
        "cited",
        "np.pad gives PyTorch's padding examples",
        "PyTorch's printed outputs",
        _check_torch_padding_mode,
    ),
    Row(
        "fft",
        "`numpy.fft`: `ifft(fft(f, N) * fft(g, N))`",
        "$f * g$ wrapped modulo $N$; linear iff $N \\ge$ `len(f) + len(g) - 1`",
        "conjugate `fft(f)` for $f \\star g$",
        "n/a",
        "n/a",
        "executed",
        "DFT products = f * g and f ⋆ g, wrapped modulo N",
        "wrapped sums",
        _check_fft,
    ),
    Row(
        "deep learning",
        "`torch.nn.Conv2d` (weight $W$)",
        "$\\overline{W} \\star x$, `'valid'` ($= W \\star x$ for real $W$)",
        "no conjugate; no flip",
        "`padding=0` (`'valid'`)",
        "`padding='same'`: input size",
        "cited",
        "PyTorch's documented sum = conj(W) ⋆ x, 'valid'",
        SUM,
        _check_torch_conv2d,
    ),
    Row(
        "deep learning",
        "`tf.nn.conv2d(input, filters)`",
        "$\\mathrm{filters} \\star \\mathrm{input}$ (real dtypes)",
        "no conjugate (real); no flip",
        "`padding` required",
        "`'SAME'`: input size",
        "cited",
        "TensorFlow's documented sum = filters ⋆ input",
        SUM,
        _check_tf_conv2d,
    ),
    Row(
        "deep learning",
        "`jax.numpy` / `jax.scipy.signal`",
        "as NumPy / SciPy above",
        "as NumPy / SciPy",
        "as NumPy / SciPy",
        "as NumPy / SciPy",
        "cited",
        "jax.numpy.correlate's documented sum = v ⋆ a",
        SUM,
        _check_jax_numpy,
    ),
    Row(
        "deep learning",
        "`jax.lax.conv_general_dilated(lhs, rhs)`",
        "$\\mathrm{rhs} \\star \\mathrm{lhs}$ (real): the kernel is not reversed",
        "no flip (JAX's `conv_transpose` note); conjugate not stated",
        "`padding` required",
        "`'SAME'`: input size",
        "cited",
        "an unflipped sliding sum = rhs ⋆ lhs",
        SUM,
        _check_jax_lax,
    ),
    Row(
        "matlab",
        "MATLAB `conv(u, v, 'same')`",
        "$u * v$; for an even `length(v)` the window starts at $\\lfloor L/2 \\rfloor$, one "
        "later than NumPy / SciPy",
        "no conjugate; either flips",
        "`'full'`",
        "`u`'s size",
        "cited",
        "MATLAB conv 'same' window from floor(L/2)",
        "its documented example",
        _check_matlab_conv,
    ),
    Row(
        "matlab",
        "MATLAB `xcorr(x, y, scaleopt)`",
        "$(y \\star x)[m]$ over all lags, divided by 1, $N$, $N - |m|$ or "
        "$\\sqrt{R_{xx}(0) R_{yy}(0)}$",
        "conjugates `y` (2nd); no flip",
        "all lags, no scaling",
        "n/a",
        "cited",
        "MATLAB xcorr(x, y) = y ⋆ x, scalings, lag -5",
        SUM,
        _check_matlab_xcorr,
    ),
)

SECTIONS = tuple(dict.fromkeys(r.section for r in ROWS))

HEADER = ("call", "in book notation", "conjugates · flips", "default; `'same'` keeps")


def rows(section: str | None = None, status: str | None = None) -> list[Row]:
    """The rows of one section and/or status (``'executed'`` or ``'cited'``), in atlas order."""
    if section is not None and section not in SECTIONS:
        raise ValueError(f"section must be one of {SECTIONS}; received {section!r}")
    if status not in (None, "executed", "cited"):
        raise ValueError(f"status must be 'executed', 'cited' or None; received {status!r}")
    return [
        r
        for r in ROWS
        if (section is None or r.section == section) and (status is None or r.status == status)
    ]


def verify(section: str, rng: np.random.Generator) -> None:
    """Run the checks of every row of ``section`` and print one ``✓`` line per row.

    Each line (``convcorr.book.checked``) is printed only after that row's assertions have
    passed; a failing row raises ``AssertionError``. Returns nothing, so that a notebook cell
    ending in this call shows only the printed lines.
    """
    from .book import checked

    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; received {type(rng).__name__}")
    for r in rows(section):
        r.check(rng)
        checked(r.claim, r.against)


def table(status: str) -> tuple[tuple[str, str, str, str], list[tuple[str, str, str, str]]]:
    """``(HEADER, cells)`` of the rows with ``status``, ready for ``convcorr.book.html_table``."""
    cells = [
        (
            r.call,
            r.in_book,
            r.conj_flip,
            r.default if r.same_keeps == "n/a" else f"{r.default}; {r.same_keeps}",
        )
        for r in rows(status=status)
    ]
    return HEADER, cells
