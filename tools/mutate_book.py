"""Mutation harness for the book: does a deliberately wrong ``convcorr`` fail a chapter?

Each *mutant* replaces one public function of :mod:`convcorr` by a plausible wrong
version (a correlate without the conjugate, a 'same' window one sample off, a norm
squared, ...). The harness executes chapters against the mutant and reports which
chapters fail and where; a mutant that no chapter catches is a *survivor*: the book
would not notice that bug.

How the mutant reaches the chapter: for every run the harness writes a temporary
``IPYTHONDIR`` whose ``profile_default/startup/00-mutant.py`` imports this file and
calls :func:`install`. IPython runs startup files before the first cell, so the
replacement is in place before the chapter's ``import convcorr`` or ``from convcorr
import correlate``: :func:`install` imports the package and its submodules and swaps
the original object everywhere it is held (every module attribute in ``sys.modules``,
and the one registry of algorithms, ``convcorr.methods.ALGORITHMS``, through which
every method is dispatched). The kernel is the one ``jupyter nbconvert --execute``
starts, with ``PYTHONHASHSEED=0``.

Usage (from the repository root, one kernel at a time)::

    .venv/bin/python tools/mutate_book.py --list
    .venv/bin/python tools/mutate_book.py --mutants none --report /tmp/none.md
    .venv/bin/python tools/mutate_book.py --mutants correlate_noconj,same_corr \\
        --chapters 01,04 --report /tmp/mutants.md
    .venv/bin/python tools/mutate_book.py --report /tmp/all.md   # every mutant
    .venv/bin/python tools/mutate_book.py --jobs 2 --write-map tools/mutant_map.json
    .venv/bin/python tools/mutate_book.py --ci tools/mutant_map.json --jobs 2

``--chapters`` takes chapter number prefixes or file names; ``--mutants`` names from
``--list``. By default a chapter whose code never names what a mutant touches (see
``Mutant.uses``) is skipped and reported as ``-``; ``--all-chapters`` runs it anyway.
``--lazy 02,03`` runs those (slow) chapters last and only while no other chapter has
caught the mutant. ``--resume old.json`` reuses the results saved next to an earlier
report (``--report x.md`` also writes ``x.json``). ``--first-catch`` stops a mutant at
its first failing chapter (quicker, less information). ``--jobs 2`` runs two kernels
at a time.

The map and the CI run: ``--write-map FILE`` saves, after a run of every mutant on
every chapter it reaches, which chapters catch each mutant (and how long each run
took). ``--ci FILE`` then runs each mutant on the chapters that caught it, fastest
first and only until one does (every chapter it reaches when the map does not know
it yet), then every chapter that caught one without a mutant; it exits with status
1 when a mutant survives or a catching chapter fails un-mutated. Regenerate the map
when chapters change what they check.

Run ``--mutants none`` first: every chapter must pass un-mutated, or a failure under a
mutant proves nothing. The report is a Markdown table, one row per mutant and one
column per chapter (``FAIL cN``/``pass``/``-``), then the first failing cell, line and
error of every failure, the survivors and the time of every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
JUPYTER = ROOT / ".venv" / "bin" / "jupyter"
SUBMODULES = (
    "convcorr.discrete",
    "convcorr.plan",
    "convcorr.methods",
    "convcorr.guards",
    "convcorr.costmodel",
    "convcorr.calibration",
    "convcorr.exact",
    "convcorr.similarity",
    "convcorr.nn",
    "convcorr.nn.functional",
    "convcorr.nn.layers",
)


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One wrong version of the library.

    ``apply`` performs the replacement (through :func:`replace`); ``uses`` are
    regular expressions, one of which a chapter's code must match for the mutant
    to be able to reach it; ``needs`` are extra modules to import first.
    """

    name: str
    description: str
    apply: Callable[[], None]
    uses: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


MUTANTS: dict[str, Mutant] = {}


def mutant(name, description, uses=(), needs=()):
    """Register the decorated function as the mutant ``name``."""

    def register(fn):
        MUTANTS[name] = Mutant(name, description, fn, tuple(uses), tuple(needs))
        return fn

    return register


def replace(dotted, make):
    """Replace the object at ``dotted`` by ``make(original)`` wherever it is held.

    Every module in ``sys.modules`` whose attribute *is* the original gets the
    replacement, so ``from convcorr import correlate`` (done before or after) sees
    the mutant; so does the one registry of algorithms, ``convcorr.methods.ALGORITHMS``,
    which every ``method=`` goes through.
    """
    module_name, attr = dotted.rsplit(".", 1)
    original = getattr(importlib.import_module(module_name), attr)
    new = make(original)
    count = 0
    for module in list(sys.modules.values()):
        names = getattr(module, "__dict__", None)
        if not isinstance(names, dict):
            continue
        for key, value in list(names.items()):
            if value is original:
                names[key] = new
                count += 1
    registry = importlib.import_module("convcorr.methods").ALGORITHMS
    for key, value in list(registry.items()):
        if value is original:
            registry[key] = new
            count += 1
    if count == 0:
        raise RuntimeError(f"mutant found no reference to {dotted}")
    return new


def install(name):
    """Import convcorr and apply the mutant ``name`` (called by the startup file)."""
    m = MUTANTS[name]
    for module in (*SUBMODULES, *m.needs):
        importlib.import_module(module)
    m.apply()


# --------------------------------------------------------------------------- mutants
# Each mutant keeps the signature of the function it replaces (functools.wraps) and
# calls the original for everything it does not get wrong, so that validation and
# dtypes stay as they were.


def _np():
    import numpy

    return numpy


def _shifted_same(original):
    """A convolve/correlate whose 'same' window starts one sample late (early if it must)."""
    np = _np()

    @functools.wraps(original)
    def wrong(f, g, mode="full", method="auto"):
        if mode != "same":
            return original(f, g, mode, method)
        right = original(f, g, mode, method)  # validates, and fixes the output shape
        full = original(f, g, "full", method)
        keep = []
        for n_full, n in zip(full.shape, right.shape, strict=True):
            start = (n_full - n) // 2
            start = start + 1 if start + 1 + n <= n_full else max(start - 1, 0)
            keep.append(slice(start, start + n))
        return np.ascontiguousarray(full[tuple(keep)])

    return wrong


@mutant("none", "the un-mutated library (every chapter must pass)")
def _none():
    pass


@mutant(
    "correlate_noconj",
    "convcorr.correlate without the conjugate: sum f[m] g[m+k] (wrong for complex f)",
    uses=(r"correlate", r"similarity", r"estimate_delay", r"match_template", r"gcc"),
)
def _correlate_noconj():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full", method="auto"):
            f = np.asarray(f)
            return original(np.conj(f) if f.dtype.kind == "c" else f, g, mode, method)

        return wrong

    replace("convcorr.discrete.correlate", make)


@mutant(
    "same_corr",
    "convcorr.correlate 'same' window shifted by one sample (even and odd kernels)",
    uses=(r"correlate", r"similarity", r"match_template"),
)
def _same_corr():
    replace("convcorr.discrete.correlate", _shifted_same)


@mutant(
    "same_conv",
    "convcorr.convolve 'same' window shifted by one sample (even and odd kernels)",
    uses=(r"convolve",),
)
def _same_conv():
    replace("convcorr.discrete.convolve", _shifted_same)


@mutant(
    "ncc_norm_f2",
    "similarity.normalized_correlate divides by ||f||^2 instead of ||f|| ||g||",
    uses=(r"normalized_correlate", r"similarity"),
)
def _ncc_norm_f2():
    np = _np()
    from convcorr import correlate

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full", method="auto"):
            right = original(f, g, mode, method)  # validation and output dtype
            f = np.asarray(f)
            energy = float(np.vdot(f, f).real)
            return (correlate(f, g, mode, method) / energy).astype(right.dtype)

        return wrong

    replace("convcorr.similarity.normalized_correlate", make)


@mutant(
    "lags_plus1",
    "convcorr.correlation_lags one lag off (every lag + 1)",
    uses=(r"correlation_lags", r"estimate_delay", r"gcc", r"similarity"),
)
def _lags_plus1():
    def make(original):
        @functools.wraps(original)
        def wrong(f_len, g_len, mode="full"):
            return original(f_len, g_len, mode) + 1

        return wrong

    replace("convcorr.discrete.correlation_lags", make)


@mutant(
    "convolve_noflip",
    "convcorr.convolve of real input computed without the flip (secretly a correlation)",
    uses=(r"convolve",),
)
def _convolve_noflip():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full", method="auto"):
            f = np.asarray(f)
            if f.dtype.kind == "c" or np.iscomplexobj(g) or f.ndim == 0:
                return original(f, g, mode, method)
            return original(f[(slice(None, None, -1),) * f.ndim], g, mode, method)

        return wrong

    replace("convcorr.discrete.convolve", make)


@mutant(
    "conv2d_norotate",
    "convcorr.nn conv2d kind='convolution' computed as a correlation (kernel not rotated)",
    uses=(r"\bnn\b", r"conv2d", r"Conv2D"),
)
def _conv2d_norotate():
    def make(original):
        @functools.wraps(original)
        def wrong(x, w, b, kind, stride, padding):
            return original(x, w, b, "correlation", stride, padding)

        return wrong

    replace("convcorr.nn.functional.forward_unchecked", make)


def _plain_sliding_builder(name):
    """Replace the symbolic builder `name` by one that builds ∫ f(τ) g(t + τ) dτ under its label."""
    import sympy as sp

    from convcorr.symbolic import builders, labels
    from convcorr.symbolic._common import check_expr, probe

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, t, var=None):
            probed = [probe(f, "f"), probe(g, "g")]
            t = check_expr(t, "t")
            v = builders.integration_variable(var, probed[0][1], probed[1][1], t)
            expr = sp.Integral(f(v) * g(t + v), (v, -sp.oo, sp.oo))
            ops = [labels.operand_label(fn, x, val) for fn, (x, val) in zip((f, g), probed)]
            return labels.register(expr, name, ops, t)

        return wrong

    replace(f"convcorr.symbolic.builders.{name}", make)


@mutant(
    "symbolic_corr_noconj",
    "convcorr.symbolic.correlation builds the integral of f(tau) g(t+tau) (no conjugate)",
    uses=(r"symbolic",),
    needs=("convcorr.symbolic",),
)
def _symbolic_corr_noconj():
    _plain_sliding_builder("correlation")


def _noisy(original):
    """A method runner whose result carries a relative error of about 1e-6."""
    np = _np()

    @functools.wraps(original)
    def wrong(*args, **kwargs):
        y = original(*args, **kwargs)
        if y.size == 0 or y.dtype.kind not in "fc":
            return y
        rng = np.random.default_rng(12345)
        scale = 1e-6 * float(np.sqrt(np.vdot(y, y).real / y.size))
        noise = rng.standard_normal(y.shape)
        if y.dtype.kind == "c":
            noise = noise + 1j * rng.standard_normal(y.shape)
        return (y + scale * noise).astype(y.dtype, copy=False)

    return wrong


@mutant(
    "fft_noise",
    "FFT and overlap-add results with relative error 1e-6 (methods.fft, methods.oa, "
    "oa_convolve_full)",
    uses=(r"convolve", r"correlate", r"methods", r"method="),
)
def _fft_noise():
    for name in ("fft", "oa", "oa_convolve_full"):
        replace(f"convcorr.methods.{name}", _noisy)


@mutant(
    "exact_corr_noconj",
    "convcorr.exact.correlate without the conjugate",
    uses=(r"exact",),
)
def _exact_corr_noconj():
    np = _np()
    from convcorr import exact

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full"):
            f = exact.as_exact(f, "f")
            conj = np.empty(f.shape, dtype=object)
            for idx in np.ndindex(f.shape):
                conj[idx] = exact._conj(f[idx])  # conj(conj(f)) = f: the conjugate cancels
            return original(conj, g, mode)

        return wrong

    replace("convcorr.exact.correlate", make)


@mutant(
    "reverse_conj_noconj",
    "convcorr.reverse_conj reverses without conjugating",
    uses=(r"reverse_conj",),
)
def _reverse_conj_noconj():
    def make(original):
        @functools.wraps(original)
        def wrong(f):
            return original(f).conj()  # conj(conj(f[-m])) = f[-m]

        return wrong

    replace("convcorr.discrete.reverse_conj", make)


@mutant(
    "match_template_nomean",
    "similarity.match_template without removing the means (plain normalized correlation)",
    uses=(r"match_template",),
)
def _match_template_nomean():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(template, image):
            right = original(template, image)  # validation and output dtype
            t = np.asarray(template, dtype=complex)
            windows = np.lib.stride_tricks.sliding_window_view(np.asarray(image), t.shape)
            axes = tuple(range(-t.ndim, 0))
            num = np.tensordot(windows, np.conj(t), axes=(axes, tuple(range(t.ndim))))
            energy = np.sum(np.abs(windows) ** 2, axis=axes)
            score = num / np.sqrt(np.maximum(energy, 1e-300) * np.vdot(t, t).real)
            return (score if right.dtype.kind == "c" else score.real).astype(right.dtype)

        return wrong

    replace("convcorr.similarity.match_template", make)


@mutant(
    "estimate_delay_sign",
    "similarity.estimate_delay returns the delay with the wrong sign",
    uses=(r"estimate_delay",),
)
def _estimate_delay_sign():
    def make(original):
        @functools.wraps(original)
        def wrong(reference, received, weighting="none", method="auto"):
            return -original(reference, received, weighting, method)

        return wrong

    replace("convcorr.similarity.estimate_delay", make)


@mutant(
    "symbolic_conv_plus",
    "convcorr.symbolic.convolution builds the integral of f(tau) g(t+tau) (no reversal)",
    uses=(r"symbolic",),
    needs=("convcorr.symbolic",),
)
def _symbolic_conv_plus():
    _plain_sliding_builder("convolution")


# ---- chapters 10 and 11 ------------------------------------------------------------


@mutant(
    "np_correlate_noconj",
    "numpy.correlate without its conjugate: a bug shared by convcorr's 1-D direct path "
    "and scipy.signal.correlate(method='direct'), which both call it",
    uses=(r"correlate", r"similarity"),
)
def _np_correlate_noconj():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(a, v, mode="valid"):
            v = np.asarray(v)
            return original(a, np.conj(v) if v.dtype.kind == "c" else v, mode)

        return wrong

    replace("numpy.correlate", make)


def _gcc_by_dft(np, reference, received, weighting, cross_of, weight_of):
    """The GCC of similarity.gcc, with the cross-spectrum and weight as given."""
    import scipy.fft as sfft

    r, x = np.asarray(reference), np.asarray(received)
    n = sfft.next_fast_len(r.size + x.size - 1)
    cross = cross_of(sfft.fft(r, n), sfft.fft(x, n))
    if weighting == "phat":
        mag = np.abs(cross)
        keep = mag > n * np.finfo(float).eps * mag.max()
        cross = np.divide(cross, weight_of(mag), out=np.zeros_like(cross), where=keep)
    c = np.fft.ifft(cross)
    return np.concatenate([c[n - (r.size - 1) :], c[: x.size]])


def _gcc_mutant(cross_of, weight_of):
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(reference, received, weighting="phat"):
            right = original(reference, received, weighting)  # validation, dtype
            c = _gcc_by_dft(np, reference, received, weighting, cross_of, weight_of)
            return (c if right.dtype.kind == "c" else c.real).astype(right.dtype)

        return wrong

    replace("convcorr.similarity.gcc", make)


@mutant(
    "gcc_conj_received",
    "similarity.gcc conjugates the received spectrum instead of the reference's: "
    "R conj(X), the correlation with its lags reversed",
    uses=(r"gcc", r"estimate_delay", r"similarity"),
)
def _gcc_conj_received():
    _np_ = _np()
    _gcc_mutant(lambda r, x: r * _np_.conj(x), lambda mag: mag)


@mutant(
    "gcc_phat_sqrt",
    "similarity.gcc whitens by sqrt|conj(R) X| under PHAT (half whitening)",
    uses=(r"gcc", r"estimate_delay", r"similarity"),
)
def _gcc_phat_sqrt():
    np = _np()
    _gcc_mutant(lambda r, x: np.conj(r) * x, np.sqrt)


@mutant(
    "conv2d_backward_dx_rotated",
    "convcorr.nn.conv2d_backward computes the input gradient with the kernel rotated "
    "(for a correlation layer: a full correlation with W instead of a convolution)",
    uses=(r"\bnn\b", r"conv2d", r"Conv2D"),
)
def _conv2d_backward_dx_rotated():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(dout, cache, need_dx=True):
            dx, dw, db = original(dout, cache, need_dx)
            if not need_dx:
                return dx, dw, db
            o, c, kh, kw = cache.w_shape
            w = cache.wmat.reshape(o, kh, kw, c)[:, ::-1, ::-1, :]
            rotated = cache._replace(wmat=np.ascontiguousarray(w).reshape(o, -1))
            return original(dout, rotated, True)[0], dw, db

        return wrong

    replace("convcorr.nn.functional.conv2d_backward", make)


@mutant(
    "conv2d_backward_complex_half",
    "convcorr.nn.conv2d_backward returns dL/dconj(z) for complex arrays, half of "
    "dL/dRe z + i dL/dIm z (PyTorch's sentence 'the gradient computed is dL/dz*', "
    "read literally)",
    uses=(r"\bnn\b", r"conv2d", r"Conv2D"),
)
def _conv2d_backward_complex_half():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(dout, cache, need_dx=True):
            dx, dw, db = original(dout, cache, need_dx)
            if not np.iscomplexobj(dw):
                return dx, dw, db
            return (None if dx is None else dx / 2), dw / 2, db / 2

        return wrong

    replace("convcorr.nn.functional.conv2d_backward", make)


@mutant(
    "conv2d_corr_rotated",
    "convcorr.nn conv2d kind='correlation' rotates its kernel (the layer secretly convolves)",
    uses=(r"\bnn\b", r"conv2d", r"Conv2D"),
)
def _conv2d_corr_rotated():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(x, w, b, kind, stride, padding):
            if kind == "correlation":
                w = np.ascontiguousarray(w[..., ::-1, ::-1])
            return original(x, w, b, kind, stride, padding)

        return wrong

    replace("convcorr.nn.functional.forward_unchecked", make)


# --- chapters 5, 6 and 7: the matrix view, the atlas and its references -------------


@mutant(
    "convolution_matrix_unflipped",
    "matrices.convolution_matrix with the kernel reversed, T[n, j] = f[M-1-(n-j)] "
    "(a correlation matrix for real f)",
    uses=(r"convolution_matrix", r"correlation_matrix"),
    needs=("convcorr.matrices",),
)
def _convolution_matrix_unflipped():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, shape, mode="full"):
            f = np.asarray(f)
            return original(f[(slice(None, None, -1),) * f.ndim], shape, mode)

        return wrong

    replace("convcorr.matrices.convolution_matrix", make)


@mutant(
    "correlation_matrix_noconj",
    "matrices.correlation_matrix without the conjugate (wrong for complex f)",
    uses=(r"correlation_matrix",),
    needs=("convcorr.matrices",),
)
def _correlation_matrix_noconj():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, shape, mode="full"):
            return original(np.conj(np.asarray(f)), shape, mode)  # conj(conj(f)) = f

        return wrong

    replace("convcorr.matrices.correlation_matrix", make)


@mutant(
    "numpy_correlate_conj_both",
    "numpy.correlate conjugating both arguments (a NumPy bug convcorr's own direct path "
    "shares: the atlas must catch it against the defining sums)",
    uses=(r"correlate",),
)
def _numpy_correlate_conj_both():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(a, v, mode="valid"):
            return original(np.conj(a), v, mode)

        return wrong

    replace("numpy.correlate", make)


@mutant(
    "numpy_convolve_doubled",
    "numpy.convolve returning twice the convolution",
    uses=(r"convolve",),
)
def _numpy_convolve_doubled():
    def make(original):
        @functools.wraps(original)
        def wrong(a, v, mode="full"):
            return 2 * original(a, v, mode)

        return wrong

    replace("numpy.convolve", make)


@mutant(
    "atlas_sum_noconj",
    "atlas.defining_correlate without the conjugate: a wrong reference for the atlas",
    uses=(r"atlas",),
    needs=("convcorr.atlas",),
)
def _atlas_sum_noconj():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full"):
            return original(np.conj(np.asarray(f)), g, mode)

        return wrong

    replace("convcorr.atlas.defining_correlate", make)


@mutant(
    "torch_reflect_is_symmetric",
    "atlas maps PyTorch's padding_mode='reflect' to np.pad 'symmetric' (ndimage's "
    "'reflect', the reflect trap)",
    uses=(r"atlas",),
    needs=("convcorr.atlas",),
)
def _torch_reflect_is_symmetric():
    def make(original):
        return {**original, "reflect": "symmetric"}

    replace("convcorr.atlas.TORCH_TO_NP_PAD", make)


# ---------------------------------------------- chapters 12, 13 and 14: twins, layers, sheet
# Wrong versions of what chapters 12 (flip twins), 13 (deep-learning conventions) and 14
# (the cheat sheet) assert; each description names the claim its chapter checks.


@mutant(
    "he_init_lecun",
    "nn.Conv2D draws its kernels with variance 1/fan-in (LeCun's), not He's 2/fan-in",
    uses=(r"Conv2D", r"digits_cnn"),
)
def _he_init_lecun():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(rng, shape, fan_in, dtype):
            return (original(rng, shape, fan_in, np.float64) / np.sqrt(2.0)).astype(dtype)

        return wrong

    replace("convcorr.nn.layers._he", make)


@mutant(
    "output_size_ceil",
    "nn.conv_output_size rounds up: ceil((n + 2P - d(k-1) - 1) / s) + 1",
    uses=(r"conv_output_size",),
    needs=("convcorr.nn.arithmetic",),
)
def _output_size_ceil():
    def make(original):
        @functools.wraps(original)
        def wrong(n, k, *, stride=1, padding=0, dilation=1):
            original(n, k, stride=stride, padding=padding, dilation=dilation)  # validation
            pads = padding if isinstance(padding, (tuple, list)) else (padding, padding)
            span = dilation * (k - 1) + 1
            return -(-(n + sum(pads) - span) // stride) + 1

        return wrong

    replace("convcorr.nn.arithmetic.conv_output_size", make)


@mutant(
    "same_padding_lower",
    "nn.same_padding puts the odd zero first ('SAME_LOWER' where 'SAME' was asked)",
    uses=(r"same_padding",),
    needs=("convcorr.nn.arithmetic",),
)
def _same_padding_lower():
    def make(original):
        @functools.wraps(original)
        def wrong(n, k, *, stride=1, dilation=1, lower=False):
            return original(n, k, stride=stride, dilation=dilation, lower=not lower)

        return wrong

    replace("convcorr.nn.arithmetic.same_padding", make)


@mutant(
    "receptive_field_nojump",
    "nn.receptive_field adds d(k-1) per layer, ignoring the jump of earlier strides",
    uses=(r"receptive_field",),
    needs=("convcorr.nn.arithmetic",),
)
def _receptive_field_nojump():
    def make(original):
        @functools.wraps(original)
        def wrong(layers):
            layers = list(layers)
            _, jump = original(layers)  # validation, and the right jump
            return 1 + sum(d * (k - 1) for k, _, d in layers), jump

        return wrong

    replace("convcorr.nn.arithmetic.receptive_field", make)


@mutant(
    "conv_transpose_noflip",
    "nn.conv_transpose2d without the kernel flip (jax.lax.conv_transpose's default)",
    uses=(r"conv_transpose2d",),
    needs=("convcorr.nn.transposed",),
)
def _conv_transpose_noflip():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(y, w, b=None, **kwargs):
            return original(y, np.asarray(w)[..., ::-1, ::-1], b, **kwargs)

        return wrong

    replace("convcorr.nn.transposed.conv_transpose2d", make)


@mutant(
    "output_padding_first",
    "nn.conv_transpose2d adds the output_padding rows and columns first, not last",
    uses=(r"conv_transpose2d",),
    needs=("convcorr.nn.transposed",),
)
def _output_padding_first():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(y, w, b=None, *, output_padding=0, **kwargs):
            z = original(y, w, b, output_padding=output_padding, **kwargs)
            pads = output_padding
            if not isinstance(pads, (tuple, list)):
                pads = (pads, pads)
            return np.ascontiguousarray(np.roll(z, tuple(pads), axis=(-2, -1)))

        return wrong

    replace("convcorr.nn.transposed.conv_transpose2d", make)


@mutant(
    "maxpool_stride1",
    "nn.MaxPool2D slides its window by 1 whatever the stride (no subsampling)",
    uses=(r"MaxPool2D", r"digits_cnn"),
)
def _maxpool_stride1():
    def make(original):
        class Wrong(original):
            def __init__(self, size=2, stride=None):
                super().__init__(size, 1)

        Wrong.__name__ = Wrong.__qualname__ = original.__name__
        return Wrong

    replace("convcorr.nn.layers.MaxPool2D", make)


@mutant(
    "numpy_correlate_conj_both",
    "numpy.correlate conjugates both arguments (convcorr's 1-D path calls it too)",
    uses=(r"np\.correlate",),
)
def _numpy_correlate_conj_both():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(a, v, mode="valid"):
            return original(np.conj(a), v, mode)

        return wrong

    replace("numpy.correlate", make)


# --------------------------------------------------------------------------- chapter 8
# convcorr.circular: the circular operations, the circulant and the aliasing fold that
# chapter 8's theorems (convolution, correlation, dual; Hann windowing) are checked with.

_CIRCULAR = ("convcorr.circular",)


@mutant(
    "circular_convolve_nowrap",
    "convcorr.circular.circular_convolve keeps the first N samples of the linear "
    "convolution (forgets the wrap-around)",
    uses=(r"circular_convolve",),
    needs=_CIRCULAR,
)
def _circular_convolve_nowrap():
    np = _np()
    from convcorr import convolve

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, method="auto"):
            right = original(f, g, method)  # validation, shape and dtype
            full = convolve(np.asarray(f), np.asarray(g), "full", method)
            return full[tuple(slice(0, n) for n in right.shape)].astype(right.dtype)

        return wrong

    replace("convcorr.circular.circular_convolve", make)


@mutant(
    "circular_convolve_noflip",
    "convcorr.circular.circular_convolve slides f without reversing it: sum f[m] g[(n + m) mod N]",
    uses=(r"circular_convolve",),
    needs=_CIRCULAR,
)
def _circular_convolve_noflip():
    np = _np()
    from convcorr import circular

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, method="auto"):
            f = np.asarray(f)
            conj = np.conj(f) if f.dtype.kind == "c" else f
            return circular.circular_correlate(conj, g, method)  # conj(conj f) = f

        return wrong

    replace("convcorr.circular.circular_convolve", make)


@mutant(
    "circular_correlate_noconj",
    "convcorr.circular.circular_correlate without the conjugate",
    uses=(r"circular_correlate",),
    needs=_CIRCULAR,
)
def _circular_correlate_noconj():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, method="auto"):
            f = np.asarray(f)
            return original(np.conj(f) if f.dtype.kind == "c" else f, g, method)

        return wrong

    replace("convcorr.circular.circular_correlate", make)


@mutant(
    "circulant_rows",
    "convcorr.circular.circulant with f as its first row (the transpose): "
    "C[n, m] = f[(m - n) mod N]",
    uses=(r"circulant\(",),
    needs=_CIRCULAR,
)
def _circulant_rows():
    def make(original):
        @functools.wraps(original)
        def wrong(f):
            return original(f).T.copy()

        return wrong

    replace("convcorr.circular.circulant", make)


@mutant(
    "alias_nofold",
    "convcorr.circular.alias keeps the first period and drops the samples that should wrap around",
    uses=(r"alias\(", r"circular_convolve", r"circular_correlate"),
    needs=_CIRCULAR,
)
def _alias_nofold():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(y, shape):
            right = original(y, shape)  # validation, shape and dtype
            y = np.asarray(y)
            out = np.zeros_like(right)
            keep = tuple(slice(0, min(a, b)) for a, b in zip(y.shape, right.shape))
            out[keep] = y[keep]
            return out

        return wrong

    replace("convcorr.circular.alias", make)


# --- chapters 1 and 2 -------------------------------------------------------------------


@mutant(
    "exact_corr_conj_second",
    "convcorr.exact.correlate conjugates its second argument (NumPy's convention): "
    "sum f[m] conj(g[m+k])",
    uses=(r"exact",),
)
def _exact_corr_conj_second():
    np = _np()
    import sympy

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full"):
            right = original(f, g, mode)  # conj of sum conj(f) g is sum f conj(g)
            out = np.empty(right.shape, dtype=object)
            for idx in np.ndindex(right.shape):
                x = right[idx]
                out[idx] = sympy.conjugate(x) if isinstance(x, sympy.Expr) else x
            return out

        return wrong

    replace("convcorr.exact.correlate", make)


def _wrap_symbolic_operand(name, transform):
    """Replace the symbolic builder `name` by one that first transforms its first operand."""

    def make(original):
        @functools.wraps(original)
        def wrong(f, g, t, var=None):
            return original(transform(f), g, t, var)

        return wrong

    replace(f"convcorr.symbolic.builders.{name}", make)


@mutant(
    "symbolic_corr_reversed",
    "convcorr.symbolic.correlation builds the integral of conj(f(tau)) g(t - tau) "
    "(slides like a convolution)",
    uses=(r"symbolic",),
    needs=("convcorr.symbolic",),
)
def _symbolic_corr_reversed():
    _wrap_symbolic_operand("correlation", lambda f: lambda x: f(-x))


@mutant(
    "symbolic_conv_causal",
    "convcorr.symbolic.convolution integrates over tau >= 0 only (f cut to its causal part)",
    uses=(r"symbolic",),
    needs=("convcorr.symbolic",),
)
def _symbolic_conv_causal():
    import sympy

    _wrap_symbolic_operand("convolution", lambda f: lambda x: f(x) * sympy.Heaviside(x))


@mutant(
    "rules_first_shift_sign",
    "convcorr.symbolic_rules.operand_rules claims T_a f ⋆ g = T_a (f ⋆ g) "
    "(the shift of the first argument of ⋆ with the sign of *)",
    uses=(r"operand_rules",),
    needs=("convcorr.symbolic_rules",),
)
def _rules_first_shift_sign():
    def make(original):
        @functools.wraps(original)
        def wrong(f, g, h, t, *, a, c):
            rules = list(original(f, g, h, t, a=a, c=c))
            i = next(
                i
                for i, r in enumerate(rules)
                if r.holds and r.statement.startswith(r"$T_a f \star g")
            )
            wrong_rhs = next(r.rhs for r in rules if not r.holds)  # T_a (f ⋆ g)
            rules[i] = dataclasses.replace(rules[i], rhs=wrong_rhs)
            return tuple(rules)

        return wrong

    replace("convcorr.symbolic_rules.operand_rules", make)


# ------------------------------------------------------------- chapters 3 and 4
# Wrong versions of what the new claims of chapter 3 (random processes: R_XY, the
# cross-spectrum and the coherence; the 2π factors of the dual theorem) and chapter 4
# (which variable a difference subtracts) rest on.


@mutant(
    "correlate_swapped",
    "convcorr.correlate(f, g, 'full') computes g ⋆ f (the arguments read in NumPy's order)",
    uses=(r"correlate",),
)
def _correlate_swapped():
    def make(original):
        @functools.wraps(original)
        def wrong(f, g, mode="full", method="auto"):
            right = original(f, g, mode, method)  # validates; other modes unchanged
            return original(g, f, mode, method) if mode == "full" else right

        return wrong

    replace("convcorr.discrete.correlate", make)


@mutant(
    "cross_spectrum_conj_second",
    "spectral.cross_spectrum(x, y) with the conjugate on y: S_YX instead of S_XY",
    uses=(r"spectral",),
    needs=("convcorr.spectral",),
)
def _cross_spectrum_conj_second():
    def make(original):
        @functools.wraps(original)
        def wrong(x, y, segment=256):
            nu, s_xy = original(x, y, segment)
            return nu, s_xy.conj()

        return wrong

    replace("convcorr.spectral.cross_spectrum", make)


@mutant(
    "coherence_unsquared",
    "spectral.coherence returns |S_XY| / sqrt(S_XX S_YY), the square root of the coherence",
    uses=(r"spectral",),
    needs=("convcorr.spectral",),
)
def _coherence_unsquared():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(x, y, segment=256):
            nu, c_xy = original(x, y, segment)
            return nu, np.sqrt(c_xy)

        return wrong

    replace("convcorr.spectral.coherence", make)


@mutant(
    "symbolic_fourier_angular",
    "convcorr.symbolic.fourier_transform with the angular kernel exp(-i xi t)",
    uses=(r"fourier_transform",),
    needs=("convcorr.symbolic",),
)
def _symbolic_fourier_angular():
    import sympy as sp

    def make(original):
        @functools.wraps(original)
        def wrong(expr, t, xi, *, timeout=None):
            # F(xi / 2 pi) = ∫ f(t) exp(-i xi t) dt: the 2π slip between conventions
            k = sp.Dummy("k", real=True)
            return original(expr, t, k, timeout=timeout).subs(k, xi / (2 * sp.pi))

        return wrong

    replace("convcorr.symbolic.fourier_transform", make)


@mutant(
    "density_difference_swapped",
    "convcorr.symbolic.density_of_difference(f_X, f_Y) gives the density of X - Y",
    uses=(r"density_of_difference",),
    needs=("convcorr.symbolic",),
)
def _density_difference_swapped():
    def make(original):
        @functools.wraps(original)
        def wrong(f_x, f_y, x, *, timeout=None):
            return original(f_y, f_x, x, timeout=timeout)

        return wrong

    replace("convcorr.symbolic.density_of_difference", make)


# --------------------------------------------------------------------------- chapter 9
# Wrong versions of what the new claims of chapter 9 rest on: overlap-save's discarded
# samples, the axes and counts of separable kernels, the Eckart-Young terms, and the
# integer guard's rounding bound (its log2 L factor and its constant C).


@mutant(
    "os_keep_wrapped",
    "overlap-save keeps the first samples of each circular block (the wrapped ones) "
    "instead of discarding them",
    uses=(r"method=", r"overlap_save", r"methods", r"\"os\""),
)
def _os_keep_wrapped():
    def make(original):
        @functools.wraps(original)
        def wrong(f_shape, g_shape, mode):
            plan = original(f_shape, g_shape, mode)
            # read the same blocks, keep samples 0 .. step - 1 of each
            return [(lb, step, nb, first, 0) for lb, step, nb, first, _ in plan]

        return wrong

    replace("convcorr.plan.os_plan", make)


@mutant(
    "separable_axes_swapped",
    "separable.separable_convolve applies each factor along the other axis",
    uses=(r"separable",),
    needs=("convcorr.separable",),
)
def _separable_axes_swapped():
    def make(original):
        @functools.wraps(original)
        def wrong(factors, x, mode="full", method="auto"):
            try:
                factors = list(factors)[::-1]
            except TypeError:
                pass  # let the original refuse it
            return original(factors, x, mode, method)

        return wrong

    replace("convcorr.separable.separable_convolve", make)


@mutant(
    "separable_count_interior",
    "separable.separable_multiply_adds counts the passes as (m + n) per kept output, "
    "forgetting the rows the first pass makes for the second",
    uses=(r"separable",),
    needs=("convcorr.separable",),
)
def _separable_count_interior():
    from convcorr import plan

    def make(original):
        @functools.wraps(original)
        def wrong(kernel_shape, x_shape, mode="full"):
            products, _ = original(kernel_shape, x_shape, mode)
            outputs = plan.kept_outputs(tuple(kernel_shape), tuple(x_shape), mode)
            return products, outputs * sum(kernel_shape)

        return wrong

    replace("convcorr.separable.separable_multiply_adds", make)


@mutant(
    "low_rank_smallest",
    "separable.low_rank_factors keeps the smallest singular values instead of the largest",
    uses=(r"low_rank",),
    needs=("convcorr.separable",),
)
def _low_rank_smallest():
    np = _np()

    def make(original):
        @functools.wraps(original)
        def wrong(kernel, rank):
            original(kernel, rank)  # validation
            k = np.asarray(kernel)
            u, s, vh = np.linalg.svd(k.astype(complex if k.dtype.kind == "c" else float))
            last = range(len(s) - rank, len(s))
            return [(s[i] * u[:, i], vh[i].copy()) for i in last]

        return wrong

    replace("convcorr.separable.low_rank_factors", make)


@mutant(
    "fft_exact_no_log",
    "guards.fft_is_exact drops the log2 L factor of the rounding bound",
    uses=(r"guards", r"fft_is_exact"),
)
def _fft_exact_no_log():
    def make(original):
        @functools.wraps(original)
        def wrong(f_norm, g_norm, length):
            return original(f_norm, g_norm, 2)  # log2(2) = 1: the bound without log2 L

        return wrong

    replace("convcorr.guards.fft_is_exact", make)


@mutant(
    "fft_error_factor_1",
    "the integer guard's safety factor C = 1 instead of 32 (below Percival's constant)",
    uses=(r"guards", r"FFT_ERROR_FACTOR"),
)
def _fft_error_factor_1():
    replace("convcorr.guards.FFT_ERROR_FACTOR", lambda original: 1.0)


# --------------------------------------------------------------------------- running

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclasses.dataclass
class Result:
    """Outcome of one chapter under one mutant."""

    status: str  # "pass", "FAIL", "skip", "lazy", "TIMEOUT", "NOINSTALL"
    seconds: float = 0.0
    cell: int | None = None  # index in nb["cells"]
    line: int | None = None
    code: str = ""
    error: str = ""


def chapter_code(path):
    """All code cells of a notebook, as a list of (cell index, source)."""
    nb = json.loads(Path(path).read_text())
    return [
        (i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
    ]


def first_failure(stderr, cells):
    """Cell index, line number, line text and error of nbconvert's CellExecutionError."""
    text = ANSI.sub("", stderr)
    cell = line = None
    code = ""
    parts = text.split("------------------\n")
    if len(parts) >= 3:
        source = parts[1].strip()
        for i, src in cells:
            if src.strip() == source:
                cell = i
                break
    frame = re.search(r"Cell In\[\d+\], line (\d+)", text)
    if frame:
        line = int(frame.group(1))
        src = dict(cells).get(cell, "")
        lines = src.splitlines()
        if 0 < line <= len(lines):
            code = lines[line - 1].strip()
    errors = re.findall(r"^(\w*(?:Error|Exception|Timeout)\w*)(?::\s*(.*))?$", text, re.M)
    errors = [e for e in errors if e[0] != "CellExecutionError"]
    error = f"{errors[-1][0]}: {errors[-1][1]}".strip(": ") if errors else text.strip()[-200:]
    return cell, line, code, error[:300]


def startup_dir(name):
    """A temporary IPYTHONDIR whose startup file installs the mutant ``name``."""
    tmp = Path(tempfile.mkdtemp(prefix=f"mutant-{name}-"))
    startup = tmp / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-mutant.py").write_text(
        "def _install_mutant():\n"
        "    import sys\n"
        f"    sys.path.insert(0, {str(TOOLS)!r})\n"
        "    import mutate_book\n"
        f"    mutate_book.install({name!r})\n"
        "    sys.path.remove(" + repr(str(TOOLS)) + ")\n"
        f"    open({str(tmp / 'installed')!r}, 'w').close()\n"
        "\n"
        "\n"
        "_install_mutant()\n"
        "del _install_mutant\n"
    )
    return tmp


def run_chapter(path, name, timeout):
    """Execute one chapter in a fresh kernel with the mutant ``name`` installed."""
    ipdir = startup_dir(name)
    out = Path(tempfile.mkdtemp(prefix="mutant-out-"))
    env = dict(os.environ, IPYTHONDIR=str(ipdir), PYTHONHASHSEED="0")
    cmd = [
        str(JUPYTER), "nbconvert", "--to", "notebook", "--execute",
        "--output-dir", str(out), "--ExecutePreprocessor.timeout=300",
        "--ExecutePreprocessor.kernel_name=python3", str(path),
    ]  # fmt: skip
    start = time.monotonic()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return Result("TIMEOUT", time.monotonic() - start, error=f"over {timeout} s")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    seconds = time.monotonic() - start
    installed = (ipdir / "installed").exists()
    shutil.rmtree(ipdir, ignore_errors=True)
    if not installed:  # IPython only warns when a startup file fails
        return Result("NOINSTALL", seconds, error=ANSI.sub("", proc.stderr)[-300:])
    if proc.returncode == 0:
        return Result("pass", seconds)
    cell, line, code, error = first_failure(proc.stderr, chapter_code(path))
    return Result("FAIL", seconds, cell, line, code, error)


def reaches(m, path):
    """Whether the chapter's code names something the mutant touches."""
    if not m.uses:
        return True
    source = "\n".join(src for _, src in chapter_code(path))
    return any(re.search(pattern, source) for pattern in m.uses)


def select(items, wanted, key):
    """Items whose ``key`` matches one of the comma-separated ``wanted`` (all if None)."""
    if not wanted:
        return list(items)
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    chosen = [x for x in items if any(key(x) == n or key(x).startswith(n) for n in names)]
    if not chosen:
        raise SystemExit(f"nothing matches {wanted!r}")
    return chosen


def cell_label(r):
    if r.status == "pass":
        return "pass"
    if r.status == "skip":
        return "-"
    if r.status == "lazy":
        return "·"
    return r.status if r.cell is None else f"{r.status} c{r.cell}"


def report(results, chapters, mutants):
    """The Markdown report: table, failures, survivors, timings."""
    short = [p.name[:2] for p in chapters]
    total = sum(results[m.name][p.name].seconds for m in mutants for p in chapters)
    lines = [
        "# Mutation run of the book",
        "",
        "Generated by `tools/mutate_book.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f"; {total:.0f} s of chapter runs. `FAIL cN` = the chapter failed under the mutant, first"
        " failing cell index N (0-based in `cells`); `pass` = the mutant went unnoticed;"
        " `-` = not run (the chapter's code names nothing the mutant touches);"
        " `·` = a slow chapter (`--lazy`) not run because a faster one already caught the"
        " mutant.",
        "",
        "| mutant | " + " | ".join(short) + " | caught by |",
        "|---|" + "---|" * len(short) + "---|",
    ]
    for m in mutants:
        row = [cell_label(results[m.name][p.name]) for p in chapters]
        caught = sum(
            results[m.name][p.name].status not in ("pass", "skip", "lazy") for p in chapters
        )
        lines.append(f"| `{m.name}` | " + " | ".join(row) + f" | {caught} |")
    lines += ["", "## Mutants", ""]
    lines += [f"- `{m.name}`: {m.description}" for m in mutants]
    lines += ["", "## First failure of each caught run", ""]
    for m in mutants:
        for p in chapters:
            r = results[m.name][p.name]
            if r.status not in ("pass", "skip", "lazy"):
                where = f"cell {r.cell}, line {r.line}" if r.cell is not None else "?"
                code = f" `{r.code}`" if r.code else ""
                err = r.error.replace("|", "\\|").replace("\n", " ")
                lines.append(f"- `{m.name}` / {p.name}: {where}{code} — {err}")
    survivors = [
        m.name for m in mutants
        if m.name != "none" and all(results[m.name][p.name].status in ("pass", "skip", "lazy")
                                    for p in chapters)
    ]  # fmt: skip
    lines += ["", "## Survivors", ""]
    lines += [f"- `{s}`" for s in survivors] or ["none"]
    if "none" in results and len(results["none"]) == len(chapters):
        broken = [p.name for p in chapters if results["none"][p.name].status != "pass"]
        lines += ["", "## Un-mutated baseline", ""]
        lines.append(
            "every chapter passes" if not broken else
            "FAILING WITHOUT A MUTANT (their results above prove nothing): " + ", ".join(broken)
        )  # fmt: skip
    lines += ["", "## Seconds per run", ""]
    lines += ["| mutant | " + " | ".join(short) + " |", "|---|" + "---|" * len(short)]
    for m in mutants:
        row = [
            f"{results[m.name][p.name].seconds:.0f}"
            if results[m.name][p.name].status not in ("skip", "lazy") else "-"
            for p in chapters
        ]  # fmt: skip
        lines.append(f"| `{m.name}` | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


PASSED = ("pass", "skip", "lazy")


def caught(results, m):
    """Whether some chapter failed under the mutant ``m`` (a timeout counts)."""
    return any(r.status not in PASSED for r in results[m.name].values())


def run_pairs(pairs, jobs, timeout, results, skip=None, done=None):
    """Run ``(mutant, chapter)`` pairs, ``jobs`` kernels at a time, in order.

    ``skip(m, p)`` is asked as each pair is about to start, and returns a
    ``Result`` to record instead of running (or ``None``); ``done(m, p, r)`` is
    called as each pair ends. With ``jobs=1`` the pairs run one after the other,
    so a decision that depends on earlier pairs of the same mutant sees them all.
    """
    lock = threading.Lock()

    def one(pair):
        m, p = pair
        with lock:
            r = skip(m, p) if skip else None
        if r is None:
            r = run_chapter(p, m.name, timeout)
        with lock:
            results[m.name][p.name] = r
            if done:
                done(m, p, r)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(one, pair) for pair in pairs]:
            future.result()


def log(m, p, r):
    where = f" cell {r.cell} line {r.line}: {r.error[:120]}" if r.cell is not None else ""
    print(f"{m.name:22} {p.name:40} {r.status:7} {r.seconds:5.0f}s{where}", flush=True)


def mutant_map(results, chapters, mutants):
    """Which chapters caught each mutant, and the seconds of every chapter run."""
    out = {
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "how": "make mutants (tools/mutate_book.py --write-map after a full run)",
        "chapters": {
            p.name: round(results["none"][p.name].seconds, 1)
            for p in chapters
            if "none" in results and results["none"].get(p.name, Result("skip")).status == "pass"
        },
        "mutants": {},
    }
    for m in mutants:
        if m.name == "none":
            continue
        runs = results[m.name]
        out["mutants"][m.name] = {
            p.name: round(runs[p.name].seconds, 1)
            for p in chapters
            if p.name in runs and runs[p.name].status == "FAIL"
        }
    return out


def ci_run(map_path, chapters, jobs, timeout):
    """Each mutant on the chapters that caught it (fastest first, up to its first
    catch); then the un-mutated book on every chapter that caught one. Exit status 1
    when a mutant survives or a catching chapter fails un-mutated."""
    known = json.loads(Path(map_path).read_text())["mutants"]
    by_name = {p.name: p for p in chapters}
    mutants = [m for m in MUTANTS.values() if m.name != "none"]
    ranked = []
    for i, m in enumerate(mutants):
        mapped = sorted((sec, name) for name, sec in known.get(m.name, {}).items())
        mine = [by_name[name] for _, name in mapped if name in by_name]
        if not mine:  # a new mutant, or its chapters renamed: every chapter it reaches
            mine = [p for p in chapters if reaches(m, p)]
        ranked += [(rank, i, m, p) for rank, p in enumerate(mine)]
    # every mutant's fastest chapter first, its next ones only while it survives
    pairs = [(m, p) for _, _, m, p in sorted(ranked, key=lambda x: x[:2])]
    results = {m.name: {} for m in MUTANTS.values()}

    def skip(m, p):
        return Result("skip") if caught(results, m) else None

    def done(m, p, r):
        if r.status != "skip":
            log(m, p, r)

    start = time.monotonic()
    run_pairs(pairs, jobs, timeout, results, skip, done)
    catching = sorted(
        {
            p
            for m in mutants
            for p in chapters
            if results[m.name].get(p.name, Result("skip")).status == "FAIL"
        }
    )
    run_pairs([(MUTANTS["none"], p) for p in catching], jobs, timeout, results, done=log)
    survivors = [m.name for m in mutants if not caught(results, m)]
    broken = [p for p, r in results["none"].items() if r.status != "pass"]
    runs = sum(r.status != "skip" for rs in results.values() for r in rs.values())
    print(f"{len(mutants)} mutants, {runs} chapter runs in {time.monotonic() - start:.0f} s")
    print("survivors: " + (", ".join(survivors) or "none"))
    print("catching chapters failing un-mutated: " + (", ".join(broken) or "none"))
    return 1 if survivors or broken else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mutants", help="comma-separated mutant names (default: all)")
    parser.add_argument("--chapters", help="comma-separated chapter prefixes, e.g. 01,09")
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    parser.add_argument(
        "--all-chapters",
        action="store_true",
        help="run chapters that never name what the mutant touches",
    )
    parser.add_argument(
        "--first-catch", action="store_true", help="stop a mutant at its first failing chapter"
    )
    parser.add_argument(
        "--lazy",
        help="comma-separated slow chapters, run last and only while the mutant is uncaught",
    )
    parser.add_argument(
        "--resume",
        type=Path,
        help="JSON of an earlier run (written next to --report): reuse its results",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per chapter")
    parser.add_argument("--jobs", type=int, default=1, help="kernels run at a time")
    parser.add_argument(
        "--write-map", type=Path, help="write which chapters catch each mutant (JSON) here"
    )
    parser.add_argument(
        "--ci", type=Path, help="run each mutant on the chapters its map names; 1 if one survives"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)  # fmt: skip
    if args.list:
        for m in MUTANTS.values():
            print(f"{m.name:22} {m.description}")
        return 0
    chapters = select(sorted((ROOT / "chapters").glob("[0-9]*.ipynb")), args.chapters,
                      key=lambda p: p.name)  # fmt: skip
    if args.ci:
        return ci_run(args.ci, chapters, args.jobs, args.timeout)
    mutants = select(MUTANTS.values(), args.mutants, key=lambda m: m.name)
    lazy = select(chapters, args.lazy, key=lambda p: p.name) if args.lazy else []
    order = [p for p in chapters if p not in lazy] + lazy
    results = {m.name: {} for m in mutants}
    earlier = json.loads(args.resume.read_text()) if args.resume else {}
    pairs = []
    for p_lazy in (False, True):
        for m in mutants:
            for p in order:
                if (p in lazy) != p_lazy:
                    continue
                if p.name in earlier.get(m.name, {}):
                    results[m.name][p.name] = Result(**earlier[m.name][p.name])
                elif not (args.all_chapters or reaches(m, p)):
                    results[m.name][p.name] = Result("skip")
                else:
                    pairs.append((m, p))

    def skip(m, p):
        if caught(results, m) and args.first_catch:
            return Result("skip")
        if caught(results, m) and p in lazy and m.name != "none":
            return Result("lazy")
        return None

    def done(m, p, r):
        log(m, p, r)
        if args.report:  # rewritten as runs end, so a long run can be read early
            finished = [x for x in mutants if len(results[x.name]) == len(chapters)]
            args.report.write_text(report(results, chapters, finished))
            saved = {
                m: {c: dataclasses.asdict(r) for c, r in rs.items()} for m, rs in results.items()
            }
            args.report.with_suffix(".json").write_text(json.dumps(saved, indent=1))

    run_pairs(pairs, args.jobs, args.timeout, results, skip, done)
    if args.write_map:
        table = mutant_map(results, chapters, mutants)
        args.write_map.write_text(json.dumps(table, indent=1) + "\n")
    baseline = results.get("none", {})
    return 1 if any(r.status not in ("pass", "skip") for r in baseline.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
