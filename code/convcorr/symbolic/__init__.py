"""Continuous convolution and cross-correlation on the real line, with SymPy.

The two operations, for complex-valued functions of a real variable::

    (f * g)(t) = ∫ f(τ) g(t − τ) dτ          (convolution)
    (f ⋆ g)(t) = ∫ conj(f(τ)) g(t + τ) dτ    (cross-correlation)

both over the whole real line.  The Fourier transform is the one of
:func:`sympy.fourier_transform` (ordinary frequency ξ)::

    F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt,    f(t) = ∫ F{f}(ξ) exp(2πiξt) dξ.

One idea per module:

* :mod:`.builders`: unevaluated integrals (:func:`convolution`,
  :func:`correlation`, :func:`fourier_integral`, :func:`inverse_fourier_integral`)
  and operands (:func:`reverse_conj`, :func:`derivative`); integration variables
  are fresh ``Dummy`` symbols;
* :mod:`.labels`: the notation each builder records, checked against every
  label a :class:`Derivation` prints;
* :mod:`.moves`: :func:`change_variable`, :func:`swap_order`,
  :func:`differentiate_under_integral`;
* :mod:`.normal_form`: :func:`equivalent`;
* :mod:`.derivation`: :class:`Derivation`, :class:`Step`;
* :mod:`.closed_forms`: :func:`closed_form`, :func:`real_line_integral`,
  :func:`fourier_transform`, :func:`inverse_fourier_transform`, each confirmed
  numerically or refused with :class:`StepError`;
* :mod:`.numeric`: the numeric gate (quadrature of the defining integrals,
  cut at kinks and around narrow peaks; precise values with mpmath);
* :mod:`.verdict`: :func:`check_identity` → :class:`Verdict`,
  :func:`identity_holds`, :func:`assert_identity`: identities hold almost
  everywhere, and "false" comes with a counterexample confirmed at 30 digits;
* :mod:`.densities`: densities of sums and differences of independent random
  variables, and a table of classic cases.
"""

from . import densities
from ._common import DEFAULT_TIMEOUT, StepError, Undecided
from .builders import (
    convolution,
    correlation,
    derivative,
    fourier_integral,
    inverse_fourier_integral,
    reverse_conj,
)
from .closed_forms import (
    closed_form,
    fourier_transform,
    inverse_fourier_transform,
    real_line_integral,
)
from .densities import density_of_difference, density_of_sum
from .derivation import Derivation, Step
from .labels import label_of
from .moves import (
    change_variable,
    differentiate_under_integral,
    swap_order,
)
from .normal_form import equivalent
from .verdict import Verdict, assert_identity, check_identity, identity_holds

__all__ = [
    "DEFAULT_TIMEOUT",
    "Derivation",
    "Step",
    "StepError",
    "Undecided",
    "Verdict",
    "assert_identity",
    "change_variable",
    "check_identity",
    "closed_form",
    "convolution",
    "correlation",
    "densities",
    "density_of_difference",
    "density_of_sum",
    "derivative",
    "differentiate_under_integral",
    "equivalent",
    "fourier_integral",
    "fourier_transform",
    "identity_holds",
    "inverse_fourier_integral",
    "inverse_fourier_transform",
    "label_of",
    "real_line_integral",
    "reverse_conj",
    "swap_order",
]
