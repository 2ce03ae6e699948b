"""The operand rules of chapter 2 as data, and a verdict in a few short lines.

Defined in chapter 2 (The continuous identities, derived).

Chapter 2 derives how convolution and cross-correlation react to shifting, reversing,
conjugating, scaling and differentiating their operands, then checks every rule once more on
closed forms. :func:`operand_rules` returns those rules as :class:`Rule` records: a statement
in LaTeX, the two sides as *unevaluated* SymPy expressions built with
:func:`convcorr.symbolic.convolution` and :func:`convcorr.symbolic.correlation`, and whether
the rule is claimed to hold. Nothing here decides a rule: the chapter computes both sides
(closed forms, ``simplify``, :func:`convcorr.symbolic.check_identity`) and asserts that the
claim is right, so a wrong rule in this table fails the chapter.

The operand transforms, each returning a ``sympy.Lambda`` of ``var``::

    shift(f, a, var)        (T_a f)(x) = f(x − a)
    reflect(f, var)         (R f)(x)   = f(−x)
    conjugate(f, var)       x ↦ conj(f(x))
    scale(f, c, var)        x ↦ f(c x)
    differentiate(f, var)   x ↦ f′(x)  (a callable, see the function)

:func:`verdict_cell` and :func:`verdict_lines` show a
:class:`convcorr.symbolic.Verdict` as a table cell or as printed lines under 80 characters
(a refuted identity with its point and both values).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp

if TYPE_CHECKING:
    from .symbolic import Verdict

__all__ = [
    "Rule",
    "conjugate",
    "differentiate",
    "operand_rules",
    "reflect",
    "scale",
    "shift",
    "verdict_cell",
    "verdict_lines",
]


@dataclass(frozen=True)
class Rule:
    """One rule of chapter 2: ``lhs = rhs`` claimed to hold (or, for a wrong rule, not).

    Attributes
    ----------
    statement : str
        The rule as the chapter's table shows it: text with ``$…$`` math.
    lhs, rhs : sympy.Expr
        The two sides, unevaluated (integrals from the builders of
        :mod:`convcorr.symbolic`; a derivative rule's left side is a ``sympy.Derivative``
        of one, to be taken after the integral is computed).
    holds : bool
        ``True`` for a rule of the chapter, ``False`` for a deliberately wrong one (a rule
        of ``*`` carried over to ``⋆`` unchanged).
    label : str or None
        The chapter-2 equation that states the rule (``None`` for a wrong rule).
    """

    statement: str
    lhs: sp.Expr
    rhs: sp.Expr
    holds: bool
    label: str | None


def _check_function(fn: Any, name: str) -> None:
    if not callable(fn):
        raise TypeError(
            f"{name} must be a function of one variable (a sympy Lambda or Function); "
            f"received {type(fn).__name__} {fn!r}"
        )


def _check_symbol(x: Any, name: str) -> None:
    if not isinstance(x, sp.Symbol):
        raise TypeError(f"{name} must be a sympy Symbol; received {type(x).__name__} {x!r}")


def _check_expr(x: Any, name: str) -> sp.Basic:
    try:
        return sp.sympify(x, strict=True)
    except (sp.SympifyError, TypeError):
        raise TypeError(
            f"{name} must be a number or a sympy expression; received {type(x).__name__} {x!r}"
        ) from None


def shift(f: Callable, a: sp.Expr | float, var: sp.Symbol) -> sp.Lambda:
    """The shifted function ``T_a f``: ``x ↦ f(x − a)``, a Lambda of ``var``."""
    _check_function(f, "f")
    _check_symbol(var, "var")
    return sp.Lambda(var, f(var - _check_expr(a, "a")))


def reflect(f: Callable, var: sp.Symbol) -> sp.Lambda:
    """The reversal ``R f``: ``x ↦ f(−x)``, a Lambda of ``var``."""
    _check_function(f, "f")
    _check_symbol(var, "var")
    return sp.Lambda(var, f(-var))


def conjugate(f: Callable, var: sp.Symbol) -> sp.Lambda:
    """The conjugate function ``x ↦ conj(f(x))`` (no reversal), a Lambda of ``var``."""
    _check_function(f, "f")
    _check_symbol(var, "var")
    return sp.Lambda(var, sp.conjugate(f(var)))


def scale(f: Callable, c: sp.Expr | float, var: sp.Symbol) -> sp.Lambda:
    """The compressed function ``x ↦ f(c x)``, a Lambda of ``var``; ``c`` must not be 0."""
    _check_function(f, "f")
    _check_symbol(var, "var")
    c = _check_expr(c, "c")
    if c.is_zero:
        raise ValueError(f"c must be non-zero; received {c}")
    return sp.Lambda(var, f(c * var))


def differentiate(f: Callable, var: sp.Symbol) -> Callable[[sp.Expr], sp.Expr]:
    """The derivative ``f′`` as a callable: :func:`convcorr.symbolic.derivative` of ``f``.

    For a closed form ``f`` the value is the explicit derivative; for an undefined function
    it is SymPy's ``Subs(Derivative(f(y), y), y, x)``, so it can be evaluated at any point.
    ``var`` is checked for symmetry with the other transforms.
    """
    from convcorr import symbolic as S

    _check_function(f, "f")
    _check_symbol(var, "var")
    return S.derivative(f)


def operand_rules(
    f: Callable,
    g: Callable,
    h: Callable,
    t: sp.Symbol,
    *,
    a: sp.Expr | float,
    c: sp.Expr | float,
) -> tuple[Rule, ...]:
    """The operand rules of chapter 2, and two wrong ones, for given operands.

    Parameters
    ----------
    f, g, h : callable
        Closed-form operands (sympy Lambdas of one real variable), for instance a complex
        modulated Gaussian ``f`` and real Gaussians ``g``, ``h``.
    t : sympy.Symbol
        The real variable of the results.
    a : sympy.Expr
        A real shift.
    c : sympy.Expr
        A positive scale factor.

    Returns
    -------
    tuple of Rule
        Thirteen rules that hold, in the chapter's order (the argument swap of ``⋆``, the
        two mixed associativity laws, the four shift rules, reversal, conjugation, scaling,
        and the three derivative rules), then two that do not: the shift rule and the
        derivative rule of ``*`` carried over unchanged to the first argument of ``⋆``.
    """
    from convcorr import symbolic as S

    for fn, name in ((f, "f"), (g, "g"), (h, "h")):
        _check_function(fn, name)
    _check_symbol(t, "t")
    a, c = _check_expr(a, "a"), _check_expr(c, "c")
    if c.is_positive is False or c.is_zero:
        raise ValueError(f"c must be positive; received {c}")
    s = sp.Dummy("s", real=True)

    def conv(p: Callable, q: Callable, at: sp.Expr = t) -> sp.Integral:
        return S.convolution(p, q, at)

    def corr(p: Callable, q: Callable, at: sp.Expr = t) -> sp.Integral:
        return S.correlation(p, q, at)

    def rule(
        statement: str, lhs: sp.Expr, rhs: sp.Expr, label: str | None, holds: bool = True
    ) -> Rule:
        return Rule(statement, lhs, rhs, holds, label)

    d_corr = sp.Derivative(corr(f, g), t)
    return (
        rule(
            r"$(f \star g)(t) = \overline{(g \star f)(-t)}$",
            corr(f, g),
            sp.conjugate(corr(g, f, -t)),
            "eq-corr-swap",
        ),
        rule(
            r"$f \star (g * h) = (f \star g) * h$",
            S.correlation(f, lambda x: S.convolution(g, h, x, s), t),
            S.convolution(lambda x: S.correlation(f, g, x, s), h, t),
            "eq-mixed-associativity",
        ),
        rule(
            r"$(f * g) \star h = f \star (g \star h)$",
            S.correlation(lambda x: S.convolution(f, g, x, s), h, t),
            S.correlation(f, lambda x: S.correlation(g, h, x, s), t),
            "eq-mixed-associativity-2",
        ),
        rule(
            r"$T_a f * g = T_a (f * g)$",
            conv(shift(f, a, t), g),
            conv(f, g, t - a),
            "eq-shift-rules",
        ),
        rule(
            r"$f * T_a g = T_a (f * g)$",
            conv(f, shift(g, a, t)),
            conv(f, g, t - a),
            "eq-shift-rules",
        ),
        rule(
            r"$T_a f \star g = T_{-a} (f \star g)$",
            corr(shift(f, a, t), g),
            corr(f, g, t + a),
            "eq-shift-rules",
        ),
        rule(
            r"$f \star T_a g = T_a (f \star g)$",
            corr(f, shift(g, a, t)),
            corr(f, g, t - a),
            "eq-shift-rules",
        ),
        rule(
            r"$Rf * Rg = R(f * g)$",
            conv(reflect(f, t), reflect(g, t)),
            conv(f, g, -t),
            "eq-reversal",
        ),
        rule(
            r"$\bar f \star \bar g = \overline{f \star g}$",
            corr(conjugate(f, t), conjugate(g, t)),
            sp.conjugate(corr(f, g)),
            "eq-conjugation",
        ),
        rule(
            r"$f(c\,\cdot) * g(c\,\cdot) = \frac{1}{c}(f * g)(c\,\cdot)$",
            conv(scale(f, c, t), scale(g, c, t)),
            conv(f, g, c * t) / c,
            "eq-scaling",
        ),
        rule(
            r"$(f * g)' = f' * g$",
            sp.Derivative(conv(f, g), t),
            conv(differentiate(f, t), g),
            "eq-conv-derivative",
        ),
        rule(
            r"$(f \star g)' = f \star g'$",
            d_corr,
            corr(f, differentiate(g, t)),
            "eq-corr-derivative",
        ),
        rule(
            r"$(f \star g)' = -(f' \star g)$",
            d_corr,
            -corr(differentiate(f, t), g),
            "eq-corr-derivative",
        ),
        rule(
            r"$T_a f \star g = T_a (f \star g)$ (wrong)",
            corr(shift(f, a, t), g),
            corr(f, g, t - a),
            None,
            holds=False,
        ),
        rule(
            r"$(f \star g)' = f' \star g$ (wrong)",
            d_corr,
            corr(differentiate(f, t), g),
            None,
            holds=False,
        ),
    )


def _check_verdict(verdict: Any) -> None:
    if not all(hasattr(verdict, n) for n in ("status", "counterexample", "reason")):
        raise TypeError(
            "verdict must be a convcorr.symbolic.Verdict (from check_identity); "
            f"received {type(verdict).__name__}"
        )
    if verdict.status == "false" and not verdict.counterexample:
        raise ValueError("verdict is 'false' but carries no counterexample point")


def _number(z: complex, digits: int) -> str:
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)):
        return f"{z.real:.{digits}g}"
    return f"{z.real:.{digits}g}{z.imag:+.{digits}g}i"


def verdict_cell(verdict: Verdict, *, digits: int = 3) -> str:
    """A verdict as a table cell for :func:`convcorr.book.html_table`.

    ``"holds"`` or ``"undecided"`` as they are; a refutation as ``false at $a = 0.65$,
    $t = -1.7$: lhs $= …$, rhs $= …$`` with ``digits`` significant digits (complex values
    written with ``i``).
    """
    _check_verdict(verdict)
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
        raise ValueError(f"digits must be a positive int; received {digits!r}")
    if verdict.status != "false":
        return verdict.status
    point = ", ".join(
        f"${sp.latex(k)} = {float(x):.{digits}g}$" for k, x in verdict.counterexample.items()
    )
    return (
        f"false at {point}: lhs $= {_number(verdict.lhs_value, digits)}$, "
        f"rhs $= {_number(verdict.rhs_value, digits)}$"
    )


def verdict_lines(verdict: Verdict, *, width: int = 78, digits: int = 6) -> list[str]:
    """A verdict as printed lines, none longer than ``width`` characters.

    The status (and for ``"false"`` the point), both values at that point, then the reason
    the checker gives, wrapped and indented::

        false at mu_1 = 0.65, mu_2 = -0.8, t = -1.7
          lhs = 0.106661, rhs = 0.590711
          the two sides differ at this point; ...
    """
    _check_verdict(verdict)
    if not isinstance(width, int) or isinstance(width, bool) or width < 40:
        raise ValueError(f"width must be an int of at least 40; received {width!r}")
    if verdict.status == "false":
        point = ", ".join(f"{k} = {float(x):.{digits}g}" for k, x in verdict.counterexample.items())
        head = textwrap.wrap(
            f"false at {point}", width, subsequent_indent="    ", break_on_hyphens=False
        )
        values = (
            f"lhs = {_number(verdict.lhs_value, digits)}, "
            f"rhs = {_number(verdict.rhs_value, digits)}"
        )
        head += textwrap.wrap(values, width, initial_indent="  ", subsequent_indent="  ")
    else:
        head = [verdict.status]
    reason = textwrap.wrap(
        str(verdict.reason),
        width,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    return head + reason
