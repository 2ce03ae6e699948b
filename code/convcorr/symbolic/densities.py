"""Densities of sums and differences of independent random variables.

For independent X and Y with densities f_X, f_Y (real functions)::

    density of X + Y at x:  (f_X * f_Y)(x) = ∫ f_X(τ) f_Y(x − τ) dτ
    density of Y − X at x:  (f_X ⋆ f_Y)(x) = ∫ f_X(τ) f_Y(x + τ) dτ

(the conjugate of ⋆ does nothing on a real density).
"""

from collections.abc import Callable

import sympy as sp

from .builders import convolution, correlation
from .closed_forms import closed_form


def density_of_sum(
    f_x: Callable, f_y: Callable, x: sp.Symbol, *, timeout: float | None = None
) -> sp.Expr:
    """Density of X + Y at ``x``: ``(f_X * f_Y)(x)`` in closed form, confirmed numerically.

    Parameters
    ----------
    f_x, f_y : callable
        The densities of X and Y (functions of one SymPy argument).
    x : sympy.Symbol
        Real point at which the density is taken.
    timeout : float, optional
        Seconds allowed (default ``DEFAULT_TIMEOUT``).

    Raises
    ------
    StepError
        As :func:`closed_form`: no closed form in time, or one that the numbers
        do not confirm.
    """
    return closed_form(convolution(f_x, f_y, x), timeout=timeout, main=x)


def density_of_difference(
    f_x: Callable, f_y: Callable, x: sp.Symbol, *, timeout: float | None = None
) -> sp.Expr:
    """Density of Y − X at ``x``: ``(f_X ⋆ f_Y)(x)`` in closed form, confirmed numerically.

    Parameters and errors as :func:`density_of_sum`.
    """
    return closed_form(correlation(f_x, f_y, x), timeout=timeout, main=x)


# ------------------------------------------------------------------- table
class Case:
    """One classic case: ``operation`` of the densities ``f_x``, ``f_y`` is ``expected(x)``."""

    __slots__ = ("expected", "f_x", "f_y", "name", "operation", "x")

    def __init__(
        self,
        name: str,
        f_x: Callable,
        f_y: Callable,
        operation: str,
        expected: sp.Expr,
        x: sp.Symbol,
    ) -> None:
        self.name, self.f_x, self.f_y = name, f_x, f_y
        self.operation, self.expected, self.x = operation, expected, x

    def compute(self, *, timeout: float | None = None) -> sp.Expr:
        """The closed form from the integral (confirmed numerically inside)."""
        fn = density_of_sum if self.operation == "sum" else density_of_difference
        return fn(self.f_x, self.f_y, self.x, timeout=timeout)

    def __repr__(self) -> str:
        """``Case(name, operation)``."""
        return f"Case({self.name!r}, {self.operation})"


def _table() -> dict[str, Case]:
    """The classic cases, by name; each expected form written from the textbooks."""
    x = sp.Symbol("x", real=True)
    lam, mu = sp.symbols("lambda mu", positive=True)
    a, b = sp.symbols("a b", positive=True)
    m1, m2 = sp.symbols("mu_1 mu_2", real=True)
    s1, s2 = sp.symbols("sigma_1 sigma_2", positive=True)
    H, e, pi = sp.Heaviside, sp.exp, sp.pi

    def normal(m: sp.Expr, s: sp.Expr) -> sp.Lambda:
        """The normal density with mean m and standard deviation s."""
        return sp.Lambda(x, e(-((x - m) ** 2) / (2 * s**2)) / (sp.sqrt(2 * pi) * s))

    def expo(rate: sp.Expr) -> sp.Lambda:
        """The exponential density with this rate."""
        return sp.Lambda(x, rate * e(-rate * x) * H(x))

    def gamma(k: sp.Expr, rate: sp.Expr = 1) -> sp.Lambda:
        """The gamma density with shape k and this rate."""
        return sp.Lambda(x, rate**k * x ** (k - 1) * e(-rate * x) / sp.gamma(k) * H(x))

    uniform = sp.Lambda(x, H(x) - H(x - 1))
    tri = sp.Lambda(x, x * H(x) - 2 * (x - 1) * H(x - 1) + (x - 2) * H(x - 2))
    laplace = sp.Lambda(x, e(-sp.Abs(x)) / 2)
    chi2_1 = sp.Lambda(x, x ** sp.Rational(-1, 2) * e(-x / 2) / sp.sqrt(2 * pi) * H(x))
    # the expected forms below are written from the textbooks, not computed here
    s = sp.sqrt(s1**2 + s2**2)
    cases = [
        Case(
            "normal + normal",
            normal(m1, s1),
            normal(m2, s2),
            "sum",
            e(-((x - m1 - m2) ** 2) / (2 * s**2)) / (sp.sqrt(2 * pi) * s),
            x,
        ),
        Case(
            "normal, difference",
            normal(m1, s1),
            normal(m2, s2),
            "difference",
            e(-((x - m2 + m1) ** 2) / (2 * s**2)) / (sp.sqrt(2 * pi) * s),
            x,
        ),
        Case(
            "exponential + exponential (Erlang 2)",
            expo(lam),
            expo(lam),
            "sum",
            lam**2 * x * e(-lam * x) * H(x),
            x,
        ),
        Case(
            "exponential + exponential, unequal rates",
            expo(lam),
            expo(mu),
            "sum",
            lam * mu / (mu - lam) * (e(-lam * x) - e(-mu * x)) * H(x),
            x,
        ),
        Case(
            "exponential, difference (Laplace)",
            expo(lam),
            expo(lam),
            "difference",
            lam / 2 * e(-lam * sp.Abs(x)),
            x,
        ),
        Case(
            "gamma(a) + gamma(b)",
            gamma(a),
            gamma(b),
            "sum",
            x ** (a + b - 1) * e(-x) / sp.gamma(a + b) * H(x),
            x,
        ),
        Case("uniform + uniform (Irwin–Hall 2)", uniform, uniform, "sum", tri(x), x),
        Case(
            "Irwin–Hall 3",
            tri,
            uniform,
            "sum",
            (
                x**2 * H(x)
                - 3 * (x - 1) ** 2 * H(x - 1)
                + 3 * (x - 2) ** 2 * H(x - 2)
                - (x - 3) ** 2 * H(x - 3)
            )
            / 2,
            x,
        ),
        Case("Laplace + Laplace", laplace, laplace, "sum", (1 + sp.Abs(x)) * e(-sp.Abs(x)) / 4, x),
        Case("chi2(1) + chi2(1) = chi2(2)", chi2_1, chi2_1, "sum", e(-x / 2) / 2 * H(x), x),
    ]
    return {case.name: case for case in cases}


#: name -> :class:`Case`; ``TABLE[name].compute()`` against ``TABLE[name].expected``
TABLE = _table()
