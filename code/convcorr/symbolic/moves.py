"""The three moves of a derivation, each performed by SymPy and checked.

* :func:`change_variable`: an affine substitution in an integral over ℝ;
* :func:`swap_order`: Fubini, legitimate under :data:`FUBINI_CONDITION`;
* :func:`differentiate_under_integral`: Leibniz, under :data:`LEIBNIZ_CONDITION`.

A builder's default integration variable is a ``Dummy``; a move may name it
by the real ``Symbol`` of the same name (``tau`` for the ``τ`` printed), as
long as no free symbol of the expression has that name.
"""

import sympy as sp

from ._common import StepError, check_expr, check_real_symbol, oo
from .normal_form import equivalent

FUBINI_CONDITION = (
    "the double integral of |h| is finite (Fubini–Tonelli): then both "
    "iterated integrals exist and are equal"
)
LEIBNIZ_CONDITION = (
    "|∂h/∂t| is bounded, uniformly in t, by an integrable function "
    "(dominated convergence): then d/dt passes under the integral sign"
)


def bound_by_name(expr: sp.Expr, other: sp.Expr) -> sp.Expr:
    """``other`` with each symbol that names a bound ``Dummy`` of ``expr`` replaced by it."""
    free_names = {s.name for s in expr.free_symbols}
    bound = {}
    for node in _integrals(expr):
        for x in node.variables:
            if isinstance(x, sp.Dummy) and x.name not in free_names:
                bound.setdefault(x.name, []).append(x)
    swap = {
        s: bound[s.name][0]
        for s in other.free_symbols
        if s not in expr.free_symbols and len(bound.get(s.name, ())) == 1
    }
    return other.xreplace(swap)


# SymPy merges Integral(Integral(h, L1), L2) into Integral(h, L1, L2), so a
# nested integral is one node whose limits run from the innermost outwards.
def _integrals(expr: sp.Expr) -> list[sp.Integral]:
    """Every integral node of ``expr``, outermost first."""
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Integral)]


def _over_real_line(limit: tuple) -> bool:
    """Whether a limit ``(x, lo, hi)`` runs over the whole real line."""
    return tuple(limit[1:]) == (-oo, oo)


def change_variable(expr: sp.Expr, old: sp.Expr, new: sp.Symbol) -> sp.Expr:
    """Substitute ``old = new`` in the integral over ℝ that binds ``old``'s variable.

    ``old`` is an affine expression ``c·x + d`` (c ≠ 0, real) in the
    integration variable ``x`` of exactly one integral of ``expr``, where
    ``d`` may involve outer integration variables; ``new`` is a fresh real
    symbol.  SymPy performs the substitution (``Integral.transform(old,
    new)``, the u-substitution form, which handles infinite limits) and the
    result is checked against an independent computation of the pull-back
    ``∫ h(φ(u)) |φ'(u)| du`` with ``x = φ(u) = (u − d)/c``.

    Returns
    -------
    sympy.Expr
        ``expr`` with that integral replaced by the substituted one; the new
        variable takes the place of ``x`` in the order of integration.

    Raises
    ------
    ValueError
        If ``old`` does not involve exactly one integration variable (plus
        outer ones), is not affine in it, the integral is not over ℝ, or
        ``new`` already occurs in ``expr``.
    StepError
        If SymPy's transform and the independent pull-back disagree.
    """
    expr = check_expr(expr, "expr")
    old = bound_by_name(expr, check_expr(old, "old"))
    check_real_symbol(new, "new")
    used = set(expr.free_symbols)
    for node in _integrals(expr):
        used |= set(node.variables)
    if new in used or new.name in {s.name for s in used}:
        raise ValueError(f"new must be a fresh symbol; received {new}, already used")
    hits = [
        (node, k)
        for node in _integrals(expr)
        for k, lim in enumerate(node.limits)
        if lim[0] in old.free_symbols
        and not any(inner[0] in old.free_symbols for inner in node.limits[:k])
    ]
    if len(hits) != 1:
        raise ValueError(
            "old must involve the variable of exactly one integral of expr "
            f"(and only outer ones besides); received {old}, matching {len(hits)}"
        )
    node, k = hits[0]
    x = node.limits[k][0]
    if not _over_real_line(node.limits[k]):
        raise ValueError(
            f"change_variable handles integrals over the real line; received "
            f"limits {tuple(node.limits[k][1:])} for {x}"
        )
    slope = sp.diff(old, x)
    if slope.has(x) or slope == 0 or slope.is_real is not True:
        raise ValueError(f"old must be affine in {x} with a nonzero real slope; received {old}")
    inner = sp.Integral(node.function, *node.limits[: k + 1])
    moved = inner.transform(old, new)
    phi = sp.solve(sp.Eq(old, new), x)[0]
    expected = sp.Integral(
        node.function.subs(x, phi) * sp.Abs(sp.diff(phi, new)),
        *node.limits[:k],
        (new, -oo, oo),
    )
    if not equivalent(moved, expected):
        raise StepError(
            f"the substitution {old} = {new} gave {moved}, but the pull-back is {expected}"
        )
    rebuilt = sp.Integral(moved.function, *moved.limits, *node.limits[k + 1 :])
    return expr.xreplace({node: rebuilt})


def swap_order(expr: sp.Expr, outer: sp.Symbol | None = None) -> sp.Expr:
    """Swap an integral over ℝ with the one directly inside it (Fubini).

    ``∫ (∫ h(x, y) dx) dy  →  ∫ (∫ h(x, y) dy) dx``.  The swap is legitimate
    when the double integral of ``|h|`` is finite (:data:`FUBINI_CONDITION`).
    Both integrals must be over the whole real line, so that neither pair of
    limits depends on the other variable.

    Parameters
    ----------
    expr : sympy.Expr
        Expression containing the double integral.
    outer : sympy.Symbol, optional
        Variable of the outer integral of the pair to swap; needed only when
        ``expr`` holds several candidate pairs.

    Raises
    ------
    ValueError
        If there is no such pair, or several and ``outer`` does not pick one.
    """
    expr = check_expr(expr, "expr")
    if outer is not None:
        outer = bound_by_name(expr, outer)
    pairs = [
        (node, k)
        for node in _integrals(expr)
        for k in range(1, len(node.limits))
        if _over_real_line(node.limits[k])
        and _over_real_line(node.limits[k - 1])
        and (outer is None or node.limits[k][0] == outer)
    ]
    if len(pairs) != 1:
        raise ValueError(
            "expr must contain exactly one double integral over the plane"
            + ("" if outer is None else f" with outer variable {outer}")
            + f"; found {len(pairs)}"
        )
    node, k = pairs[0]
    limits = list(node.limits)
    limits[k - 1], limits[k] = limits[k], limits[k - 1]
    return expr.xreplace({node: sp.Integral(node.function, *limits)})


def differentiate_under_integral(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """Carry ``d/dvar`` of each ``Derivative(Integral(...), var)`` inside.

    SymPy's ``Integral`` derivative (Leibniz rule) is used; with both limits
    infinite there is no boundary term, and the move is legitimate under
    :data:`LEIBNIZ_CONDITION`.
    """
    expr = check_expr(expr, "expr")
    check_real_symbol(var, "var")
    targets = [
        d
        for d in sp.preorder_traversal(expr)
        if isinstance(d, sp.Derivative) and isinstance(d.expr, sp.Integral)
    ]
    if not targets:
        raise ValueError(f"expr must contain a derivative of an integral; received {expr}")
    return expr.xreplace({d: sp.diff(d.expr, *d.variables) for d in targets})
