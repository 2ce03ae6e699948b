"""A normal form for expressions built from integrals, and equivalence under it."""

import sympy as sp

from ._common import check_expr

# one shared set of canonical bound variables: Dummies cannot clash with any
# symbol a user creates (a user symbol named `_v0` included)
_CANONICAL = []


def _canonical_var(k: int) -> sp.Dummy:
    """The shared bound variable of nesting depth ``k``."""
    while len(_CANONICAL) <= k:
        _CANONICAL.append(sp.Dummy(f"v{len(_CANONICAL)}", real=True))
    return _CANONICAL[k]


def _pull(body: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """``∫ body dx`` with sums split and x-free factors moved out."""
    body = sp.expand(body, power_exp=True, mul=True, multinomial=False)
    if isinstance(body, sp.Add):
        return sp.Add(*(_pull(term, x, a, b) for term in body.args))
    const, rest = body.as_independent(x, as_Add=False)
    return const * sp.Integral(rest, (x, a, b))


def _linear_form(expr: sp.Expr) -> sp.Expr:
    """Pull constants out of integrals, split sums, push conjugates inside."""
    if isinstance(expr, sp.Integral):
        body = expr.function
        for x, lo, hi in expr.limits:  # innermost first
            fresh = sp.Dummy(x.name, real=True)
            body = _pull(_linear_form(body.xreplace({x: fresh})), fresh, lo, hi)
        return body
    if isinstance(expr, sp.conjugate) and isinstance(expr.args[0], sp.Integral):
        inner = expr.args[0]
        if all(
            x.is_real and lo.is_extended_real and hi.is_extended_real for x, lo, hi in inner.limits
        ):
            return _linear_form(sp.Integral(sp.conjugate(inner.function), *inner.limits))
    if isinstance(expr, (sp.Subs, sp.Derivative)) or not expr.has(sp.Integral):
        return expr
    return expr.func(*(_linear_form(arg) for arg in expr.args))


def _rename(expr: sp.Expr, depth: int = 0) -> sp.Expr:
    """Name each integration variable after its nesting depth (shared Dummies)."""
    if isinstance(expr, sp.Integral):
        n = len(expr.limits)
        names = {}
        limits = []
        for i, (x, lo, hi) in enumerate(expr.limits):
            v = _canonical_var(depth + n - 1 - i)
            names[x] = v
            limits.append((v, lo, hi))
        body = _rename(expr.function.xreplace(names), depth + n)
        return sp.Integral(body, *limits)
    if not expr.has(sp.Integral):
        return expr
    return expr.func(*(_rename(arg, depth) for arg in expr.args))


def same_up_to_bound_names(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether ``a`` and ``b`` differ at most in the names of integration variables."""
    return a == b or _rename(a) == _rename(b)


def _canonical(expr: sp.Expr) -> sp.Expr:
    """The normal form of :func:`equivalent`."""
    # |z|² = z·conj(z), so that an energy integral meets its correlation form
    expr = expr.replace(
        lambda e: e.is_Pow and isinstance(e.base, sp.Abs) and e.exp == 2,
        lambda e: e.base.args[0] * sp.conjugate(e.base.args[0]),
    )
    # f'(τ) reaches here both as Subs(Derivative(f(x), x), x, τ) and as Derivative(f(τ), τ)
    expr = expr.replace(
        lambda e: isinstance(e, sp.Subs) and not e.has(sp.Integral), lambda e: e.doit()
    )
    return _rename(sp.expand(_linear_form(expr), power_exp=True))


def equivalent(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether ``a`` and ``b`` are equal as expressions built from integrals.

    Both sides are brought to one normal form: ``|z|²`` written as
    ``z·conj(z)``, sums split and factors free of the integration variable moved out of
    each integral (linearity), ``conj(∫ h dx) = ∫ conj(h) dx`` for real x and
    limits, exponentials expanded, and every integration variable renamed
    after its nesting depth.  The two normal forms are then compared, first
    structurally, then integral by integral (same limits, integrands with
    ``simplify(a - b) == 0``).  The normal form
    knows nothing of substitutions or of the order of integration: those are
    separate, explicit moves (:func:`change_variable`, :func:`swap_order`).
    """
    a = check_expr(a, "a")
    b = check_expr(b, "b")
    return _same(_canonical(a), _canonical(b))


def _same(ca: sp.Expr, cb: sp.Expr) -> bool:
    """Whether two normal forms are equal: structurally, or integral by integral."""
    if ca == cb:
        return True
    if isinstance(ca, sp.Integral) and isinstance(cb, sp.Integral):
        return ca.limits == cb.limits and _same(ca.function, cb.function)
    diff = sp.expand(ca - cb)
    # doit=False: simplify must never evaluate an integral behind our back
    return diff == 0 or sp.simplify(diff, doit=False) == 0
