"""The book's Sphinx extension (`_ext/`), on doctrees and pages built here: no Sphinx run."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docutils import nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))

import book_icons
import book_math
import book_weight
import offline_book


def _paragraph(*parts):
    # strings become text, ("math", tex) becomes inline math
    para = nodes.paragraph()
    for part in parts:
        para += nodes.math(text=part[1]) if isinstance(part, tuple) else nodes.Text(part)
    doc = nodes.document(None, None)
    doc += para
    return doc, para


def _glued(para):
    return [g.astext() for g in para.findall(nodes.inline) if "cc-nowrap" in g["classes"]]


def test_an_opening_bracket_stays_with_the_math_after_it():
    doc, para = _paragraph("a short kernel (", ("math", "K = 128"), ") against N [", ("math", "x"))
    offline_book._glue_punctuation(None, doc, "page")
    assert _glued(para) == ["(K = 128)", "[x"]
    assert para.astext() == "a short kernel (K = 128) against N [x"


def test_punctuation_after_the_math_stays_with_it():
    doc, para = _paragraph("at position ", ("math", "t"), ", the product")
    offline_book._glue_punctuation(None, doc, "page")
    assert _glued(para) == ["t,"]
    assert para.astext() == "at position t, the product"


def test_the_glued_text_node_is_edited_not_an_equal_one_before_it():
    # chapter 11 once showed "X, W,, G": the first of two equal ", " nodes was edited
    doc, para = _paragraph(", ", ("math", "a"), ", ")
    offline_book._glue_punctuation(None, doc, "page")
    assert _glued(para) == ["a,"]
    assert para.astext() == ", a, "


def test_a_bracket_after_a_space_and_words_are_left_alone():
    doc, para = _paragraph("sum ( ", ("math", "a"), " b")
    offline_book._glue_punctuation(None, doc, "page")
    assert _glued(para) == []


FONTAWESOME = (
    'var a={"github":[496,512,[],"f09b","M1 2z"]};x("fab",a);'
    'var b={sun:[512,512,[],"f185","M3 4z"]};x("far",b);'
    'var c={sun:[512,512,[],"f185","M5 6z"],"bars":[448,512,[],"f0c9","M7 8z"],'
    'pencil:[512,512,[9999,61504,"pencil-alt"],"f303","M9 9z"]};x("fas",c);'
)


def test_icons_become_the_svg_of_their_pack(tmp_path):
    script = tmp_path / "fontawesome.js"
    script.write_text(FONTAWESOME)
    page = tmp_path / "page.html"
    page.write_text(
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>'
        '<i class="fab fa-github"></i>'
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i>'
        '<span class="fa-solid fa-bars"></span>'
    )
    book_icons.inline_icons(page, script)
    out = page.read_text()
    assert "fontawesome.js" not in out and "fa-" not in out
    assert out.count("<svg") == 3
    assert 'viewBox="0 0 496 512"' in out and 'd="M1 2z"' in out
    # the solid sun, not the regular one; classes and attributes the theme's CSS uses stay
    assert '<svg class="cc-icon cc-icon-lg theme-switch" data-mode="light"' in out
    assert 'd="M5 6z"' in out and 'd="M3 4z"' not in out


def test_an_old_icon_name_finds_the_icon_it_is_an_alias_of(tmp_path):
    # the theme's "edit this page" button still asks for "pencil-alt", Font Awesome 6's alias
    script = tmp_path / "fontawesome.js"
    script.write_text(FONTAWESOME)
    page = tmp_path / "page.html"
    page.write_text('<i class="fas fa-pencil-alt"></i>')
    book_icons.inline_icons(page, script)
    assert 'd="M9 9z"' in page.read_text()


def test_an_unknown_icon_fails_the_build(tmp_path):
    script = tmp_path / "fontawesome.js"
    script.write_text(FONTAWESOME)
    page = tmp_path / "page.html"
    page.write_text('<i class="fa-solid fa-nonesuch"></i>')
    with pytest.raises(Exception, match="nonesuch"):
        book_icons.inline_icons(page, script)


def test_only_rules_that_need_a_font_awesome_class_leave_the_stylesheet(tmp_path):
    css = tmp_path / "theme.css"
    css.write_text(
        'a{color:red}/*! Font Awesome licence */.fa-github:before{content:"\\f09b"}'
        ".fa,.fab{display:inline-block}.btn .fa-lg,.navbar{margin:0}"
        "@keyframes fa-spin{0%{transform:none}to{transform:rotate(1turn)}}"
        "@media (min-width:1px){.fa-a{color:red}}.svg-inline--fa{height:1em}.fast{x:y}"
    )
    book_icons.strip_fontawesome_css(css)
    assert css.read_text() == (
        "a{color:red}/*! Font Awesome licence */.btn .fa-lg,.navbar{margin:0}"
        "@media (min-width:1px){.fa-a{color:red}}.fast{x:y}"
    )


def test_icon_fonts_keep_only_the_glyphs_the_stylesheets_name(tmp_path):
    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    vendor = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    webfonts = tmp_path / "_static" / "vendor" / "fontawesome" / "webfonts"
    webfonts.mkdir(parents=True)
    shutil.copy(vendor / "static/vendor/fontawesome/webfonts/fa-solid-900.ttf", webfonts)
    styles = tmp_path / "_static" / "styles"
    styles.mkdir()
    src = (
        'url(../vendor/fontawesome/webfonts/fa-solid-900.woff2) format("woff2"),'
        'url(../vendor/fontawesome/webfonts/fa-solid-900.ttf) format("truetype")'
    )
    (styles / "pydata-sphinx-theme.css").write_text(
        "@font-face{font-family:x;src:" + src + '}:root{--pst-icon-pencil:"\uf303"}'
    )
    (tmp_path / "_static" / "exercise.css").write_text('p::after{content:"\\f0eb"}')
    book_icons.subset_icon_fonts(tmp_path)
    cut = webfonts / "fa-solid-900-book.woff"
    assert cut.stat().st_size < 10_000
    with TTFont(cut) as font:
        assert set(font.getBestCmap()) == {0xF303, 0xF0EB}
    css = (styles / "pydata-sphinx-theme.css").read_text()
    assert 'url(../vendor/fontawesome/webfonts/fa-solid-900-book.woff) format("woff")' in css
    assert "woff2" not in css


def test_pages_but_the_search_page_lose_the_search_scripts(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<script src="../_static/doctools.js?v=1"></script>\n'
        '    <script src="../_static/searchtools.js"></script>\n'
        '    <script src="../_static/language_data.js"></script>\n'
        '    <script src="../searchindex.js"></script>\n</head>'
    )
    book_weight.drop_search_scripts(page)
    assert page.read_text() == '<script src="../_static/doctools.js?v=1"></script>\n</head>'


def test_a_rule_stays_when_a_page_or_a_script_names_its_classes():
    names = {"navbar", "show", "bd-sidebar", "active"}  # "show" only in bootstrap.js, say
    css = (
        "/*! Bootstrap licence */.navbar{a:1}.btn-outline-warning{b:2}"
        ".navbar .show{c:3}.navbar .collapsing{d:4}"
        ".navbar,.btn-check{e:5}"
        "h1:not(.unused){f:6}.bd-sidebar:is(.nowhere,.active){g:7}"
        ":where(.nowhere) a{h:8}.bs-tooltip-auto{i:9}"
        "html[data-theme=dark] .navbar{j:10}p{k:11}"
    )
    assert book_weight.prune_css(css, names) == (
        "/*! Bootstrap licence */.navbar{a:1}"
        ".navbar .show{c:3}"
        ".navbar{e:5}"
        "h1:not(.unused){f:6}.bd-sidebar:is(.nowhere,.active){g:7}"
        ":where(.nowhere) a{h:8}.bs-tooltip-auto{i:9}"
        "html[data-theme=dark] .navbar{j:10}p{k:11}"
    )


def test_media_blocks_are_pruned_inside_and_dropped_when_empty():
    css = (
        "@media (min-width:768px){.navbar{a:1}.d-md-none{b:2}}"
        "@media print{.d-print-grid{c:3}}"
        "@supports (display:grid){.nowhere{d:4}}"
        "@font-face{font-family:x;src:url(x.woff)}@keyframes spin{to{transform:none}}"
    )
    assert book_weight.prune_css(css, {"navbar"}) == (
        "@media (min-width:768px){.navbar{a:1}}"
        "@font-face{font-family:x;src:url(x.woff)}@keyframes spin{to{transform:none}}"
    )


def test_names_in_use_come_from_pages_and_scripts_only(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "page.html").write_text('<div class="bd-page navbar-nav">')
    (tmp_path / "_static" / "theme.js").write_text('e.classList.add("pst-squeeze")')
    (tmp_path / "_static" / "theme.css").write_text(".only-in-css{}")
    names = book_weight.names_in_use(tmp_path)
    assert {"bd-page", "navbar-nav", "pst-squeeze"} <= names
    assert "only-in-css" not in names


def test_stylesheets_are_pruned_after_myst_nb_copies_its_own_and_the_math_is_set():
    # MyST-NB copies mystnb.css at build-finished (default priority, 500), and so does the
    # math pass rewrite the pages: pruning before either would miss one or the other.
    hooks = []

    class App:
        def connect(self, event, handler, priority=500):
            hooks.append((event, handler.__name__, priority))

    book_weight.setup(App())
    prune = [p for event, name, p in hooks if event == "build-finished" and name == "_prune"]
    assert prune and prune[0] > 500


def _figure(path, size=(600, 400), alpha=255, noise=False):
    """A plot-like PNG: white, a grid, anti-aliased curves; or one of random colours."""
    import numpy as np
    from PIL import Image, ImageDraw

    if noise:
        pixels = np.random.default_rng(0).integers(0, 256, (*size[::-1], 3), dtype=np.uint8)
        image = Image.fromarray(pixels).convert("RGBA")
    else:
        image = Image.new("RGBA", size, (255, 255, 255, 255))
        draw = ImageDraw.Draw(image)
        for x in range(0, size[0], 50):
            draw.line([(x, 0), (x, size[1])], fill=(220, 220, 220, 255))
        for k, colour in enumerate([(31, 119, 180, 255), (214, 39, 40, 255)]):
            points = [(x, 200 + 150 * np.sin(x / (40 + 20 * k))) for x in range(size[0])]
            draw.line(points, fill=colour, width=5)
        image = image.resize((size[0] * 2, size[1] * 2), Image.LANCZOS)  # anti-aliased
    image.putalpha(alpha)
    image.save(path)
    return path


def _pixels(path):
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_a_figure_becomes_a_smaller_palette_png_of_the_same_picture(tmp_path):
    from PIL import Image

    figure = _figure(tmp_path / "figure.png")
    before, size = _pixels(figure), figure.stat().st_size
    with Image.open(figure) as image:
        assert len(image.convert("RGB").getcolors(1 << 24)) > 256
    assert book_weight.shrink_figure(figure)
    with Image.open(figure) as image:
        assert image.mode == "P"
    assert figure.stat().st_size < size / 2
    assert abs(_pixels(figure) - before).max() <= book_weight.MAX_CHANNEL_ERROR
    assert not book_weight.shrink_figure(figure)  # a second build leaves it alone


def test_the_same_picture_means_no_pixel_far_off_and_little_error_overall():
    import numpy as np

    image = np.random.default_rng(1).integers(0, 256, (100, 100, 3))
    assert book_weight.same_picture(image, image)
    assert book_weight.same_picture(image, np.clip(image + 1, 0, 255))
    one_far_off = image.copy()
    one_far_off[5, 5, 0] = (image[5, 5, 0] + 128) % 256  # overall error tiny, one pixel not
    assert not book_weight.same_picture(image, one_far_off)
    all_a_little_off = np.where(image < 128, image + 12, image - 12)  # within 16, 28 dB
    assert not book_weight.same_picture(image, all_a_little_off)


def test_a_picture_a_palette_cannot_hold_is_left_as_it_was(tmp_path):
    figure = _figure(tmp_path / "noise.png", size=(200, 200), noise=True)
    data = figure.read_bytes()
    assert not book_weight.shrink_figure(figure)
    assert figure.read_bytes() == data


def test_a_figure_with_transparency_is_left_as_it_was(tmp_path):
    figure = _figure(tmp_path / "clear.png", alpha=128)
    data = figure.read_bytes()
    assert not book_weight.shrink_figure(figure)
    assert figure.read_bytes() == data


# ---- math: TeX -> MathML Core (_ext/prerender_math.js), the math font (_ext/book_math.py)

NODE = shutil.which("node")
MATHJAX = book_math.ROOT / "node_modules" / "mathjax-full"


def _typeset(tmp_path, *formulas):
    """Run the build's typesetting script on a page of formulas; return the page's HTML."""
    if NODE is None or not MATHJAX.is_dir():
        pytest.fail("Node.js and node_modules are needed: `make unit` runs npm ci first")
    page = tmp_path / "page.html"
    body = "".join(f'<div class="math">{f}</div>' for f in formulas)
    page.write_text(f"<!DOCTYPE html><html><head></head><body>{body}</body></html>")
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"tex": {"macros": {"corr": "\\star"}}, "options": {"processHtmlClass": "math"}})
    )
    done = subprocess.run(
        [NODE, str(book_math.SCRIPT), str(config), str(page)],
        capture_output=True, text=True, cwd=book_math.ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return page.read_text()


def test_formulas_become_mathml_with_no_mathjax_markup(tmp_path):
    out = _typeset(tmp_path, r"\(f \corr g\)", r"\[x\]")
    # a binary operator: a medium space on each side (the one after it before the next atom)
    assert (
        '<mjx-container><math><mi>f</mi><mo lspace="0.222em" rspace="0">⋆</mo>'
        '<mspace width="0.222em"></mspace><mi>g</mi></math></mjx-container>'
    ) in out
    assert '<mjx-container display="true"><math display="block">' in out
    assert "mjx-assistive-mml" not in out and "MJX-CHTML" not in out and "data-mjx" not in out


def test_operators_are_spaced_as_tex_spaces_them(tmp_path):
    # Core's dictionary put 0.28 em around "(" inside a row, and a binary space after "="
    out = _typeset(tmp_path, r"\(u = -\tau f(t)\)")
    assert '<mo lspace="0.278em" rspace="0">=</mo>' in out  # a relation: thick space
    assert '<mo lspace="0.278em" rspace="0">−</mo><mi>τ</mi>' in out  # unary: none after
    assert '<mo stretchy="false" lspace="0" rspace="0">(</mo>' in out


def test_delimiters_stretch_only_where_tex_stretches_them(tmp_path):
    out = _typeset(tmp_path, r"\(g\left(\tau\right)\)", r"\[\left(\frac{a}{b}\right)\]")
    small, tall = out.split('display="true"')
    assert '<mo stretchy="false" lspace="0" rspace="0">(</mo>' in small
    assert "stretchy" not in tall


def test_letter_styles_become_unicode_math_letters(tmp_path):
    out = _typeset(tmp_path, r"\(\mathbb{R} \mathcal{F} \mathbf{n} \mathsf{T}\)")
    assert "<mi>ℝ</mi>" in out and "<mi>ℱ</mi>" in out and "<mi>𝐧</mi>" in out
    assert "<mi>𝖳</mi>" in out and "mathvariant" not in out


def test_aligned_columns_keep_their_alignment_and_row_gaps(tmp_path):
    out = _typeset(tmp_path, r"\[\begin{aligned} a &= b \\ &= c \end{aligned}\]")
    assert '<mtd style="padding:0 0 1.5pt 0;text-align:-webkit-right">' in out
    assert '<mtd style="padding:1.5pt 0 0 0;text-align:-webkit-left">' in out
    # each row at least a strut high, as in TeX
    assert out.count('<mspace height="0.75em" depth="0.25em"></mspace>') == 4


def test_primes_accents_bars_and_integrals_are_placed_as_in_tex(tmp_path):
    out = _typeset(tmp_path, r"\(f'\)", r"\(\bar f\)", r"\(\overline{f g}\)", r"\[\int_a^b f\]")
    assert "msup" not in out and '<mi>f</mi><mo lspace="0" rspace="0">′</mo>' in out
    assert 'style="transform:translateX(' in out
    assert '<mrow style="border-top:0.06em solid;padding-top:0.12em">' in out
    assert '<msubsup style="margin-right:-0.591em">' in out


def test_a_tex_error_fails_the_run_with_the_formula(tmp_path):
    with pytest.raises(AssertionError, match="nonesuch"):
        _typeset(tmp_path, r"\(\nonesuch x\)")


def test_math_characters_are_those_of_the_formulas(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>prose</p><math><mi>x</mi><mo>&lt;</mo><mtext>a b</mtext></math>")
    assert book_math.math_characters([page]) == {"x", "<", "a", " ", "b"}


@pytest.fixture(scope="module")
def math_font():
    try:
        return book_math.math_font()
    except Exception as e:  # ExtensionError: its message says how to install the font
        pytest.fail(str(e))


def test_the_math_font_keeps_the_glyphs_and_sizes_formulas_need(tmp_path, math_font):
    from fontTools.ttLib import TTFont

    target = tmp_path / "math.woff"
    book_math.subset_math_font(math_font, {"x", "∫", "("}, target)
    assert target.stat().st_size < 30_000
    with TTFont(target) as font:
        assert {ord("x"), ord("∫"), ord("(")} <= set(font.getBestCmap())
        assert ord("y") not in font.getBestCmap()
        # the display integral and the big parentheses, which MathML Core draws from MATH
        assert "MATH" in font and "integral.v1" in font.getGlyphOrder()
        assert any(g.startswith("parenleft.v") for g in font.getGlyphOrder())
        # a modified font under the GUST licence: another name, the licence kept
        assert font["name"].getDebugName(1) == "CC Math"
        assert "GUST Font License" in font["name"].getDebugName(0)


def test_a_character_the_math_font_lacks_fails_the_build(tmp_path, math_font):
    with pytest.raises(Exception, match="U\\+2603"):
        book_math.subset_math_font(math_font, {"x", "☃"}, tmp_path / "math.woff")
