"""The second, independent gate: numbers from the defining integrals.

Nothing here uses SymPy's integration.  An expression is evaluated at a point
by substituting numbers for its free symbols, replacing each undefined
function (``sympy.Function('f')``) by a fixed complex, asymmetric sample
function, and computing every integral numerically, cut into pieces at

* its *kinks*: where a ``Heaviside``, ``Abs``, ``sign``, ``Min``/``Max`` or
  ``Piecewise`` condition of the integrand may switch, and where two such
  points of an inner integral meet;
* its *features*: the centre of each Gaussian factor ``exp(−A x² + B x + C)``
  and of each pole near the real line, and multiples of its width on both
  sides, so that a narrow peak far from every other cut is never stepped over.

:func:`value_at` integrates the pieces with two composite Gauss–Legendre rules
and, when the two disagree, with adaptive QUADPACK (:func:`scipy.integrate.quad`),
using the Fourier weight (QAWF) for oscillating tails ``r(x)·exp(iωx)`` so that
slowly decaying transforms such as ``1/(a + 2πiξ)`` converge.  A quadrature that
warns (divergence, roundoff, too many subdivisions) is a failure, never a number.

:func:`precise_value_at` is the second opinion a counterexample needs: an
expression without integrals by ``evalf`` at :data:`PRECISE_DIGITS` digits, one
integral by mpmath's tanh-sinh quadrature on the same pieces at that precision,
with its error estimate.

One compiler (:func:`_compile`) serves the three strategies; they differ only in
how an integral is computed (:func:`_fixed_integral`, :func:`_adaptive_integral`,
:func:`_precise_integral`).
"""

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence

import mpmath
import numpy as np
import sympy as sp
from scipy import integrate as _integrate

#: most nested integrals the gate computes by quadrature (cost grows as nodes**depth)
MAX_DEPTH = 2
#: digits of :func:`precise_value_at`
PRECISE_DIGITS = 30
#: a feature cuts an integral at its centre plus these multiples of its width
FEATURE_STEPS = (-8.0, -3.0, -1.0, 0.0, 1.0, 3.0, 8.0)

Point = dict[sp.Symbol, complex | float | int]
Env = tuple  # values (numbers or NumPy arrays) in the order of a scope
Rule = tuple[np.ndarray, np.ndarray] | None
Compiled = Callable[[Env, Rule], object]


class NumericFailure(Exception):
    """The expression has no trustworthy number at this point."""


# -------------------------------------------------------------- sample functions
_SHAPES = [
    (0.3, 1.3, 0.4),
    (-0.5, 0.8, -0.9),
    (1.1, 2.0, 0.6),
    (-1.2, 1.1, 1.3),
    (0.7, 0.6, -0.5),
]


def sample_function(k: int, arity: int) -> sp.Lambda:
    """The k-th smooth, fast-decaying, complex and asymmetric function of ``arity`` variables.

    It stands in for an undefined ``sympy.Function`` in the numbers: a
    counterexample for it refutes an identity claimed for all functions.
    """
    c, w, b = _SHAPES[k % len(_SHAPES)]
    xs = sp.symbols(f"x0:{arity}", real=True)
    body = sp.S.One
    for j, x in enumerate(xs):
        cj = sp.Float(c + 0.37 * j)
        body *= sp.exp(-((x - cj) ** 2) / sp.Float(w)) * (1 + sp.I * sp.Float(b) * x)
    return sp.Lambda(xs, body)


def concrete(expr: sp.Expr) -> tuple[sp.Expr, dict]:
    """``expr`` with undefined functions replaced by sample functions; the map used."""
    applied = expr.atoms(sp.core.function.AppliedUndef)
    funcs = sorted({a.func for a in applied}, key=lambda fn: fn.__name__)
    chosen = {
        fn: sample_function(k, len(next(a for a in applied if a.func == fn).args))
        for k, fn in enumerate(funcs)
    }
    if chosen:
        expr = expr.replace(
            lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func in chosen,
            lambda e: chosen[e.func](*e.args),
        )
    return _resolve_derivatives(expr), chosen


def _resolve_derivatives(expr: sp.Expr) -> sp.Expr:
    """Carry out every ``Derivative``/``Subs`` (of a sample function, now explicit)."""

    def doit(node: sp.Basic) -> sp.Expr:
        """The derivative (under an integral: of the integrand) carried out."""
        if isinstance(node.expr if isinstance(node, sp.Derivative) else node, sp.Integral):
            return sp.diff(node.expr, *node.variables)
        return node.doit()

    return expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), doit)


# ------------------------------------------------------------ numbers of nodes
class _Step(sp.Function):
    """``Heaviside(u, h0)·v`` for the numbers: exactly 0 where u < 0, even if v is not finite.

    In floating point ``H(−x)·exp(x)`` is ``0·inf = nan`` far out; gated it is 0.
    """

    nargs = 3


def _np_heaviside(u: np.ndarray, h0: complex = 0.5) -> np.ndarray:
    """``Heaviside(u, h0)`` on arrays (of real parts)."""
    return np.heaviside(np.real(u), np.real(h0))


def _np_step(u: np.ndarray, h0: complex, v: np.ndarray) -> np.ndarray:
    """:class:`_Step` on arrays: v, h0·v or exactly 0."""
    u = np.real(u)
    return np.where(u > 0, v, np.where(u == 0, h0 * v, 0))


def _mp_heaviside(u: mpmath.mpf, h0: mpmath.mpf = 0.5) -> mpmath.mpf:
    """``Heaviside(u, h0)`` in mpmath."""
    u = mpmath.re(u)
    return 1 if u > 0 else (h0 if u == 0 else 0)


def _mp_step(u: mpmath.mpf, h0: mpmath.mpf, v: mpmath.mpc) -> mpmath.mpc:
    """:class:`_Step` in mpmath (no overflow there: ``0·exp(1e6)`` is 0)."""
    return v * _mp_heaviside(u, h0)


def _no_delta(*args: object) -> None:
    """A DiracDelta in the numbers: always a failure."""
    raise NumericFailure("a DiracDelta has no value at a point")


_NUMPY = [
    {"Heaviside": _np_heaviside, "_Step": _np_step, "DiracDelta": _no_delta},
    "scipy",
    "numpy",
]
_MPMATH = [
    {"Heaviside": _mp_heaviside, "_Step": _mp_step, "DiracDelta": _no_delta},
    "mpmath",
]


def _gated(expr: sp.Expr) -> sp.Expr:
    """Every product with ``Heaviside`` factors written with :class:`_Step`."""

    def has_step(e: sp.Basic) -> bool:
        """Whether ``e`` is a product with a Heaviside factor."""
        return e.is_Mul and any(isinstance(f.as_base_exp()[0], sp.Heaviside) for f in e.args)

    def gate(mul: sp.Mul) -> sp.Expr:
        """The product as nested :class:`_Step`, one per Heaviside factor."""
        value, steps = sp.S.One, []
        for factor in mul.args:
            base, power = factor.as_base_exp()
            if isinstance(base, sp.Heaviside) and power.is_positive:
                h0 = base.args[1] if len(base.args) > 1 else sp.S.Half
                steps.append((base.args[0], h0**power))
            else:
                value *= factor
        for u, h0 in steps:
            value = _Step(u, h0, value)
        return value

    return expr.replace(has_step, gate)


def _removable(expr: sp.Expr) -> sp.Expr:
    """``sin(u)/u`` as ``sinc(u)``: the quotient is 0/0 at u = 0, where sinc is 1."""

    def has_quotient(e: sp.Basic) -> bool:
        """Whether ``e`` is a product with a sine factor."""
        return e.is_Mul and any(isinstance(f, sp.sin) for f in e.args)

    def fold(mul: sp.Mul) -> sp.Expr:
        """The product with ``sin(u)`` over ``u`` written ``sinc(u)``."""
        factors = sp.Mul.make_args(mul)
        below = sp.Mul(*(1 / f for f in factors if f.is_Pow and f.exp.is_negative))
        for s in factors:
            if isinstance(s, sp.sin) and s.args[0].free_symbols:
                ratio = sp.cancel(s.args[0] / below)
                if ratio.free_symbols.isdisjoint(s.args[0].free_symbols):
                    return mul / s * below * sp.sinc(s.args[0]) * ratio
        return mul

    return expr.replace(has_quotient, fold)


def _lambdify(
    scope: Sequence[sp.Symbol], expr: sp.Expr, finite: bool = True
) -> Callable[[Env], np.ndarray]:
    """``fn(env)``: ``expr`` on complex NumPy arrays (or numbers) for the symbols of ``scope``.

    With ``finite`` (the default) a value that is not finite raises :class:`NumericFailure`.
    """
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = sp.lambdify(scope, _gated(_removable(expr)), modules=_NUMPY)

    def call(env: Env) -> np.ndarray | complex:
        """The value on arrays (broadcast), or at one point as a complex number."""
        if all(isinstance(e, (int, float, complex)) for e in env):
            return _scalar_call(env)
        with np.errstate(all="ignore"):
            z = np.asarray(fn(*(np.asarray(e, dtype=complex) for e in env)), dtype=complex)
        if env:
            z = np.broadcast_to(z, np.broadcast_shapes(*(np.shape(e) for e in env), z.shape))
        if finite and not np.all(np.isfinite(z)):
            raise NumericFailure(f"{expr} is not finite on the quadrature nodes")
        return z

    def _scalar_call(env: Env) -> complex:
        """The value at one point."""
        # QUADPACK asks for one point at a time: no arrays, ten times faster
        with np.errstate(all="ignore"):
            z = complex(fn(*(complex(e) for e in env)))
        if finite and not (math.isfinite(z.real) and math.isfinite(z.imag)):
            raise NumericFailure(f"{expr} is not finite at {env}")
        return z

    return call


def _mp_lambdify(scope: Sequence[sp.Symbol], expr: sp.Expr) -> Callable[[Env], mpmath.mpc]:
    """``fn(env)``: ``expr`` in mpmath at the current precision (real numbers stay mpf)."""
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    fn = sp.lambdify(scope, _gated(_removable(expr)), modules=_MPMATH)

    def call(env: Env) -> mpmath.mpc:
        """The value at one point, at the current mpmath precision."""
        z = mpmath.mpmathify(fn(*env))
        if not mpmath.isfinite(z):
            raise NumericFailure(f"{expr} is not finite at {env}")
        return z

    return call


def _mp_number(value: complex | float) -> mpmath.mpf | mpmath.mpc:
    """An mpmath number, real (mpf) when the imaginary part is 0, so that comparisons work."""
    z = complex(value)
    return mpmath.mpf(z.real) if z.imag == 0 else mpmath.mpc(z.real, z.imag)


# ------------------------------------------------------------------ structure
def depth(expr: sp.Basic) -> int:
    """Number of nested integration variables (a 2-D integral has depth 2)."""
    if isinstance(expr, sp.Integral):
        return len(expr.limits) + depth(expr.function)
    if not isinstance(expr, sp.Basic) or not expr.args:
        return 0
    return max((depth(a) for a in expr.args), default=0)


def to_number(value: complex | float | int) -> sp.Expr:
    """A SymPy number with the value of a Python or NumPy number."""
    if isinstance(value, complex):
        return sp.Float(value.real) + sp.I * sp.Float(value.imag)
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    return sp.Float(float(value))


def _outermost_integrals(expr: sp.Basic) -> list[sp.Integral]:
    """The integrals of ``expr`` that are not inside another integral."""
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Integral):
            found.append(node)
        else:
            stack.extend(node.args)
    return found


def _outside_integrals(expr: sp.Basic) -> Iterable[sp.Basic]:
    """The nodes of ``expr``, not descending into integrals (which are yielded)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, sp.Integral):
            stack.extend(node.args)


def _split_innermost(node: sp.Integral) -> tuple[sp.Expr, sp.Symbol, sp.Expr, sp.Expr]:
    """``(body, x, lo, hi)`` with ``node = ∫_lo^hi body dx`` (x the outermost variable)."""
    x, lo, hi = node.limits[-1]
    body = sp.Integral(node.function, *node.limits[:-1]) if len(node.limits) > 1 else node.function
    return body, x, lo, hi


def _root_in(arg: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """The root in x of ``arg`` when it is affine in x (None otherwise)."""
    arg = sp.expand(arg)
    if arg.has(x) and arg.is_polynomial(x) and sp.degree(arg, x) == 1:
        return -arg.coeff(x, 0) / arg.coeff(x, 1)
    return None


def kink_points(expr: sp.Expr, x: sp.Symbol) -> set[sp.Expr]:
    """Where ``expr`` may kink or jump in x.

    A ``Heaviside``, ``Abs``, ``sign``, ``Min``, ``Max`` or ``Piecewise``
    condition may switch where its (affine) argument vanishes; an inner
    integral, a function of x, may kink only where two of its own breakpoints
    meet.  Points are SymPy expressions free of x.
    """
    points = set()
    for node in _outside_integrals(expr):
        args = ()
        if isinstance(node, sp.Integral):
            points |= _inner_kinks(node, x)
        elif isinstance(node, (sp.Heaviside, sp.Abs, sp.sign)):
            args = (node.args[0],)
        elif isinstance(node, (sp.Min, sp.Max)):
            args = tuple(a - b for a, b in itertools.pairwise(node.args))
        elif isinstance(node, sp.Piecewise):
            args = tuple(
                rel.lhs - rel.rhs
                for _, cond in node.args
                for rel in getattr(cond, "atoms", lambda *_: ())(sp.core.relational.Relational)
            )
        points |= {p for p in (_root_in(a, x) for a in args) if p is not None}
    return points


def _inner_kinks(node: sp.Integral, x: sp.Symbol) -> set[sp.Expr]:
    """Values of x at which two breakpoints of ``node``'s integration variable meet."""
    body, var, lo, hi = _split_innermost(node)
    breaks = kink_points(body, var) | {e for e in (lo, hi) if e.is_finite}
    points = {p for p in kink_points(body, x) if not p.has(var)}
    for p, q in itertools.combinations(breaks, 2):
        root = _root_in(p - q, x)
        if root is not None and not root.has(var):
            points.add(root)
    return points


def features(expr: sp.Expr, x: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr]]:
    """``(centre, width)`` of the narrow parts of ``expr`` in x, as SymPy expressions.

    A Gaussian factor ``exp(−A x² + B x + C)`` has its envelope centred at
    ``Re B / (2 Re A)`` and width ``1/√|A|``; a pole ``p`` of a rational factor
    (denominator of degree 1 or 2 in x) has centre ``Re p`` and width ``|Im p|``.
    """
    found = []
    for node in _outside_integrals(expr):
        if isinstance(node, sp.exp):
            arg = sp.expand(node.args[0])
            if arg.has(x) and arg.is_polynomial(x) and sp.degree(arg, x) == 2:
                a, b = -arg.coeff(x, 2), arg.coeff(x, 1)
                found.append((sp.re(b) / (2 * sp.re(a)), 1 / sp.sqrt(sp.Abs(a))))
        elif node.is_Pow and node.exp.is_negative and node.base.has(x):
            base = sp.expand(node.base)
            if base.is_polynomial(x) and sp.degree(base, x) in (1, 2):
                found += [(sp.re(r), sp.Abs(sp.im(r))) for r in sp.roots(sp.Poly(base, x))]
    unique = []
    for pair in found:
        if pair not in unique:
            unique.append(pair)
    return unique


class _Cuts:
    """Where to cut ``∫_lo^hi body dx`` at given values of the scope.

    Kinks always (0 when there is none and both ends are infinite); a feature
    only when, somewhere on the arrays, it is narrow, broad or far from those
    cuts (a unit-scale feature next to a cut is resolved by the rules as they
    are, and its cuts would only cost nodes), or always with ``every_feature``.
    """

    def __init__(
        self,
        body: sp.Expr,
        x: sp.Symbol,
        scope: tuple,
        lo: sp.Expr,
        hi: sp.Expr,
        every_feature: bool = False,
    ) -> None:
        self.every_feature = every_feature

        def usable(*exprs: sp.Expr) -> bool:
            """Whether the cuts can be computed from the scope alone."""
            return all(e.free_symbols <= set(scope) and not e.has(sp.zoo, sp.nan) for e in exprs)

        # a cut that is not finite at some values is replaced there, never fatal
        self.kinks = [_lambdify(scope, k, False) for k in kink_points(body, x) if usable(k)]
        self.features = [
            (_lambdify(scope, c, False), _lambdify(scope, w, False))
            for c, w in features(body, x)
            if usable(c, w)
        ]
        self.ends = [_lambdify(scope, e, False) if e.is_finite else None for e in (lo, hi)]

    def __call__(self, env: Env) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
        """``(a, b, cuts)``: finite ends (or None) and sorted inner cuts, shape ``(..., n)``."""
        shape = np.broadcast_shapes(*(np.shape(e) for e in env)) if env else ()
        a, b = (None if e is None else np.broadcast_to(e(env).real, shape) for e in self.ends)
        cuts = [np.broadcast_to(k(env).real, shape) for k in self.kinks]
        if not cuts and a is None and b is None:
            cuts = [np.zeros(shape)]
        base = cuts + [e for e in (a, b) if e is not None]
        for centre, width in self.features:
            c = np.broadcast_to(centre(env).real, shape)
            w = np.clip(np.abs(np.broadcast_to(width(env).real, shape)), 1e-8, 1e8)
            far = np.min(np.abs(np.stack(base, axis=-1) - c[..., None]), axis=-1) > 2
            if self.every_feature or np.any((w < 0.3) | (w > 3) | far):
                cuts += [c + step * w for step in FEATURE_STEPS]
        low = -np.inf if a is None else a
        high = np.inf if b is None else b
        cuts = [np.clip(np.where(np.isfinite(c), c, base[0]), low, high) for c in cuts]
        stacked = np.sort(np.stack(cuts, axis=-1), axis=-1) if cuts else np.zeros((*shape, 0))
        return a, b, stacked


# ------------------------------------------------------------------ compiler
def _compile(
    expr: sp.Expr,
    scope: tuple,
    integral: Callable[[sp.Integral, tuple], Compiled],
    lambdify: Callable = _lambdify,
) -> Compiled:
    """``fn(env, rule)``: ``expr`` at values of ``scope``; each integral by ``integral``.

    ``integral(node, scope)`` returns the ``run(env, rule)`` of one integral;
    ``rule`` is the pair (nodes, weights) of the fixed rules, None otherwise.
    """
    nodes = _outermost_integrals(expr)
    if not nodes:
        plain = lambdify(scope, expr)
        return lambda env, rule: plain(env)
    holders = tuple(sp.Dummy(f"I{k}") for k in range(len(nodes)))
    outer = lambdify((*scope, *holders), expr.xreplace(dict(zip(nodes, holders))))
    inners = [integral(node, scope) for node in nodes]
    return lambda env, rule: outer((*env, *(c(env, rule) for c in inners)))


def _gauss_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [0, 1]."""
    s, w = np.polynomial.legendre.leggauss(n)
    return (s + 1) / 2, w / 2


_RULES = [_gauss_rule(96), _gauss_rule(64)]


def _fixed_integral(node: sp.Integral, scope: tuple) -> Compiled:
    """One integral by a composite fixed rule, vectorised over arrays of the scope."""
    body, x, lo, hi = _split_innermost(node)
    integrand = _compile(body, (*scope, x), _fixed_integral)
    cuts = _Cuts(body, x, scope, lo, hi)

    def run(env: Env, rule: Rule) -> np.ndarray:
        """The integral on arrays of the scope, by ``rule`` on every piece."""
        a, b, inner = cuts(env)
        xv, wv = _composite_nodes(a, b, inner, rule)
        inner_env = (*(np.asarray(e)[..., None] for e in env), xv)
        return np.sum(integrand(inner_env, rule) * wv, axis=-1)

    return run


def _composite_nodes(
    a: np.ndarray | None, b: np.ndarray | None, inner: np.ndarray, rule: Rule
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of ``rule`` on every piece; an infinite end maps ``s/(1 − s)``."""
    s, w = rule
    shape = inner.shape[:-1]
    pieces = [inner]
    if a is not None:
        pieces.insert(0, np.broadcast_to(a, shape)[..., None])
    if b is not None:
        pieces.append(np.broadcast_to(b, shape)[..., None])
    pts = np.concatenate(pieces, axis=-1)
    xs, ws = [], []
    for k in range(pts.shape[-1] - 1):
        p, q = pts[..., k : k + 1], pts[..., k + 1 : k + 2]
        xs.append(p + (q - p) * s)
        ws.append((q - p) * w)
    tail = w / (1 - s) ** 2
    if a is None:
        xs.append(pts[..., :1] - s / (1 - s))
        ws.append(tail * np.ones_like(pts[..., :1]))
    if b is None:
        xs.append(pts[..., -1:] + s / (1 - s))
        ws.append(tail * np.ones_like(pts[..., -1:]))
    return np.concatenate(xs, axis=-1), np.concatenate(ws, axis=-1)


def _adaptive_integral(errors: list) -> Callable[[sp.Integral, tuple], Compiled]:
    """The strategy of QUADPACK on scalars; each integral appends its error to ``errors``."""

    def integral(node: sp.Integral, scope: tuple) -> Compiled:
        """The ``run`` of one integral by QUADPACK."""
        body, x, lo, hi = _split_innermost(node)
        integrand = _compile(body, (*scope, x), integral)
        waves = [
            (
                _lambdify(scope, omega),
                integrand if r == body else _compile(r, (*scope, x), integral),
            )
            for omega, r in _waves(body, x)
        ]
        cuts = _Cuts(body, x, scope, lo, hi)

        def run(env: Env, rule: Rule) -> complex:
            """The integral at one point of the scope; its error is appended to ``errors``."""
            a, b, inner = cuts(env)
            a = -math.inf if a is None else float(a)
            b = math.inf if b is None else float(b)
            points = sorted({float(p) for p in inner if a < p < b})

            def at(fn: Compiled) -> Callable[[float], complex]:
                """``fn`` as a function of the integration variable alone."""
                return lambda xv: complex(fn((*env, xv), None))

            tails = [(float(omega(env).real), at(r)) for omega, r in waves]
            value, err = _line(at(integrand), tails, a, b, points)
            errors.append(err)
            return value

        return run

    return integral


def _waves(body: sp.Expr, x: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr]]:
    """``[(ω_k, r_k)]`` with ``body = Σ r_k(x)·exp(iω_k x)``: the tails of ∫ body dx.

    ``sin``/``cos`` of an affine argument become exponentials too, so that
    ``sin(πx)/(πx)·exp(−2πiξx)`` has two slowly decaying, non-oscillating tails
    ``r_k = ±1/(2iπx)``, each integrated with the Fourier weight.
    """
    if body.has(sp.Integral):
        return [(sp.S.Zero, body)]
    body = body.replace(sp.sinc, lambda u: sp.sin(u) / u)  # regular or not, in a tail
    trig = [
        n for n in body.atoms(sp.sin, sp.cos) if n.has(x) and _root_in(n.args[0], x) is not None
    ]
    if not trig:
        return [oscillation(body, x)]
    opened = body.xreplace({n: n.rewrite(sp.exp) for n in trig})
    terms = sp.Add.make_args(sp.expand(opened, power_exp=False, mul=True, multinomial=False))
    if len(terms) > 16:
        return [oscillation(body, x)]
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in terms:
        omega, r = oscillation(term, x)
        groups[omega] = groups.get(omega, sp.S.Zero) + r
    return list(groups.items())


def _precise_integral(errors: list) -> Callable[[sp.Integral, tuple], Compiled]:
    """The strategy of mpmath's tanh-sinh quadrature at the current precision."""

    def integral(node: sp.Integral, scope: tuple) -> Compiled:
        """The ``run`` of one integral by mpmath."""
        body, x, lo, hi = _split_innermost(node)
        if body.has(sp.Integral):
            raise NumericFailure("a precise value of nested integrals is not computed")
        integrand = _compile(body, (*scope, x), integral, _mp_lambdify)
        # every feature: cut differently from the double-precision rules, not only finer
        cuts = _Cuts(body, x, scope, lo, hi, every_feature=True)

        def run(env: Env, rule: Rule) -> mpmath.mpc:
            """The integral at one point; its error estimate is appended to ``errors``."""
            a, b, inner = cuts(tuple(complex(e) for e in env))
            a = -math.inf if a is None else float(a)
            b = math.inf if b is None else float(b)
            points = sorted({float(p) for p in inner if a < p < b})
            ends = [mpmath.mpf(p) for p in (a, *points, b)]
            value, err = mpmath.quad(
                lambda xv: integrand((*env, xv), None), ends, error=True, maxdegree=8
            )
            errors.append(float(abs(err)))
            return value

        return run

    return integral


# --------------------------------------------------------- one-dimensional QUADPACK
def oscillation(body: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """``(ω, rest)`` with ``body = rest·exp(iωx)``, ω real and free of x (0 if none)."""
    omega, rest = sp.S.Zero, []
    for factor in sp.Mul.make_args(sp.powsimp(body, combine="exp")):
        if isinstance(factor, sp.exp):
            arg = sp.expand(factor.args[0])
            if arg.is_polynomial(x) and sp.degree(arg, x) == 1:
                w = sp.im(arg.coeff(x, 1))
                if w.is_real and not w.has(x) and w != 0:
                    omega += w
                    rest.append(sp.exp(sp.expand(arg - sp.I * w * x)))
                    continue
        rest.append(factor)
    return omega, sp.Mul(*rest)


_QUAD = {"limit": 200, "epsabs": 1e-11, "epsrel": 1e-10}


def _quad(
    fn: Callable[[float], complex], a: float, b: float, **kw: object
) -> tuple[complex, float]:
    """∫_a^b fn for complex fn: (value, error); any QUADPACK warning is a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", _integrate.IntegrationWarning)
        try:
            re_, e1 = _integrate.quad(lambda x: fn(x).real, a, b, **_QUAD, **kw)
            im_, e2 = _integrate.quad(lambda x: fn(x).imag, a, b, **_QUAD, **kw)
        except _integrate.IntegrationWarning as exc:
            raise NumericFailure(f"quadrature failed: {str(exc).splitlines()[0]}") from None
    return complex(re_, im_), e1 + e2


def _tail(fn: Callable[[float], complex], w: float) -> tuple[complex, float]:
    """∫_0^∞ fn(y) exp(iwy) dy, with the Fourier weight when w ≠ 0."""
    if w == 0:
        return _quad(fn, 0, math.inf)
    # QAWF sums the cycles with extrapolation and returns a finite "value" even for a
    # non-decaying r (the Abel mean of ∫ e^{iwy} dy): demand decay first
    near, far = abs(fn(1.0)), None
    for y in (30.0, 1e3, 1e6):
        try:
            far = abs(fn(y))
        except NumericFailure:  # e.g. a value out of floating-point range far out
            continue
    if far is None or not far <= 1e-4 * (1 + near):
        raise NumericFailure("the integrand does not decay: the integral diverges")
    sgn = 1 if w > 0 else -1
    c, ec = _quad(fn, 0, math.inf, weight="cos", wvar=abs(w))
    s, es = _quad(fn, 0, math.inf, weight="sin", wvar=abs(w))
    return c + 1j * sgn * s, ec + es


def _line(
    fn: Callable[[float], complex],
    tails: list[tuple[float, Callable[[float], complex]]],
    a: float,
    b: float,
    points: list[float],
) -> tuple[complex, float]:
    """∫_a^b fn(x) dx with breaks at ``points``; a and b may be infinite.

    ``tails`` is ``[(ω_k, r_k)]`` with ``fn(x) = Σ r_k(x)·exp(iω_k x)``: an infinite
    end is integrated wave by wave, from one unit beyond the outermost cut (an
    ``r_k`` may be singular where ``fn`` is not, as ``1/x`` in ``sin(x)/x``).
    """
    inner = [p for p in points if math.isfinite(p)]
    if not math.isfinite(a) and not math.isfinite(b) and not inner:
        inner = [0.0]
    if not math.isfinite(a):
        inner.insert(0, (inner[0] if inner else b) - 1.0)
    if not math.isfinite(b):
        inner.append((inner[-1] if inner else a) + 1.0)
    total, err = 0j, 0.0
    for w, r in tails:
        if not math.isfinite(a):
            left = inner[0]
            v, e = _tail(lambda y, r=r, left=left: r(left - y), -w)
            total, err = total + v * np.exp(1j * w * left), err + e
        if not math.isfinite(b):
            right = inner[-1]
            v, e = _tail(lambda y, r=r, right=right: r(right + y), w)
            total, err = total + v * np.exp(1j * w * right), err + e
    cuts = ([a] if math.isfinite(a) else []) + inner + ([b] if math.isfinite(b) else [])
    for p, q in itertools.pairwise(cuts):
        if q > p:
            v, e = _quad(fn, p, q)
            total, err = total + v, err + e
    return total, err


# ---------------------------------------------------------------- evaluation
def _evalf(expr: sp.Expr, digits: int = 30) -> complex:
    """The value of an expression without integrals or free symbols, by ``evalf``."""
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    number = expr.evalf(digits)
    if not number.is_number or number.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise NumericFailure(f"{expr} has no finite value")
    try:
        z = complex(number)
    except (TypeError, ValueError):
        raise NumericFailure(f"{expr} has no numerical value") from None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise NumericFailure(f"{expr} is not finite")
    return z


class _Evaluator:
    """One expression compiled once, for numbers at many points."""

    def __init__(self, expr: sp.Expr) -> None:
        self.expr, _ = concrete(expr)
        self.params = tuple(sorted(self.expr.free_symbols, key=str))
        self.levels = depth(self.expr)
        self.fixed = self.adaptive = self.precise = None
        self.errors: list[float] = []

    def env(self, point: Point) -> Env:
        """The values of the free symbols, in order; NumericFailure when one is missing."""
        missing = [p for p in self.params if p not in point]
        if missing:
            raise NumericFailure(f"symbols {sorted(map(str, missing))} left without value")
        return tuple(point[p] for p in self.params)

    def closed(self, point: Point, digits: int = 30) -> tuple[complex, float]:
        """Value of an expression without integrals, and its (tiny) error."""
        numbers = {p: to_number(point[p]) for p in self.params}
        value = _evalf(self.expr.xreplace(numbers), digits)
        return value, abs(value) * 10.0 ** (2 - digits)

    def __call__(self, point: Point) -> tuple[complex, float]:
        """``(value, error)`` in double precision."""
        env = self.env(point)
        if not self.expr.has(sp.Integral):
            return self.closed(point)
        if self.levels > MAX_DEPTH:
            raise NumericFailure(f"more than {MAX_DEPTH} nested integrals")
        fine, err = self.by_fixed_rules(env)
        if math.isfinite(err) and err <= 1e-10 * (1 + abs(fine)):
            return fine, err
        if self.levels > 1:
            if math.isfinite(err):
                return fine, err
            raise NumericFailure("the fixed rules give no number for these nested integrals")
        if self.adaptive is None:
            self.adaptive = _compile(self.expr, self.params, _adaptive_integral(self.errors))
        self.errors.clear()
        value = complex(self.adaptive(env, None))
        return value, float(sum(self.errors))

    def by_fixed_rules(self, env: Env) -> tuple[complex, float]:
        """The finer rule's value and its gap to the coarser one (inf when they fail)."""
        try:
            if self.fixed is None:
                self.fixed = _compile(self.expr, self.params, _fixed_integral)
            fine = complex(self.fixed(env, _RULES[0]))
            return fine, abs(fine - complex(self.fixed(env, _RULES[1])))
        except NumericFailure:
            if self.levels > 1:
                raise
            return math.nan, math.inf

    def precisely(self, point: Point, digits: int) -> tuple[complex, float]:
        """``(value, error)`` at ``digits`` digits: evalf, or mpmath for one integral."""
        if not self.expr.has(sp.Integral):
            return self.closed(point, digits)
        if self.levels > 1:
            raise NumericFailure("a precise value of nested integrals is not computed")
        env = tuple(_mp_number(v) for v in self.env(point))
        with mpmath.workdps(digits):
            if self.precise is None:
                self.precise = _compile(
                    self.expr, self.params, _precise_integral(self.errors), _mp_lambdify
                )
            self.errors.clear()
            value = complex(self.precise(env, None))
        return value, float(sum(self.errors))


_CACHE: dict[sp.Expr, _Evaluator] = {}


def _evaluator(expr: sp.Expr) -> _Evaluator:
    """The cached evaluator of ``expr`` (at most 256 kept)."""
    evaluator = _CACHE.get(expr)
    if evaluator is None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        evaluator = _CACHE[expr] = _Evaluator(expr)
    return evaluator


def _guarded(compute: Callable[[], tuple[complex, float]], what: str) -> tuple[complex, float]:
    """``compute()``, with any error other than NumericFailure (and Timeout) turned into one."""
    try:
        return compute()
    except NumericFailure:
        raise
    except Exception as exc:  # a crash in the numbers is a missing number, not a verdict
        raise NumericFailure(f"{what} failed: {type(exc).__name__}: {exc}") from None


def value_at(expr: sp.Expr, point: Point) -> tuple[complex, float]:
    """``(value, error)`` of ``expr`` at ``point`` ({Symbol: number}), by quadrature.

    The expression is compiled once (cached) with its free symbols as
    arguments, so that many points cost one compilation.  Raises
    :class:`NumericFailure` when there is no trustworthy number.
    """
    return _guarded(lambda: _evaluator(expr)(point), "the quadrature")


def precise_value_at(
    expr: sp.Expr, point: Point, digits: int = PRECISE_DIGITS
) -> tuple[complex, float]:
    """``(value, error)`` of ``expr`` at ``point`` at ``digits`` digits.

    Without integrals: ``evalf``.  With one integral (depth 1): mpmath's
    tanh-sinh quadrature on the pieces of :func:`value_at`, with its error
    estimate.  Deeper integrals raise :class:`NumericFailure`.
    """
    return _guarded(lambda: _evaluator(expr).precisely(point, digits), "the precise quadrature")


# ------------------------------------------------------------------ sampling
def candidate_values(symbol: sp.Symbol) -> list:
    """Numbers allowed by ``symbol``'s assumptions, both signs when it is merely real."""
    if symbol.is_integer:
        if symbol.is_positive:
            return [1, 2, 3]
        if symbol.is_nonnegative:
            return [1, 0, 2]
        if symbol.is_negative:
            return [-1, -2, -3]
        return [2, -1, 3, -2]
    if symbol.is_positive:
        return [0.7, 1.6, 0.45, 2.3]
    if symbol.is_negative:
        return [-0.7, -1.6, -0.45, -2.3]
    if symbol.is_nonnegative:
        return [0.55, 1.4, 0.0]
    if symbol.is_nonpositive:
        return [-0.55, -1.4, 0.0]
    if symbol.is_real:
        return [0.65, -0.8, 1.45, -1.9]
    if symbol.is_imaginary:
        return [0.7j, -1.3j]
    return [0.6 + 0.35j, -0.85 + 0.2j, 1.2 - 0.45j, 0.9]


def variable_values(kinks: Iterable[float]) -> list[float]:
    """Values of the main variable: both signs, and both sides of every kink."""
    kinks = sorted(kinks)
    values = [-1.7, -0.55, 0.35, 1.3]
    for k in kinks[:4]:
        values += [k - 0.3, k + 0.3]
    seen, out = set(), []
    for v in values:
        key = round(v, 9)
        if key not in seen and all(abs(v - k) > 1e-6 for k in kinks):
            seen.add(key)
            out.append(v)
    return out


def parameter_assignments(symbols: Iterable[sp.Symbol], count: int) -> list[Point]:
    """``count`` assignments cycling through each symbol's candidate values."""
    symbols = sorted(symbols, key=lambda s: s.name)
    lists = [candidate_values(s) for s in symbols]
    # offsets differ per symbol so that two positive parameters rarely coincide
    return [
        {
            s: vals[(j + 2 * i * j + i) % len(vals)]
            for i, (s, vals) in enumerate(zip(symbols, lists))
        }
        for j in range(count)
    ]


def numeric_kinks(exprs: Iterable[sp.Expr | None], var: sp.Symbol, point: Point) -> set[float]:
    """Real kinks in ``var`` of ``exprs`` once the other values of ``point`` are substituted."""
    out = set()
    for e in exprs:
        if e is None:
            continue
        e = e.xreplace({s: to_number(v) for s, v in point.items() if s != var})
        for k in kink_points(e, var):
            try:
                z = complex(k)
            except (TypeError, ValueError):
                continue
            if abs(z.imag) < 1e-12:
                out.add(z.real)
    return out


def on_a_kink(exprs: Iterable[sp.Expr | None], point: Point, gap: float = 1e-6) -> bool:
    """Whether some real coordinate of ``point`` lies (within ``gap``) on a kink of ``exprs``.

    There a step function takes its value at the jump, a convention that an
    identity "almost everywhere" says nothing about.
    """
    exprs = [e for e in exprs if e is not None]
    for symbol, value in point.items():
        if isinstance(value, complex) or not symbol.is_real:
            continue
        if any(abs(value - k) <= gap for k in numeric_kinks(exprs, symbol, point)):
            return True
    return False
