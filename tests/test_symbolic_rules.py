"""convcorr.symbolic_rules: the rule table of chapter 2 and the short forms of a verdict."""

import pytest
import sympy as sp

from convcorr import symbolic as S
from convcorr import symbolic_rules as R
from convcorr.book import gaussian
from convcorr.symbolic import Verdict

t, x = sp.symbols("t x", real=True)
a = sp.Symbol("a", real=True)
c = sp.Symbol("c", positive=True)
F = sp.Function("F")


def test_operand_transforms_are_the_textbook_ones():
    assert R.shift(F, a, t)(x) == F(x - a)
    assert R.reflect(F, t)(x) == F(-x)
    assert R.conjugate(F, t)(x) == sp.conjugate(F(x))
    assert R.scale(F, c, t)(x) == F(c * x)
    g = gaussian(t, 1)
    assert sp.simplify(R.differentiate(g, t)(x) - (1 - x) * g(x)) == 0
    assert R.differentiate(F, t)(x + a).has(sp.Derivative)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: R.shift(3, a, t), TypeError, "f must be a function"),
        (lambda: R.shift(F, a, "t"), TypeError, "var must be a sympy Symbol"),
        (lambda: R.shift(F, "a + 1", t), TypeError, "a must be a number"),
        (lambda: R.scale(F, 0, t), ValueError, "c must be non-zero"),
        (lambda: R.operand_rules(F, F, F, t, a=a, c=-1), ValueError, "c must be positive"),
        (lambda: R.operand_rules(F, None, F, t, a=a, c=c), TypeError, "g must be a function"),
    ],
)
def test_transforms_and_rules_validate_their_arguments(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_rule_table_shape_labels_and_wrong_rules():
    rules = R.operand_rules(F, sp.Function("G"), sp.Function("H"), t, a=a, c=c)
    assert len(rules) == 15
    assert [r.holds for r in rules] == [True] * 13 + [False] * 2
    assert all((r.label is None) == (not r.holds) for r in rules)
    assert all(r.statement.count("$") == 2 for r in rules)
    assert {r.label for r in rules if r.holds} == {
        "eq-corr-swap",
        "eq-mixed-associativity",
        "eq-mixed-associativity-2",
        "eq-shift-rules",
        "eq-reversal",
        "eq-conjugation",
        "eq-scaling",
        "eq-conv-derivative",
        "eq-corr-derivative",
    }
    # each side is built from the definitions: the wrong shift rule's left side is the
    # correlation of the shifted F, its right side the correlation shifted the other way
    wrong_shift = rules[13]
    assert wrong_shift.lhs.has(F(wrong_shift.lhs.variables[0] - a))
    assert isinstance(rules[14].lhs, sp.Derivative)


def test_a_right_and_a_wrong_rule_on_closed_forms():
    # cheap operands: real Gaussians; the table's claims must survive SymPy's own integrals
    g1, g2 = gaussian(t, sp.Symbol("m1", real=True)), gaussian(t, sp.Symbol("m2", real=True))
    rules = R.operand_rules(g1, g2, g2, t, a=a, c=c)
    shift_corr = rules[5]
    lhs, rhs = S.closed_form(shift_corr.lhs), S.closed_form(shift_corr.rhs)
    assert sp.simplify(lhs - rhs) == 0
    wrong = rules[13]
    assert sp.simplify(S.closed_form(wrong.lhs) - S.closed_form(wrong.rhs)) != 0


def _false_verdict():
    mu = sp.Symbol("mu_1", real=True)
    return Verdict(
        "false",
        counterexample={mu: 0.65, t: -1.7},
        lhs_value=complex(0.106661, 0),
        rhs_value=complex(-0.215887, 0.675809),
        reason="the two sides differ at this point; symbolic: simplify(lhs − rhs) is not 0 "
        "and a reason long enough to need wrapping at the given width",
    )


def test_verdict_cell_shows_point_and_both_values():
    cell = R.verdict_cell(_false_verdict())
    assert cell == (r"false at $\mu_{1} = 0.65$, $t = -1.7$: lhs $= 0.107$, rhs $= -0.216+0.676i$")
    assert R.verdict_cell(Verdict("holds", reason="proved")) == "holds"


def test_verdict_lines_stay_within_the_width():
    lines = R.verdict_lines(_false_verdict(), width=50)
    assert lines[0] == "false at mu_1 = 0.65, t = -1.7"
    assert lines[1] == "  lhs = 0.106661, rhs = -0.215887+0.675809i"
    assert all(len(line) <= 50 for line in lines) and len(lines) >= 4
    assert " ".join(s.strip() for s in lines[2:]).startswith("the two sides differ")
    assert R.verdict_lines(Verdict("undecided", reason="no closed form"))[0] == "undecided"


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: R.verdict_cell("holds"), TypeError, "verdict must be"),
        (lambda: R.verdict_cell(_false_verdict(), digits=0), ValueError, "digits"),
        (lambda: R.verdict_lines(_false_verdict(), width=20), ValueError, "width"),
        (lambda: R.verdict_lines(Verdict("false")), ValueError, "no counterexample"),
    ],
)
def test_verdict_formatting_validates(call, error, words):
    with pytest.raises(error, match=words):
        call()
