"""Printed notation tied to the expression it names.

Each builder (:func:`~convcorr.symbolic.convolution`, ...) records, for the
integral it returns, which operation it is, the names of its operands (when
they have one: an undefined ``sympy.Function('f')`` is ``f``, ``DiracDelta``
is ``\\delta``, ``reverse_conj(f)`` is ``\\tilde f``, a builder used as an
operand is its own label without the point) and the point.  A LaTeX label is
accepted for an expression when, for every outermost builder integral inside
the expression, the label contains that integral's notation:

* ``(A * B)(p)`` for a convolution, ``(A \\star B)(p)`` for a correlation,
* ``\\mathcal{F}\\{A\\}(p)`` or ``\\hat A(p)`` for a Fourier integral,
  ``\\mathcal{F}^{-1}\\{A\\}(p)`` or ``\\check A(p)`` for the inverse,

where a named operand must appear literally (spaces, ``\\,``, ``\\left``/``\\right``
and grouping braces ignored), an operand without a name (a Python lambda)
matches any text, and the point ``p`` is parsed back into SymPy and must equal
the builder's point.  A label that writes ``*``, ``\\star``, ``\\mathcal{F}`` or
``\\hat`` for an expression that holds no builder integral is refused.
"""

import re
from collections.abc import Callable

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

from ._common import StepError

_REGISTRY = {}

_NOTATION = (r"\star", r"\mathcal", r"\hat", r"\check", "*")

OPERATIONS = {
    "convolution": "{a} * {b}",
    "correlation": r"{a} \star {b}",
    "fourier": r"\mathcal{{F}}\{{{a}\}}",
    "inverse_fourier": r"\mathcal{{F}}^{{-1}}\{{{a}\}}",
}


class Entry:
    """What a builder call made: operation, operand labels (or None), point."""

    __slots__ = ("kind", "operands", "point")

    def __init__(self, kind: str, operands: list, point: sp.Expr) -> None:
        self.kind, self.operands, self.point = kind, operands, point

    def text(self, with_point: bool = True) -> str:
        """The notation, ``(f * g)(t)``; without the point, ``f * g``."""
        names = [_operand_text(op) for op in self.operands]
        body = OPERATIONS[self.kind].format(a=names[0], b=names[-1])
        if self.kind in ("convolution", "correlation"):
            body = f"({body})"
        return f"{body}({sp.latex(self.point)})" if with_point else body


def _operand_text(op: "str | Entry | None") -> str:
    """An operand's notation (``?`` for one without a name)."""
    if op is None:
        return "?"
    if isinstance(op, Entry):
        return op.text(with_point=False)
    return op


def register(expr: sp.Expr, kind: str, operands: list, point: sp.Expr) -> sp.Expr:
    """Record what a builder made, and return ``expr``."""
    _REGISTRY.setdefault(expr, []).append(Entry(kind, operands, point))
    return expr


def operand_label(fn: Callable, probe_var: sp.Symbol, probe_value: sp.Expr) -> "str | Entry | None":
    """The name of an operand for labels, or None when it has none."""
    label = getattr(fn, "convcorr_label", None)
    if isinstance(label, str):
        return label
    if fn is sp.DiracDelta:
        return r"\delta"
    if isinstance(fn, sp.core.function.UndefinedFunction):
        return sp.latex(sp.Symbol(fn.__name__))
    for entry in _REGISTRY.get(probe_value, ()):
        if entry.point == probe_var:
            return entry
    return None


def label_of(expr: sp.Expr) -> str | None:
    """The label the builders recorded for ``expr`` (``None`` if not built by one).

    >>> label_of(convolution(f, g, t))          # doctest: +SKIP
    '(f * g)(t)'
    """
    entries = _REGISTRY.get(expr)
    return entries[0].text() if entries else None


# ---------------------------------------------------------------- matching
def _normalise(text: str) -> str:
    """LaTeX without spacing macros, sizes and grouping braces; ``\\{`` as ``⟨``."""
    for macro in (r"\left", r"\right", r"\big", r"\Big", r"\displaystyle"):
        text = text.replace(macro, " ")
    for space in (r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad"):
        text = text.replace(space, " ")
    text = text.replace(r"\{", "⟨").replace(r"\}", "⟩").replace(r"\ast", "*")
    text = text.replace("{", " ").replace("}", " ")
    return re.sub(r"\s+", " ", text)


def _literal(text: str) -> str:
    """A regular expression for ``text`` that ignores whitespace."""
    compact = re.sub(r"\s+", "", _normalise(text))
    return r"\s*".join(re.escape(ch) for ch in compact)


def _operand_pattern(op: "str | Entry | None", bracket: bool) -> str:
    """A regular expression for one operand (any text for an unnamed one)."""
    if op is None:
        return r".+?"
    if isinstance(op, Entry):
        inner = _op_pattern(op)
        return rf"(?:\(\s*{inner}\s*\)|{inner})" if not bracket else inner
    return _literal(op)


def _op_pattern(entry: Entry) -> str:
    """A regular expression for the operation of ``entry``, without its point."""
    a, b = (_operand_pattern(op, False) for op in (entry.operands[0], entry.operands[-1]))
    sp_ = r"\s*"
    if entry.kind == "convolution":
        return rf"{a}{sp_}\*{sp_}{b}"
    if entry.kind == "correlation":
        return rf"{a}{sp_}\\star(?![a-zA-Z]){sp_}{b}"
    if entry.kind == "fourier":
        return rf"(?:\\mathcal{sp_}F{sp_}⟨{sp_}{a}{sp_}⟩|\\(?:wide)?hat{sp_}{a})"
    return (
        rf"(?:\\mathcal{sp_}F{sp_}\^{sp_}-{sp_}1{sp_}⟨{sp_}{a}{sp_}⟩"
        rf"|\\(?:wide)?check{sp_}{a})"
    )


_POINT = r"\(\s*(?P<pt>[^()]*(?:\([^()]*\)[^()]*)*)\)"


def _pattern(entry: Entry) -> re.Pattern:
    """A regular expression for the whole notation of ``entry``, point captured."""
    op = _op_pattern(entry)
    if entry.kind in ("convolution", "correlation"):
        op = rf"\(\s*{op}\s*\)"
    return re.compile(op + r"\s*" + _POINT)


_TRANSFORMS = (*standard_transformations, implicit_multiplication, convert_xor)


def _same_point(text: str, point: sp.Expr) -> bool:
    """Whether the LaTeX ``text`` parses to an expression equal to ``point``."""
    names = {s.name: s for s in point.free_symbols}
    source = text.replace(r"\cdot", "*").replace("−", "-")
    source = re.sub(r"\\([a-zA-Z]+)", r"\1", source)
    try:
        parsed = parse_expr(source, local_dict=dict(names), transformations=_TRANSFORMS)
    except Exception:
        return False
    if not isinstance(parsed, sp.Expr):
        return False
    return sp.simplify(parsed - point) == 0


def _matches(entry: Entry, text: str) -> bool:
    """Whether ``text`` contains the notation of ``entry`` at its point."""
    return any(_same_point(m.group("pt"), entry.point) for m in _pattern(entry).finditer(text))


def _outermost_built(expr: sp.Basic) -> list[sp.Expr]:
    """The outermost subexpressions of ``expr`` that a builder made."""
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        if node in _REGISTRY:
            found.append(node)
        elif isinstance(node, sp.Basic):
            stack.extend(node.args)
    return found


def check_label(text: str, expr: sp.Expr, what: str) -> None:
    """Raise :class:`StepError` unless ``text`` names ``expr`` (rules above)."""
    normal = _normalise(text)
    built = _outermost_built(expr)
    for node in built:
        entries = _REGISTRY[node]
        if not any(_matches(entry, normal) for entry in entries):
            raise StepError(
                f"{what} {text!r} does not name the expression: it was built as "
                f"{entries[0].text()!r}"
            )
    if not built and any(mark in normal for mark in _NOTATION):
        raise StepError(
            f"{what} {text!r} names an operation, but the expression holds no "
            "integral made by a builder (convolution, correlation, fourier_integral, "
            "inverse_fourier_integral): build it with one so the label can be checked"
        )
