"""Tests of convcorr.similarity: normalised correlation, template matching,
delay estimation and the chirp."""

import numpy as np
import pytest
import scipy.fft

import convcorr
from convcorr import similarity as sim


def naive_match(t, x):
    """Correlation coefficient of t with every window, by the definition.

    A loop over windows with NumPy's mean and std per window: every score sees
    only its own window, so it is the reference for offsets of any size.
    """
    out = np.zeros(tuple(a - b + 1 for a, b in zip(x.shape, t.shape)), dtype=complex)
    tc = t - t.mean()
    for k in np.ndindex(out.shape):
        w = x[tuple(slice(i, i + n) for i, n in zip(k, t.shape))]
        spread = np.std(w) * np.sqrt(w.size)
        den = np.linalg.norm(tc) * spread
        out[k] = np.vdot(tc, w - w.mean()) / den if spread > 0 else 0
    return out


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shapes", [((5,), (40,)), ((3, 4), (9, 11))])
def test_match_template_equals_definition(shapes, complex_):
    rng = np.random.default_rng(0)
    t, x = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    if complex_:
        t = t + 1j * rng.standard_normal(shapes[0])
        x = x + 1j * rng.standard_normal(shapes[1])
    out = sim.match_template(t, x)
    assert np.iscomplexobj(out) == complex_
    assert np.allclose(out, naive_match(t, x), atol=1e-10)
    assert np.all(np.abs(out) <= 1)


def test_match_template_finds_gain_and_offset_copy_with_score_one():
    rng = np.random.default_rng(1)
    image = rng.standard_normal((30, 40))
    t = rng.standard_normal((6, 5))
    image[12:18, 7:12] = 4.0 * t - 3.0
    score = sim.match_template(t, image)
    assert np.unravel_index(np.argmax(score), score.shape) == (12, 7)
    assert score.max() == pytest.approx(1.0, abs=1e-12)
    assert score.max() <= 1.0


def test_match_template_constant_window_scores_zero():
    x = np.r_[np.zeros(10), np.arange(10.0)]
    out = sim.match_template([1.0, 2.0, 0.5], x)
    assert np.all(out[:8] == 0)
    assert np.all(np.abs(out) <= 1)


def test_normalized_correlate_bounded_and_one_at_zero_lag():
    rng = np.random.default_rng(2)
    f = rng.standard_normal(50) + 1j * rng.standard_normal(50)
    g = rng.standard_normal(80) + 1j * rng.standard_normal(80)
    assert np.all(np.abs(sim.normalized_correlate(f, g)) <= 1)
    auto = sim.normalized_correlate(f, f)
    lags = convcorr.correlation_lags(50, 50)
    assert auto[lags == 0][0] == pytest.approx(1.0, abs=1e-12)
    assert np.argmax(np.abs(auto)) == np.flatnonzero(lags == 0)[0]


@pytest.mark.parametrize("weighting", ["none", "phat"])
@pytest.mark.parametrize("delay", [0, 37, 400])
def test_estimate_delay_of_a_chirp_in_noise(delay, weighting):
    rng = np.random.default_rng(3)
    chirp = sim.linear_chirp(200, 0.01, 0.4)
    received = 0.7 * rng.standard_normal(1000)
    received[delay : delay + 200] += chirp
    assert sim.estimate_delay(chirp, received, weighting) == delay


def test_estimate_delay_negative_when_received_leads():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(300)
    # received[n] = x[n + 20] = reference[n - (-20)]
    assert sim.estimate_delay(x, x[20:]) == -20
    assert sim.estimate_delay(x[20:], x) == 20


def test_gcc_phat_lags_and_peak():
    rng = np.random.default_rng(5)
    r = rng.standard_normal(64)
    x = np.r_[np.zeros(10), r, np.zeros(5)]
    c = sim.gcc_phat(r, x)
    assert c.shape == (64 + 79 - 1,)
    lags = convcorr.correlation_lags(64, 79)
    assert lags[np.argmax(c)] == 10
    assert c.max() == pytest.approx(1.0, abs=1e-9)  # a pure delay whitens to a delta


@pytest.mark.parametrize(
    ("n", "f0", "f1", "rate"), [(200, 0.05, 0.4, 1.0), (64, 0.5, 3.0, 8.0), (150, 0.45, 0.0, 1.0)]
)
def test_linear_chirp_sweeps_linearly_from_f0_to_f1(n, f0, f1, rate):
    s = sim.linear_chirp(n, f0, f1, sample_rate=rate, analytic=True)
    assert s.shape == (n,) and s[0] == 1
    assert np.allclose(np.abs(s), 1)
    # the phase step between samples m and m + 1, in cycles per unit of time, is
    # the instantaneous frequency halfway between them: f0 + (f1 - f0) t / T
    measured = np.diff(np.unwrap(np.angle(s))) / (2 * np.pi) * rate
    expected = f0 + (f1 - f0) * (np.arange(n - 1) + 0.5) / n
    assert np.allclose(measured, expected, rtol=0, atol=1e-9)
    real = sim.linear_chirp(n, f0, f1, sample_rate=rate)
    assert np.allclose(real, s.real)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: sim.normalized_correlate([0, 0], [1, 2]), ValueError, "f must not"),
        (lambda: sim.normalized_correlate([1], [[1]]), ValueError, "ndim"),
        (lambda: sim.match_template([1, 1], [1, 2, 3]), ValueError, "constant"),
        (lambda: sim.match_template([1, 2, 3], [1, 2]), ValueError, "no larger"),
        (lambda: sim.match_template(["a"], ["b"]), TypeError, "numeric"),
        (lambda: sim.estimate_delay([1, 2], [1, 2], "bad"), ValueError, "weighting"),
        (lambda: sim.estimate_delay([[1, 2]], [[1, 2]]), ValueError, "1-D"),
        (lambda: sim.gcc_phat([[1, 2]], [[1, 2]]), ValueError, "1-D"),
        (lambda: sim.linear_chirp(0, 0.1, 0.2), ValueError, "n must"),
        (lambda: sim.linear_chirp(10, 0.1, 0.7), ValueError, "f1"),
        (lambda: sim.linear_chirp(10, -0.1, 0.2), ValueError, "f0"),
        (lambda: sim.linear_chirp(10, 0.1, 0.2, sample_rate=0), ValueError, "sample"),
    ],
)
def test_bad_inputs(call, error, words):
    with pytest.raises(error, match=words):
        call()


def textured_image(rng, shape, offset):
    """Unit-variance texture, with a patch of ``offset`` brightness over its top-left part."""
    image = rng.standard_normal(shape)
    image[: shape[0] // 2 + 3, : shape[1] // 2 + 3] += offset
    return image


@pytest.mark.parametrize("offset", [0.0, 1e5, 1e8, -3e9])
def test_match_template_textured_windows_on_a_large_offset(offset):
    # the old global floor (1e-10 max|x|^2) zeroed 204 of 281 windows at offset 1e5
    rng = np.random.default_rng(11)
    image = textured_image(rng, (24, 25), offset)
    t = rng.standard_normal((4, 5))
    out = sim.match_template(t, image)
    ref = naive_match(t, image).real
    # the data hold the texture to about eps * |offset| (1e-8 at 1e8): the scores to ~1e-6
    tol = 1e-11 + 1e-14 * abs(offset)
    assert np.max(np.abs(out - ref)) < tol
    assert np.count_nonzero(out == 0) == 0
    assert np.unravel_index(np.argmax(out), out.shape) == np.unravel_index(
        np.argmax(ref), ref.shape
    )


@pytest.mark.parametrize("scale", [1e160, 1e-170, 2.0**-1000, 3e300])
def test_match_template_same_scores_at_any_magnitude(scale):
    rng = np.random.default_rng(12)
    image = textured_image(rng, (18, 20), 50.0)
    t = rng.standard_normal((3, 4))
    base = sim.match_template(t, image)
    scaled = sim.match_template(t * scale, image * scale)
    assert np.all(np.isfinite(scaled))
    assert np.max(np.abs(scaled - base)) < 1e-12


def test_match_template_gain_and_offset_invariance_1d():
    rng = np.random.default_rng(13)
    x = rng.standard_normal(200)
    t = rng.standard_normal(9)
    base = sim.match_template(t, x)
    for gain, offset in ((1e-7, 1e4), (3e5, -2e6), (1.0, 1e9)):
        moved = sim.match_template(-2.5 * t + 7.0, gain * x + offset)  # negated template
        assert np.max(np.abs(moved + base)) < 1e-14 * (1 + abs(offset / gain)) + 1e-12


def test_match_template_flat_windows_score_zero_and_rounding_flat_too():
    # 0.1 repeated: its mean is not exactly 0.1, yet the window is constant
    x = np.r_[np.full(12, 0.1), np.full(12, 1e5 + 0.3), np.arange(8.0)]
    out = sim.match_template([1.0, 2.0, 0.5], x)
    assert np.all(out[:10] == 0) and np.all(out[12:22] == 0)
    assert np.all(out[-6:] != 0)


def test_match_template_windows_constant_up_to_an_ulp_score_zero():
    # 0.1 + 0.2 and 0.3 differ in the last bit: the pattern of those bits is no texture
    rng = np.random.default_rng(27)
    x = np.r_[np.where(rng.random(30) < 0.5, 0.3, 0.1 + 0.2), rng.standard_normal(10)]
    assert np.unique(x[:30]).size == 2
    out = sim.match_template([1.0, 2.0, 0.5, 3.0], x)
    assert np.all(out[:27] == 0)
    assert np.all(out[30:] != 0)


def test_match_template_flat_rule_is_per_window_not_global():
    # a faint textured stretch next to a huge flat one keeps its score
    rng = np.random.default_rng(14)
    t = rng.standard_normal(6)
    x = np.r_[np.full(30, 1e12), 1e-3 * rng.standard_normal(40)]
    out = sim.match_template(t, x)
    ref = naive_match(t, x).real
    assert np.max(np.abs(out[30:] - ref[30:])) < 1e-12
    assert np.all(out[:25] == 0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_match_template_refuses_non_finite(bad):
    x = np.arange(20.0)
    x[7] = bad
    with pytest.raises(ValueError, match="image must be finite"):
        sim.match_template([1.0, 2.0, 0.0], x)
    with pytest.raises(ValueError, match="template must be finite"):
        sim.match_template([1.0, bad, 0.0], np.arange(20.0))


def naive_rho(f, g):
    """(f ⋆ g)[k] / (||f|| ||g||) by the defining sum, lags -(len f - 1) .. len g - 1."""
    lags = range(-(len(f) - 1), len(g))
    num = [
        sum(np.conj(f[m]) * g[m + k] for m in range(len(f)) if 0 <= m + k < len(g)) for k in lags
    ]
    return np.array(num) / (np.linalg.norm(f) * np.linalg.norm(g))


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_normalized_correlate_against_the_definition_with_differing_norms(method):
    # norms differ by a factor of 50 000: a version dividing by ||f||^2 or ||g||^2 is far off,
    # and a clip of |rho| to 1 cannot hide it
    rng = np.random.default_rng(15)
    f = 3e-2 * (rng.standard_normal(17) + 1j * rng.standard_normal(17))
    g = 40.0 * (rng.standard_normal(29) + 1j * rng.standard_normal(29))
    g[5:22] += 1e3 * f
    rho = sim.normalized_correlate(f, g, method=method)
    ref = naive_rho(f, g)
    assert np.max(np.abs(rho - ref)) < 1e-13
    assert 0.3 < np.max(np.abs(ref)) < 0.999  # a real peak, not at the clip


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e300, 1e-300])
def test_normalized_correlate_at_extreme_magnitudes(scale):
    rng = np.random.default_rng(16)
    f, g = rng.standard_normal(20), rng.standard_normal(33)
    base = sim.normalized_correlate(f, g)
    assert np.max(np.abs(sim.normalized_correlate(f * scale, g * scale) - base)) < 1e-15
    assert np.max(np.abs(sim.normalized_correlate(f * scale, g / scale) - base)) < 1e-15


@pytest.mark.parametrize(
    "dtype", [np.float16, np.float32, np.float64, np.longdouble, np.complex64, np.complex128]
)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_normalized_correlate_f_equals_g_gives_exactly_one(dtype, mode):
    rng = np.random.default_rng(17)
    f = rng.standard_normal((7, 6)) * 3
    if np.dtype(dtype).kind == "c":
        f = f + 1j * rng.standard_normal((7, 6))
    f = f.astype(dtype)
    rho = sim.normalized_correlate(f, f, mode)
    assert rho.dtype == convcorr.correlate(f, f, mode).dtype
    zero = tuple(
        int(np.flatnonzero(convcorr.correlation_lags(n, n, mode) == 0)[0]) for n in f.shape
    )
    assert rho[zero] == 1
    off = np.ones(rho.shape, bool)
    off[zero] = False
    assert np.all(np.abs(rho[off]) < 1)


def test_normalized_correlate_float16_matches_float64():
    rng = np.random.default_rng(18)
    f = rng.standard_normal(40).astype(np.float16)
    g = rng.standard_normal(55).astype(np.float16)
    ref = naive_rho(f.astype(float), g.astype(float))
    assert np.max(np.abs(sim.normalized_correlate(f, g) - ref)) < 1e-6


def test_gcc_unweighted_equals_the_plain_correlation():
    rng = np.random.default_rng(19)
    for r, x in (
        (rng.standard_normal(31), rng.standard_normal(70)),
        (rng.standard_normal(12) + 1j * rng.standard_normal(12), rng.standard_normal(5)),
    ):
        ref = naive_rho(r, x) * np.linalg.norm(r) * np.linalg.norm(x)
        c = sim.gcc(r, x, weighting="none")
        assert np.iscomplexobj(c) == (np.iscomplexobj(r) or np.iscomplexobj(x))
        assert np.max(np.abs(c - ref)) < 1e-12 * np.max(np.abs(ref))
        assert np.allclose(c, convcorr.correlate(r, x, method="direct"), rtol=0, atol=1e-12)


def test_gcc_unweighted_at_extreme_magnitudes():
    rng = np.random.default_rng(20)
    r, x = rng.standard_normal(10), rng.standard_normal(25)
    base = sim.gcc(r, x, "none")
    scaled = sim.gcc(r * 1e-200, x * 1e250, "none")
    assert np.max(np.abs(scaled / 1e50 - base)) < 1e-12 * np.max(np.abs(base))


def test_gcc_unweighted_finite_lags_right_when_one_lag_overflows():
    # review 2, finding 6: exact [1e300, inf, 1e300]; it used to give
    # [2.2e283, inf, -2.2e283], the FFT's rounding noise scaled back
    out = sim.gcc([1e300, 1.0], [1e300, 1.0], "none")
    assert np.isinf(out[1]) and out[0] == 1e300 and out[2] == 1e300, out
    ref = scipy.signal.correlate([1e300, 1.0], [1e300, 1.0], "full", method="direct")
    assert np.array_equal(out[[0, 2]], ref[[0, 2]])


def test_gcc_phat_is_the_whitened_cross_spectrum():
    # PHAT without the division would equal the plain correlation; here it must not
    rng = np.random.default_rng(21)
    r = rng.standard_normal(16)
    x = np.r_[np.convolve(r, [1.0, 0.6, 0.3]), 0, 0] + 0.1 * rng.standard_normal(20)
    n = scipy.fft.next_fast_len(16 + 20 - 1)
    spectrum = np.conj(np.fft.fft(r, n)) * np.fft.fft(x, n)
    whitened = np.fft.ifft(spectrum / np.abs(spectrum)).real
    ref = np.r_[whitened[n - 15 :], whitened[:20]]
    c = sim.gcc_phat(r, x)
    assert np.allclose(c, ref, atol=1e-12)
    plain = sim.gcc(r, x, "none")
    assert np.max(np.abs(c / np.max(c) - plain / np.max(plain))) > 0.1


@pytest.mark.parametrize("weighting", ["none", "phat"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_delay_refuses_non_finite(weighting, bad):
    x = np.random.default_rng(22).standard_normal(50)
    y = x.copy()
    y[10] = bad
    with pytest.raises(ValueError, match="received must be finite"):
        sim.estimate_delay(x, y, weighting)
    with pytest.raises(ValueError, match="reference must be finite"):
        sim.gcc(y, x, weighting)


@pytest.mark.parametrize("weighting", ["none", "phat"])
def test_delay_of_an_all_zero_signal_is_refused(weighting):
    with pytest.raises(ValueError, match=r"received is all zeros.*no delay"):
        sim.estimate_delay([1.0, 2.0, 3.0], np.zeros(10), weighting)
    with pytest.raises(ValueError, match="reference is all zeros"):
        sim.gcc(np.zeros(4), [1.0, 2.0], weighting)


def test_estimate_delay_at_extreme_magnitudes():
    rng = np.random.default_rng(23)
    r = rng.standard_normal(40)
    x = np.r_[0.1 * rng.standard_normal(17), r, 0.1 * rng.standard_normal(9)]
    for s in (1e200, 1e-200):
        assert sim.estimate_delay(r * s, x * s) == 17
        assert sim.estimate_delay(r * s, x * s, "phat") == 17


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"f0": "0.1"}, TypeError, "f0 must be a real number"),
        ({"f1": 0.2 + 0j}, TypeError, "f1 must be a real number"),
        ({"f0": np.array([0.1, 0.2])}, TypeError, "f0 must be a real number"),
        ({"f1": np.nan}, ValueError, "f1 must be finite"),
        ({"sample_rate": "1"}, TypeError, "sample_rate must be a real number"),
        ({"sample_rate": np.inf}, ValueError, "sample_rate must be finite"),
        ({"n": 10.0}, TypeError, "n must be a positive integer"),
        ({"n": True}, TypeError, "n must be a positive integer"),
        ({"analytic": "yes"}, TypeError, "analytic must be a bool"),
        ({"f0": True}, TypeError, "f0 must be a real number"),
    ],
)
def test_linear_chirp_validates_parameters(kwargs, error, words):
    args = {"n": 10, "f0": 0.1, "f1": 0.2} | kwargs
    with pytest.raises(error, match=words):
        sim.linear_chirp(**args)


def test_linear_chirp_accepts_numpy_scalars():
    a = sim.linear_chirp(np.int64(16), np.float32(0.125), np.float64(0.25), sample_rate=np.int32(1))
    assert np.allclose(a, sim.linear_chirp(16, 0.125, 0.25))


def test_masked_input_is_refused():
    x = np.ma.masked_array([1.0, 2.0, 3.0, 4.0], mask=[0, 1, 0, 0])
    with pytest.raises(TypeError, match="masked"):
        sim.match_template([1.0, 0.0], x)
    with pytest.raises(TypeError, match="masked"):
        sim.normalized_correlate(x, [1.0, 2.0])


def test_match_template_3d_on_an_offset_and_inputs_untouched():
    rng = np.random.default_rng(24)
    t = rng.standard_normal((2, 3, 2))
    x = rng.standard_normal((5, 6, 4)) + 1e6
    t_copy, x_copy = t.copy(), x.copy()
    out = sim.match_template(t, x)
    assert out.shape == (4, 4, 3)
    assert np.max(np.abs(out - naive_match(t, x).real)) < 1e-9
    assert np.array_equal(t, t_copy) and np.array_equal(x, x_copy)


def test_match_template_complex_copy_has_the_factor_phase():
    rng = np.random.default_rng(25)
    x = rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))
    window = x[2:4, 1:5]
    t = (window - 5.0) / (2 - 1j)  # window = (2 - 1j) t + 5
    out = sim.match_template(t, x)
    assert abs(out[2, 1] - (2 - 1j) / abs(2 - 1j)) < 1e-14
    assert np.max(np.abs(out - naive_match(t, x))) < 1e-13


def test_match_template_blocks_agree_with_one_pass(monkeypatch):
    # the window loop runs in blocks of rows; a block of one row must give the same map
    rng = np.random.default_rng(26)
    t, x = rng.standard_normal((3, 4)), rng.standard_normal((20, 15)) + 1e3
    whole = sim.match_template(t, x)
    monkeypatch.setattr(sim, "_BLOCK", 1)
    assert np.array_equal(sim.match_template(t, x), whole)


# --- ties: the first of the lags whose scores tie --------------------------------------

TIE_METHODS = ["auto", "direct", "fft", "oa"]


@pytest.mark.parametrize("method", TIE_METHODS)
@pytest.mark.parametrize("dtype", [float, int, bool])
def test_delay_on_a_plateau_is_its_first_lag(method, dtype):
    # ones(m) ⋆ ones(n) is min(m, n) at every lag from 0 to n - m (m <= n);
    # the old code's FFT noise picked lag 1 of the plateau 0 .. 1 of 4000 ⋆ 4001
    assert sim.estimate_delay(np.ones(4000, dtype), np.ones(4001, dtype), method=method) == 0
    assert sim.estimate_delay(np.ones(300, dtype), np.ones(4000, dtype), method=method) == 0
    # reference longer: the plateau runs over lags -(m - n) .. 0
    assert sim.estimate_delay(np.ones(4001, dtype), np.ones(4000, dtype), method=method) == -1


@pytest.mark.parametrize("method", TIE_METHODS)
@pytest.mark.parametrize("scale", [1.0, 1e-200, 3e250])
def test_delay_of_two_equal_copies_is_the_first(method, scale):
    # lags 0 and 3007 tie at ||s||^2 (the old code: 3007 under 'auto' and 'fft')
    s = scale * np.random.default_rng(4).standard_normal(3000)
    assert sim.estimate_delay(s, np.r_[s, np.zeros(7), s], method=method) == 0
    # |score| ties with a sign flip too, and the first copy need not be at lag 0
    assert sim.estimate_delay(s, np.r_[np.zeros(5), -s, s], method=method) == 5


@pytest.mark.parametrize("method", TIE_METHODS)
def test_delay_of_two_equal_integer_copies_is_the_first(method):
    s = np.random.default_rng(4).integers(-9, 10, 3000)
    assert sim.estimate_delay(s, np.r_[s, np.zeros(7, int), s], method=method) == 0


def test_phat_delay_of_two_equal_copies_is_the_first():
    # PHAT of two equal copies is symmetric about their midpoint: the two peaks tie
    s = np.random.default_rng(4).standard_normal(3000)
    assert sim.estimate_delay(s, np.r_[s, np.zeros(7), s], "phat") == 0
    assert sim.estimate_delay(np.ones(4000), np.ones(4001), "phat") == 0


def test_first_peak_takes_the_first_score_within_twice_the_bound():
    score = np.array([1.0, 1.0 - 1.5e-9, 0.5, 1.0 + 1e-9])
    assert sim._first_peak(score, 1e-9) == 0  # 1.0 is within 2e-9 of the top
    assert sim._first_peak(score, 1e-10) == 3  # nothing else is within 2e-10
    assert sim._first_peak(np.array([3.0, 3.0]), 0.0) == 0  # exact scores


def test_first_peak_refuses_scores_all_at_the_rounding_level():
    with pytest.raises(ValueError, match=r"rounding level at every lag.*2e-12.*1e-12"):
        sim._first_peak(np.array([1e-12, 2e-12, 0.0]), 1e-12)
