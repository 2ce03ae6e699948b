"""convcorr: convolution and cross-correlation, as the book defines them.

Notation used everywhere in the book and this package:

* ``convolve(f, g)``: ``(f * g)[n] = sum_m f[m] g[n - m]``;
* ``correlate(f, g)``: ``(f ⋆ g)[k] = sum_m conj(f[m]) g[m + k]``.

The first argument is the kernel or template, the second the signal.

Submodules, imported on first use (``convcorr.nn.conv2d`` works after a plain
``import convcorr``, and ``dir(convcorr)`` lists them):

* :mod:`~convcorr.discrete`: the two operations and their lags;
* :mod:`~convcorr.plan`: the shape arithmetic of the modes and the algorithms;
* :mod:`~convcorr.methods`: the direct sum, FFT, overlap-add and overlap-save;
* :mod:`~convcorr.guards`: exact integers and scaled FFTs around them;
* :mod:`~convcorr.costmodel`: the cost model behind ``method='auto'``;
* :mod:`~convcorr.calibration`: measuring its constants, and keeping them;
* :mod:`~convcorr.separable`: separable and low-rank kernels, one 1-D pass per axis;
* :mod:`~convcorr.similarity`: correlation as a similarity measure;
* :mod:`~convcorr.exact`: exact sums for checking;
* :mod:`~convcorr.matrices`: convolution and correlation as (block) Toeplitz matrices;
* :mod:`~convcorr.circular`: circular convolution and correlation, circulants, aliasing;
* :mod:`~convcorr.atlas`: the library conventions of chapter 7, with their checks;
* :mod:`~convcorr.spectral`: cross-spectral density and coherence (Welch);
* :mod:`~convcorr.symbolic`: SymPy derivations of the continuous identities;
* :mod:`~convcorr.symbolic_rules`: chapter 2's operand rules as data;
* :mod:`~convcorr.nn`: a tiny NumPy CNN;
* :mod:`~convcorr.book`: helpers of the book's pages (tables, figures).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .discrete import convolve, correlate, correlation_lags, reverse_conj

__all__ = ["convolve", "correlate", "correlation_lags", "reverse_conj"]
__version__ = "0.3.0"

_SUBMODULES = (
    "atlas",
    "book",
    "calibration",
    "circular",
    "costmodel",
    "discrete",
    "exact",
    "guards",
    "matrices",
    "methods",
    "nn",
    "plan",
    "separable",
    "similarity",
    "spectral",
    "symbolic",
    "symbolic_rules",
)


def __getattr__(name: str) -> ModuleType:
    # Lazy so that `import convcorr` stays cheap (SymPy is slow to import).
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # what a reader may use, the lazy submodules included (tab completion reads this)
    return sorted({*__all__, *_SUBMODULES, "__version__"})
