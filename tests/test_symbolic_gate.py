"""Issue #20: the numeric gate of convcorr.symbolic.

The numbers resolve narrow peaks far from the sample points, and a crash in
them is a refusal with a reason.  Each regression test says what the code
before the fix returned.
"""

import pytest
import sympy as sp

from convcorr import symbolic as S

t, x = sp.symbols("t x", real=True)
pi, H, R = sp.pi, sp.Heaviside, sp.Rational


def normal(mean, sd):
    return sp.Lambda(x, sp.exp(-((x - mean) ** 2) / (2 * sd**2)) / (sp.sqrt(2 * pi) * sd))


# ---------------------------------------------------- narrow peaks, far from the samples
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


# ----------------------------------------------------------- a crash is a refusal
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


def test_laplace_densities_written_with_heaviside_sum():
    """Before: StepError, the integrand e^{x}H(−x) "is not finite" far out (inf · 0)."""
    laplace = sp.Lambda(x, (sp.exp(-x) * H(x) + sp.exp(x) * H(-x)) / 2)
    total = S.density_of_sum(laplace, laplace, x, timeout=10)
    expected = (1 + sp.Abs(x)) * sp.exp(-sp.Abs(x)) / 4
    assert S.check_identity(total, expected, x, timeout=10).status == "holds"
