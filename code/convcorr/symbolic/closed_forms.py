"""Closed forms of integrals over ℝ that are right or refused.

Every public function here computes a closed form with the rules below (or
SymPy's ``integrate`` with its convergence conditions kept), then confirms it
numerically against the defining integral (:mod:`convcorr.symbolic.numeric`)
at several points chosen from the symbols' assumptions, and raises
:class:`StepError` naming the integral when the closed form disagrees, is
``nan``, holds only under a condition the assumptions do not imply, or cannot
be checked at all (a non-integrable ``1``, ``t`` or ``Heaviside``: its
transform is a distribution).

Rules, tried in order on each term of the integrand:

* Gaussian: ``∫ c·xᵏ·exp(−A x² + B x + C) dx`` for Re A > 0, by the completed square;
* kinks: ``Abs``/``sign`` of an affine argument split into ``Heaviside`` pieces;
* support: a product of ``Heaviside`` factors restricts x to ``[L, U]`` (one or
  both ends infinite), integrated there, times ``Heaviside(U − L)``; powers
  ``(x−L)^p (U−x)^q`` give the Beta integral;
* residues: ``R(x)·exp(iωx)`` with R rational (``sin``, ``cos``, ``sinc``
  rewritten as exponentials) by closing the contour above the real axis for
  ω > 0 and below it for ω < 0, the contour passing above real poles (right for
  an integrand whose sum is regular, as sinc is);
* anything else: ``sympy.integrate(..., conds='piecewise')``; a condition that
  the assumptions do not settle is reported, never dropped.
"""

from collections.abc import Callable

import sympy as sp

from . import numeric
from ._common import StepError, Timeout, budget, check_expr, check_real_symbol, oo
from .normal_form import _rename

#: relative tolerance of the numeric check of a closed form
CHECK_RTOL = 1e-6


# ------------------------------------------------------------------- rules
def _gaussian_rule(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``∫ c·xᵏ·exp(−A x² + B x + C) dx`` for Re A > 0 (None if not of that form)."""
    const, rest = sp.powsimp(sp.expand(expr), combine="exp").as_independent(x, as_Add=False)
    power, gauss = sp.S.One, sp.S.One
    for factor in sp.Mul.make_args(sp.powsimp(rest, combine="exp")):
        if isinstance(factor, sp.exp):
            gauss = gauss * factor
        else:
            power = power * factor
    gauss = sp.powsimp(gauss, combine="exp")
    if not isinstance(gauss, sp.exp) or not (power == 1 or power.is_polynomial(x)):
        return None
    if sp.Poly(power, x).length() != 1:  # a single monomial x**k
        return None
    exponent = sp.expand(gauss.args[0])
    if not exponent.is_polynomial(x) or sp.degree(exponent, x) != 2:
        return None
    poly = sp.Poly(exponent, x)
    big_a = sp.factor(-poly.coeff_monomial(x**2))
    nonzero = {} if sp.re(big_a).is_positive else _nonzero_symbols(big_a)
    if nonzero is None:
        return None
    b, c = (poly.coeff_monomial(m).xreplace(nonzero) for m in (x, 1))
    big_a = big_a.xreplace(nonzero)
    k = sp.degree(power, x)
    lin = sp.Dummy("B")
    base = sp.sqrt(sp.pi / big_a) * sp.exp(lin**2 / (4 * big_a) + c)
    scale = sp.Poly(power, x).LC()
    value = const * scale * sp.diff(base, lin, k).subs(lin, b)
    return value.xreplace({d: s for s, d in nonzero.items()})


def _nonzero_symbols(big_a: sp.Expr) -> dict[sp.Symbol, sp.Dummy] | None:
    """``{s: nonzero Dummy}`` for the real symbols of ``big_a`` if Re A > 0 whenever they
    are nonzero (as ``1/s²`` for a real width s); None otherwise.

    The closed form then holds for almost every value of them: not at s = 0, where
    the Gaussian itself (``exp(−x²/s²)``) has no value.
    """
    swap = {
        s: sp.Dummy(s.name, real=True, nonzero=True)
        for s in big_a.free_symbols
        if s.is_real and s.is_nonzero is not True
    }
    if swap and sp.re(big_a.xreplace(swap)).is_positive:
        return swap
    return None


def _affine(arg: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """``(slope, intercept)`` of ``arg`` when it is affine in x (None otherwise)."""
    arg = sp.expand(arg)
    if arg.has(x) and arg.is_polynomial(x) and sp.degree(arg, x) == 1:
        return arg.coeff(x, 1), arg.coeff(x, 0)
    return None


def _split_abs(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``Abs(u)``/``sign(u)`` with u affine in x as ``Heaviside`` pieces (None if none)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign)) and _affine(node.args[0], x):
            u = node.args[0]
            if isinstance(node, sp.Abs):
                plus, minus = u, -u
            else:
                plus, minus = sp.S.One, -sp.S.One
            return expr.xreplace({node: plus}) * sp.Heaviside(u) + expr.xreplace(
                {node: minus}
            ) * sp.Heaviside(-u)
    return None


def _indicator(cond: sp.Basic, x: sp.Symbol) -> sp.Expr | None:
    """The indicator of ``cond`` (linear in x) as Heaviside factors, a.e.; None if not."""
    if cond is sp.true:
        return sp.S.One
    if isinstance(cond, sp.And):
        parts = [_indicator(c, x) for c in cond.args]
        return None if any(p is None for p in parts) else sp.Mul(*parts)
    if not isinstance(cond, sp.core.relational.Relational) or isinstance(cond, (sp.Eq, sp.Ne)):
        return None
    big = (
        cond.lhs - cond.rhs
        if isinstance(cond, (sp.GreaterThan, sp.StrictGreaterThan))
        else (cond.rhs - cond.lhs)
    )
    # cond says big > 0 (or ≥ 0); |u| terms open into both signs
    absolutes = [a for a in big.atoms(sp.Abs) if a.has(x)]
    if not absolutes:
        return sp.Heaviside(big) if _affine(big, x) else None
    node = absolutes[0]
    u = node.args[0]
    plus = _indicator(sp.StrictGreaterThan(big.xreplace({node: u}), 0), x)
    minus = _indicator(sp.StrictGreaterThan(big.xreplace({node: -u}), 0), x)
    if plus is None or minus is None or not _affine(u, x):
        return None
    return plus * sp.Heaviside(u) + minus * sp.Heaviside(-u)


def _piecewise_as_heaviside(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``expr`` with each Piecewise in x written with Heaviside factors (None if one cannot)."""
    swap = {}
    for pw in expr.atoms(sp.Piecewise):
        if not pw.has(x):
            continue
        total, outside = sp.S.Zero, sp.S.One
        for value, cond in pw.args:
            ind = _indicator(cond, x)
            if ind is None:
                return None
            total += value * ind * outside
            outside = outside * (1 - ind)
            if cond is sp.true:
                break
        swap[pw] = total
    return expr.xreplace(swap) if swap else None


def _support(expr: sp.Expr, x: sp.Symbol) -> tuple | None:
    """``(L, U, rest)``: the Heaviside factors of ``expr`` say L < x < U (None if not).

    Two lower (or upper) ends of unknown order come back as ``("split", expr')``
    where ``expr'`` distinguishes the two orders with x-free Heaviside factors.
    """
    lowers, uppers, rest = [], [], []
    for factor in sp.Mul.make_args(expr):
        base, power = factor.as_base_exp()
        if isinstance(base, sp.Heaviside) and base.has(x) and power.is_positive:
            aff = _affine(base.args[0], x)
            if aff is None:
                return None
            slope, shift = aff
            if slope.is_positive:
                lowers.append(-shift / slope)
            elif slope.is_negative:
                uppers.append(-shift / slope)
            else:
                return None
        else:
            rest.append(factor)
    if not lowers and not uppers:
        return None
    rest = sp.Mul(*rest)
    if any(n.has(x) for n in rest.atoms(sp.Heaviside, sp.Abs, sp.sign, sp.Piecewise)):
        return None
    low, up = _extreme(lowers, max), _extreme(uppers, min)
    for ends, best, side in ((lowers, low, 1), (uppers, up, -1)):
        if best is None:  # H(±(x − p)) H(±(x − q)) = that of the binding end, by cases
            p, q = ends[0], ends[1]
            keep = [sp.Heaviside(side * (x - e)) for e in ends[2:]]
            others = [sp.Heaviside(-side * (x - e)) for e in (lowers if side < 0 else uppers)]
            first = sp.Heaviside(side * (x - p)) * sp.Heaviside(side * (p - q))
            second = sp.Heaviside(side * (x - q)) * sp.Heaviside(side * (q - p))
            return "split", rest * sp.Mul(*keep, *others) * (first + second)
    return low, up, rest


def _extreme(points: list[sp.Expr], pick: Callable) -> sp.Expr | None:
    """The largest (pick=max) or smallest of ``points`` when their order is known."""
    if not points:
        return -oo if pick is max else oo
    best = points[0]
    for p in points[1:]:
        gap = sp.simplify(p - best)
        if gap.is_positive:
            best = p if pick is max else best
        elif gap.is_nonpositive:
            best = best if pick is max else p
        else:
            return None
    return best


def _beta_rule(body: sp.Expr, y: sp.Symbol, length: sp.Expr) -> sp.Expr | None:
    """``∫_0^length c·y^p·(length − y)^q dy`` by the Beta integral (None if not of that form)."""
    const, rest = body.as_independent(y, as_Add=False)
    p = q = sp.S.Zero
    for factor in sp.Mul.make_args(rest):
        if not factor.has(y):
            continue
        base, power = factor.as_base_exp()
        if power.has(y):
            return None
        if base == y:
            p += power
        elif sp.expand(base + y - length) == 0:
            q += power
        else:
            return None
    if (p + 1).is_positive is not True and sp.re(p + 1).is_positive is not True:
        return None
    if (q + 1).is_positive is not True and sp.re(q + 1).is_positive is not True:
        return None
    value = length ** (p + q + 1) * sp.gamma(p + 1) * sp.gamma(q + 1) / sp.gamma(p + q + 2)
    return const * value


def _finite_integral(body: sp.Expr, y: sp.Symbol, length: sp.Expr) -> sp.Expr:
    """``∫_0^length body dy`` for a positive ``length`` (a Dummy stands in for it)."""
    beta = _beta_rule(body, y, length)
    if beta is not None:
        return beta
    if isinstance(length, sp.Symbol):
        d = sp.Dummy("d", positive=True)
        return _sympy_integral(body.xreplace({length: d}), (y, 0, d)).xreplace({d: length})
    return _sympy_integral(body, (y, 0, length))


def _support_rule(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``∫ expr dx`` over the support its Heaviside factors give (None without one)."""
    found = _support(expr, x)
    if found is None:
        return None
    if found[0] == "split":
        return raw_line_integral(found[1], x)
    low, up, rest = found
    y = sp.Dummy("y", positive=True)
    if low.is_finite and up.is_finite:
        body = sp.expand(sp.powsimp(rest.xreplace({x: low + y}), combine="exp"), mul=False)
        # exp(−λy)·exp(−λ(x − y)) is exp(−λx): free of y once the exponent is expanded
        body = sp.powsimp(body, combine="exp").replace(
            lambda e: isinstance(e, sp.exp), lambda e: sp.exp(sp.expand(e.args[0]))
        )
        return sp.Heaviside(up - low) * _finite_integral(body, y, up - low)
    if low.is_finite:
        body = sp.powsimp(rest.xreplace({x: low + y}), combine="exp")
    elif up.is_finite:
        body = sp.powsimp(rest.xreplace({x: up - y}), combine="exp")
    else:
        return None
    return _half_line(body, y)


def _half_line(body: sp.Expr, y: sp.Symbol) -> sp.Expr:
    """``∫_0^∞ body dy``: ``c·exp(−A y + C)`` directly, otherwise SymPy with conditions."""
    const, rest = body.as_independent(y, as_Add=False)
    if isinstance(rest, sp.exp):
        aff = _affine(rest.args[0], y)
        if aff is not None and sp.re(-aff[0]).is_positive:
            return const * sp.exp(aff[1]) / (-aff[0])
    return _sympy_integral(body, (y, 0, oo))


def _residue_rule(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``∫ R(x)·exp(iωx) dx`` for rational R by residues (None if not of that form)."""
    omega, rational = numeric.oscillation(expr, x)
    if not omega.is_real:
        return None
    rational = sp.cancel(sp.together(rational))
    if not rational.is_rational_function(x) or not rational.has(x):
        return None
    num, den = sp.fraction(rational)
    gap = sp.degree(den, x) - sp.degree(num, x)
    if gap < 1:
        return None
    roots = sp.roots(sp.Poly(den, x))
    if sum(roots.values()) != sp.degree(den, x):
        return None
    wave = sp.exp(sp.I * omega * x)
    upper, lower, real = sp.S.Zero, sp.S.Zero, sp.S.Zero
    for root, mult in roots.items():
        side = sp.im(root)
        if mult == 1:
            res = (num / sp.diff(den, x) * wave).subs(x, root)
        else:
            res = sp.residue(rational * wave, x, root)
        if side.is_positive:
            upper += res
        elif side.is_negative:
            lower += res
        elif side.is_zero:
            real += res
        else:
            return None
    above = 2 * sp.pi * sp.I * upper
    below = -2 * sp.pi * sp.I * (lower + real)
    if gap >= 2:
        at_zero = above.subs(omega, 0) if omega.free_symbols else above
    else:  # the big arc of a 1/x tail adds iπ·c, c = lim x·R(x)
        tail = sp.Poly(num, x).LC() / sp.Poly(den, x).LC()
        at_zero = (above - sp.pi * sp.I * tail).subs(omega, 0) if omega != 0 else None
    if omega.is_positive:
        return above
    if omega.is_negative:
        return below
    if omega == 0:
        return at_zero if gap >= 2 else None
    scale, core = sp.factor_terms(omega).as_independent(*omega.free_symbols, as_Add=False)
    if not scale.is_positive:
        scale, core = 1, omega
    return sp.Piecewise((above, core > 0), (below, core < 0), (at_zero, True))


def _sympy_integral(expr: sp.Expr, limits: tuple) -> sp.Expr:
    """``sympy.integrate`` keeping its conditions: a condition it cannot settle is an error."""
    # exp(−βd + (β − α)y) → exp(−βd)·exp((β − α)y): SymPy 1.14 drops an x-free part of an
    # exponent in its α = β branch (∫_0^d exp(−βd + (β − α)y) dy = d there, not d·exp(−βd))
    const, expr = sp.expand_power_exp(expr).as_independent(limits[0], as_Add=False)
    if const != 1:
        return const * _sympy_integral(expr, limits)
    if expr.has(sp.Heaviside):
        expr = expr.rewrite(sp.Piecewise)
    value = sp.integrate(expr, limits, conds="piecewise")
    if isinstance(value, sp.Piecewise) and value.args[-1][0].has(sp.Integral):
        (good, cond), *others = value.args
        cond = sp.simplify(cond)
        if cond is sp.true or (len(others) == 1 and cond is not sp.false and _holds(cond)):
            value = good
        else:
            raise StepError(
                f"∫ {expr} d{limits[0]} over {limits[1:]} converges only when {cond}; "
                "declare the symbols with assumptions that imply it (e.g. positive=True)"
            )
    if value.has(sp.Integral) or value.has(sp.nan):
        raise StepError(f"SymPy could not integrate {expr} over {limits[1:]}")
    return value


def _holds(cond: sp.Basic) -> bool:
    """Whether the assumptions imply ``cond``."""
    return sp.ask(cond) is True or sp.simplify(cond) is sp.true


# ------------------------------------------------------------ raw evaluation
def raw_line_integral(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``∫_ℝ expr dx`` by the rules, unchecked (the gate checks it)."""
    expr = expr.replace(sp.sinc, lambda a: sp.sin(a) / a)
    if expr.has(sp.sin, sp.cos) and any(n.has(x) for n in expr.atoms(sp.sin, sp.cos)):
        expr = expr.rewrite(sp.exp)
    expr = expr.replace(lambda e: isinstance(e, sp.Add), lambda e: _window(e, x))
    expr = sp.expand(expr, power_exp=False, mul=True, multinomial=True)
    if not isinstance(expr, sp.Add):
        return _term(expr, x)
    try:
        total = sp.Add(*(_term(term, x) for term in expr.args))
    except StepError:
        total = sp.nan
    if total.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        # terms that diverge alone (H(x) − H(x − 1)): integrate the sum at once
        return _sympy_integral(expr, (x, -oo, oo))
    return total


def _window(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``H(A) − H(B)`` with A − B a positive number as ``H(A)·H(−B)`` (a.e.), else ``expr``.

    Expanded, a box made of two Heaviside steps becomes steps that do not decay
    alone; as one product it keeps a finite support.
    """
    if len(expr.args) != 2:
        return expr
    first, second = expr.args
    if isinstance(second, sp.Heaviside) and not isinstance(first, sp.Heaviside):
        first, second = second, first
    if not (isinstance(first, sp.Heaviside) and second.could_extract_minus_sign()):
        return expr
    minus = -second
    if not isinstance(minus, sp.Heaviside):
        return expr
    up, down = first.args[0], minus.args[0]
    gap = sp.expand(up - down)
    if not (up.has(x) and gap.is_number and gap.is_positive):
        return expr
    return sp.Heaviside(up) * sp.Heaviside(-down)


def _term(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """``∫ expr dx`` over ℝ for one term: the first rule that applies, else SymPy."""
    expr = sp.powsimp(sp.factor_terms(expr), combine="exp")
    if not expr.has(x):
        if expr == 0:
            return sp.S.Zero
        raise StepError(f"∫ {expr} d{x} over ℝ diverges (the integrand does not depend on {x})")
    for rule in (_gaussian_rule, _piecewise_as_heaviside, _split_abs, _support_rule, _residue_rule):
        value = rule(expr, x)
        if value is None:
            continue
        if rule in (_split_abs, _piecewise_as_heaviside):
            return raw_line_integral(value, x)
        return value
    return _sympy_integral(expr, (x, -oo, oo))


def _fresh(node: sp.Integral) -> sp.Integral:
    """The integral with its variables renamed to fresh Dummies (SymPy issue 12631)."""
    swap = {x: sp.Dummy(x.name, real=True) for x in node.variables}
    return sp.Integral(node.function.xreplace(swap), *[(swap[x], a, b) for x, a, b in node.limits])


def raw_closed_form(expr: sp.Expr) -> sp.Expr:
    """Every integral over ℝ of ``expr`` computed, innermost first, unchecked."""

    def compute(node: sp.Integral) -> sp.Expr:
        """The innermost integral of ``node`` computed (outer limits kept)."""
        node = _fresh(node)
        x, lo, hi = node.limits[0]
        if (lo, hi) != (-oo, oo):
            raise ValueError(
                f"closed_form handles integrals over the real line; received limits "
                f"({lo}, {hi}) for {x}"
            )
        value = raw_line_integral(node.function, x)
        return sp.Integral(value, *node.limits[1:]) if len(node.limits) > 1 else value

    while expr.has(sp.Integral):
        innermost = [
            n
            for n in sp.preorder_traversal(expr)
            if isinstance(n, sp.Integral) and not n.function.has(sp.Integral)
        ]
        expr = expr.xreplace({n: compute(n) for n in innermost})
    return tidy(expr)


def _clean_heaviside(expr: sp.Expr) -> sp.Expr:
    """``H(u)ⁿ = H(u)`` and ``H(u)·H(−u) = 0``: equal almost everywhere, shorter."""
    expr = expr.replace(
        lambda e: e.is_Pow and isinstance(e.base, sp.Heaviside) and e.exp.is_positive,
        lambda e: e.base,
    )
    terms = []
    for term in sp.Add.make_args(sp.expand(expr)):
        steps = [
            sp.expand(h.args[0]) for h in sp.Mul.make_args(term) if isinstance(h, sp.Heaviside)
        ]
        opposite = any(sp.expand(a + b) == 0 for i, a in enumerate(steps) for b in steps[i + 1 :])
        if not opposite and not _empty_support(steps):
            terms.append(_as_steps(term))
    expr = sp.expand(sp.Add(*terms))
    steps = sorted(expr.atoms(sp.Heaviside), key=sp.default_sort_key)
    if not steps:
        return expr
    parts = sp.collect(expr, steps, evaluate=False)
    return sp.Add(*(sp.factor(sp.expand(c)) * k for k, c in parts.items()))


def _as_steps(term: sp.Expr) -> sp.Expr:
    """``H(t − a)·H(b − t)`` (numbers a < b) as ``H(t − a) − H(t − b)``: truncated powers."""
    factors = sp.Mul.make_args(term)
    windows = [f for f in factors if isinstance(f, sp.Heaviside) and len(f.free_symbols) == 1]
    if len(windows) != 2 or windows[0].free_symbols != windows[1].free_symbols:
        return term
    (v,) = windows[0].free_symbols
    ends = [_affine(w.args[0], v) for w in windows]
    if any(e is None or not (e[0].is_number and e[1].is_number) for e in ends):
        return term
    (s1, c1), (s2, c2) = ends
    if s1 * s2 > 0:
        return term
    low, up = (-c1 / s1, -c2 / s2) if s1 > 0 else (-c2 / s2, -c1 / s1)
    if not low < up:
        return term
    rest = sp.Mul(*(f for f in factors if f not in windows))
    return rest * (sp.Heaviside(v - low) - sp.Heaviside(v - up))


def _empty_support(steps: list[sp.Expr]) -> bool:
    """Whether H(s₁)·H(s₂)··· vanishes a.e.: in one variable, a lower end ≥ an upper end."""
    ends = {}
    for arg in steps:
        if len(arg.free_symbols) != 1:
            continue
        (v,) = arg.free_symbols
        aff = _affine(arg, v)
        if aff is None or not (aff[0].is_number and aff[1].is_number):
            continue
        low, up = ends.setdefault(v, [-oo, oo])
        root = -aff[1] / aff[0]
        ends[v] = [sp.Max(low, root), up] if aff[0] > 0 else [low, sp.Min(up, root)]
    return any(low >= up for low, up in ends.values())


def tidy(expr: sp.Expr) -> sp.Expr:
    """Merge exponentials and factor each exponent: Gaussians read as Gaussians."""
    if expr.has(sp.Heaviside) and not expr.has(sp.Piecewise):
        expr = _clean_heaviside(expr)
    if not expr.has(sp.exp, sp.Heaviside, sp.Piecewise) and expr.free_symbols:
        return sp.cancel(sp.together(expr))  # one fraction, as in the tables
    if not expr.has(sp.exp) or expr.has(sp.Piecewise):
        return expr
    expr = sp.powsimp(sp.expand(expr, power_exp=False), combine="exp")
    return expr.replace(
        lambda e: isinstance(e, sp.exp), lambda e: sp.exp(_factor_exponent(e.args[0]))
    )


def _factor_exponent(arg: sp.Expr) -> sp.Expr:
    """An exponent factored, its real and imaginary parts apart."""
    # real and imaginary parts apart: factoring over Q(i) is slow and reads no better
    parts = sp.collect(sp.expand(arg), sp.I, evaluate=False)
    if set(parts) <= {sp.S.One, sp.I}:
        return sum((sp.factor(sp.cancel(part)) * unit for unit, part in parts.items()), sp.S.Zero)
    return sp.factor(sp.cancel(sp.expand(arg)))


# ------------------------------------------------------------ checked values
def confirm(defining: sp.Expr, value: sp.Expr, what: str, main: sp.Symbol | None = None) -> sp.Expr:
    """Raise StepError unless ``value`` equals the integral ``defining`` numerically.

    Both are evaluated at points from the symbols' assumptions (``main``, the
    variable of the result, on both sides of each kink of ``value``); at least
    two points must be computable and every computed point must agree (when the
    double-precision quadrature disagrees, a precise value of the integral decides).
    Any failure inside the numbers is a StepError with its reason, never a crash.
    """
    try:
        return _confirm(defining, value, what, main)
    except StepError:
        raise
    except Exception as exc:  # a crash in the numbers is a refusal with a reason
        raise StepError(
            f"{what}: the numeric confirmation failed ({type(exc).__name__}: {exc})"
        ) from None


def _confirm(defining: sp.Expr, value: sp.Expr, what: str, main: sp.Symbol | None) -> sp.Expr:
    """:func:`confirm` without its guard."""
    symbols = defining.free_symbols | value.free_symbols
    params = symbols - {main}
    checked, failures = 0, []
    normal = numeric.parameter_assignments(params, 3)
    for assignment in normal + _special_cases(value, params, normal[0]):
        if checked >= 6 and any(assignment is n for n in normal):
            continue
        mains = [None]
        if main is not None:
            kinks = numeric.numeric_kinks([value], main, assignment)
            mains = numeric.variable_values(kinks)[:4]
        for m in mains:
            point = dict(assignment) if m is None else {**assignment, main: m}
            try:
                exact, err = numeric.value_at(defining, point)
            except numeric.NumericFailure as exc:
                failures.append(str(exc))
                continue
            try:
                mine, _ = numeric.value_at(value, point)
            except numeric.NumericFailure:
                raise StepError(
                    f"{what}: the closed form {value} has no value at {point}, where "
                    f"the integral is {exact:.6g}"
                ) from None
            if abs(mine - exact) > CHECK_RTOL * (1 + abs(exact)) + 10 * err:
                _settle(defining, value, what, point, mine, exact)
            checked += 1
    if checked < min(2, 1 + len(symbols)):
        reason = failures[0] if failures else "no point to test"
        raise StepError(
            f"{what}: the closed form could not be confirmed numerically ({reason}); "
            "a non-integrable function has no classical integral (its transform is a "
            "distribution)"
        )
    return value


def _settle(
    defining: sp.Expr, value: sp.Expr, what: str, point: dict, mine: complex, quadrature: complex
) -> None:
    """Return if a precise value of the integral agrees with the closed form (the
    double-precision quadrature was off); raise StepError otherwise."""
    try:
        precise, err = numeric.precise_value_at(defining, point)
        if not err <= 1e-9 * (1 + abs(precise)):  # mpmath did not converge: no opinion
            raise numeric.NumericFailure(f"its error estimate is {err:.2g}")
    except numeric.NumericFailure as exc:
        raise StepError(
            f"{what}: the closed form {value} disagrees with quadrature: at {point} it "
            f"gives {mine:.10g}, quadrature of the integral {quadrature:.10g}, and no "
            f"precise value settles it ({str(exc)[:80]})"
        ) from None
    if abs(mine - precise) <= CHECK_RTOL * (1 + abs(precise)) + 10 * err:
        return
    raise StepError(
        f"{what}: the closed form {value} is wrong: at {point} it gives {mine:.10g}, "
        f"quadrature of the integral gives {quadrature:.10g} "
        f"({numeric.PRECISE_DIGITS} digits: {precise:.10g})"
    )


def _special_cases(value: sp.Expr, params: set, base: dict) -> list[dict]:
    """Assignments on the cases a ``Piecewise`` singles out by ``Ne(A, 0)`` (A = 0 there)."""
    out = []
    for rel in value.atoms(sp.Ne):
        for symbol in sorted(rel.free_symbols & params, key=str):
            roots = sp.solve(sp.Eq(rel.lhs, rel.rhs), symbol)
            if len(roots) != 1:
                continue
            try:
                number = complex(
                    roots[0].xreplace(
                        {k: numeric.to_number(v) for k, v in base.items() if k != symbol}
                    )
                )
            except (TypeError, ValueError):
                continue
            if abs(number.imag) < 1e-12:
                out.append({**base, symbol: number.real})
            break
    return out


def _timed(what: str, timeout: float | None, fn: Callable, *args: object) -> sp.Expr:
    """``fn(*args)`` within the budget; StepError naming ``what`` when it runs out."""
    try:
        with budget(timeout):
            return fn(*args)
    except Timeout:
        raise StepError(f"{what}: no closed form within the time budget") from None


def real_line_integral(expr: sp.Expr, x: sp.Symbol, *, timeout: float | None = None) -> sp.Expr:
    """``∫_{−∞}^{∞} expr dx`` in closed form, confirmed numerically.

    Parameters
    ----------
    expr : sympy.Expr
        The integrand.
    x : sympy.Symbol
        Real integration variable.
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``; ``math.inf``: no limit).

    Returns
    -------
    sympy.Expr
        The value; a ``Piecewise`` keeps any case distinction it needs.

    Raises
    ------
    StepError
        If no closed form is found in time, if it holds only under a condition
        the assumptions do not imply, or if it disagrees with quadrature.
    """
    expr = check_expr(expr, "expr")
    check_real_symbol(x, "x")
    what = f"∫ {expr} d{x} over ℝ"

    def run() -> sp.Expr:
        """The closed form, confirmed."""
        value = tidy(raw_line_integral(expr, x))
        return confirm(sp.Integral(expr, (x, -oo, oo)), value, what)

    return _timed(what, timeout, run)


def closed_form(
    expr: sp.Expr, *, timeout: float | None = None, main: sp.Symbol | None = None
) -> sp.Expr:
    """Every integral over ℝ in ``expr`` in closed form, innermost first, confirmed.

    Parameters
    ----------
    expr : sympy.Expr
        An expression with integrals over the real line (builders' integrals).
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``; ``math.inf``: no limit).
    main : sympy.Symbol, optional
        The variable the result is a function of (``t``), sampled on both
        sides of each kink; other symbols are sampled from their assumptions.

    Returns
    -------
    sympy.Expr
        ``expr`` with every integral computed.

    Raises
    ------
    StepError
        As :func:`real_line_integral`.
    """
    expr = check_expr(expr, "expr")
    what = f"the closed form of {expr}"
    # builders make fresh Dummies: the same integral built twice differs only in them
    key = (_rename(expr), main)
    if key in _CONFIRMED:
        return _CONFIRMED[key]

    def run() -> sp.Expr:
        """The closed form, confirmed."""
        value = raw_closed_form(expr)
        if expr.has(sp.Integral):
            confirm(expr, value, what, main)
        return value

    value = _timed(what, timeout, run)
    if len(_CONFIRMED) > 512:
        _CONFIRMED.clear()
    _CONFIRMED[key] = value
    return value


_CONFIRMED = {}


def _transform(
    expr: sp.Expr,
    src: sp.Symbol,
    dst: sp.Symbol,
    sign: int,
    what: str,
    timeout: float | None,
) -> sp.Expr:
    """``∫ expr·exp(sign·2πi·dst·src) d src`` over ℝ in closed form, confirmed."""
    expr = check_expr(expr, "expr")
    check_real_symbol(src, "the variable")
    check_real_symbol(dst, "the frequency")
    integrand = expr * sp.exp(sign * 2 * sp.pi * sp.I * dst * src)

    def run() -> sp.Expr:
        """The transform in its table form (sinc, even, steps), confirmed."""
        value = tidy(raw_line_integral(integrand, src))
        value = step_form(even_form(sinc_form(value, dst), dst), dst)
        return confirm(sp.Integral(integrand, (src, -oo, oo)), value, what, dst)

    return _timed(what, timeout, run)


def fourier_transform(
    expr: sp.Expr, t: sp.Symbol, xi: sp.Symbol, *, timeout: float | None = None
) -> sp.Expr:
    """Closed form of ``F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt`` for ``f = expr``, confirmed.

    Same convention as :func:`sympy.fourier_transform` (ordinary frequency).

    Parameters
    ----------
    expr : sympy.Expr
        ``f(t)``.
    t, xi : sympy.Symbol
        Real variable of ``f`` and real frequency of the result.
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``).

    Returns
    -------
    sympy.Expr
        ``F{f}(ξ)``, in the tables' form where one applies (``sinc(πξ)``,
        ``h(|ξ|)``, steps).

    Raises
    ------
    StepError
        For a non-integrable ``f`` (``1``, ``t``, ``Heaviside(t)``: their
        transforms are distributions) and for any result that quadrature does
        not confirm.
    """
    return _transform(expr, t, xi, -1, f"F{{{expr}}}({xi})", timeout)


def inverse_fourier_transform(
    expr: sp.Expr, xi: sp.Symbol, t: sp.Symbol, *, timeout: float | None = None
) -> sp.Expr:
    """Closed form of ``f(t) = ∫ F(ξ) exp(2πiξt) dξ`` for ``F = expr``, confirmed.

    Parameters, result and errors as :func:`fourier_transform`, with the roles
    of ``t`` and ``xi`` exchanged.
    """
    return _transform(expr, xi, t, 1, f"F⁻¹{{{expr}}}({t})", timeout)


def even_form(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """A ``Piecewise`` in ``var`` that is ``h(|var|)`` written as ``h(|var|)``."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    p = sp.Dummy("p", positive=True)
    for branch, _ in expr.args:
        candidate = sp.simplify(branch.subs(var, sp.Abs(var)))
        if candidate.has(sp.nan, sp.zoo):
            continue
        ok = all(sp.simplify(expr.subs(var, s) - candidate.subs(var, s)) == 0 for s in (p, -p))
        if ok and sp.simplify(expr.subs(var, 0) - candidate.subs(var, 0)) == 0:
            return candidate
    return expr


def sinc_form(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``Piecewise((A, Ne(var, c)), (B, True))`` as one ``sinc`` expression when A → B at c.

    The transforms of the box and the triangle come out of the integral as such
    a pair of exponential quotients; the table writes ``sinc(πξ)`` and ``sinc(πξ)²``.
    """
    folded = sp.piecewise_fold(expr) if expr.has(sp.Piecewise) else expr
    if not isinstance(folded, sp.Piecewise) or len(folded.args) != 2:
        return expr
    (generic, cond), (special, _) = folded.args
    if not isinstance(cond, sp.Ne) or var not in cond.free_symbols:
        return expr
    point = sp.solve(sp.Eq(cond.lhs, cond.rhs), var)
    candidate = sp.simplify(generic.rewrite(sp.sin)).rewrite(sp.sinc)
    if len(point) != 1 or candidate.has(sp.nan, sp.zoo):
        return expr
    if sp.simplify((candidate - special).subs(var, point[0])) != 0:
        return expr
    return candidate


def step_form(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """Each ``Piecewise((A, u < 0), (B, u > 0), ((A + B)/2, True))`` as ``A + (B − A)·H(u)``.

    The transform of ``sin(πt)/(πt)`` comes out of the residues as two such
    pieces; as steps it reads ``H(ξ + 1/2) − H(ξ − 1/2)``, with the value 1/2 at the
    jumps that the integral (a principal value there) has.
    """

    def as_step(pw: sp.Piecewise) -> sp.Expr:
        """The Piecewise as a step, when it is one."""
        if len(pw.args) != 3 or pw.args[2][1] is not sp.true:
            return pw
        (low, below), (high, above), (middle, _) = pw.args
        u = _sign_argument(below, var, -1)
        v = _sign_argument(above, var, 1)
        if u is None or v is None or sp.simplify(middle - (low + high) / 2) != 0:
            return pw
        ratio = sp.simplify(u / v)
        if not (ratio.is_number and ratio.is_positive):
            return pw
        return low + (high - low) * sp.Heaviside(_monic(v, var))

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), as_step)


def _sign_argument(cond: sp.Basic, var: sp.Symbol, sign: int) -> sp.Expr | None:
    """``u`` affine in ``var`` with ``cond`` saying ``sign·u > 0`` (None if not of that form)."""
    if isinstance(cond, sp.StrictLessThan):
        u = cond.lhs - cond.rhs  # cond: u < 0
    elif isinstance(cond, sp.StrictGreaterThan):
        u = cond.rhs - cond.lhs  # cond: −(lhs − rhs) < 0
    else:
        return None
    return -sign * u if _affine(u, var) else None


def _monic(u: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``u / c`` with c > 0 the coefficient of ``var``: ``H(2πξ + π) = H(ξ + 1/2)``."""
    slope = _affine(u, var)[0]
    return sp.expand(u / slope) if slope.is_positive else u
