"""Issue #20: the numeric gate of convcorr.symbolic.

A "false" rests on a counterexample confirmed at higher precision, numbers never
overturn a proof, "holds" means almost everywhere, a crash in the numbers is a
refusal with a reason, and five textbook results get their closed form.  Each
regression test says what the code before the fix returned.
"""

import mpmath
import pytest
import sympy as sp

from convcorr import symbolic as S
from convcorr.symbolic import numeric

t, x, xi, s = sp.symbols("t x xi s", real=True)
a = sp.Symbol("a", real=True)
lam = sp.Symbol("lambda", positive=True)
f, g = sp.Function("f"), sp.Function("g")
pi, H, R = sp.pi, sp.Heaviside, sp.Rational


def normal(mean, sd):
    return sp.Lambda(x, sp.exp(-((x - mean) ** 2) / (2 * sd**2)) / (sp.sqrt(2 * pi) * sd))


def gauss(center, width=1):
    return sp.Lambda(x, sp.exp(-((x - center) ** 2) / (2 * width**2)))


# ------------------------------------------------- 1. narrow peaks, far from the samples
@pytest.mark.parametrize(
    ("centre", "width"),
    [(R(49, 2), R(7, 200)), (10, R(1, 10)), (R(-33, 2), R(1, 50)), (60, R(1, 2))],
)
def test_far_apart_normals_with_a_narrow_one_sum_to_a_normal(centre, width):
    """N(c, w²) * N(−c, 1) = N(0, 1 + w²).

    Before: "false" at t = −1.7 (lhs 0 by quadrature, rhs ≈ 0.094) although SymPy had
    proved it, and density_of_sum refused its own right closed form ("is wrong").
    """
    expected = normal(0, sp.sqrt(1 + width**2))(t)
    lhs = S.convolution(normal(centre, width), normal(-centre, 1), t)
    assert S.check_identity(lhs, expected, t).status == "holds"
    density = S.density_of_sum(normal(centre, width), normal(-centre, 1), t)
    assert sp.simplify(density - expected) == 0


BUMPS = [(R(49, 2), R(1, 20)), (R(73, 10), R(1, 100)), (-40, R(1, 5)), (R(31, 10), R(1, 500))]
BUMPS += [(150, 1), (R(3, 5), R(1, 1000))]  # a unit bump very far out, a very narrow one near


@pytest.mark.parametrize(("centre", "width"), BUMPS)
def test_a_narrow_bump_far_from_the_sample_points_is_counted(centre, width):
    """∫ e^{−x²} + e^{−((x − c)/w)²} dx = √π (1 + w).

    Before: "false" with lhs = 1.77245 = √π (the bump stepped over by both fixed
    rules), and real_line_integral refused the right value ("is wrong").
    """
    integrand = sp.exp(-(x**2)) + sp.exp(-(((x - centre) / width) ** 2))
    value = sp.sqrt(pi) * (1 + width)
    verdict = S.check_identity(sp.Integral(integrand, (x, -sp.oo, sp.oo)), value)
    assert verdict.status == "holds"
    assert sp.simplify(S.real_line_integral(integrand, x) - value) == 0


def test_numbers_never_overturn_a_proof(monkeypatch):
    """A quadrature that misses half of every integral (as a missed peak does) against a
    proof: "undecided" with both reasons.  Before: "false"."""
    real = numeric.value_at

    def half_missed(expr, point):
        value, err = real(expr, point)
        return (value / 2, err) if expr.has(sp.Integral) else (value, err)

    monkeypatch.setattr(numeric, "value_at", half_missed)
    lhs = S.convolution(gauss(1), gauss(-1), t)
    verdict = S.check_identity(lhs, sp.sqrt(pi) * sp.exp(-(t**2) / 4), t)
    assert verdict.status == "undecided"
    assert "closed forms agree" in verdict.reason and "symbolic proof" in verdict.reason


def test_a_difference_the_precise_value_does_not_confirm_is_no_counterexample(monkeypatch):
    """f ⋆ g = f̃ * g is true but not proved; a quadrature off by 10 % must not make it
    "false" (mpmath at 30 digits disagrees with it).  Before: "false"."""
    real = numeric.value_at
    lhs = S.correlation(f, g, t)

    def off(expr, point):
        value, err = real(expr, point)
        return (1.1 * value, err) if expr == lhs else (value, err)

    monkeypatch.setattr(numeric, "value_at", off)
    verdict = S.check_identity(lhs, S.convolution(S.reverse_conj(f), g, t), t)
    assert verdict.status == "undecided"
    assert "not a counterexample" in verdict.reason and "30 digits" in verdict.reason


FALSE_CLAIMS = {
    "correlation is not convolution": (
        S.correlation(gauss(1), gauss(0), t),
        S.convolution(gauss(1), gauss(0), t),
    ),
    "nor for all f, g": (S.correlation(f, g, t), S.convolution(f, g, t)),
    "a stray 2π": (
        S.fourier_integral(sp.Lambda(t, sp.exp(-pi * t**2)), xi),
        2 * pi * sp.exp(-pi * xi**2),
    ),
    "|s| is not s": (
        S.convolution(gauss(0, s), gauss(0, s), t),
        sp.sqrt(pi) * s * sp.exp(-(t**2) / (4 * s**2)),
    ),
    "the jump moved": (H(t - a) * sp.exp(-(t**2)), H(t + a, 1) * sp.exp(-(t**2))),
}


TRUE_CLAIMS = {  # the two of issue #20 that were "false", with a bogus counterexample
    "a narrow normal and a far one": (
        S.convolution(normal(R(49, 2), R(7, 200)), normal(R(-49, 2), 1), t),
        normal(0, sp.sqrt(1 + R(7, 200) ** 2))(t),
    ),
    "a narrow bump far out": (
        sp.Integral(sp.exp(-(x**2)) + sp.exp(-(((x - R(49, 2)) * 20) ** 2)), (x, -sp.oo, sp.oo)),
        sp.sqrt(pi) * (1 + R(1, 20)),
    ),
}


def _independent_value(side, point):
    """``side`` at ``point`` at 20 digits without the gate: SymPy's exact integral (or,
    for sample functions, ``mpmath.quad`` over the line), then ``evalf``."""
    expr, functions = numeric.concrete(side)
    expr = expr.xreplace({k: sp.Float(v, 20) for k, v in point.items()})
    if not isinstance(expr, sp.Integral):
        return complex(sp.N(expr, 20))
    if not functions:
        return complex(sp.N(expr.doit(), 20))
    ((var, _, _),) = expr.limits
    integrand = sp.lambdify(var, expr.function, "mpmath")
    with mpmath.workdps(20):
        return complex(mpmath.quad(integrand, [-mpmath.inf, 0, mpmath.inf]))


@pytest.mark.parametrize("name", sorted(FALSE_CLAIMS) + sorted(TRUE_CLAIMS))
def test_no_false_without_a_counterexample_that_holds_at_higher_precision(name):
    """A "false" is re-evaluated at its counterexample at 20 digits by SymPy and mpmath
    alone: a nonzero difference, and the verdict's values are those.  Before: the
    two true claims were "false", and the re-evaluation finds no difference."""
    lhs, rhs = {**FALSE_CLAIMS, **TRUE_CLAIMS}[name]
    verdict = S.check_identity(lhs, rhs)
    if verdict.status == "false":
        values = [_independent_value(side, verdict.counterexample) for side in (lhs, rhs)]
        assert abs(values[0] - values[1]) > 1e-6 * max(map(abs, values))
        assert abs(values[0] - verdict.lhs_value) < 1e-9 * (1 + abs(values[0]))
        assert abs(values[1] - verdict.rhs_value) < 1e-9 * (1 + abs(values[1]))
    assert verdict.status == ("false" if name in FALSE_CLAIMS else "holds")


# ------------------------------------------------------ 2. "holds" is almost everywhere
def test_holds_means_almost_everywhere_with_or_without_the_variable():
    """H(t)e^{−t²} and H(t, 1)e^{−t²} differ at t = 0 only.

    Before: "holds" with t given, "undecided" without; at t = 0 both are numbers
    (1/2 and 1), and numbers that differ are "false", then as now.
    """
    lhs, rhs = H(t) * sp.exp(-(t**2)), H(t, 1) * sp.exp(-(t**2))
    assert S.check_identity(lhs, rhs, t).status == "holds"
    assert S.check_identity(lhs, rhs).status == "holds"
    at_zero = S.check_identity(lhs.subs(t, 0), rhs.subs(t, 0))
    assert at_zero.status == "false" and at_zero.counterexample == {}
    assert (at_zero.lhs_value, at_zero.rhs_value) == (0.5, 1)


def test_a_jump_that_moves_with_a_parameter_is_a_null_set():
    """Before: "undecided" both ways (the kink t = a is not a number)."""
    lhs, rhs = H(t - a) * sp.exp(-(t**2)), H(t - a, 1) * sp.exp(-(t**2))
    assert S.check_identity(lhs, rhs, t).status == "holds"
    assert S.check_identity(lhs, rhs).status == "holds"


def test_a_sample_value_on_a_jump_is_no_counterexample():
    """The jump sits at a = 0.65, the first sample value of a real parameter.

    Before: "false" at a = 0.65 (lhs half of rhs: H(0) = 1/2 against 1)."""
    jump = R(13, 20)
    lhs, rhs = H(a - jump) * sp.exp(-(t**2)), H(a - jump, 1) * sp.exp(-(t**2))
    assert S.check_identity(lhs, rhs).status == "holds"
    assert S.check_identity(lhs, rhs, t).status == "holds"


# ----------------------------------------------------------- 3. a crash is a refusal
def _boxes_cubed(visible):
    box = sp.Lambda(x, H(x) - H(x - 1))
    u, v = sp.symbols("u v", real=True)
    inner = {"var": v} if visible else {}
    outer = {"var": u} if visible else {}
    return S.convolution(lambda y: S.convolution(box, box, y, **inner), box, t, **outer)


IRWIN_HALL_3 = (
    t**2 * H(t)
    - 3 * (t - 1) ** 2 * H(t - 1)
    + 3 * (t - 2) ** 2 * H(t - 2)
    - (t - 3) ** 2 * H(t - 3)
) / 2


@pytest.mark.parametrize("visible", [False, True], ids=["dummies", "visible variables"])
def test_three_boxes_with_nested_builders(visible):
    """U * U * U = Irwin–Hall 3.  Before: a crash inside the numbers, NameError (a kink
    of the inner integral lambdified without its variable) or, with visible variables,
    TypeError "Cannot convert expression to float"."""
    u3 = _boxes_cubed(visible)
    assert S.check_identity(u3, IRWIN_HALL_3, t).status == "holds"
    assert sp.simplify(S.closed_form(u3, main=t) - IRWIN_HALL_3) == 0


def test_a_failure_inside_the_numbers_is_undecided_with_its_reason(monkeypatch):
    """Before: the TypeError escaped from check_identity and closed_form."""

    def broken(expr, var):
        raise TypeError("Cannot convert expression to float")

    monkeypatch.setattr(numeric, "kink_points", broken)
    lhs = S.convolution(gauss(1), gauss(-1), t)
    verdict = S.check_identity(lhs, sp.sqrt(pi) * sp.exp(-(t**2) / 4), t)
    assert verdict.status == "undecided" and "Cannot convert expression" in verdict.reason
    with pytest.raises(S.StepError, match="Cannot convert expression"):
        S.closed_form(lhs, main=t)


# ------------------------------------------------------------------- 4. coverage
def test_the_transform_of_sin_over_t_is_the_box():
    """F{sin(πt)/(πt)} = rect, 1/2 at the jumps.  Before: StepError (sin(πt)/(πt) "is not
    finite" at the cut t = 0, where QUADPACK's Clenshaw–Curtis rule samples)."""
    hat = S.fourier_transform(sp.sin(pi * t) / (pi * t), t, xi, timeout=10)
    assert hat == H(xi + R(1, 2)) - H(xi - R(1, 2))
    rect = sp.Piecewise((1, sp.Abs(xi) < R(1, 2)), (0, True))
    lhs = S.fourier_integral(sp.Lambda(t, sp.sin(pi * t) / (pi * t)), xi)
    assert S.check_identity(lhs, rect, xi, timeout=10).status == "holds"


@pytest.mark.parametrize(
    "box",
    [sp.Piecewise((1, sp.Abs(t) < R(1, 2)), (0, True)), H(t + R(1, 2)) - H(t - R(1, 2))],
    ids=["Piecewise", "Heaviside"],
)
def test_the_transform_of_the_box_is_sin_over_xi(box):
    """F{rect} = sin(πξ)/(πξ), equal to the closed form but at ξ = 0.  Before: "undecided"."""
    lhs = S.fourier_integral(sp.Lambda(t, box), xi)
    verdict = S.check_identity(lhs, sp.sin(pi * xi) / (pi * xi), xi, timeout=10)
    assert verdict.status == "holds"


def test_gaussians_of_a_real_width_convolve_with_its_absolute_value():
    """G_s * G_s = √π |s| e^{−t²/(4s²)} for real s ≠ 0.  Before: "undecided", SymPy's
    convergence condition |arg s| < π/4 not implied (6 s)."""
    expected = sp.sqrt(pi) * sp.Abs(s) * sp.exp(-(t**2) / (4 * s**2))
    conv = S.convolution(gauss(0, s), gauss(0, s), t)
    assert sp.simplify(S.closed_form(conv, main=t, timeout=10) - expected) == 0
    assert S.check_identity(conv, expected, t, timeout=10).status == "holds"


def test_laplace_densities_written_with_heaviside_sum():
    """Before: StepError, the integrand e^{x}H(−x) "is not finite" far out (inf · 0)."""
    laplace = sp.Lambda(x, (sp.exp(-x) * H(x) + sp.exp(x) * H(-x)) / 2)
    total = S.density_of_sum(laplace, laplace, x, timeout=10)
    expected = (1 + sp.Abs(x)) * sp.exp(-sp.Abs(x)) / 4
    assert S.check_identity(total, expected, x, timeout=10).status == "holds"


def test_gamma_densities_with_symbolic_shapes_and_rate_sum():
    """Gamma(a, λ) + Gamma(b, λ) = Gamma(a + b, λ).  Before: no closed form within 60 s
    (the exponentials of the Beta integrand were not merged)."""
    k, m = sp.symbols("k m", positive=True)

    def gamma(shape):
        return sp.Lambda(
            x, lam**shape * x ** (shape - 1) * sp.exp(-lam * x) / sp.gamma(shape) * H(x)
        )

    total = S.density_of_sum(gamma(k), gamma(m), x, timeout=10)
    expected = lam ** (k + m) * x ** (k + m - 1) * sp.exp(-lam * x) / sp.gamma(k + m) * H(x)
    assert sp.simplify(total - expected) == 0
