"""Tests of convcorr.symbolic: builders, labels, checked moves, derivations."""

import pytest
import sympy as sp

from convcorr import symbolic as S

t, tau, u, s, xi = sp.symbols("t tau u s xi", real=True)
f, g, h = sp.Function("f"), sp.Function("g"), sp.Function("h")
a, b = sp.symbols("a b", real=True)
w = sp.Symbol("omega", positive=True)
oo = sp.oo


def gauss(center, width=1):
    return sp.Lambda(t, sp.exp(-((t - center) ** 2) / (2 * width**2)))


def chirped(center):
    """A complex Gaussian: exp(−(t − c)²/2) exp(iωt)."""
    return sp.Lambda(t, sp.exp(-((t - center) ** 2) / 2) * sp.exp(sp.I * w * t))


def chirp():
    """An even but complex function: exp(−(1 − i) t²/2), not equal to its f̃."""
    return sp.Lambda(t, sp.exp(-(1 - sp.I) * t**2 / 2))


# ------------------------------------------------------------------ builders
def test_builders_match_the_definitions():
    assert S.convolution(f, g, t, tau) == sp.Integral(f(tau) * g(t - tau), (tau, -oo, oo))
    assert S.correlation(f, g, t, tau) == sp.Integral(
        sp.conjugate(f(tau)) * g(t + tau), (tau, -oo, oo)
    )
    assert S.fourier_integral(f, xi, t) == sp.Integral(
        f(t) * sp.exp(-2 * sp.pi * sp.I * xi * t), (t, -oo, oo)
    )
    assert S.inverse_fourier_integral(f, t, xi) == sp.Integral(
        f(xi) * sp.exp(2 * sp.pi * sp.I * xi * t), (xi, -oo, oo)
    )
    assert S.reverse_conj(f)(t) == sp.conjugate(f(-t))


def test_default_variable_is_a_fresh_dummy():
    built = S.convolution(f, g, t - tau)
    ((var, _, _),) = built.limits
    assert isinstance(var, sp.Dummy) and var.name != "tau"
    assert built.function == f(var) * g(t - tau - var)
    assert S.equivalent(S.convolution(f, g, t), S.convolution(f, g, t, u))


def test_a_parameter_named_tau_is_never_captured():
    """robustness review item 6: a user symbol tau inside f stays free."""
    built = S.convolution(lambda v: sp.exp(-tau * v**2), g, t)
    assert tau in built.free_symbols
    ((var, _, _),) = built.limits
    assert var.name != "tau" and var != tau
    with pytest.raises(ValueError, match="already used"):
        S.convolution(lambda v: sp.exp(-tau * v**2), g, t, var=tau)


def test_a_user_symbol_named_v0_does_not_clash():
    v0 = sp.Symbol("_v0", real=True)
    assert not S.equivalent(
        sp.Integral(f(v0) * g(tau), (tau, -oo, oo)), sp.Integral(f(tau) * g(tau), (tau, -oo, oo))
    )
    assert S.equivalent(
        sp.Integral(f(v0) * g(tau), (tau, -oo, oo)), sp.Integral(f(v0) * g(u), (u, -oo, oo))
    )


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((1, g, t), TypeError, "f must be a callable"),
        ((f, "g", t), TypeError, "g must be a callable"),
        ((f, g, "t"), TypeError, "t must be a SymPy expression"),
        ((f, lambda x: "text", t), TypeError, "must return a SymPy expression"),
    ],
)
def test_builders_reject_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        S.convolution(*args)


def test_integration_variable_must_be_real_and_fresh():
    with pytest.raises(TypeError, match="real SymPy Symbol"):
        S.correlation(f, g, t, var=sp.Symbol("z"))
    with pytest.raises(ValueError, match="already used"):
        S.convolution(f, g, t, var=t)
    with pytest.raises(TypeError, match="xi must be real"):
        S.fourier_integral(f, sp.Symbol("k"))


# ------------------------------------------------------------- checked moves
def test_change_variable_reflection_on_infinite_limits():
    moved = S.change_variable(S.correlation(f, g, t), -tau, u)
    assert moved == sp.Integral(sp.conjugate(f(-u)) * g(t - u), (u, -oo, oo))


def test_change_variable_with_a_scale_divides_by_it():
    c = sp.Symbol("c", positive=True)
    moved = S.change_variable(sp.Integral(f(c * tau), (tau, -oo, oo)), c * tau, u)
    assert S.equivalent(moved, sp.Integral(f(u), (u, -oo, oo)) / c)


def test_change_variable_inside_a_double_integral_uses_the_outer_variable():
    double = sp.Integral(f(tau) * g(s - tau) * h(t - s), (s, -oo, oo), (tau, -oo, oo))
    moved = S.change_variable(double, s - tau, u)
    assert moved == sp.Integral(f(tau) * g(u) * h(t - tau - u), (u, -oo, oo), (tau, -oo, oo))


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (t, u, "exactly one integral"),
        (tau**2, u, "affine"),
        (-tau, t, "fresh symbol"),
    ],
)
def test_change_variable_rejects_bad_substitutions(old, new, words):
    with pytest.raises(ValueError, match=words):
        S.change_variable(S.convolution(f, g, t), old, new)


def test_change_variable_needs_the_real_line():
    with pytest.raises(ValueError, match="real line"):
        S.change_variable(sp.Integral(f(tau), (tau, 0, 1)), -tau, u)


def test_swap_order_reverses_the_pair():
    double = sp.Integral(f(tau) * g(t - tau), (tau, -oo, oo), (t, -oo, oo))
    swapped = S.swap_order(double)
    assert swapped.limits == ((t, -oo, oo), (tau, -oo, oo))
    assert swapped != double


def test_swap_order_refuses_single_or_non_rectangular_integrals():
    with pytest.raises(ValueError, match="exactly one double integral"):
        S.swap_order(S.convolution(f, g, t))
    with pytest.raises(ValueError, match="exactly one double integral"):
        S.swap_order(sp.Integral(f(tau, s), (tau, 0, s), (s, -oo, oo)))


def test_differentiation_under_the_integral():
    moved = S.differentiate_under_integral(sp.Derivative(S.convolution(f, g, t), t), t)
    assert S.equivalent(moved, S.convolution(f, S.derivative(g), t))
    with pytest.raises(ValueError, match="derivative of an integral"):
        S.differentiate_under_integral(f(t), t)


# ---------------------------------------------------------------- equivalence
def test_equivalent_ignores_names_and_applies_linearity():
    left = 3 * sp.Integral(f(tau) * g(t - tau), (tau, -oo, oo))
    right = sp.Integral(3 * g(t - u) * f(u), (u, -oo, oo))
    assert S.equivalent(left, right)
    assert S.equivalent(
        sp.conjugate(sp.Integral(f(u), (u, -oo, oo))),
        sp.Integral(sp.conjugate(f(tau)), (tau, -oo, oo)),
    )


def test_equivalent_does_not_confuse_different_integrals():
    assert not S.equivalent(S.convolution(f, g, t), S.convolution(g, f, t))
    assert not S.equivalent(S.convolution(f, g, t), S.correlation(f, g, t))
    order1 = sp.Integral(f(tau, s), (tau, -oo, oo), (s, -oo, oo))
    order2 = sp.Integral(f(tau, s), (s, -oo, oo), (tau, -oo, oo))
    assert not S.equivalent(order1, order2)


# ---------------------------------------------------------------- derivation
def test_derivation_of_the_conversion_identity():
    d = S.Derivation(r"(f \star g)(t)", S.correlation(f, g, t))
    d.substitute(-tau, u, sp.Integral(sp.conjugate(f(-u)) * g(t - u), (u, -oo, oo)), "reflect")
    d.rewrite(S.convolution(S.reverse_conj(f), g, t), "definition of *")
    assert len(d) == 3
    assert [step.check for step in d.steps] == ["definition", "substitution", "linearity"]
    text = d.latex()
    assert text.startswith("\\begin{aligned}") and "u = - \\tau" in text
    assert "3 lines" in repr(d)


def test_refusal_of_correlation_equals_convolution():
    """The false identity f ⋆ g = f * g must be rejected by the machinery."""
    d = S.Derivation(r"(f \star g)(t)", S.correlation(f, g, t))
    with pytest.raises(S.StepError, match="does not hold"):
        d.substitute(-tau, u, S.convolution(f, g, t, u), "wrongly drop the conjugate")
    with pytest.raises(S.StepError):
        d.rewrite(S.convolution(f, g, t), "claim they are the same")
    assert len(d) == 1  # nothing was appended


def test_refusal_on_closed_forms_asymmetric_and_complex():
    shifted = gauss(1)
    assert not S.identity_holds(
        S.correlation(shifted, gauss(0), t), S.convolution(shifted, gauss(0), t)
    )
    with pytest.raises(S.StepError, match="does not hold"):
        S.assert_identity(S.correlation(chirp(), gauss(0), t), S.convolution(chirp(), gauss(0), t))
    # a modulated even Gaussian equals its f̃, so there the two do agree
    assert S.identity_holds(
        S.correlation(chirped(0), gauss(0), t), S.convolution(chirped(0), gauss(0), t)
    )


def test_step_must_change_something():
    d = S.Derivation("(f * g)(t)", S.convolution(f, g, t))
    with pytest.raises(ValueError, match="must differ"):
        d.rewrite(S.convolution(f, g, t), "nothing")
    with pytest.raises(TypeError, match="lhs must be a LaTeX string"):
        S.Derivation(1, S.convolution(f, g, t))


def test_swap_step_rejects_a_wrong_order():
    start = sp.Integral(f(tau, s), (tau, -oo, oo), (s, -oo, oo))
    d = S.Derivation("I", start)
    with pytest.raises(S.StepError):
        d.swap(sp.Integral(f(tau, s) + 1, (s, -oo, oo), (tau, -oo, oo)))
    d.swap(sp.Integral(f(tau, s), (s, -oo, oo), (tau, -oo, oo)))
    assert d.steps[-1].check == "Fubini swap"


def test_delta_is_the_identity_by_evaluation():
    d = S.Derivation(r"(\delta * f)(t)", S.convolution(sp.DiracDelta, f, t))
    d.evaluate(f(t), "sifting")
    with pytest.raises(S.StepError):
        S.Derivation(r"(\delta * f)(t)", S.convolution(sp.DiracDelta, f, t)).evaluate(f(-t), "no")


def test_justifications_typeset_math_and_refuse_stray_specials():
    d = S.Derivation("(f * g)(t)", S.convolution(f, g, t), "start at $t$")
    assert r"\text{start at } t" in d.latex()
    with pytest.raises(ValueError, match="unbalanced"):
        d.rewrite(S.convolution(g, f, t), "odd $ sign")
    with pytest.raises(ValueError, match="special characters"):
        d.define(S.convolution(f, g, t), "(f*g)(t)", "uses f_1")


# -------------------------------------------------------------------- labels
def test_a_label_must_name_the_operation_it_starts_from():
    """content review item 14: '(f * g)(t)' on a correlation is refused."""
    with pytest.raises(S.StepError, match="does not name"):
        S.Derivation(r"(f * g)(t)", S.correlation(f, g, t))
    with pytest.raises(S.StepError, match="does not name"):
        S.Derivation(r"(g \star f)(t)", S.correlation(f, g, t))  # operands swapped
    with pytest.raises(S.StepError, match="does not name"):
        S.Derivation(r"(f \star g)(-t)", S.correlation(f, g, t))  # another point
    with pytest.raises(S.StepError, match="names an operation"):
        hand = sp.Symbol("hand", real=True)
        S.Derivation(r"(f * g)(t)", sp.Integral(f(hand) * g(t - hand), (hand, -oo, oo)))
    assert S.label_of(S.correlation(f, g, t)) == r"(f \star g)(t)"


@pytest.mark.parametrize(
    ("label", "start"),
    [
        (r"(f \star g)(t)", lambda: S.correlation(f, g, t)),
        (r"\left(f\star g\right)(t)", lambda: S.correlation(f, g, t)),
        (r"(\tilde{f} * g)(t)", lambda: S.convolution(S.reverse_conj(f), g, t)),
        (r"(T_a f * g)(t)", lambda: S.convolution(lambda x: f(x - a), g, t)),
        (r"((f * g) * h)(t)", lambda: S.convolution(lambda x: S.convolution(f, g, x), h, t)),
        (
            r"\mathcal{F}\{f * g\}(\xi)",
            lambda: S.fourier_integral(lambda x: S.convolution(f, g, x), xi),
        ),
        (
            r"\hat f(\xi)\,\hat g(\xi)",
            lambda: S.fourier_integral(f, xi) * S.fourier_integral(g, xi),
        ),
        (r"\frac{d}{dt}(f * g)(t)", lambda: sp.Derivative(S.convolution(f, g, t), t)),
        (r"\frac{1}{c}(f * g)(c t)", lambda: S.convolution(f, g, s * t) / s),
        (r"(f * g)(t - a) = T_a (f * g)(t)", lambda: S.convolution(f, g, t - a)),
        (r"(\delta * f)(t)", lambda: S.convolution(sp.DiracDelta, f, t)),
    ],
)
def test_labels_that_name_their_expression_are_accepted(label, start):
    label = label.replace("c t", "s t")
    assert len(S.Derivation(label, start())) == 1


def test_define_and_rewrite_check_their_display():
    d = S.Derivation(r"(f \star g)(t)", S.correlation(f, g, t))
    d.substitute(-tau, u, sp.Integral(sp.conjugate(f(-u)) * g(t - u), (u, -oo, oo)), "reflect")
    with pytest.raises(S.StepError, match="does not name"):
        d.define(S.convolution(S.reverse_conj(f), g, t, u), r"(f \star g)(t)", "definition")
    d.define(S.convolution(S.reverse_conj(f), g, t, u), r"(\tilde f * g)(t)", "definition")
    with pytest.raises(S.StepError, match="does not name"):
        d.rewrite(sp.conjugate(S.correlation(g, f, -t, u)), "swap", r"\overline{(f \star g)(-t)}")


@pytest.mark.parametrize("why", [None, 3, ["a"]])
def test_derivation_rejects_non_string_justifications(why):
    with pytest.raises(TypeError, match="why must be a string"):
        S.Derivation(r"(f * g)(t)", S.convolution(f, g, t), why)
    d = S.Derivation(r"(f * g)(t)", S.convolution(f, g, t))
    with pytest.raises(TypeError, match="why must be a string"):
        d.rewrite(S.convolution(g, f, t), why)
