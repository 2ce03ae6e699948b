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
the original object everywhere it is held (every module attribute in ``sys.modules``
and every dict stored in a module's globals, such as a dispatch table). The kernel
is the one ``jupyter nbconvert --execute`` starts, with ``PYTHONHASHSEED=0``.

Usage (from the repository root, one kernel at a time)::

    .venv/bin/python tools/mutate_book.py --list
    .venv/bin/python tools/mutate_book.py --mutants none --report /tmp/none.md
    .venv/bin/python tools/mutate_book.py --mutants correlate_noconj,same_corr \\
        --chapters 01,04 --report /tmp/mutants.md
    .venv/bin/python tools/mutate_book.py --report /tmp/all.md   # every mutant

``--chapters`` takes chapter number prefixes or file names; ``--mutants`` names from
``--list``. By default a chapter whose code never names what a mutant touches (see
``Mutant.uses``) is skipped and reported as ``-``; ``--all-chapters`` runs it anyway.
``--lazy 02,03`` runs those (slow) chapters last and only while no other chapter has
caught the mutant. ``--resume old.json`` reuses the results saved next to an earlier
report (``--report x.md`` also writes ``x.json``). ``--first-catch`` stops a mutant at
its first failing chapter (quicker, less information).

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
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
JUPYTER = ROOT / ".venv" / "bin" / "jupyter"
SUBMODULES = (
    "convcorr.discrete",
    "convcorr.methods",
    "convcorr.guards",
    "convcorr.costmodel",
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

    Every module in ``sys.modules`` whose attribute *is* the original, and every
    dict in a module's globals holding it as a value, gets the replacement, so
    ``from convcorr import correlate`` (done before or after) and internal
    dispatch tables see the mutant.
    """
    module_name, attr = dotted.rsplit(".", 1)
    original = getattr(importlib.import_module(module_name), attr)
    new = make(original)
    count = 0
    for module_name, module in list(sys.modules.items()):
        names = getattr(module, "__dict__", None)
        if not isinstance(names, dict):
            continue
        ours = module_name.split(".")[0] == "convcorr"
        for key, value in list(names.items()):
            if value is original:
                names[key] = new
                count += 1
            elif ours and isinstance(value, dict) and not key.startswith("__"):
                for k, v in list(value.items()):  # dispatch tables such as discrete._RUN
                    if v is original:
                        value[k] = new
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
    if "none" in results:
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
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)  # fmt: skip
    if args.list:
        for m in MUTANTS.values():
            print(f"{m.name:22} {m.description}")
        return 0
    chapters = select(sorted((ROOT / "chapters").glob("[0-9]*.ipynb")), args.chapters,
                      key=lambda p: p.name)  # fmt: skip
    mutants = select(MUTANTS.values(), args.mutants, key=lambda m: m.name)
    lazy = select(chapters, args.lazy, key=lambda p: p.name) if args.lazy else []
    order = [p for p in chapters if p not in lazy] + lazy
    results = {m.name: {} for m in mutants}
    earlier = json.loads(args.resume.read_text()) if args.resume else {}
    for m in mutants:
        caught = False
        for p in order:
            if p.name in earlier.get(m.name, {}):
                r = Result(**earlier[m.name][p.name])
                results[m.name][p.name] = r
                caught = caught or r.status not in ("pass", "skip", "lazy")
                continue
            if (caught and args.first_catch) or not (args.all_chapters or reaches(m, p)):
                r = Result("skip")
            elif caught and p in lazy and m.name != "none":
                r = Result("lazy")
            else:
                r = run_chapter(p, m.name, args.timeout)
                caught = caught or r.status != "pass"
            results[m.name][p.name] = r
            where = f" cell {r.cell} line {r.line}: {r.error[:120]}" if r.cell is not None else ""
            print(f"{m.name:22} {p.name:40} {r.status:7} {r.seconds:5.0f}s{where}", flush=True)
        if args.report:  # rewritten after every mutant, so a long run can be read early
            done = [x for x in mutants if len(results[x.name]) == len(chapters)]
            text = report(results, chapters, done)
            args.report.write_text(text)
            saved = {
                m: {c: dataclasses.asdict(r) for c, r in rs.items()} for m, rs in results.items()
            }
            args.report.with_suffix(".json").write_text(json.dumps(saved, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
