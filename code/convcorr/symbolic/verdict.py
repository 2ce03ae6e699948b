"""Deciding an identity: a symbolic proof and a numeric gate, or no verdict.

:func:`check_identity` returns a :class:`Verdict` with one of three statuses:

* ``"holds"``: SymPy shows ``lhs − rhs = 0`` (by the normal form of
  :func:`equivalent`, by closed forms and ``simplify``, or by ``simplify`` on each
  piece between kinks) **and** both sides agree numerically at several points,
  each side computed from its own defining integrals by quadrature;
* ``"false"``: at some point the two sides, computed by quadrature, differ by
  far more than the quadrature error; the point is returned;
* ``"undecided"``: anything else (SymPy cannot simplify a true identity, the
  integrals cannot be computed numerically, the time budget ran out).

Undefined functions (``sympy.Function('f')``) are replaced, for the numbers, by
fixed complex asymmetric test functions (named in ``Verdict.reason``): a
counterexample for them refutes the identity "for all f".
"""

import itertools
import time
from dataclasses import dataclass, field

import sympy as sp

from . import numeric
from ._common import (
    StepError,
    Timeout,
    Undecided,
    budget,
    check_expr,
    check_real_symbol,
    check_timeout,
)
from .closed_forms import raw_closed_form
from .normal_form import equivalent

#: two sides agree at a point when they differ by at most this (relative) ...
AGREE_RTOL = 1e-7
#: ... and differ when they differ by more than this (relative), beyond the quadrature error
DIFFER_RTOL = 1e-4
#: points at which two sides must agree before "holds"
MIN_POINTS = 3


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`check_identity`.

    Attributes
    ----------
    status : str
        ``"holds"``, ``"false"`` or ``"undecided"``.
    counterexample : dict or None
        For ``"false"``: the point, ``{Symbol: number}``; otherwise None.
    lhs_value, rhs_value : complex or None
        For ``"false"``: both sides at that point (by quadrature); else None.
    reason : str
        How the verdict was reached, in words.
    """

    status: str
    counterexample: dict | None = None
    lhs_value: complex | None = None
    rhs_value: complex | None = None
    reason: str = ""
    points: int = field(default=0, compare=False)

    def __bool__(self):
        raise TypeError(
            "a Verdict is not a bool: test verdict.status == 'holds' (or 'false', "
            "'undecided'), or call identity_holds, which raises Undecided"
        )

    def __repr__(self):
        extra = ""
        if self.status == "false":
            point = ", ".join(f"{k} = {_short(v)}" for k, v in self.counterexample.items())
            extra = f" at {point}: lhs = {_short(self.lhs_value)}, rhs = {_short(self.rhs_value)}"
        return f"Verdict({self.status!r}{extra}; {self.reason})"


def _short(z):
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)):
        return f"{z.real:.6g}"
    return f"{z.real:.6g}{z.imag:+.6g}i"


def _python_number(v):
    return v if isinstance(v, complex) else (int(v) if float(v).is_integer() else float(v))


def _symbolic_zero(lhs, rhs, var):
    """(proved, closed forms or None, words)."""
    try:
        if lhs.has(sp.Integral) and rhs.has(sp.Integral) and equivalent(lhs, rhs):
            return True, (None, None), "equal in the normal form of integrals"
    except (StepError, ValueError, TypeError):
        pass
    try:
        closed = (raw_closed_form(lhs), raw_closed_form(rhs))
    except (StepError, ValueError, NotImplementedError) as exc:
        return False, (None, None), f"no closed form ({str(exc)[:120]})"
    diff = closed[0] - closed[1]
    if _simplifies_to_zero(diff):
        return True, closed, "closed forms agree (simplify(lhs − rhs) = 0)"
    if var is not None and _zero_on_pieces(diff, var):
        return True, closed, "closed forms agree on every piece between kinks"
    words = _zero_by_branches(diff, closed, var)
    if words:
        return True, closed, words
    return False, closed, "simplify(lhs − rhs) is not 0"


def _simplifies_to_zero(expr):
    if sp.simplify(expr) == 0:
        return True
    if expr.has(sp.sin, sp.cos, sp.sinc, sp.exp):  # trig identities are easier as exponentials
        expr = expr.replace(sp.sinc, lambda a: sp.sin(a) / a)
        return sp.simplify(expr.rewrite(sp.exp)) == 0
    return False


def _zero(expr, var):
    return _simplifies_to_zero(expr) or (var is not None and _zero_on_pieces(expr, var))


def _zero_by_branches(diff, closed, var):
    """Words if each branch of a Piecewise ``diff`` (parameter cases) is 0 or a case
    in which one side is undefined (``1/(α − β)`` at α = β); None otherwise."""
    folded = sp.piecewise_fold(diff)
    if not isinstance(folded, sp.Piecewise):
        return None
    ruled_out, skipped = [], []
    for branch, cond in folded.args:
        if _zero(branch, var):
            ruled_out.append(cond)
            continue
        cases = (
            [c for c in ruled_out if isinstance(c, sp.Ne)]
            if cond is sp.true
            else ([cond] if isinstance(cond, sp.Eq) else [])
        )
        if not cases:
            return None
        rel = cases[0]
        symbol = next(iter(sorted(rel.free_symbols - {var}, key=str)), None)
        if symbol is None:
            return None
        roots = sp.solve(sp.Eq(rel.lhs, rel.rhs), symbol)
        if len(roots) != 1:
            return None
        if _simplifies_to_zero(branch.subs(symbol, roots[0])):
            continue  # the single point of this case agrees too
        undefined = [side for side in closed if side.subs(symbol, roots[0]).has(sp.nan, sp.zoo)]
        if not undefined:
            return None
        skipped.append(f"{symbol} = {roots[0]}")
    return "closed forms agree wherever both sides are defined (not at " + ", ".join(skipped) + ")"


def _zero_on_pieces(diff, x):
    """Whether a piecewise ``diff`` vanishes on every interval between its numeric kinks."""
    points = numeric.kink_points(diff.rewrite(sp.Piecewise), x) | numeric.kink_points(diff, x)
    if not all(p.is_number and p.is_real for p in points):
        return False
    points = sorted(points, key=float)
    s = sp.Dummy("s", positive=True)
    probes = [s, -s]
    if points:
        probes = [points[0] - s, points[-1] + s]
        probes += [(p + q * s) / (1 + s) for p, q in itertools.pairwise(points)]
    for probe in probes:
        piece = sp.piecewise_fold(diff.subs(x, probe).rewrite(sp.Piecewise))
        if sp.simplify(piece) != 0:
            return False
    return True


def _side(expr, closed, point):
    """Value and error of one side: quadrature, or (too deep) its closed form."""
    try:
        value, err = numeric.value_at(expr, point)
        return value, err, True
    except numeric.NumericFailure:
        if closed is None or closed.has(sp.Integral):
            raise
    value, err = numeric.value_at(closed, point)
    return value, err, False


def _numeric_gate(lhs, rhs, var, closed, deadline):
    """(agreeing points, counterexample tuple or None, words about failures)."""
    params = (lhs.free_symbols | rhs.free_symbols) - {var}
    agree, failures, unclear = 0, [], 0
    for assignment in numeric.parameter_assignments(params, 4):
        values = [None]
        if var is not None:
            values = numeric.variable_values(numeric.numeric_kinks(closed, var, assignment))
        for m in values[:6]:
            if time.monotonic() > deadline:
                return agree, None, [*failures, "time"]
            point = dict(assignment) if m is None else {**assignment, var: m}
            try:
                left, el, exact_l = _side(lhs, closed[0], point)
                right, er, exact_r = _side(rhs, closed[1], point)
            except numeric.NumericFailure as exc:
                failures.append(str(exc))
                continue
            gap, scale = abs(left - right), 1 + max(abs(left), abs(right))
            if gap <= AGREE_RTOL * scale + 10 * (el + er):
                agree += 1
            elif gap > DIFFER_RTOL * scale + 100 * (el + er) and exact_l and exact_r:
                return agree, (point, left, right), failures
            else:
                unclear += 1
        if agree >= 8:
            break
    if unclear:
        failures.append(f"{unclear} point(s) neither clearly equal nor clearly different")
    return agree, None, failures


def check_identity(lhs, rhs, var=None, *, timeout=None):
    """Decide ``lhs == rhs`` for expressions built from integrals over ℝ.

    Parameters
    ----------
    lhs, rhs : sympy.Expr
        The two sides (builders' integrals, closed forms, undefined functions).
    var : sympy.Symbol, optional
        The main real variable (``t``): sampled on both sides of every kink and,
        for piecewise sides, the variable of the piece-by-piece proof.
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``); running out gives
        ``"undecided"``.

    Returns
    -------
    Verdict
        ``"holds"`` (symbolic zero and numeric agreement at ≥ 3 points),
        ``"false"`` (a numeric counterexample, returned) or ``"undecided"``.
    """
    lhs = check_expr(lhs, "lhs")
    rhs = check_expr(rhs, "rhs")
    if var is not None:
        check_real_symbol(var, "var")
    seconds = check_timeout(timeout)
    start = time.monotonic()
    try:
        with budget(seconds):
            proved, closed, how = _symbolic_zero(lhs, rhs, var)
            remaining = seconds - (time.monotonic() - start)
            agree, counter, failures = _numeric_gate(
                lhs, rhs, var, closed, time.monotonic() + 0.8 * remaining
            )
    except Timeout:
        return Verdict("undecided", reason=f"no verdict within {seconds:g} s")
    _, functions = numeric.concrete(lhs + rhs)
    tested = (
        ""
        if not functions
        else " (with " + ", ".join(f"{fn}(x) = {lam.expr}" for fn, lam in functions.items()) + ")"
    )
    if counter is not None:
        point, left, right = counter
        return Verdict(
            "false",
            {k: _python_number(v) for k, v in point.items()},
            left,
            right,
            f"the two sides differ at this point{tested}; symbolic: {how}",
            agree,
        )
    needed = MIN_POINTS if (lhs.free_symbols | rhs.free_symbols) else 1
    if proved and agree >= needed:
        return Verdict(
            "holds", reason=f"{how}; numerically equal at {agree} points{tested}", points=agree
        )
    why = f"{how}; numerically equal at {agree} points"
    if failures:
        why += f"; not computable at others ({failures[0][:120]})"
    return Verdict("undecided", reason=why, points=agree)


def identity_holds(lhs, rhs, var=None, *, timeout=None):
    """True for "holds", False for "false" (see :func:`check_identity`); else :class:`Undecided`."""
    verdict = check_identity(lhs, rhs, var, timeout=timeout)
    if verdict.status == "holds":
        return True
    if verdict.status == "false":
        return False
    raise Undecided(verdict.reason)


def assert_identity(lhs, rhs, var=None, name="identity", *, timeout=None):
    """Return True if :func:`check_identity` says "holds"; raise :class:`StepError` otherwise."""
    verdict = check_identity(lhs, rhs, var, timeout=timeout)
    if verdict.status != "holds":
        raise StepError(f"{name} does not hold: {verdict!r}")
    return True
