"""Closed forms of convcorr.symbolic: right (against tables and quadrature) or refused."""

import math

import pytest
import sympy as sp
from scipy import integrate

from convcorr import symbolic as S

t, xi, x = sp.symbols("t xi x", real=True)
a = sp.Symbol("a", positive=True)
pi, IM = sp.pi, sp.I
oo = sp.oo
RECT = sp.Piecewise((1, sp.Abs(t) < sp.S.Half), (0, True))
TRI = sp.Piecewise((1 - sp.Abs(t), sp.Abs(t) < 1), (0, True))

# F{f}(ξ) = ∫ f(t) e^{-2πiξt} dt, written from the tables (ordinary frequency)
PAIRS = {
    "Gaussian": (sp.exp(-pi * t**2), sp.exp(-pi * xi**2)),
    "two-sided exponential": (sp.exp(-a * sp.Abs(t)), 2 * a / (a**2 + 4 * pi**2 * xi**2)),
    "one-sided exponential": (sp.exp(-a * t) * sp.Heaviside(t), 1 / (a + 2 * pi * IM * xi)),
    "Lorentzian": (1 / (1 + t**2), pi * sp.exp(-2 * pi * sp.Abs(xi))),
}


def quad_transform(f_num, freq):
    """∫ f(t) e^{-2πiξt} dt by SciPy on [-60, 60], real and imaginary parts apart."""
    w = 2 * math.pi * freq
    opts = {"limit": 400, "points": [-1, -0.5, 0, 0.5, 1]}
    re = integrate.quad(lambda s: f_num(s) * math.cos(w * s), -60, 60, **opts)[0]
    im = integrate.quad(lambda s: -f_num(s) * math.sin(w * s), -60, 60, **opts)[0]
    return complex(re, im)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_fourier_pairs_forward_match_the_table(name):
    f, hat = PAIRS[name]
    ours = S.fourier_transform(f, t, xi, timeout=30)
    assert S.check_identity(ours, hat, xi, timeout=30).status == "holds"
    f_num = sp.lambdify(t, f.subs(a, 1.3), "math")
    for freq in (-0.4, 0.15, 0.7):
        want = complex(hat.subs({a: 1.3, xi: freq}).evalf())
        assert abs(complex(ours.subs({a: 1.3, xi: freq}).evalf()) - want) < 1e-9
        if name != "Lorentzian":  # slow 1/t² tail: SciPy on [-60, 60] is not accurate enough
            assert abs(quad_transform(f_num, freq) - want) < 1e-6


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_fourier_pairs_inverse_match_the_table(name):
    f, hat = PAIRS[name]
    back = S.inverse_fourier_transform(hat, xi, t, timeout=30)
    assert S.check_identity(back, f, t, timeout=30).status == "holds"


def test_box_and_sinc_both_ways():
    box_hat = S.fourier_transform(RECT, t, xi, timeout=30)
    for freq in (-1.3, 0.25, 0.5, 2.2):
        want = math.sin(math.pi * freq) / (math.pi * freq)
        assert abs(complex(box_hat.subs(xi, freq).evalf()) - want) < 1e-12
    assert box_hat == sp.sinc(pi * xi)  # the textbook form
    back = S.inverse_fourier_transform(sp.sinc(pi * xi), xi, t, timeout=30)
    for time, want in ((-0.8, 0), (-0.2, 1), (0.4, 1), (0.9, 0), (0.5, 0.5)):
        assert abs(complex(back.subs(t, time).evalf()) - want) < 1e-12


def test_triangle_to_sinc_squared():
    assert S.fourier_transform(TRI, t, xi, timeout=30) == sp.sinc(pi * xi) ** 2


def test_triangle_from_sinc_squared():
    back = S.inverse_fourier_transform(sp.sinc(pi * xi) ** 2, xi, t, timeout=40)
    assert S.check_identity(back, TRI, t).status == "holds"


def test_the_one_sided_inverse_keeps_its_value_at_the_jump():
    """F⁻¹{1/(a+2πiξ)} is e^{-at} for t > 0, 0 for t < 0 and 1/2 (principal value) at 0."""
    back = S.inverse_fourier_transform(1 / (a + 2 * pi * IM * xi), xi, t)
    assert back.subs(t, -1) == 0
    assert sp.simplify(back.subs(t, 2) - sp.exp(-2 * a)) == 0
    assert back.subs(t, 0) == sp.S.Half


@pytest.mark.parametrize("f", [sp.S.One, t, sp.Heaviside(t), sp.sin(t)])
def test_non_integrable_input_is_refused(f):
    """robustness review item 7: F{1} = 0, F{t} = 0, F{H} without δ/2 were returned."""
    with pytest.raises(S.StepError):
        S.fourier_transform(f, t, xi, timeout=20)


def test_a_convergence_condition_is_never_dropped():
    b = sp.Symbol("b", real=True)  # merely real: ∫ e^{-b x²} diverges for b ≤ 0
    with pytest.raises(S.StepError, match=r"converges only when|could not be confirmed"):
        S.real_line_integral(sp.exp(-b * x**2), x, timeout=20)
    assert sp.simplify(S.real_line_integral(sp.exp(-a * x**2), x) - sp.sqrt(pi / a)) == 0


def test_integral_of_a_box_made_of_heavisides_is_its_length():
    """robustness review: ∫ (H(x) − H(x − 1)) dx returned nan."""
    assert S.real_line_integral(sp.Heaviside(x) - sp.Heaviside(x - 1), x) == 1
    with pytest.raises(S.StepError):
        S.real_line_integral(x, x, timeout=20)


def test_a_parameter_named_tau_stays_a_parameter():
    tau = sp.Symbol("tau", positive=True)
    conv = S.closed_form(S.convolution(lambda v: sp.exp(-tau * v**2), lambda v: sp.exp(-(v**2)), t))
    want = sp.sqrt(pi / (tau + 1)) * sp.exp(-tau * t**2 / (tau + 1))
    assert sp.simplify(conv - want) == 0


def test_cauchy_convolution_is_fast_and_right():
    """Cauchy * Cauchy took over 300 s; (C_1 * C_1) = C_2 with C_γ = γ/(π(γ² + t²))."""
    cauchy = sp.Lambda(t, 1 / (pi * (1 + t**2)))
    conv = S.closed_form(S.convolution(cauchy, cauchy, t), timeout=30)
    assert sp.simplify(conv - 2 / (pi * (4 + t**2))) == 0


def test_timeout_gives_a_step_error():
    with pytest.raises(S.StepError, match="time budget"):
        S.closed_form(
            S.convolution(lambda v: sp.exp(-(v**4)), lambda v: sp.exp(-(v**6)), t), timeout=0.5
        )
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        S.closed_form(
            S.convolution(lambda v: sp.exp(-(v**2)), lambda v: sp.exp(-(v**2)), t), timeout=-1
        )


def test_gaussian_rule_agrees_with_quadrature():
    expr = sp.exp(-(3 - IM) * x**2 + (1 + 2 * IM) * x + sp.Rational(1, 2))
    ours = complex(S.real_line_integral(expr, x).evalf())
    quad = complex(sp.Integral(expr, (x, -oo, oo)).evalf())
    assert abs(ours - quad) < 1e-12
    expr = (2 * x**2 - IM * x + 3) * sp.exp(-(x**2) + x / 2)
    ours = complex(S.real_line_integral(expr, x).evalf())
    quad = complex(sp.Integral(expr, (x, -oo, oo)).evalf())
    assert abs(ours - quad) < 1e-12


def test_closed_form_rejects_bad_input():
    with pytest.raises(ValueError, match="real line"):
        S.closed_form(sp.Integral(t, (t, 0, 1)))
    with pytest.raises(TypeError, match="expr must be a SymPy expression"):
        S.real_line_integral("x", t)


def test_a_wrong_rule_is_caught_by_the_numeric_confirmation(monkeypatch):
    """The second gate: a rule returning twice the value (or nan) is refused, not returned."""
    from convcorr.symbolic import closed_forms

    right = closed_forms._gaussian_rule

    def doubled(expr, var):
        value = right(expr, var)
        return None if value is None else 2 * value

    monkeypatch.setattr(closed_forms, "_gaussian_rule", doubled)
    with pytest.raises(S.StepError, match="is wrong"):
        S.real_line_integral(sp.exp(-a * x**2 + x), x)
    monkeypatch.setattr(closed_forms, "_gaussian_rule", lambda expr, var: sp.nan)
    with pytest.raises(S.StepError, match="no value"):
        S.fourier_transform(sp.exp(-pi * t**2), t, xi)
