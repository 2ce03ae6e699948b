"""Densities of sums and differences: the table against textbook closed forms."""

import time

import pytest
import sympy as sp

from convcorr import symbolic as S


@pytest.mark.parametrize("name", sorted(S.densities.TABLE))
def test_density_table_entry_matches_the_textbook(name):
    case = S.densities.TABLE[name]
    start = time.process_time()
    value = case.compute(timeout=30)
    assert time.process_time() - start < 10
    assert S.check_identity(value, case.expected, case.x).status == "holds"
    # it is a density: total mass 1 (independent of the closed form: quadrature)
    assert S.check_identity(sp.Integral(case.expected, (case.x, -sp.oo, sp.oo)), 1).status in (
        "holds", "undecided")


def test_density_of_difference_is_the_correlation():
    x = sp.Symbol("x", real=True)
    lam = sp.Symbol("lambda", positive=True)
    expo = sp.Lambda(x, lam * sp.exp(-lam * x) * sp.Heaviside(x))
    diff = S.density_of_difference(expo, expo, x)
    assert S.check_identity(diff, lam / 2 * sp.exp(-lam * sp.Abs(x)), x).status == "holds"
    wrong = lam**2 * x * sp.exp(-lam * x) * sp.Heaviside(x)  # the sum's density
    verdict = S.check_identity(diff, wrong, x)
    assert verdict.status == "false"
