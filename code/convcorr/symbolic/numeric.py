"""The second, independent gate: numbers from the defining integrals.

Nothing here uses SymPy's integration.  An expression is evaluated at a point
by substituting numbers for its free symbols, replacing each undefined
function (``sympy.Function('f')``) by a fixed complex, asymmetric test function,
and computing every integral by adaptive quadrature (QUADPACK through
:func:`scipy.integrate.quad`): intervals split at every kink of the integrand,
and oscillating tails ``r(x)·exp(iωx)`` integrated with the Fourier weight
(QAWF), so that slowly decaying transforms such as ``1/(a + 2πiξ)`` converge.
A quadrature that warns (divergence, roundoff, too many subdivisions) is a
failure, never a number.
"""

import itertools
import math
import warnings

import numpy as np
import sympy as sp
from scipy import integrate as _integrate

#: most nested integrals the gate computes by quadrature (cost grows as 150**depth)
MAX_DEPTH = 2


class NumericFailure(Exception):
    """The expression has no trustworthy number at this point."""


def _heaviside(x, h0=0.5):
    return np.heaviside(np.real(x), h0)


def _no_delta(*args):
    raise NumericFailure("a DiracDelta has no value at a point")


_MODULES = [{"Heaviside": _heaviside, "DiracDelta": _no_delta}, "scipy", "numpy"]


# -------------------------------------------------------------- test functions
_TEST_SHAPES = [
    (0.3, 1.3, 0.4),
    (-0.5, 0.8, -0.9),
    (1.1, 2.0, 0.6),
    (-1.2, 1.1, 1.3),
    (0.7, 0.6, -0.5),
]


def test_function(k, arity):
    """A smooth, fast-decaying, complex and asymmetric function, the k-th of its kind."""
    c, w, b = _TEST_SHAPES[k % len(_TEST_SHAPES)]
    xs = sp.symbols(f"x0:{arity}", real=True)
    body = sp.S.One
    for j, x in enumerate(xs):
        cj = sp.Float(c + 0.37 * j)
        body *= sp.exp(-((x - cj) ** 2) / sp.Float(w)) * (1 + sp.I * sp.Float(b) * x)
    return sp.Lambda(xs, body)


def concrete(expr):
    """``expr`` with undefined functions replaced by test functions; the map used."""
    applied = expr.atoms(sp.core.function.AppliedUndef)
    funcs = sorted({a.func for a in applied}, key=lambda fn: fn.__name__)
    chosen = {
        fn: test_function(k, len(next(a for a in applied if a.func == fn).args))
        for k, fn in enumerate(funcs)
    }
    if chosen:
        expr = expr.replace(
            lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func in chosen,
            lambda e: chosen[e.func](*e.args),
        )
    return _resolve_derivatives(expr), chosen


def _resolve_derivatives(expr):
    def doit(node):
        if isinstance(node.expr if isinstance(node, sp.Derivative) else node, sp.Integral):
            return sp.diff(node.expr, *node.variables)
        return node.doit()

    return expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), doit)


# ---------------------------------------------------------------- evaluation
def depth(expr):
    """Number of nested integration variables (a 2-D integral has depth 2)."""
    if isinstance(expr, sp.Integral):
        return len(expr.limits) + depth(expr.function)
    if not isinstance(expr, sp.Basic) or not expr.args:
        return 0
    return max((depth(a) for a in expr.args), default=0)


def to_number(value):
    if isinstance(value, complex):
        return sp.Float(value.real) + sp.I * sp.Float(value.imag)
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    return sp.Float(float(value))


def value_at(expr, point):
    """``(value, error)`` of ``expr`` at ``point`` ({Symbol: number}), by quadrature.

    The expression is compiled once (cached) with its free symbols as
    arguments, so that many points cost one compilation.
    """
    evaluator = _CACHE.get(expr)
    if evaluator is None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        evaluator = _CACHE[expr] = _Evaluator(expr)
    return evaluator(point)


_CACHE = {}


class _Evaluator:
    def __init__(self, expr):
        self.expr, _ = concrete(expr)
        self.params = tuple(sorted(self.expr.free_symbols, key=str))
        self.levels = depth(self.expr)
        self.vector = self.scalar = None
        self.errors = []

    def __call__(self, point):
        missing = [p for p in self.params if p not in point]
        if missing:
            raise NumericFailure(f"symbols {sorted(map(str, missing))} left without value")
        if not self.expr.has(sp.Integral):
            return _evalf(self.expr.xreplace({p: to_number(point[p]) for p in self.params})), 0.0
        if self.levels > MAX_DEPTH:
            raise NumericFailure(f"more than {MAX_DEPTH} nested integrals")
        env = tuple(point[p] for p in self.params)
        fine = None
        try:
            if self.vector is None:
                self.vector = _vcompile(self.expr, self.params)
            fine = complex(self.vector(env, _RULES[0]))
            err = abs(fine - complex(self.vector(env, _RULES[1])))
            if math.isfinite(err) and err <= 1e-10 * (1 + abs(fine)):
                return fine, err
        except NumericFailure:
            if self.levels > 1:
                raise
        if self.levels > 1:
            return fine, err
        if self.scalar is None:
            self.scalar = _compile(self.expr, self.params, self.errors)
        self.errors.clear()
        value = self.scalar(env)
        return value, float(sum(self.errors))


# ------------------------------------------------- vectorised fixed rules
def _gauss_rule(n):
    s, w = np.polynomial.legendre.leggauss(n)
    return (s + 1) / 2, w / 2


_RULES = [_gauss_rule(96), _gauss_rule(64)]


def _vlambdify(scope, expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = sp.lambdify(scope, expr, modules=_MODULES)

    def call(env):
        with np.errstate(all="ignore"):
            z = np.asarray(fn(*(np.asarray(e, dtype=complex) for e in env)), dtype=complex)
        if env:
            z = np.broadcast_to(z, np.broadcast_shapes(*(np.shape(e) for e in env), z.shape))
        if not np.all(np.isfinite(z)):
            raise NumericFailure(f"{expr} is not finite on the quadrature nodes")
        return z

    return call


def _vcompile(expr, scope):
    """``fn(env, rule)``: ``expr`` on arrays of its scope, integrals by ``rule``."""
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    nodes = _outermost_integrals(expr)
    if not nodes:
        plain = _vlambdify(scope, expr)
        return lambda env, rule: plain(env)
    holders = tuple(sp.Dummy(f"I{k}") for k in range(len(nodes)))
    outer = _vlambdify(scope + holders, expr.xreplace(dict(zip(nodes, holders))))
    inners = [_vcompile_integral(node, scope) for node in nodes]
    return lambda env, rule: outer((*env, *(c(env, rule) for c in inners)))


def _vcompile_integral(node, scope):
    x, lo, hi = node.limits[-1]
    body = sp.Integral(node.function, *node.limits[:-1]) if len(node.limits) > 1 else node.function
    integrand = _vcompile(body, (*scope, x))
    kinks = [_vlambdify(scope, k) for k in kink_points(body, x) if not k.has(x)]
    ends = [_vlambdify(scope, e) if e.is_finite else None for e in (lo, hi)]

    def run(env, rule):
        s, w = rule
        shape = np.broadcast_shapes(*(np.shape(e) for e in env)) if env else ()
        a = ends[0](env).real if ends[0] else None
        b = ends[1](env).real if ends[1] else None
        cuts = [np.broadcast_to(kf(env).real, shape) for kf in kinks]
        if a is not None:
            cuts = [np.clip(c, a, b if b is not None else np.inf) for c in cuts]
        if b is not None:
            cuts = [np.minimum(c, b) for c in cuts]
        if not cuts and a is None and b is None:
            cuts = [np.zeros(shape)]
        cuts = np.sort(np.stack(cuts, axis=-1), axis=-1) if cuts else np.zeros((*shape, 0))
        pieces = [cuts]
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
        if a is None:
            left = pts[..., :1]
            xs.append(left - s / (1 - s))
            ws.append(w / (1 - s) ** 2 * np.ones_like(left))
        if b is None:
            right = pts[..., -1:]
            xs.append(right + s / (1 - s))
            ws.append(w / (1 - s) ** 2 * np.ones_like(right))
        xv = np.concatenate(xs, axis=-1)
        wv = np.concatenate(ws, axis=-1)
        inner_env = (*(np.asarray(e)[..., None] for e in env), xv)
        return np.sum(integrand(inner_env, rule) * wv, axis=-1)

    return run


def _evalf(expr):
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    number = expr.evalf(30)
    if not number.is_number or number.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise NumericFailure(f"{expr} has no finite value")
    try:
        z = complex(number)
    except (TypeError, ValueError):
        raise NumericFailure(f"{expr} has no numerical value") from None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise NumericFailure(f"{expr} is not finite")
    return z


def _outermost_integrals(expr):
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Integral):
            found.append(node)
        else:
            stack.extend(node.args)
    return found


def _lambdify(scope, expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = sp.lambdify(scope, expr, modules=_MODULES)

    def call(env):
        with np.errstate(all="ignore"):  # complex arguments: sqrt(x) of x < 0 times H(x) is 0
            z = complex(fn(*(complex(e) for e in env)))
        if not (math.isfinite(z.real) and math.isfinite(z.imag)):
            raise NumericFailure(f"{expr} is not finite at {env}")
        return z

    return call


def _compile(expr, scope, errors):
    if expr.has(sp.DiracDelta):
        raise NumericFailure("a DiracDelta has no value at a point")
    nodes = _outermost_integrals(expr)
    if not nodes:
        return _lambdify(scope, expr)
    holders = tuple(sp.Dummy(f"I{k}") for k in range(len(nodes)))
    outer = _lambdify(scope + holders, expr.xreplace(dict(zip(nodes, holders))))
    inners = [_compile_integral(node, scope, errors) for node in nodes]
    return lambda env: outer(tuple(env) + tuple(c(env) for c in inners))


def _oscillation(body, x):
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


def kink_points(expr, x):
    """Where a Heaviside, Abs, sign, Min, Max or Piecewise condition may switch in x."""
    points = set()
    for node in sp.preorder_traversal(expr):
        args = ()
        if isinstance(node, (sp.Heaviside, sp.Abs, sp.sign)):
            args = (node.args[0],)
        elif isinstance(node, (sp.Min, sp.Max)):
            args = tuple(a - b for a, b in zip(node.args, node.args[1:]))
        elif isinstance(node, sp.Piecewise):
            args = tuple(
                rel.lhs - rel.rhs
                for _, cond in node.args
                for rel in getattr(cond, "atoms", lambda *_: ())(sp.core.relational.Relational)
            )
        for arg in args:
            arg = sp.expand(arg)
            if arg.has(x) and arg.is_polynomial(x) and sp.degree(arg, x) == 1:
                points.add(sp.solve(arg, x)[0])
    return points


def _compile_integral(node, scope, errors):
    x, lo, hi = node.limits[-1]
    body = sp.Integral(node.function, *node.limits[:-1]) if len(node.limits) > 1 else node.function
    omega, rest = _oscillation(body, x) if not body.has(sp.Integral) else (sp.S.Zero, body)
    integrand = _compile(rest, (*scope, x), errors)
    kinks = [_lambdify(scope, k) for k in kink_points(rest, x) if not k.has(x)]
    ends = [_lambdify(scope, e) if e.is_finite else None for e in (lo, hi)]
    omega_at = _lambdify(scope, omega)

    def run(env):
        a = ends[0](env).real if ends[0] else -math.inf
        b = ends[1](env).real if ends[1] else math.inf
        points = sorted(
            {k.real for k in (kf(env) for kf in kinks) if abs(k.imag) < 1e-12 and a < k.real < b}
        )
        w = omega_at(env).real
        value, err = _line(lambda xv: integrand((*tuple(env), xv)), a, b, points, w)
        errors.append(err)
        return value

    return run


_QUAD = {"limit": 200, "epsabs": 1e-11, "epsrel": 1e-10}


def _quad(fn, a, b, **kw):
    """∫_a^b fn for complex fn: (value, error); any QUADPACK warning is a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", _integrate.IntegrationWarning)
        try:
            re_, e1 = _integrate.quad(lambda x: fn(x).real, a, b, **_QUAD, **kw)
            im_, e2 = _integrate.quad(lambda x: fn(x).imag, a, b, **_QUAD, **kw)
        except _integrate.IntegrationWarning as exc:
            raise NumericFailure(f"quadrature failed: {str(exc).splitlines()[0]}") from None
    return complex(re_, im_), e1 + e2


def _tail(fn, w):
    """∫_0^∞ fn(y) exp(iwy) dy, with the Fourier weight when w ≠ 0."""
    if w == 0:
        return _quad(fn, 0, math.inf)
    # QAWF sums the cycles with extrapolation and returns a finite "value" even for a
    # non-decaying r (the Abel mean of ∫ e^{iwy} dy): demand decay first
    near, far = abs(fn(1.0)), None
    for y in (30.0, 1e3, 1e6):
        try:
            far = abs(fn(y))
        except NumericFailure:  # e.g. exp(αy)·H(−y): inf·0 far out, 0 in truth
            continue
    if far is None or not far <= 1e-4 * (1 + near):
        raise NumericFailure("the integrand does not decay: the integral diverges")
    sgn = 1 if w > 0 else -1
    c, ec = _quad(fn, 0, math.inf, weight="cos", wvar=abs(w))
    s, es = _quad(fn, 0, math.inf, weight="sin", wvar=abs(w))
    return c + 1j * sgn * s, ec + es


def _line(fn, a, b, points, w):
    """∫_a^b fn(x) exp(iwx) dx with breaks at ``points`` (a, b may be infinite)."""
    inner = [p for p in points if math.isfinite(p)]
    if not math.isfinite(a) and not math.isfinite(b) and not inner:
        inner = [0.0]
    left = inner[0] if inner else a
    right = inner[-1] if inner else b
    total, err = 0j, 0.0
    if not math.isfinite(a):
        v, e = _tail(lambda y: fn(left - y), -w)
        total, err = total + v * np.exp(1j * w * left), err + e
    if not math.isfinite(b):
        v, e = _tail(lambda y: fn(right + y), w)
        total, err = total + v * np.exp(1j * w * right), err + e
    cuts = ([a] if math.isfinite(a) else []) + inner + ([b] if math.isfinite(b) else [])
    for p, q in itertools.pairwise(cuts):
        if q > p:
            v, e = _quad(lambda x: fn(x) * np.exp(1j * w * x), p, q)
            total, err = total + v, err + e
    return total, err


# ------------------------------------------------------------------ sampling
def candidate_values(symbol):
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


def variable_values(kinks):
    """Values of the main variable: both signs, and both sides of every kink."""
    values = [-1.7, -0.55, 0.35, 1.3]
    for k in sorted(kinks)[:4]:
        values += [k - 0.3, k + 0.3]
    seen, out = set(), []
    for v in values:
        key = round(v, 9)
        if key not in seen and all(abs(v - k) > 1e-6 for k in kinks):
            seen.add(key)
            out.append(v)
    return out


def parameter_assignments(symbols, count):
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


def numeric_kinks(exprs, var, point):
    """Kinks in ``var`` of the (closed-form) ``exprs`` once ``point`` is substituted."""
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
