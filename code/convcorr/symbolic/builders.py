"""Builders of the unevaluated integrals, and the operands they take.

Every builder returns a :class:`sympy.Integral` over the real line and records
its notation (see :mod:`convcorr.symbolic.labels`).  The integration variable
is a fresh :class:`sympy.Dummy` (printed τ, σ, u, ... whichever name no free
symbol of the operands or the point uses), so it can never capture a symbol of
``f``, ``g`` or ``t``; pass ``var=`` to choose a visible real symbol instead,
which must not occur in the operands or the point.
"""

from collections.abc import Callable

import sympy as sp

from . import labels
from ._common import check_expr, check_real_symbol, oo, probe

_DEFAULT_NAMES = ("tau", "sigma", "u", "v", "s", "x", "y", "z")


def integration_variable(var: sp.Symbol | None, *exprs: sp.Expr) -> sp.Symbol:
    """``var`` checked to be fresh, or a fresh ``Dummy`` with a free-standing name."""
    free = set().union(*(e.free_symbols for e in exprs))
    if var is not None:
        check_real_symbol(var, "var")
        if var in free or var.name in {s.name for s in free}:
            raise ValueError(
                f"var must not occur in the operands or the point; received {var}, "
                "which is already used"
            )
        return var
    taken = {s.name for s in free}
    name = next((n for n in _DEFAULT_NAMES if n not in taken), "tau")
    return sp.Dummy(name, real=True)


def convolution(f: Callable, g: Callable, t: sp.Expr, var: sp.Symbol | None = None) -> sp.Integral:
    """Unevaluated convolution integral ``(f * g)(t) = ∫ f(τ) g(t − τ) dτ`` over ℝ.

    Parameters
    ----------
    f, g : callable
        Functions of one SymPy argument (``sympy.Function('f')``, a
        ``sympy.Lambda`` or a Python lambda returning a SymPy expression).
    t : sympy.Expr
        Point at which the convolution is taken (a symbol or an expression).
    var : sympy.Symbol, optional
        Visible real integration variable; by default a fresh ``Dummy``.

    Returns
    -------
    sympy.Integral
        One integral over the real line, not evaluated, labelled ``(f * g)(t)``.
    """
    probed = [probe(f, "f"), probe(g, "g")]
    t = check_expr(t, "t")
    v = integration_variable(var, probed[0][1], probed[1][1], t)
    expr = sp.Integral(f(v) * g(t - v), (v, -oo, oo))
    ops = [labels.operand_label(fn, x, value) for fn, (x, value) in zip((f, g), probed)]
    return labels.register(expr, "convolution", ops, t)


def correlation(f: Callable, g: Callable, t: sp.Expr, var: sp.Symbol | None = None) -> sp.Integral:
    """Unevaluated cross-correlation ``(f ⋆ g)(t) = ∫ conj(f(τ)) g(t + τ) dτ`` over ℝ.

    The conjugate is on the first argument (the book's convention).  Parameters
    and result as for :func:`convolution`; the label is ``(f \\star g)(t)``.
    """
    probed = [probe(f, "f"), probe(g, "g")]
    t = check_expr(t, "t")
    v = integration_variable(var, probed[0][1], probed[1][1], t)
    expr = sp.Integral(sp.conjugate(f(v)) * g(t + v), (v, -oo, oo))
    ops = [labels.operand_label(fn, x, value) for fn, (x, value) in zip((f, g), probed)]
    return labels.register(expr, "correlation", ops, t)


def _transform_integral(
    f: Callable, point: sp.Expr, var: sp.Symbol | None, sign: int, kind: str
) -> sp.Integral:
    """``∫ f(v) exp(sign·2πi·point·v) dv`` over ℝ, registered as ``kind``."""
    x, value = probe(f, "f")
    point = check_expr(point, "xi" if sign < 0 else "t")
    if point.is_real is not True:
        raise TypeError(
            f"{'xi' if sign < 0 else 't'} must be real (a real symbol or expression); "
            f"received {point!r}"
        )
    v = integration_variable(var, value, point)
    expr = sp.Integral(f(v) * sp.exp(sign * 2 * sp.pi * sp.I * point * v), (v, -oo, oo))
    return labels.register(expr, kind, [labels.operand_label(f, x, value)], point)


def fourier_integral(f: Callable, xi: sp.Expr, var: sp.Symbol | None = None) -> sp.Integral:
    """Unevaluated Fourier integral ``F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt`` over ℝ.

    Parameters
    ----------
    f : callable
        Function of one SymPy argument.
    xi : sympy.Expr
        Real frequency (ordinary frequency, cycles per unit of t).
    var : sympy.Symbol, optional
        Visible real integration variable; by default a fresh ``Dummy``.

    Returns
    -------
    sympy.Integral
        Not evaluated, labelled ``\\mathcal{F}\\{f\\}(\\xi)`` (or ``\\hat f(\\xi)``).
    """
    return _transform_integral(f, xi, var, -1, "fourier")


def inverse_fourier_integral(F: Callable, t: sp.Expr, var: sp.Symbol | None = None) -> sp.Integral:
    """Unevaluated inverse Fourier integral ``F⁻¹{F}(t) = ∫ F(ξ) exp(2πiξt) dξ`` over ℝ.

    Labelled ``\\mathcal{F}^{-1}\\{F\\}(t)`` (or ``\\check F(t)``).
    """
    return _transform_integral(F, t, var, 1, "inverse_fourier")


class _ReverseConj:
    """``f̃(t) = conj(f(−t))`` as a callable that knows its label."""

    def __init__(self, f: Callable, label: str | None) -> None:
        self.f = f
        self.convcorr_label = label

    def __call__(self, x: sp.Expr) -> sp.Expr:
        """``conj(f(−x))``."""
        return sp.conjugate(self.f(x * -1))

    def __repr__(self) -> str:
        """``reverse_conj(f)``."""
        return f"reverse_conj({self.f!r})"


def reverse_conj(f: Callable) -> Callable[[sp.Expr], sp.Expr]:
    """The reversed conjugate ``f̃(t) = conj(f(−t))`` as a callable (label ``\\tilde f``)."""
    x, value = probe(f, "f")
    name = labels.operand_label(f, x, value)
    label = None if name is None or not isinstance(name, str) else rf"\tilde {name}"
    return _ReverseConj(f, label)


def derivative(f: Callable) -> Callable[[sp.Expr], sp.Expr]:
    """The derivative ``f'`` as a callable, in the form SymPy's ``diff`` uses.

    ``derivative(f)(e)`` is ``Subs(Derivative(f(x), x), x, e)`` (or
    ``Derivative(f(e), e)`` when ``e`` is a symbol), the form in which
    ``sympy.diff(f(e), t)`` reports ``f'(e)`` before the chain-rule factor.
    """
    x, value = probe(f, "f")
    name = labels.operand_label(f, x, value)
    y = sp.Dummy("x", real=True)

    def fprime(e: sp.Expr) -> sp.Expr:
        """``f'(e)``."""
        return sp.diff(f(y), y).subs(y, e)

    if isinstance(name, str):
        fprime.convcorr_label = f"{name}'"
    return fprime
