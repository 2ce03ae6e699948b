"""Densities of sums and differences: the table against textbook closed forms."""

import time

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from convcorr import symbolic as S


@pytest.mark.parametrize("name", sorted(S.densities.TABLE))
def test_density_table_entry_matches_the_textbook(name):
    case = S.densities.TABLE[name]
    start = time.process_time()
    value = case.compute(timeout=30)
    assert time.process_time() - start < 10
    assert S.check_identity(value, case.expected, case.x).status == "holds"
    # the expected form is a density: total mass 1, by SciPy at sample parameter values
    values = {p: 1.3 + 0.4 * k for k, p in enumerate(sorted(case.expected.free_symbols - {case.x},
                                                             key=str))}
    density = sp.lambdify(case.x, case.expected.subs(values), modules=["scipy", "numpy"])
    mass = sum(integrate.quad(density, lo, hi, limit=200)[0]
               for lo, hi in ((-np.inf, 0), (0, 1), (1, 2), (2, 3), (3, np.inf)))
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
