"""The chapter helpers in convcorr.book: each against a hand-computed value or its definition."""

import numpy as np
import pytest

from convcorr import book


def test_crandn_is_real_then_imaginary_draws():
    a = book.crandn(np.random.default_rng(3), 2, 3)
    ref = np.random.default_rng(3)
    re_, im_ = ref.standard_normal((2, 3)), ref.standard_normal((2, 3))
    assert a.shape == (2, 3) and np.array_equal(a, re_ + 1j * im_)


def test_crandn_rejects_a_seed():
    with pytest.raises(TypeError, match="rng"):
        book.crandn(0, 3)


def test_rel_err_hand_value_and_shape_check():
    assert book.rel_err(np.array([1.0, 2.5]), np.array([1.0, 2.0])) == 0.25
    with pytest.raises(ValueError, match="same shape"):
        book.rel_err(np.zeros(2), np.ones((2, 1)))
    with pytest.raises(ValueError, match="non-zero"):
        book.rel_err(np.zeros(2), np.zeros(2))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, complex(0, np.nan)])
def test_rel_err_refuses_non_finite_values_naming_them(bad):
    # the old code called a NaN reference "all-zero or empty" and returned nan for
    # a NaN in a, which a `rel_err(...) > 0.1` check reads as a pass of nothing
    with pytest.raises(ValueError, match=r"b, the reference, must be finite.* at index \(1,\)"):
        book.rel_err([1.0, 2.0], [1.0, bad])
    with pytest.raises(ValueError, match=r"a must be finite.* at index \(0, 1\)"):
        book.rel_err([[1.0, bad]], [[1.0, 2.0]])


def test_rel_err_tells_an_empty_reference_from_an_all_zero_one():
    with pytest.raises(ValueError, match="all-zero array"):
        book.rel_err([1.0], [0.0])
    with pytest.raises(ValueError, match="empty array"):
        book.rel_err(np.ones(0), np.ones(0))


def test_html_table_escapes_and_marks_code_and_math():
    out = book.html_table(["a", "b"], [["`x<y`", "$f \\star g$"]], caption="c & d")
    assert "<code>x&lt;y</code>" in out
    assert r"\(f \star g\)" in out
    assert "<caption>c &amp; d</caption>" in out
    assert 'class="cc-table"' in out and "mathjax_process" in out
    with pytest.raises(ValueError, match=r"rows\[0\]"):
        book.html_table(["a", "b"], [["only one"]])


def test_rot180_is_point_reflection_not_transpose():
    k = np.arange(9).reshape(3, 3)
    r = book.rot180(k)
    assert r[0, 0] == 8 and r[2, 0] == 2 and r[0, 2] == 6
    assert not np.array_equal(r, k[::-1, ::-1].T)
    with pytest.raises(ValueError, match="2 dimensions"):
        book.rot180(np.arange(3))


def test_integral_is_over_the_real_line_innermost_first():
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    i = book.integral(sp.exp(-(x**2) - y**2), x, y)
    assert i.limits == ((x, -sp.oo, sp.oo), (y, -sp.oo, sp.oo))
    assert sp.simplify(i.doit() - sp.pi) == 0
    with pytest.raises(ValueError, match="variables"):
        book.integral(x)
    with pytest.raises(TypeError, match="Symbol"):
        book.integral(x, 1)


def test_gaussian_centre_and_width():
    import sympy as sp

    t = sp.Symbol("t", real=True)
    g = book.gaussian(t, 2, 3)
    assert g(2) == 1 and sp.simplify(g(5) - sp.exp(-sp.Rational(1, 2))) == 0
    with pytest.raises(ValueError, match="width"):
        book.gaussian(t, 0, 0)


def test_stacked_puts_each_reason_under_its_step():
    import sympy as sp

    from convcorr import symbolic as S

    t, u = sp.symbols("t u", real=True)
    f, g = sp.Function("f"), sp.Function("g")
    d = S.Derivation(r"(f * g)(t)", S.convolution(f, g, t))
    d.substitute(t - sp.Symbol("tau", real=True), u, book.integral(f(t - u) * g(u), u), "slide")
    text = book.stacked(d).data
    lines = text.split(r"\\")
    assert len(lines) == 2 * len(d.steps) + 1
    # the left-hand side alone on the first line, then each step and its reason below it
    assert lines[0].strip().endswith("&(f * g)(t)") and "=" not in lines[0]
    assert r"\text{definition}" in lines[2] and r"\text{slide}" in lines[4]
    with pytest.raises(TypeError, match="Derivation"):
        book.stacked("not a derivation")


def test_animation_html_plays_offline_with_alt_text():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(2, 1))
    (line,) = ax.plot([0, 1], [0, 0])
    anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=2)
    out = book.animation_html(anim, "A line that tilts up.", dpi=50)
    plt.close(fig)
    assert "http" not in out and "font-awesome" not in out and 'class="fa' not in out
    assert 'alt="A line that tilts up."' in out and 'aria-label="Frame"' in out
    with pytest.raises(ValueError, match="alt"):
        book.animation_html(anim, " ")


def test_animation_frames_are_compact_webp_of_full_resolution():
    import base64
    import io
    import re

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation
    from PIL import Image

    fig, ax = plt.subplots(figsize=(7, 3))
    (line,) = ax.plot(np.arange(50), np.zeros(50))
    anim = FuncAnimation(fig, lambda i: line.set_ydata(np.sin(np.arange(50) * i)), frames=3)
    out = book.animation_html(anim, "A sine whose frequency grows.", dpi=200)
    png = anim.to_jshtml()  # the same frames as matplotlib stores them
    plt.close(fig)
    frames = re.findall(r"data:image/webp;base64,([A-Za-z0-9+/=]+)", out)
    assert len(frames) == 3 and "data:image/png" not in out
    image = Image.open(io.BytesIO(base64.b64decode(frames[0])))
    assert image.format == "WEBP" and image.size == (1400, 600)  # 2x of the 700 px shown
    assert len(out) < len(png) / 3
    with pytest.raises(ValueError, match="colors"):
        book.animation_html(anim, "A sine.", colors=1)


def test_tex_puts_fraction_exponents_on_the_baseline():
    import sympy as sp

    t = sp.Symbol("t", real=True)
    assert book.tex(sp.exp(-(t**2) / 2)) == r"\exp\left(- \frac{t^{2}}{2}\right)"
    assert book.tex(sp.exp(-t)) == sp.latex(sp.exp(-t)) == "e^{- t}"
    assert book.tex(2 * t) == sp.latex(2 * t)


def test_checked_prints_one_line_with_its_reference(capsys):
    book.checked("f ⋆ g = f̃ * g in 1-D", "the exact defining sums")
    assert capsys.readouterr().out == "✓ f ⋆ g = f̃ * g in 1-D — against the exact defining sums\n"
    for bad in ("", "  ", None):
        with pytest.raises(ValueError, match="against must be a non-empty sentence"):
            book.checked("a claim", bad)
    with pytest.raises(ValueError, match="claim must be"):
        book.checked("", "a reference")
