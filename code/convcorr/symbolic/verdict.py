"""Deciding an identity: a symbolic proof and a numeric gate, or no verdict.

:func:`check_identity` returns a :class:`Verdict` (its docstring says what
each status means).  The symbolic side proves ``lhs − rhs = 0`` almost
everywhere; the numeric side computes each side from its own defining
integrals at sample points.  A proof needs the numbers to agree; a
counterexample needs no proof and a second, precise evaluation; when the two
kinds of evidence disagree there is no verdict.

Undefined functions (``sympy.Function('f')``) are replaced, for the numbers, by
fixed complex asymmetric sample functions (named in ``Verdict.reason``): a
counterexample for them refutes the identity "for all f".
"""

import itertools
import time
from collections.abc import Iterator
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
#: relative shift of each real coordinate for the second point of a counterexample
NEARBY = 1e-3
#: differences put to the precise test before the gate stops trying
MAX_ATTEMPTS = 2

Closed = tuple[sp.Expr | None, sp.Expr | None]


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`check_identity`.

    What an identity means here: the two sides are functions of their free
    symbols (the variable ``t``, parameters), and they are compared **almost
    everywhere**.  "holds" says ``lhs = rhs`` for almost every value of the
    free symbols: everywhere except perhaps on a set of measure zero, such as
    the jump of a step function (``Heaviside(0)`` is 1/2 in SymPy,
    ``Heaviside(0, 1)`` is 1), the boundary of a ``Piecewise``, the point 0 of
    ``sin(x)/x`` or a parameter value at which one side is undefined.  That is
    the sense in which integrands, densities and transforms are equal, and it
    does not depend on whether ``var`` is given.  Without free symbols the two
    sides are numbers, compared as numbers: ``Heaviside(0)`` and
    ``Heaviside(0, 1)`` differ.

    * ``"holds"``: SymPy shows ``lhs − rhs = 0`` almost everywhere (by the normal
      form of :func:`equivalent`, by closed forms and ``simplify``, by
      ``simplify`` on each piece between kinks, or on each parameter case in
      which both sides are defined) **and** both sides, each computed from its
      own defining integrals, agree numerically at several points
      (``MIN_POINTS``; one when there are no free symbols).
    * ``"false"``: a counterexample beyond doubt.  At a point off every kink the
      two sides, computed by quadrature, differ by far more than its error; each
      side's value there is confirmed by a second, independent evaluation at
      ``numeric.PRECISE_DIGITS`` digits (its closed form by ``evalf``, or mpmath
      quadrature with its error estimate), the confirmed values still differ,
      and the sides also differ at a nearby point (so on a set of positive
      measure, not at a jump).  Numbers never overturn a proof: when SymPy
      shows ``lhs − rhs = 0`` and the numbers differ, the verdict is
      ``"undecided"`` with both reasons.
    * ``"undecided"``: anything else (SymPy cannot simplify a true identity, the
      integrals cannot be computed numerically, a difference is not confirmed,
      the evidence disagrees, the time budget ran out); ``reason`` says which.

    Attributes
    ----------
    status : str
        ``"holds"``, ``"false"`` or ``"undecided"``.
    counterexample : dict or None
        For ``"false"``: the point, ``{Symbol: number}``; otherwise None.
    lhs_value, rhs_value : complex or None
        For ``"false"``: both sides at that point (the precise values); else None.
    reason : str
        How the verdict was reached, in words.
    points : int
        Points at which the two sides agreed numerically.
    """

    status: str
    counterexample: dict | None = None
    lhs_value: complex | None = None
    rhs_value: complex | None = None
    reason: str = ""
    points: int = field(default=0, compare=False)

    def __bool__(self) -> bool:
        """Refuse: a verdict has three values, and ``if verdict:`` would hide one."""
        raise TypeError(
            "a Verdict is not a bool: test verdict.status == 'holds' (or 'false', "
            "'undecided'), or call identity_holds, which raises Undecided"
        )

    def __repr__(self) -> str:
        """The status, the counterexample and both values for "false", and the reason."""
        extra = ""
        if self.status == "false":
            point = ", ".join(f"{k} = {_short(v)}" for k, v in self.counterexample.items())
            extra = f" at {point}: lhs = {_short(self.lhs_value)}, rhs = {_short(self.rhs_value)}"
        return f"Verdict({self.status!r}{extra}; {self.reason})"


def _short(z: complex | float) -> str:
    """A number with 6 significant digits, real when its imaginary part is negligible."""
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)):
        return f"{z.real:.6g}"
    return f"{z.real:.6g}{z.imag:+.6g}i"


def _python_number(v: complex | float | int) -> complex | float | int:
    """An int when the value is integral, else the float or complex."""
    return v if isinstance(v, complex) else (int(v) if float(v).is_integer() else float(v))


def _point_text(point: dict) -> str:
    """``a = 0.65, t = -1.7`` (or "the numbers" when the sides have no free symbol)."""
    return ", ".join(f"{k} = {_short(v)}" for k, v in point.items()) or "the numbers"


# ------------------------------------------------------------------ symbolic
def _symbolic_zero(lhs: sp.Expr, rhs: sp.Expr, var: sp.Symbol | None) -> tuple:
    """``(proved, closed forms, words)``: whether SymPy shows lhs − rhs = 0 a.e."""
    try:
        if lhs.has(sp.Integral) and rhs.has(sp.Integral) and equivalent(lhs, rhs):
            return True, (None, None), "equal in the normal form of integrals"
    except (StepError, ValueError, TypeError):
        pass
    try:
        closed = (raw_closed_form(lhs), raw_closed_form(rhs))
    except (StepError, ValueError, NotImplementedError) as exc:
        return False, (None, None), f"no closed form ({str(exc)[:120]})"
    diff = _almost_everywhere(closed[0]) - _almost_everywhere(closed[1])
    variables = _piece_variables(diff, var)
    if _simplifies_to_zero(diff):
        return True, closed, "closed forms agree (simplify(lhs − rhs) = 0)"
    if any(_zero_on_pieces(diff, x) for x in variables):
        return True, closed, "closed forms agree on every piece between kinks"
    words = _zero_by_branches(diff, closed, variables, var)
    if words:
        return True, closed, words
    return False, closed, "simplify(lhs − rhs) is not 0"


def _piece_variables(diff: sp.Expr, var: sp.Symbol | None) -> list[sp.Symbol]:
    """The symbols in which to try the piece-by-piece proof: ``var``, then every other
    real symbol at which ``diff`` has a kink (a jump in a parameter counts as much)."""
    others = sorted((s for s in diff.free_symbols if s.is_real and s != var), key=str)
    kinked = [s for s in others if numeric.kink_points(diff, s)]
    return ([var] if var is not None else []) + kinked


def _almost_everywhere(expr: sp.Expr) -> sp.Expr:
    """``expr`` without the ``Piecewise`` cases of one symbol that hold on a null set only.

    ``Piecewise((A, Ne(ξ, 0)), (B, True))`` is A except at ξ = 0, and a case
    ``Eq(ξ, c)`` holds at one point: almost everywhere they say nothing.
    Relations between several symbols (``Ne(α, β)``) are kept, for
    :func:`_zero_by_branches` to examine case by case.
    """

    def generic(pw: sp.Piecewise) -> sp.Expr:
        """The Piecewise without its null-set cases."""
        kept = []
        for value, cond in pw.args:
            single = isinstance(cond, (sp.Eq, sp.Ne)) and len(cond.free_symbols) == 1
            if single and isinstance(cond, sp.Eq):
                continue
            if cond is sp.true or single:
                return sp.Piecewise(*kept, (value, True)) if kept else value
            kept.append((value, cond))
        return sp.Piecewise(*kept) if kept else pw

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), generic)


def _simplifies_to_zero(expr: sp.Expr) -> bool:
    """Whether ``simplify`` shows ``expr = 0`` (also with sines as exponentials)."""
    if sp.simplify(expr) == 0:
        return True
    if expr.has(sp.sin, sp.cos, sp.sinc, sp.exp):  # trig identities are easier as exponentials
        expr = expr.replace(sp.sinc, lambda a: sp.sin(a) / a)
        return sp.simplify(expr.rewrite(sp.exp)) == 0
    return False


def _zero(expr: sp.Expr, variables: list[sp.Symbol]) -> bool:
    """Whether ``expr = 0``: by ``simplify``, or piece by piece in one of ``variables``."""
    return _simplifies_to_zero(expr) or any(_zero_on_pieces(expr, x) for x in variables)


def _zero_by_branches(
    diff: sp.Expr, closed: Closed, variables: list[sp.Symbol], var: sp.Symbol | None
) -> str | None:
    """Words if each branch of a Piecewise ``diff`` (parameter cases) is 0 or a case
    in which one side is undefined (``1/(α − β)`` at α = β); None otherwise.

    ``variables`` are tried for the piece-by-piece proof of a branch; a case is
    solved for a symbol other than the main variable ``var``.
    """
    folded = sp.piecewise_fold(diff)
    if not isinstance(folded, sp.Piecewise):
        return None
    ruled_out, skipped = [], []
    for branch, cond in folded.args:
        if _zero(branch, variables):
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


def _zero_on_pieces(diff: sp.Expr, x: sp.Symbol) -> bool:
    """Whether a piecewise ``diff`` vanishes on every interval between its numeric kinks."""
    points = numeric.kink_points(diff.rewrite(sp.Piecewise), x) | numeric.kink_points(diff, x)
    points = _in_order(points)
    if points is None:
        return False
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


def _in_order(points: set[sp.Expr]) -> list[sp.Expr] | None:
    """The points in increasing order: real numbers, or one real expression (``a``)."""
    if all(p.is_number and p.is_real for p in points):
        return sorted(points, key=float)
    if len(points) == 1 and next(iter(points)).is_real:
        return list(points)
    return None


# ------------------------------------------------------------------- numbers
@dataclass
class _Evidence:
    """What the numeric gate found."""

    agree: int = 0
    unclear: int = 0
    attempts: int = 0  # differences put to the precise test
    counter: tuple | None = None  # (point, lhs, rhs, words): established
    differ: tuple | None = None  # (point, lhs, rhs, words): seen, not established
    failures: list[str] = field(default_factory=list)


def _side(expr: sp.Expr, closed: sp.Expr | None, point: dict) -> tuple[complex, float, bool]:
    """Value and error of one side, and whether the value is its own (not its closed form's).

    Quadrature of the defining integrals; when that is impossible (too deep),
    the closed form, which can corroborate nothing and only lets other points count.
    """
    try:
        value, err = numeric.value_at(expr, point)
        return value, err, True
    except numeric.NumericFailure:
        if closed is None or closed.has(sp.Integral):
            raise
    value, err = numeric.value_at(closed, point)
    return value, err, False


def _precise_side(expr: sp.Expr, closed: sp.Expr | None, point: dict) -> tuple:
    """``(value, error, words)`` at higher precision, independent of the quadrature of ``expr``.

    An expression without integrals by ``evalf``; otherwise its closed form by
    ``evalf``, or mpmath quadrature of its integral.
    """
    digits = numeric.PRECISE_DIGITS
    if not expr.has(sp.Integral):
        value, err = numeric.precise_value_at(expr, point)
        return value, err, f"evalf at {digits} digits"
    if closed is not None and not closed.has(sp.Integral):
        try:
            value, err = numeric.precise_value_at(closed, point)
            return value, err, f"its closed form at {digits} digits"
        except numeric.NumericFailure:
            pass
    value, err = numeric.precise_value_at(expr, point)
    if not err <= 1e-9 * (1 + abs(value)):
        raise numeric.NumericFailure(f"mpmath quadrature did not converge (error {err:.2g})")
    return value, err, f"mpmath quadrature at {digits} digits"


def _apart(left: complex, right: complex, errors: float) -> bool:
    """Whether two values differ by far more than their errors and the tolerance."""
    gap, scale = abs(left - right), 1 + max(abs(left), abs(right))
    return gap > DIFFER_RTOL * scale + 100 * errors


def _nearby(point: dict) -> dict:
    """``point`` with every real, non-integer coordinate moved a little."""
    moved = {}
    for k, (symbol, v) in enumerate(point.items()):
        real = symbol.is_real and not symbol.is_integer and not isinstance(v, complex)
        moved[symbol] = v + NEARBY * (1 + abs(v)) * (1 + 0.37 * k) if real else v
    return moved


def _establish(
    lhs: sp.Expr, rhs: sp.Expr, closed: Closed, point: dict, found: tuple
) -> tuple | str:
    """``(lhs, rhs, words)`` at higher precision if the difference at ``point`` is beyond
    doubt; otherwise the reason it is not."""
    precise = []
    for side, closed_side, (value, err) in zip((lhs, rhs), closed, found):
        try:
            exact, exact_err, how = _precise_side(side, closed_side, point)
        except numeric.NumericFailure as exc:
            return f"no precise value of a side ({str(exc)[:120]})"
        if abs(exact - value) > AGREE_RTOL * (1 + abs(exact)) + 10 * (err + exact_err):
            return f"quadrature gives {value:.10g}, {how} gives {exact:.10g}"
        precise.append((exact, exact_err, how))
    (left, el, how_l), (right, er, how_r) = precise
    if not _apart(left, right, el + er):
        return "the precise values agree"
    near = _nearby(point)
    try:
        if not _apart(*(numeric.value_at(side, near)[0] for side in (lhs, rhs)), 0.0):
            return f"the sides agree at the nearby point {_point_text(near)}"
    except numeric.NumericFailure as exc:
        return f"no value at the nearby point ({str(exc)[:120]})"
    words = how_l if how_l == how_r else f"lhs by {how_l}, rhs by {how_r}"
    return left, right, words


def _points(
    lhs: sp.Expr, rhs: sp.Expr, var: sp.Symbol | None, closed: Closed
) -> Iterator[tuple[dict, bool]]:
    """Sample points, each with whether it ends its assignment of the parameters.

    Parameters from their assumptions (none on a kink), ``var`` on both sides
    of each kink of the closed forms.
    """
    params = (lhs.free_symbols | rhs.free_symbols) - {var}
    for assignment in numeric.parameter_assignments(params, 4):
        if numeric.on_a_kink([lhs, rhs, *closed], assignment):
            continue
        values = [None]
        if var is not None:
            values = numeric.variable_values(numeric.numeric_kinks(closed, var, assignment))[:6]
        for k, value in enumerate(values):
            point = assignment if value is None else {**assignment, var: value}
            yield point, k == len(values) - 1


def _numeric_gate(
    lhs: sp.Expr,
    rhs: sp.Expr,
    var: sp.Symbol | None,
    closed: Closed,
    proved: bool,
    deadline: float,
) -> _Evidence:
    """Both sides at sample points; any failure inside is a reason, never an exception."""
    evidence = _Evidence()
    try:
        for point, last_of_assignment in _points(lhs, rhs, var, closed):
            if time.monotonic() > deadline:
                evidence.failures.append("time")
                break
            if _weigh(lhs, rhs, closed, point, proved, evidence):
                break
            if last_of_assignment and evidence.agree >= 8:
                break
    except Exception as exc:  # a crash in the gate is a missing number, not a verdict
        evidence.failures.append(f"the numeric gate failed: {type(exc).__name__}: {exc}")
    if evidence.unclear:
        evidence.failures.append(
            f"{evidence.unclear} point(s) neither clearly equal nor clearly different"
        )
    return evidence


def _weigh(
    lhs: sp.Expr, rhs: sp.Expr, closed: Closed, point: dict, proved: bool, evidence: _Evidence
) -> bool:
    """Compare the sides at one point, recording into ``evidence``; True to stop sampling."""
    try:
        left, el, own_l = _side(lhs, closed[0], point)
        right, er, own_r = _side(rhs, closed[1], point)
    except numeric.NumericFailure as exc:
        evidence.failures.append(str(exc))
        return False
    gap, scale = abs(left - right), 1 + max(abs(left), abs(right))
    if gap <= AGREE_RTOL * scale + 10 * (el + er) and own_l and own_r:
        evidence.agree += 1
        return False
    if not (_apart(left, right, el + er) and own_l and own_r):
        evidence.unclear += 1
        return False
    if proved:  # numbers never overturn a proof: report, stop
        evidence.differ = (point, left, right, "a symbolic proof says they are equal")
        return True
    if evidence.attempts >= MAX_ATTEMPTS:  # each costs precise evaluations: enough tried
        evidence.unclear += 1
        return False
    evidence.attempts += 1
    established = _establish(lhs, rhs, closed, point, ((left, el), (right, er)))
    if isinstance(established, str):
        if evidence.differ is None:
            evidence.differ = (point, left, right, established)
        return False
    evidence.counter = (point, *established)
    return True


# ------------------------------------------------------------------- verdict
def _tested(lhs: sp.Expr, rhs: sp.Expr) -> str:
    """The sample functions that stood in for undefined ones, in words ("" if none)."""
    _, functions = numeric.concrete(lhs + rhs)
    if not functions:
        return ""
    return " (with " + ", ".join(f"{fn}(x) = {lam.expr}" for fn, lam in functions.items()) + ")"


def _decide(lhs: sp.Expr, rhs: sp.Expr, proved: bool, how: str, evidence: _Evidence) -> Verdict:
    """The verdict from the symbolic outcome and the numeric evidence."""
    tested = _tested(lhs, rhs)
    if evidence.counter is not None:
        point, left, right, words = evidence.counter
        return Verdict(
            "false",
            {k: _python_number(v) for k, v in point.items()},
            left,
            right,
            f"the two sides differ at this point{tested}, confirmed by {words} and at a "
            f"nearby point; symbolic: {how}",
            evidence.agree,
        )
    needed = MIN_POINTS if (lhs.free_symbols | rhs.free_symbols) else 1
    if evidence.differ is None and proved and evidence.agree >= needed:
        return Verdict(
            "holds",
            reason=f"{how}; numerically equal at {evidence.agree} points{tested}",
            points=evidence.agree,
        )
    why = f"{how}; numerically equal at {evidence.agree} points"
    if evidence.differ is not None:
        point, left, right, words = evidence.differ
        why += (
            f"; but at {_point_text(point)} quadrature gives lhs = {_short(left)}, "
            f"rhs = {_short(right)}, not a counterexample: {words}"
        )
    elif evidence.failures:
        why += f"; not computable at others ({evidence.failures[0][:120]})"
    return Verdict("undecided", reason=why + tested, points=evidence.agree)


def _single_variable(lhs: sp.Expr, rhs: sp.Expr) -> sp.Symbol | None:
    """The main variable when there is one real free symbol and none was given."""
    symbols = lhs.free_symbols | rhs.free_symbols
    if len(symbols) == 1:
        (only,) = symbols
        return only if only.is_real else None
    return None


def check_identity(
    lhs: sp.Expr | complex,
    rhs: sp.Expr | complex,
    var: sp.Symbol | None = None,
    *,
    timeout: float | None = None,
) -> Verdict:
    """Decide ``lhs == rhs`` (almost everywhere) for expressions built from integrals over ℝ.

    Parameters
    ----------
    lhs, rhs : sympy.Expr
        The two sides (builders' integrals, closed forms, undefined functions).
    var : sympy.Symbol, optional
        The main real variable (``t``): sampled on both sides of every kink and,
        for piecewise sides, the variable of the piece-by-piece proof.  Without
        it, a single real free symbol takes that role, and every real symbol is
        tried for the piece-by-piece proof; the verdict does not depend on it.
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``); running out gives
        ``"undecided"``.

    Returns
    -------
    Verdict
        ``"holds"``, ``"false"`` (with a counterexample confirmed at higher
        precision) or ``"undecided"``; see :class:`Verdict` for their meaning.
    """
    lhs = check_expr(lhs, "lhs")
    rhs = check_expr(rhs, "rhs")
    if var is not None:
        check_real_symbol(var, "var")
    else:
        var = _single_variable(lhs, rhs)
    seconds = check_timeout(timeout)
    start = time.monotonic()
    try:
        with budget(seconds):
            try:
                proved, closed, how = _symbolic_zero(lhs, rhs, var)
            except Exception as exc:  # SymPy failing is no proof, and no verdict either way
                proved, closed, how = False, (None, None), f"SymPy failed ({exc!r:.120})"
            remaining = seconds - (time.monotonic() - start)
            deadline = time.monotonic() + 0.8 * remaining
            evidence = _numeric_gate(lhs, rhs, var, closed, proved, deadline)
    except Timeout:
        return Verdict("undecided", reason=f"no verdict within {seconds:g} s")
    return _decide(lhs, rhs, proved, how, evidence)


def identity_holds(
    lhs: sp.Expr | complex,
    rhs: sp.Expr | complex,
    var: sp.Symbol | None = None,
    *,
    timeout: float | None = None,
) -> bool:
    """:func:`check_identity` as a bool: True for "holds", False for "false".

    Parameters are those of :func:`check_identity`.

    Raises
    ------
    Undecided
        For "undecided", with its reason.
    """
    verdict = check_identity(lhs, rhs, var, timeout=timeout)
    if verdict.status == "holds":
        return True
    if verdict.status == "false":
        return False
    raise Undecided(verdict.reason)


def assert_identity(
    lhs: sp.Expr | complex,
    rhs: sp.Expr | complex,
    var: sp.Symbol | None = None,
    name: str = "identity",
    *,
    timeout: float | None = None,
) -> bool:
    """Return True if :func:`check_identity` says "holds".

    Parameters are those of :func:`check_identity`, and ``name``, the identity's
    name in the error message.

    Raises
    ------
    StepError
        For "false" or "undecided", with the verdict.
    """
    verdict = check_identity(lhs, rhs, var, timeout=timeout)
    if verdict.status != "holds":
        raise StepError(f"{name} does not hold: {verdict!r}")
    return True
