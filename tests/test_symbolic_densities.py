"""Densities of sums and differences: the table against textbook closed forms."""

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from convcorr import symbolic as S


@pytest.mark.parametrize("name", sorted(S.densities.TABLE))
def test_density_table_entry_matches_the_textbook(name):
    case = S.densities.TABLE[name]
    # a budget bounds a hang; how fast it answers is not a test's business (no timing here)
    value = case.compute(timeout=30)
    assert S.check_identity(value, case.expected, case.x).status == "holds"
    # the expected form is a density: total mass 1, by SciPy at sample parameter values
    values = {
        p: 1.3 + 0.4 * k
        for k, p in enumerate(sorted(case.expected.free_symbols - {case.x}, key=str))
    }
    density = sp.lambdify(case.x, case.expected.subs(values), modules=["scipy", "numpy"])
    mass = sum(
        integrate.quad(density, lo, hi, limit=200)[0]
        for lo, hi in ((-np.inf, 0), (0, 1), (1, 2), (2, 3), (3, np.inf))
    )
    assert abs(mass - 1) < 1e-7


def test_density_of_difference_is_the_correlation():
    x = sp.Symbol("x", real=True)
    lam = sp.Symbol("lambda", positive=True)
    expo = sp.Lambda(x, lam * sp.exp(-lam * x) * sp.Heaviside(x))
    diff = S.density_of_difference(expo, expo, x)
    assert S.check_identity(diff, lam / 2 * sp.exp(-lam * sp.Abs(x)), x).status == "holds"
    wrong = lam**2 * x * sp.exp(-lam * x) * sp.Heaviside(x)  # the sum's density
    verdict = S.check_identity(diff, wrong, x)
    assert verdict.status == "false"


def test_the_equal_rate_branch_is_right_and_checked():
    """SymPy 1.14 returned λμz (no exp) on the λ = μ branch; the gate now samples that case."""
    z = sp.Symbol("z", real=True)
    lam, mu = sp.symbols("lam mu", positive=True)

    def expo(rate):
        return sp.Lambda(z, rate * sp.exp(-rate * z) * sp.Heaviside(z))

    value = S.density_of_sum(expo(lam), expo(mu), z)
    equal = value.subs(mu, lam)
    assert sp.simplify(equal - lam**2 * z * sp.exp(-lam * z) * sp.Heaviside(z)) == 0
    from convcorr.symbolic import closed_forms

    wrong = sp.Piecewise(
        (lam * mu * (sp.exp(-lam * z) - sp.exp(-mu * z)) / (mu - lam), sp.Ne(lam - mu, 0)),
        (lam * mu * z, True),
    ) * sp.Heaviside(z)
    with pytest.raises(S.StepError, match="is wrong"):
        closed_forms.confirm(S.convolution(expo(lam), expo(mu), z), wrong, "sum", z)


def test_boxes_made_of_steps_or_piecewise_give_irwin_hall():
    """H(t+1/2) − H(t−1/2) correlated with itself, and a Piecewise triangle * box (H2's cases)."""
    t, z = sp.symbols("t z", real=True)
    steps = sp.Lambda(t, sp.Heaviside(t + sp.S.Half) - sp.Heaviside(t - sp.S.Half))
    auto = S.closed_form(S.correlation(steps, steps, t), timeout=30)
    triangle = sp.Piecewise((1 - sp.Abs(t), sp.Abs(t) < 1), (0, True))
    assert S.check_identity(auto, triangle, t).status == "holds"
    rising, falling = (z >= 0) & (z < 1), (z >= 1) & (z < 2)
    tri = sp.Lambda(z, sp.Piecewise((z, rising), (2 - z, falling), (0, True)))
    box = sp.Lambda(z, sp.Piecewise((1, (z >= 0) & (z <= 1)), (0, True)))
    irwin_hall = S.density_of_sum(tri, box, z, timeout=30)
    expected = S.densities.TABLE["Irwin–Hall 3"].expected.subs(
        S.densities.TABLE["Irwin–Hall 3"].x, z
    )
    assert S.check_identity(irwin_hall, expected, z).status == "holds"
