"""Tests of convcorr.similarity: normalised correlation, template matching,
delay estimation and the chirp."""

import numpy as np
import pytest

import convcorr
from convcorr import similarity as sim


def naive_match(t, x):
    """Correlation coefficient of t with every window, by the definition."""
    out = np.zeros(tuple(a - b + 1 for a, b in zip(x.shape, t.shape)), dtype=complex)
    tc = t - t.mean()
    for k in np.ndindex(out.shape):
        w = x[tuple(slice(i, i + n) for i, n in zip(k, t.shape))]
        wc = w - w.mean()
        den = np.linalg.norm(tc) * np.linalg.norm(wc)
        out[k] = np.vdot(tc, wc) / den if den > 0 else 0
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
    score = sim.match_template(t, image, method="fft")
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


def test_linear_chirp_values():
    s = sim.linear_chirp(100, 0.0, 0.5, analytic=True)
    assert s.shape == (100,)
    assert np.allclose(np.abs(s), 1)
    assert s[0] == 1
    assert np.allclose(
        sim.linear_chirp(100, 0.1, 0.2), sim.linear_chirp(100, 0.1, 0.2, analytic=True).real
    )


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
