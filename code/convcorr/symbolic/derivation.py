"""A derivation: a chain of equalities, each checked by SymPy when it is added."""

from dataclasses import dataclass

import sympy as sp

from . import labels
from ._common import StepError, Timeout, budget, check_expr, check_text
from .moves import change_variable, differentiate_under_integral, swap_order
from .normal_form import equivalent, same_up_to_bound_names


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

    def latex(self) -> str:
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

    Every printed label is tied to the expression it names: ``lhs`` (for
    ``start``) and each ``display`` (for its target) must contain, for each
    integral made by a builder inside the expression, the notation that builder
    recorded (see :mod:`convcorr.symbolic.labels`); otherwise :class:`StepError`.

    Parameters
    ----------
    lhs : str
        LaTeX of the left-hand side, e.g. ``r"(f \\star g)(t)"``.
    start : sympy.Expr
        The first expression, usually from a builder (:func:`correlation`).
    why : str
        Justification of the first line.
    """

    def __init__(self, lhs: str, start: sp.Expr, why: str = "definition") -> None:
        if not isinstance(lhs, str):
            raise TypeError(f"lhs must be a LaTeX string; received {type(lhs).__name__}")
        _tex_text(why)
        start = check_expr(start, "start")
        labels.check_label(lhs, start, "lhs")
        self.lhs = lhs
        self.steps = [Step(start, why, "definition")]

    @property
    def current(self) -> sp.Expr:
        """The expression of the last line."""
        return self.steps[-1].expr

    def _add(
        self,
        produced: sp.Expr,
        target: sp.Expr,
        why: str,
        check: str,
        display: str | None,
        note: str | None = None,
    ) -> "Derivation":
        """Append ``target`` as the next line if the move ``produced`` it (equivalent)."""
        _tex_text(why)
        target = check_expr(target, "target")
        if display is not None:
            labels.check_label(check_text(display, "display"), target, "display")
        renamed = same_up_to_bound_names(target, self.current)
        if renamed and labels.label_of(target) == labels.label_of(self.current):
            raise ValueError(
                "target must differ from the current expression; received the "
                "same expression (a step must change something)"
            )
        if not equivalent(produced, target):
            raise StepError(
                f"step '{why}' does not hold: the {check} gives {produced}, not {target}"
            )
        self.steps.append(Step(target, why, check, display, note))
        return self

    def substitute(
        self, old: sp.Expr, new: sp.Symbol, target: sp.Expr, why: str, display: str | None = None
    ) -> "Derivation":
        """Change variables ``old = new`` (see :func:`change_variable`)."""
        produced = change_variable(self.current, old, new)
        note = sp.latex(sp.Eq(new, old, evaluate=False))
        return self._add(produced, target, why, "substitution", display, note)

    def swap(
        self,
        target: sp.Expr,
        why: str | None = None,
        outer: sp.Symbol | None = None,
        display: str | None = None,
    ) -> "Derivation":
        """Swap the order of integration (see :func:`swap_order`)."""
        produced = swap_order(self.current, outer)
        why = why or "swap the order of integration (Fubini)"
        return self._add(produced, target, why, "Fubini swap", display)

    def define(self, target: sp.Expr, display: str, why: str = "definition") -> "Derivation":
        """Name the current expression with a definition, e.g. ``(f * g)(t)``.

        ``target`` is built independently from the definition (with
        :func:`convolution`, :func:`correlation`, ...) and must be
        :func:`equivalent` to the current expression; unlike the other moves
        it may coincide with it, since the step only introduces notation
        (``display``, required).
        """
        if not isinstance(display, str):
            raise TypeError(f"display must be a LaTeX string; received {type(display).__name__}")
        _tex_text(why)
        target = check_expr(target, "target")
        labels.check_label(display, target, "display")
        if not equivalent(self.current, target):
            raise StepError(f"step '{why}' does not hold: {self.current} is not {display}")
        self.steps.append(Step(target, why, "definition", display))
        return self

    def rewrite(self, target: sp.Expr, why: str, display: str | None = None) -> "Derivation":
        """An algebraic step: linearity, conjugation, a definition."""
        return self._add(self.current, target, why, "linearity", display)

    def differentiate(
        self, var: sp.Symbol, target: sp.Expr, why: str | None = None, display: str | None = None
    ) -> "Derivation":
        """Move ``d/dvar`` under the integral sign (Leibniz rule)."""
        produced = differentiate_under_integral(self.current, var)
        why = why or "differentiate under the integral sign"
        return self._add(produced, target, why, "Leibniz rule", display)

    def evaluate(
        self,
        target: sp.Expr,
        why: str,
        display: str | None = None,
        *,
        timeout: float | None = None,
    ) -> "Derivation":
        """Let SymPy compute the integrals (e.g. the sifting of a delta).

        ``timeout`` (seconds, default ``DEFAULT_TIMEOUT``) bounds SymPy's work;
        running out raises :class:`StepError`.
        """
        try:
            with budget(timeout):
                produced = self.current.doit()
        except Timeout:
            raise StepError(f"step '{why}': SymPy did not finish within the time budget") from None
        return self._add(produced, target, why, "evaluation", display)

    def latex(self) -> str:
        """The chain as a LaTeX ``aligned`` block, one justified step per line."""
        lines = []
        for i, step in enumerate(self.steps):
            head = self.lhs if i == 0 else ""
            note = "" if step.note is None else f"\\quad {step.note}"
            lines.append(f"{head} &= {step.latex()} && {_tex_text(step.why)}{note}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        """The chain as display math, for Jupyter."""
        return "$$" + self.latex() + "$$"

    def __len__(self) -> int:
        """Number of lines."""
        return len(self.steps)

    def __repr__(self) -> str:
        """The left-hand side, the number of lines and how each was checked."""
        checks = ", ".join(step.check for step in self.steps)
        return f"Derivation of {self.lhs}: {len(self.steps)} lines, checked by {checks}"


_TEXT_SPECIALS = set("\\&%#_{}^~")


def _tex_text(words: str) -> str:
    """LaTeX for a justification: plain words, with ``$...$`` pieces as math."""
    check_text(words, "why")
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
                    f"why must keep LaTeX special characters inside $...$; received {words!r}"
                )
            out.append(f"\\text{{{piece}}}")
    return " ".join(out)
