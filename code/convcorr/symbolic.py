"""Continuous convolution and cross-correlation on the real line, with SymPy.

The two operations, for complex-valued functions of a real variable::

    (f * g)(t) = ∫ f(τ) g(t − τ) dτ          (convolution)
    (f ⋆ g)(t) = ∫ conj(f(τ)) g(t + τ) dτ    (cross-correlation)

both over the whole real line.  The Fourier transform used everywhere in the
book is the one of :func:`sympy.fourier_transform` (ordinary frequency ξ)::

    F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt,    f(t) = ∫ F{f}(ξ) exp(2πiξt) dξ.

What the module offers:

* builders returning *unevaluated* integrals (:func:`convolution`,
  :func:`correlation`, :func:`fourier`) and the reflected conjugate
  f̃(t) = conj(f(−t)) (:func:`reflect_conj`);
* the three moves of a derivation, each performed by SymPy and checked:
  :func:`change_variable` (an affine substitution over ℝ),
  :func:`swap_order` (Fubini) and :func:`differentiate_under_integral`;
* :func:`equivalent`, which decides whether two expressions built from such
  integrals are equal up to renaming the integration variables, linearity of
  the integral and conjugation under it;
* :class:`Derivation`, a chain of :class:`Step` s, each checked when it is
  added (a step that does not hold raises :class:`StepError`), printable in
  LaTeX;
* :func:`evaluate`, :func:`identity_holds` and :func:`assert_identity`, which
  compute the integrals in closed form and compare with
  ``simplify(lhs - rhs) == 0``.

Functions are passed as callables mapping a SymPy expression to a SymPy
expression: an undefined ``sympy.Function('f')``, a ``sympy.Lambda`` or a
Python ``lambda``.  Integration variables must be real symbols.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

__all__ = [
    "FOURIER_CONVENTION",
    "FUBINI_CONDITION",
    "LEIBNIZ_CONDITION",
    "Derivation",
    "Step",
    "StepError",
    "assert_identity",
    "change_variable",
    "convolution",
    "correlation",
    "derivative",
    "differentiate_under_integral",
    "equivalent",
    "evaluate",
    "fourier",
    "fourier_transform",
    "identity_holds",
    "inverse_fourier_transform",
    "real_line_integral",
    "reflect_conj",
    "swap_order",
]

oo = sp.oo

FOURIER_CONVENTION = (
    r"\mathcal{F}\{f\}(\xi) = \int_{-\infty}^{\infty} f(t)\,"
    r"e^{-2\pi i \xi t}\,dt"
)
FUBINI_CONDITION = (
    "the double integral of |h| is finite (Fubini–Tonelli): then both "
    "iterated integrals exist and are equal"
)
LEIBNIZ_CONDITION = (
    "|∂h/∂t| is bounded, uniformly in t, by an integrable function "
    "(dominated convergence): then d/dt passes under the integral sign"
)

_DEFAULT_VARS = ("tau", "sigma", "u", "v", "s", "x", "y", "z")


class StepError(AssertionError):
    """A derivation step, or an identity, that SymPy could not confirm."""


# ----------------------------------------------------------------- validation
def _check_real_symbol(x, name):
    if not isinstance(x, sp.Symbol) or x.is_real is not True:
        raise TypeError(
            f"{name} must be a real SymPy Symbol (sympy.Symbol(..., real=True)); "
            f"received {x!r} of type {type(x).__name__}"
        )
    return x


def _check_expr(e, name):
    if isinstance(e, (int, float, complex)) and not isinstance(e, bool):
        return sp.sympify(e)
    if not isinstance(e, sp.Expr):
        raise TypeError(
            f"{name} must be a SymPy expression; received {type(e).__name__}"
        )
    return e


def _check_function(f, name):
    if not callable(f):
        raise TypeError(
            f"{name} must be a callable from a SymPy expression to a SymPy "
            f"expression (a sympy.Function, a sympy.Lambda or a lambda); "
            f"received {type(f).__name__}"
        )
    probe = sp.Symbol("_probe", real=True)
    try:
        value = f(probe)
    except Exception as exc:  # anything the callable raises means misuse
        raise TypeError(
            f"{name} must accept one SymPy expression; calling it raised "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(value, sp.Expr):
        raise TypeError(
            f"{name} must return a SymPy expression; it returned "
            f"{type(value).__name__}"
        )
    return f


def _fresh_var(var, *avoid):
    """The integration variable: ``var`` if given, else a free default name."""
    taken = set()
    for item in avoid:
        if isinstance(item, sp.Basic):
            taken |= {s.name for s in item.free_symbols}
    if var is not None:
        _check_real_symbol(var, "var")
        if var.name in taken:
            raise ValueError(
                f"var must not occur in the other arguments; received {var} "
                f"which is already used"
            )
        return var
    for name in _DEFAULT_VARS:
        if name not in taken:
            return sp.Symbol(name, real=True)
    raise ValueError("no free default integration variable; pass var")


# ------------------------------------------------------------------- builders
def convolution(f, g, t, var=None):
    """Unevaluated convolution integral ``(f * g)(t)``.

    ``(f * g)(t) = ∫_{−∞}^{∞} f(τ) g(t − τ) dτ``.

    Parameters
    ----------
    f, g : callable
        Functions of one SymPy argument (``sympy.Function('f')``, a
        ``sympy.Lambda`` or a Python lambda returning a SymPy expression).
    t : sympy.Expr
        Point at which the convolution is taken (a symbol or an expression
        such as ``t - s``).
    var : sympy.Symbol, optional
        Real integration variable; by default the first of τ, σ, u, v, ... not
        already used by ``t``.

    Returns
    -------
    sympy.Integral
        A single integral over the real line, not evaluated.
    """
    _check_function(f, "f")
    _check_function(g, "g")
    t = _check_expr(t, "t")
    v = _fresh_var(var, t)
    return sp.Integral(f(v) * g(t - v), (v, -oo, oo))


def correlation(f, g, t, var=None):
    """Unevaluated cross-correlation integral ``(f ⋆ g)(t)``.

    ``(f ⋆ g)(t) = ∫_{−∞}^{∞} conj(f(τ)) g(t + τ) dτ`` (the conjugate is on
    the first argument, the book's convention).

    Parameters
    ----------
    f, g : callable
        Functions of one SymPy argument.
    t : sympy.Expr
        Lag at which the correlation is taken.
    var : sympy.Symbol, optional
        Real integration variable (default: a free name among τ, σ, u, ...).

    Returns
    -------
    sympy.Integral
        A single integral over the real line, not evaluated.
    """
    _check_function(f, "f")
    _check_function(g, "g")
    t = _check_expr(t, "t")
    v = _fresh_var(var, t)
    return sp.Integral(sp.conjugate(f(v)) * g(t + v), (v, -oo, oo))


def fourier(f, xi, var=None):
    """Unevaluated Fourier transform ``F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt``.

    Parameters
    ----------
    f : callable
        Function of one SymPy argument.
    xi : sympy.Symbol
        Real frequency (cycles per unit of t).
    var : sympy.Symbol, optional
        Real integration variable (default: a free name among τ, σ, u, ...).

    Returns
    -------
    sympy.Integral
        The integral over the real line, not evaluated.
    """
    _check_function(f, "f")
    _check_real_symbol(xi, "xi")
    v = _fresh_var(var, xi)
    return sp.Integral(f(v) * sp.exp(-2 * sp.pi * sp.I * xi * v), (v, -oo, oo))


def reflect_conj(f):
    """The reflected conjugate ``f̃(t) = conj(f(−t))`` as a callable."""
    _check_function(f, "f")
    return lambda x: sp.conjugate(f(-x))


def derivative(f):
    """The derivative ``f'`` as a callable, in the form SymPy's ``diff`` uses.

    ``derivative(f)(e)`` is ``Subs(Derivative(f(x), x), x, e)`` (or
    ``Derivative(f(e), e)`` when ``e`` is a symbol), the form in which
    ``sympy.diff(f(e), t)`` reports ``f'(e)`` before the chain-rule factor.
    """
    _check_function(f, "f")
    x = sp.Dummy("x", real=True)
    return lambda e: sp.diff(f(x), x).subs(x, e)


# ------------------------------------------------------------ integral moves
# SymPy merges Integral(Integral(h, L1), L2) into Integral(h, L1, L2), so a
# nested integral is one node whose limits run from the innermost outwards.
def _integrals(expr):
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Integral)]


def _over_real_line(limit):
    return tuple(limit[1:]) == (-oo, oo)


def change_variable(expr, old, new):
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
    expr = _check_expr(expr, "expr")
    old = _check_expr(old, "old")
    _check_real_symbol(new, "new")
    used = set(expr.free_symbols)
    for node in _integrals(expr):
        used |= set(node.variables)
    if new in used:
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
        raise ValueError(
            f"old must be affine in {x} with a nonzero real slope; received {old}"
        )
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
            f"the substitution {old} = {new} gave {moved}, but the pull-back is "
            f"{expected}"
        )
    rebuilt = sp.Integral(moved.function, *moved.limits, *node.limits[k + 1 :])
    return expr.xreplace({node: rebuilt})


def swap_order(expr, outer=None):
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
    expr = _check_expr(expr, "expr")
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


def differentiate_under_integral(expr, var):
    """Carry ``d/dvar`` of each ``Derivative(Integral(...), var)`` inside.

    SymPy's ``Integral`` derivative (Leibniz rule) is used; with both limits
    infinite there is no boundary term, and the move is legitimate under
    :data:`LEIBNIZ_CONDITION`.
    """
    expr = _check_expr(expr, "expr")
    _check_real_symbol(var, "var")
    targets = [
        d
        for d in sp.preorder_traversal(expr)
        if isinstance(d, sp.Derivative) and isinstance(d.expr, sp.Integral)
    ]
    if not targets:
        raise ValueError(
            f"expr must contain a derivative of an integral; received {expr}"
        )
    return expr.xreplace({d: sp.diff(d.expr, *d.variables) for d in targets})


# --------------------------------------------------------------- equivalence
def _pull(body, x, a, b):
    """``∫ body dx`` with sums split and x-free factors moved out."""
    body = sp.expand(body, power_exp=True, mul=True, multinomial=False)
    if isinstance(body, sp.Add):
        return sp.Add(*(_pull(term, x, a, b) for term in body.args))
    const, rest = body.as_independent(x, as_Add=False)
    return const * sp.Integral(rest, (x, a, b))


def _linear_form(expr):
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
            x.is_real and lo.is_extended_real and hi.is_extended_real
            for x, lo, hi in inner.limits
        ):
            return _linear_form(
                sp.Integral(sp.conjugate(inner.function), *inner.limits)
            )
    if isinstance(expr, (sp.Subs, sp.Derivative)) or not expr.has(sp.Integral):
        return expr
    return expr.func(*(_linear_form(arg) for arg in expr.args))


def _rename(expr, depth=0):
    """Name each integration variable after its nesting depth: ``_v0``, ..."""
    if isinstance(expr, sp.Integral):
        n = len(expr.limits)
        names = {}
        limits = []
        for i, (x, lo, hi) in enumerate(expr.limits):
            v = sp.Symbol(f"_v{depth + n - 1 - i}", real=True)
            names[x] = v
            limits.append((v, lo, hi))
        body = _rename(expr.function.xreplace(names), depth + n)
        return sp.Integral(body, *limits)
    if not expr.has(sp.Integral):
        return expr
    return expr.func(*(_rename(arg, depth) for arg in expr.args))


def _canonical(expr):
    # |z|² = z·conj(z), so that an energy integral meets its correlation form
    expr = expr.replace(
        lambda e: e.is_Pow and isinstance(e.base, sp.Abs) and e.exp == 2,
        lambda e: e.base.args[0] * sp.conjugate(e.base.args[0]),
    )
    return _rename(sp.expand(_linear_form(expr), power_exp=True))


def equivalent(a, b):
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
    a = _check_expr(a, "a")
    b = _check_expr(b, "b")
    return _same(_canonical(a), _canonical(b))


def _same(ca, cb):
    if ca == cb:
        return True
    if isinstance(ca, sp.Integral) and isinstance(cb, sp.Integral):
        return ca.limits == cb.limits and _same(ca.function, cb.function)
    diff = sp.expand(ca - cb)
    return diff == 0 or sp.simplify(diff) == 0


# ------------------------------------------------------------- derivations
@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``= expr`` because ``why``, checked by ``check``.

    Attributes
    ----------
    expr : sympy.Expr
        The expression after the step.
    why : str
        The justification, in words (shown next to the line); ``$...$``
        pieces are typeset as math.
    check : str
        How SymPy confirmed the step (``'definition'``, ``'substitution'``,
        ``'Fubini swap'``, ``'linearity'``, ``'Leibniz rule'``,
        ``'evaluation'``).
    display : str or None
        LaTeX shown instead of ``latex(expr)``, for notation such as
        ``(f * g)(t)``; the check always uses ``expr``.
    note : str or None
        LaTeX math shown after ``why`` (the substitution, for instance).
    """

    expr: sp.Expr
    why: str
    check: str
    display: str | None = None
    note: str | None = None

    def latex(self):
        """LaTeX of the right-hand side of this line."""
        if self.display is not None:
            return self.display
        # inline limits keep a chain of nested integrals short enough to read
        return sp.latex(self.expr).replace(r"\int\limits", r"\int")


class Derivation:
    """A chain ``lhs = e₁ = e₂ = …`` in which SymPy checks every ``=``.

    Each method performs one move on the current expression, compares the
    outcome with the ``target`` written by the author (with :func:`equivalent`)
    and appends a :class:`Step`; a target that the move does not produce
    raises :class:`StepError`, and a target identical to the current
    expression raises ``ValueError`` (a step must change something).

    Parameters
    ----------
    lhs : str
        LaTeX of the left-hand side, e.g. ``r"(f \\star g)(t)"``.
    start : sympy.Expr
        The first expression, usually from a builder (:func:`correlation`).
    why : str
        Justification of the first line.
    """

    def __init__(self, lhs, start, why="definition"):
        if not isinstance(lhs, str):
            raise TypeError(f"lhs must be a LaTeX string; received {type(lhs).__name__}")
        _tex_text(why)
        self.lhs = lhs
        self.steps = [Step(_check_expr(start, "start"), why, "definition")]

    @property
    def current(self):
        """The expression of the last line."""
        return self.steps[-1].expr

    def _add(self, produced, target, why, check, display, note=None):
        _tex_text(why)
        target = _check_expr(target, "target")
        if target == self.current:
            raise ValueError(
                "target must differ from the current expression; received the "
                "same expression (a step must change something)"
            )
        if not equivalent(produced, target):
            raise StepError(
                f"step '{why}' does not hold: the {check} gives {produced}, "
                f"not {target}"
            )
        self.steps.append(Step(target, why, check, display, note))
        return self

    def substitute(self, old, new, target, why, display=None):
        """Change variables ``old = new`` (see :func:`change_variable`)."""
        produced = change_variable(self.current, old, new)
        note = sp.latex(sp.Eq(new, old, evaluate=False))
        return self._add(produced, target, why, "substitution", display, note)

    def swap(self, target, why=None, outer=None, display=None):
        """Swap the order of integration (see :func:`swap_order`)."""
        produced = swap_order(self.current, outer)
        why = why or "swap the order of integration (Fubini)"
        return self._add(produced, target, why, "Fubini swap", display)

    def define(self, target, display, why="definition"):
        """Name the current expression with a definition, e.g. ``(f * g)(t)``.

        ``target`` is built independently from the definition (with
        :func:`convolution`, :func:`correlation`, ...) and must be
        :func:`equivalent` to the current expression; unlike the other moves
        it may coincide with it, since the step only introduces notation
        (``display``, required).
        """
        if not isinstance(display, str):
            raise TypeError(
                f"display must be a LaTeX string; received {type(display).__name__}"
            )
        _tex_text(why)
        target = _check_expr(target, "target")
        if not equivalent(self.current, target):
            raise StepError(
                f"step '{why}' does not hold: {self.current} is not {display}"
            )
        self.steps.append(Step(target, why, "definition", display))
        return self

    def rewrite(self, target, why, display=None):
        """An algebraic step: linearity, conjugation, a definition."""
        return self._add(self.current, target, why, "linearity", display)

    def differentiate(self, var, target, why=None, display=None):
        """Move ``d/dvar`` under the integral sign (Leibniz rule)."""
        produced = differentiate_under_integral(self.current, var)
        why = why or "differentiate under the integral sign"
        return self._add(produced, target, why, "Leibniz rule", display)

    def evaluate(self, target, why, display=None):
        """Let SymPy compute the integrals (e.g. the sifting of a delta)."""
        produced = self.current.doit()
        return self._add(produced, target, why, "evaluation", display)

    def latex(self):
        """The chain as a LaTeX ``aligned`` block, one justified step per line."""
        lines = []
        for i, step in enumerate(self.steps):
            head = self.lhs if i == 0 else ""
            note = "" if step.note is None else f"\\quad {step.note}"
            lines.append(
                f"{head} &= {step.latex()} && {_tex_text(step.why)}{note}"
            )
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self):
        return "$$" + self.latex() + "$$"

    def __len__(self):
        return len(self.steps)

    def __repr__(self):
        checks = ", ".join(step.check for step in self.steps)
        return f"Derivation of {self.lhs}: {len(self.steps)} lines, checked by {checks}"


_TEXT_SPECIALS = set("\\&%#_{}^~")


def _tex_text(words):
    """LaTeX for a justification: plain words, with ``$...$`` pieces as math."""
    pieces = words.split("$")
    if len(pieces) % 2 == 0:
        raise ValueError(f"why has an unbalanced '$'; received {words!r}")
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(piece)
        elif piece:
            if _TEXT_SPECIALS & set(piece):
                raise ValueError(
                    "why must keep LaTeX special characters inside $...$; "
                    f"received {words!r}"
                )
            out.append(f"\\text{{{piece}}}")
    return " ".join(out)


# --------------------------------------------------------------- closed forms
def _gaussian_rule(expr, x):
    """``∫ c·xᵏ·exp(−A x² + B x + C) dx`` for Re A > 0 (None if not of that form).

    For k = 0 this is ``c·sqrt(π/A)·exp(B²/(4A) + C)``; a power ``xᵏ`` is the
    k-th derivative of that with respect to B.
    """
    const, rest = sp.powsimp(sp.expand(expr), combine="exp").as_independent(
        x, as_Add=False
    )
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
    if sp.re(big_a).is_positive is not True:
        return None
    b, c = poly.coeff_monomial(x), poly.coeff_monomial(1)
    k = sp.degree(power, x)
    lin = sp.Dummy("B")
    base = sp.sqrt(sp.pi / big_a) * sp.exp(lin**2 / (4 * big_a) + c)
    scale = sp.Poly(power, x).LC()
    return const * scale * sp.diff(base, lin, k).subs(lin, b)


def _kinks(expr, x):
    """Points where a Heaviside, Abs or sign of an affine argument in x switches."""
    points = set()
    for node in expr.atoms(sp.Heaviside, sp.Abs, sp.sign):
        arg = node.args[0]
        if not arg.has(x):
            continue
        if not arg.is_polynomial(x) or sp.degree(arg, x) != 1:
            return None
        points.add(sp.solve(arg, x)[0])
    return points


def _decay_rule(expr, p):
    """``∫_0^∞ c·exp(−A p + C) dp = c·exp(C)/A`` for Re A > 0 (None if not of that form)."""
    if expr == 0:
        return sp.S.Zero
    const, rest = expr.as_independent(p, as_Add=False)
    if not isinstance(rest, sp.exp):
        return None
    exponent = sp.expand(rest.args[0])
    if not exponent.is_polynomial(p) or sp.degree(exponent, p) != 1:
        return None
    rate = -exponent.coeff(p, 1)
    if sp.re(rate).is_positive is not True:
        return None
    return const * sp.exp(exponent.coeff(p, 0)) / rate


def _split_at(expr, x, point):
    """``∫_ℝ = ∫_{−∞}^{point} + ∫_{point}^{∞}``, each side as ``∫_0^∞ dp``."""
    p = sp.Dummy("p", positive=True)
    total = sp.S.Zero
    for side in (point - p, point + p):
        piece = sp.powsimp(expr.subs(x, side), combine="exp")
        value = _decay_rule(piece, p)
        if value is None:
            value = sp.integrate(piece, (p, 0, oo), conds="none")
        if value.has(sp.Integral):
            raise StepError(f"SymPy could not integrate {expr} over the real line")
        total += value
    return total


def real_line_integral(expr, x):
    """``∫_{−∞}^{∞} expr dx`` in closed form.

    Sums are integrated term by term.  Gaussian integrands
    ``c·exp(quadratic in x)`` with a leading coefficient of negative real part
    use the completed square directly (SymPy's general algorithm is slow on
    them and returns a sum of ``erf`` terms that cancel).  A term whose
    ``Heaviside``/``Abs``/``sign`` factors all switch at one point ``d`` is
    split there into two half-line integrals on which they are constant.
    Anything else goes to ``sympy.integrate(..., conds='none')``, after each
    ``Heaviside`` is rewritten as a ``Piecewise`` (SymPy 1.14 returns a wrong
    result for products of ``Heaviside`` of the integration variable with a
    symbolic shift).

    Raises
    ------
    StepError
        If SymPy returns the integral unevaluated.
    """
    expr = _check_expr(expr, "expr")
    _check_real_symbol(x, "x")
    expr = sp.expand(expr, power_exp=False, mul=True, multinomial=False)
    if isinstance(expr, sp.Add):
        return sp.Add(*(real_line_integral(term, x) for term in expr.args))
    expr = sp.powsimp(sp.factor_terms(expr), combine="exp")
    gauss = _gaussian_rule(expr, x)
    if gauss is not None:
        return gauss
    points = _kinks(expr, x)
    if points is not None and len(points) == 1:
        return _split_at(expr, x, points.pop())
    expr = expr.rewrite(sp.Piecewise) if expr.has(sp.Heaviside) else expr
    value = sp.integrate(expr, (x, -oo, oo), conds="none")
    if value.has(sp.Integral):
        raise StepError(f"SymPy could not integrate {expr} over the real line")
    return value


def evaluate(expr):
    """Compute every integral over ℝ in ``expr`` in closed form, innermost first."""
    expr = _check_expr(expr, "expr")

    def compute(node):
        x, lo, hi = node.limits[0]
        if (lo, hi) != (-oo, oo):
            raise ValueError(
                f"evaluate handles integrals over the real line; received limits "
                f"({lo}, {hi}) for {x}"
            )
        value = real_line_integral(node.function, x)
        return sp.Integral(value, *node.limits[1:]) if len(node.limits) > 1 else value

    while expr.has(sp.Integral):
        innermost = [n for n in _integrals(expr) if not n.function.has(sp.Integral)]
        expr = expr.xreplace({n: compute(n) for n in innermost})
    return _tidy(expr)


def _tidy(expr):
    """Merge exponentials and factor each exponent: Gaussians read as Gaussians."""
    if not expr.has(sp.exp):
        return expr
    expr = sp.powsimp(sp.expand(expr, power_exp=False), combine="exp")
    return expr.replace(
        lambda e: isinstance(e, sp.exp),
        lambda e: sp.exp(sp.factor(sp.cancel(sp.expand(e.args[0])))),
    )


def fourier_transform(expr, t, xi):
    """Closed form of ``F{f}(ξ) = ∫ f(t) exp(−2πiξt) dt`` for ``f = expr``.

    Same convention as :func:`sympy.fourier_transform`; computed with
    :func:`real_line_integral`, so Gaussians stay fast.
    """
    _check_real_symbol(t, "t")
    _check_real_symbol(xi, "xi")
    return real_line_integral(
        _check_expr(expr, "expr") * sp.exp(-2 * sp.pi * sp.I * xi * t), t
    )


def inverse_fourier_transform(expr, xi, t):
    """Closed form of ``f(t) = ∫ F(ξ) exp(2πiξt) dξ`` for ``F = expr``."""
    _check_real_symbol(t, "t")
    _check_real_symbol(xi, "xi")
    return real_line_integral(
        _check_expr(expr, "expr") * sp.exp(2 * sp.pi * sp.I * xi * t), xi
    )


_KINKS = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise, sp.sign)


def _breakpoints(expr, x):
    """Points where a Max/Min/Abs/Heaviside/Piecewise of ``expr`` may switch."""
    points = set()
    rewritten = expr.rewrite(sp.Piecewise)
    for pw in rewritten.atoms(sp.Piecewise):
        for _, cond in pw.args:
            for rel in cond.atoms(sp.core.relational.Relational):
                points.update(sp.solve(rel.lhs - rel.rhs, x))
    real = [p for p in points if p.is_real]
    if len(real) != len(points) or not all(p.is_number for p in real):
        return None
    return sorted(set(real), key=float)


def _zero_on_pieces(diff, x):
    """Whether a piecewise ``diff`` vanishes on every interval between its kinks."""
    points = _breakpoints(diff, x)
    if points is None:
        return False
    s = sp.Symbol("_s", positive=True)
    probes = list(points)
    if points:
        probes += [points[0] - s, points[-1] + s]
        probes += [(p + q * s) / (1 + s) for p, q in itertools.pairwise(points)]
    else:
        probes += [s, -s]
    for probe in probes:
        piece = sp.piecewise_fold(diff.subs(x, probe).rewrite(sp.Piecewise))
        if sp.simplify(piece) != 0:
            return False
    return True


def identity_holds(lhs, rhs, var=None):
    """Whether ``lhs == rhs`` once every integral is computed in closed form.

    Both sides go through :func:`evaluate`; the identity holds when
    ``simplify(lhs - rhs) == 0``.  For piecewise results (boxes,
    one-sided exponentials) whose kinks in ``var`` are numbers, the
    difference is also simplified on each open interval between kinks (with
    ``var`` parametrised by a positive symbol): equality almost everywhere,
    which is equality everywhere for continuous sides.

    Returns
    -------
    bool
    """
    if var is not None:
        _check_real_symbol(var, "var")
    diff = evaluate(lhs) - evaluate(rhs)
    if sp.simplify(diff) == 0:
        return True
    if var is not None and diff.has(*_KINKS):
        return _zero_on_pieces(diff, var)
    return False


def assert_identity(lhs, rhs, var=None, name="identity"):
    """Raise :class:`StepError` unless :func:`identity_holds` confirms it."""
    if not identity_holds(lhs, rhs, var):
        raise StepError(f"{name} does not hold: simplify(lhs - rhs) != 0")
    return True
