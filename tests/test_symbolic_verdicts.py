"""check_identity: 'holds' needs a proof and numbers, 'false' a counterexample, else 'undecided'."""

import pytest
import sympy as sp

from convcorr import symbolic as S

t, xi, tau = sp.symbols("t xi tau", real=True)
s = sp.Symbol("s", real=True)  # merely real: may be negative
a = sp.Symbol("a", positive=True)
f, g = sp.Function("f"), sp.Function("g")
pi = sp.pi


def gauss(width):
    return sp.Lambda(t, sp.exp(-(t**2) / width**2))


def test_a_verdict_is_not_a_bool():
    verdict = S.check_identity(sp.exp(-(t**2)), sp.exp(-(t**2)), t)
    assert verdict.status == "holds"
    with pytest.raises(TypeError, match="not a bool"):
        bool(verdict)


def test_gaussian_self_convolution_for_a_real_width_is_false_for_negative_widths():
    """ "G_s * G_s = √π s e^{−t²/(2s²)}" holds for s > 0 only: a counterexample with s < 0."""
    claim = sp.sqrt(pi / 2) * s * sp.exp(-(t**2) / (2 * s**2))
    verdict = S.check_identity(S.convolution(gauss(s), gauss(s), t), claim, t)
    assert verdict.status == "false"
    assert verdict.counterexample[s] < 0
    assert abs(verdict.lhs_value + verdict.rhs_value) < 1e-6 * abs(verdict.lhs_value)
    width = sp.Symbol("w", positive=True)
    right = sp.sqrt(pi / 2) * width * sp.exp(-(t**2) / (2 * width**2))
    verdict = S.check_identity(S.convolution(gauss(width), gauss(width), t), right, t)
    assert verdict.status == "holds"


def test_inverse_transform_claimed_for_all_t_is_false():
    """F⁻¹{1/(a + 2πiξ)} = e^{−at} only for t > 0."""
    lhs = S.inverse_fourier_integral(sp.Lambda(xi, 1 / (a + 2 * pi * sp.I * xi)), t)
    verdict = S.check_identity(lhs, sp.exp(-a * t), t)
    assert verdict.status == "false"
    assert verdict.counterexample[t] < 0
    assert abs(verdict.lhs_value) < 1e-6
    right = S.check_identity(lhs, sp.exp(-a * t) * sp.Heaviside(t), t)
    assert right.status in ("holds", "undecided")


@pytest.mark.parametrize(
    "wrong",
    [
        sp.exp(-pi * xi**2) * 2 * pi,  # a stray 2π
        sp.exp(-pi * xi**2) / sp.sqrt(2 * pi),  # the unitary-angular factor
        sp.exp(-4 * pi**2 * xi**2 / (4 * pi)) * sp.exp(2 * pi * sp.I * xi),  # a shift
        -sp.exp(-pi * xi**2),  # a sign
    ],
)
def test_wrong_constants_in_a_fourier_pair_are_false(wrong):
    lhs = S.fourier_integral(sp.Lambda(t, sp.exp(-pi * t**2)), xi)
    assert S.check_identity(lhs, wrong, xi).status == "false"


def test_wrong_sign_of_the_exponent_in_the_one_sided_pair_is_false():
    lhs = S.fourier_integral(sp.Lambda(t, sp.exp(-a * t) * sp.Heaviside(t)), xi)
    assert S.check_identity(lhs, 1 / (a - 2 * pi * sp.I * xi), xi).status == "false"
    assert S.check_identity(lhs, 1 / (a + 2 * pi * sp.I * xi), xi).status == "holds"


def test_a_missing_delta_term_is_never_accepted():
    """F{H}(ξ) = δ(ξ)/2 + 1/(2πiξ): dropping δ/2 must not pass (H is not integrable)."""
    lhs = S.fourier_integral(sp.Heaviside, xi)
    assert S.check_identity(lhs, 1 / (2 * pi * sp.I * xi), xi).status != "holds"
    with pytest.raises(S.Undecided):
        S.identity_holds(lhs, 1 / (2 * pi * sp.I * xi), xi)


def test_conjugate_symmetry_of_correlation_for_complex_functions_is_never_false():
    lhs = S.correlation(f, g, t)
    rhs = sp.conjugate(S.correlation(g, f, -t))
    assert S.check_identity(lhs, rhs, t).status in ("holds", "undecided")
    wrong = S.correlation(g, f, -t)  # without the conjugate
    verdict = S.check_identity(lhs, wrong, t)
    assert verdict.status == "false" and "f(x)" in verdict.reason


def test_rect_transform_is_sinc_or_undecided_never_false():
    box = sp.Lambda(t, sp.Piecewise((1, sp.Abs(t) < sp.S.Half), (0, True)))
    verdict = S.check_identity(S.fourier_integral(box, xi), sp.sinc(pi * xi), xi)
    assert verdict.status in ("holds", "undecided")
    assert S.check_identity(S.fourier_integral(box, xi), sp.sinc(xi), xi).status == "false"


def test_true_but_unsimplifiable_is_undecided():
    """f ⋆ g = f̃ * g for undefined f, g needs a substitution: no proof, numbers agree."""
    verdict = S.check_identity(S.correlation(f, g, t), S.convolution(S.reverse_conj(f), g, t), t)
    assert verdict.status in ("holds", "undecided")
    if verdict.status == "undecided":
        with pytest.raises(S.Undecided):
            S.identity_holds(S.correlation(f, g, t), S.convolution(S.reverse_conj(f), g, t), t)


def test_identity_holds_and_assert_identity():
    assert S.identity_holds(S.convolution(f, g, t), S.convolution(f, g, t, tau)) is True
    assert S.identity_holds(S.correlation(f, g, t), S.convolution(f, g, t), t) is False
    with pytest.raises(S.StepError, match="does not hold"):
        S.assert_identity(S.correlation(f, g, t), S.convolution(f, g, t), t)


def test_a_user_symbol_named_v0_is_not_confused_with_a_bound_variable():
    v0 = sp.Symbol("_v0", real=True)
    lhs = sp.Integral(sp.exp(-(tau**2) - v0**2), (tau, -sp.oo, sp.oo))
    verdict = S.check_identity(lhs, sp.sqrt(pi) * sp.exp(-(v0**2)))
    assert verdict.status == "holds"
    assert S.check_identity(lhs, sp.sqrt(pi) * sp.exp(-(tau**2))).status != "holds"


@pytest.mark.timeout(10, method="thread")  # a swallowed timeout would loop forever
def test_a_timeout_is_not_swallowed_by_except_exception():
    # SymPy catches Exception in places; the budget must still end the computation
    from convcorr.symbolic._common import Timeout, budget

    def busy_with_broad_excepts():
        while True:
            try:
                sum(range(1000))
            except Exception:
                pass

    with pytest.raises(Timeout), budget(0.05):
        busy_with_broad_excepts()
    with pytest.raises(Timeout), budget(0.05):  # and the next budget arms its own timer
        busy_with_broad_excepts()


def test_a_budget_also_bounds_a_thread_that_is_not_the_main_one():
    # a signal timer can only be installed in the main thread; the budget must not depend on it
    import threading

    from convcorr.symbolic._common import Timeout, budget

    outcome = []

    def run():
        try:
            with budget(0.05):
                while True:
                    pass
        except Timeout:
            outcome.append("timeout")

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert outcome == ["timeout"]


def test_a_swallowed_timeout_is_raised_again_and_none_arrives_after_the_block():
    # A timeout that lands in a finalizer run by the garbage collector is printed and
    # dropped; a watchdog that fires once then leaves the computation unbounded.
    import threading
    import time

    from convcorr.symbolic._common import Timeout, budget

    outcome = []

    def run():
        try:
            with budget(0.05):
                try:
                    while True:
                        pass
                except Timeout:
                    outcome.append("swallowed")  # what the finalizer would do
                while True:
                    pass
        except Timeout:
            outcome.append("timeout")
        try:
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:
                pass
            outcome.append("quiet after the block")
        except Timeout:
            outcome.append("a timeout after the block ended")

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert outcome == ["swallowed", "timeout", "quiet after the block"]


def test_a_timeout_landing_in_a_gc_callback_is_not_reported(monkeypatch):
    # Hypothesis keeps a gc callback; a timeout that lands in it was printed as
    # "Exception ignored in ..." and pytest failed the test that timed out correctly.
    import gc
    import sys
    import time

    from convcorr.symbolic._common import Timeout, budget

    reported = []

    def hook(unraisable):
        reported.append(unraisable.exc_type)

    monkeypatch.setattr(sys, "unraisablehook", hook)

    def busy_callback(phase, info):
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            pass

    gc.callbacks.append(busy_callback)
    try:
        with pytest.raises(Timeout), budget(0.05):
            gc.collect()
            while True:
                pass
    finally:
        gc.callbacks.remove(busy_callback)

    class Finalized:
        def __del__(self):
            raise ValueError("a finalizer's own error")

    with budget(5):
        Finalized()  # other unraisable errors still reach the hook that was there
    assert reported == [ValueError]
    assert sys.unraisablehook is hook  # and the budget put it back


def test_timeout_gives_undecided():
    lhs = S.convolution(lambda v: sp.exp(-(v**4)), lambda v: sp.exp(-(v**6)), t)
    assert S.check_identity(lhs, sp.exp(-(t**2)), t, timeout=0.5).status == "undecided"
