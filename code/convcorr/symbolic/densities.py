"""Densities of sums and differences of independent random variables.

For independent X and Y with densities f_X, f_Y (real functions)::

    density of X + Y at x:  (f_X * f_Y)(x) = ∫ f_X(τ) f_Y(x − τ) dτ
    density of Y − X at x:  (f_X ⋆ f_Y)(x) = ∫ f_X(τ) f_Y(x + τ) dτ

(the conjugate of ⋆ does nothing on a real density).
"""

from .builders import convolution, correlation
from .closed_forms import closed_form


def density_of_sum(f_x, f_y, x, *, timeout=None):
    """Density of X + Y at ``x``: ``(f_X * f_Y)(x)`` in closed form, confirmed numerically."""
    return closed_form(convolution(f_x, f_y, x), timeout=timeout, main=x)


def density_of_difference(f_x, f_y, x, *, timeout=None):
    """Density of Y − X at ``x``: ``(f_X ⋆ f_Y)(x)`` in closed form, confirmed numerically."""
    return closed_form(correlation(f_x, f_y, x), timeout=timeout, main=x)
