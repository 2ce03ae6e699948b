"""Small helpers the chapters share: random arrays, errors, tables, rotations, figure style.

These exist so that no chapter defines a function another chapter defines. They are
teaching conveniences, not part of the mathematics: the operations live in
:mod:`convcorr.discrete` and friends.
"""

import html
import re

import numpy as np

__all__ = [
    "animation_html",
    "checked",
    "crandn",
    "gaussian",
    "html_table",
    "integral",
    "rel_err",
    "rot180",
    "stacked",
    "tex",
    "use_book_style",
]


def crandn(rng, *shape):
    """Standard complex normal array, ``rng.standard_normal(shape) + 1j * (another draw)``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The chapter's seeded generator (the real part is drawn first, then the imaginary).
    *shape : int
        The array shape, as separate integers.

    Returns
    -------
    numpy.ndarray of complex128, of shape ``shape``.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator (np.random.default_rng(seed)); "
            f"got {type(rng).__name__}"
        )
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def rel_err(a, b):
    """Largest absolute difference relative to the largest magnitude of the reference ``b``.

    ``max_i |a[i] - b[i]| / max_i |b[i]|`` over every index ``i``; the shapes must agree
    exactly (no broadcasting), both arrays must be finite, and ``b`` must have a non-zero
    entry.

    Raises
    ------
    ValueError
        Different shapes; a NaN or an infinity in ``a`` or ``b`` (the quotient would be
        NaN, which every ``<`` and ``>`` check reads as false), named with its index; an
        empty or all-zero ``b``.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    for x, name in ((a, "a"), (b, "b, the reference,")):
        bad = ~np.isfinite(x)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"{name} must be finite; got {x[index]} at index {index}")
    scale = np.max(np.abs(b)) if b.size else 0.0
    if not scale > 0:
        kind = "an all-zero" if b.size else "an empty"
        raise ValueError(f"b, the reference, must have a non-zero entry; got {kind} array")
    return float(np.max(np.abs(a - b)) / scale)


def _cell(text):
    # `code` becomes <code>, $math$ becomes \(math\) for MathJax; everything else is escaped.
    parts = re.split(r"(\$[^$]+\$|`[^`]+`)", str(text))
    out = []
    for part in parts:
        if part.startswith("$") and part.endswith("$") and len(part) > 1:
            out.append(r"\(" + html.escape(part[1:-1], quote=False) + r"\)")
        elif part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append("<code>" + html.escape(part[1:-1], quote=False) + "</code>")
        else:
            out.append(html.escape(part, quote=False))
    return "".join(out)


def html_table(header, rows, *, caption=None):
    """An HTML table styled by the book's stylesheet, with inline code and math.

    Cells are strings: ```code``` becomes ``<code>``, ``$x$`` becomes MathJax inline math,
    the rest is escaped. The table sits in a ``div.cc-table-wrap`` that scrolls sideways on
    its own on narrow screens, and carries the ``mathjax_process`` class so that MathJax
    typesets it inside a notebook output.

    Parameters
    ----------
    header : sequence of str
        Column titles (``n`` of them).
    rows : sequence of sequences of str
        Each row has exactly ``n`` cells.
    caption : str, optional
        A caption above the table (same markup rules as the cells).

    Returns
    -------
    str
        The HTML; pass it to ``IPython.display.HTML``.
    """
    header = [str(h) for h in header]
    rows = [list(r) for r in rows]
    for i, r in enumerate(rows):
        if len(r) != len(header):
            raise ValueError(f"rows[{i}] has {len(r)} cells; the header has {len(header)}")
    head = "".join(f"<th>{_cell(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in r) + "</tr>" for r in rows)
    cap = f"<caption>{_cell(caption)}</caption>" if caption else ""
    return (
        '<div class="cc-table-wrap mathjax_process" tabindex="0">'
        f'<table class="cc-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def rot180(a):
    """Point reflection of the last two axes, ``a[..., ::-1, ::-1]`` (a 180° rotation).

    This is the finite-array form of ``k[-i, -j]``; it is not the anti-diagonal reflection
    (that is ``rot180(a)`` transposed), and the two agree only for symmetric kernels.
    """
    a = np.asarray(a)
    if a.ndim < 2:
        raise ValueError(f"a must have at least 2 dimensions; got ndim={a.ndim}")
    return a[..., ::-1, ::-1]


def use_book_style():
    """Figure defaults for the book: PNG at twice the displayed size, fonts a phone can read.

    Figures are drawn at 100 dpi and saved as 'retina' PNGs (200 dpi, displayed at half
    their pixel size), so they stay sharp on high-density screens. A figure is at most 6.5 in
    wide with at most two panels per row: on a 390 px phone it is shown about 340 px wide, and
    its 11–12 pt labels then still read at about 8–9 CSS px (at 1366 px they match the body
    text). Wider strips of panels shrink their labels below legibility on a phone.
    """
    import matplotlib as mpl
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")
    mpl.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "font.size": 12,
            "axes.titlesize": 12,
            "axes.labelsize": 12,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "legend.fontsize": 11,
            "legend.framealpha": 0.9,
            "figure.constrained_layout.use": True,
            # TeX's star: DejaVu's mathtext \star is a small blob that reads as a dot
            "mathtext.fontset": "cm",
        }
    )


def checked(claim, against):
    """Print the one line a reader sees under a collapsed check: what held, and against what.

    A chapter's verification cells are collapsed (``hide-input``); their visible output is
    this line, printed only after every assertion of the cell has passed, e.g.
    ``checked("f ⋆ g = f̃ * g in 1-, 2- and 3-D", "the exact defining sums")`` prints
    ``✓ f ⋆ g = f̃ * g in 1-, 2- and 3-D — against the exact defining sums``.

    Parameters
    ----------
    claim : str
        What was asserted, as a reader would say it (non-empty).
    against : str
        The independent reference it was compared with (non-empty): the defining sum,
        exact arithmetic, another library with its argument order, a hand computation.
    """
    for name, value in (("claim", claim), ("against", against)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty sentence; got {value!r}")
    print(f"✓ {claim.strip()} — against {against.strip()}")


def integral(expr, *variables):
    """Unevaluated SymPy integral of ``expr`` over the real line in each variable.

    ``integral(h, x, y)`` is ``∫∫ h dx dy`` with the innermost variable first, the order
    SymPy uses for ``Integral(h, (x, -oo, oo), (y, -oo, oo))``.
    """
    import sympy as sp

    if not variables:
        raise ValueError("variables must name at least one integration variable; got none")
    for x in variables:
        if not isinstance(x, sp.Symbol):
            raise TypeError(f"each variable must be a sympy Symbol; got {x!r}")
    return sp.Integral(expr, *[(x, -sp.oo, sp.oo) for x in variables])


def gaussian(var, centre=0, width=1):
    """The unnormalised Gaussian ``G_{μ,σ}(x) = exp(−(x − μ)² / (2σ²))`` as a SymPy Lambda.

    ``var`` is the Lambda's variable, ``centre`` is μ and ``width`` is σ (SymPy numbers or
    symbols; σ must not be zero).
    """
    import sympy as sp

    if not isinstance(var, sp.Symbol):
        raise TypeError(f"var must be a sympy Symbol; got {var!r}")
    if sp.sympify(width).is_zero:
        raise ValueError(f"width must be non-zero; got {width!r}")
    return sp.Lambda(var, sp.exp(-((var - centre) ** 2) / (2 * width**2)))


def _why_tex(words):
    # words in \text{}, $...$ pieces as math (the convention of Derivation justifications)
    pieces = str(words).split("$")
    return " ".join(p if i % 2 else rf"\text{{{p}}}" for i, p in enumerate(pieces) if p)


def stacked(derivation):
    """A derivation laid out for a narrow column: each reason on its own line, under its step.

    Reads only the public ``lhs`` and ``steps`` of a :class:`convcorr.symbolic.Derivation`
    (``step.latex()``, ``step.why``, ``step.note``) and returns an ``IPython.display.Math``
    object whose ``aligned`` block starts with the left-hand side on a line of its own (beside
    the first expression it made the line too wide for a phone), then alternates
    ``= expression`` lines with indented reason lines.
    """
    from IPython.display import Math

    steps = getattr(derivation, "steps", None)
    if not steps or not isinstance(getattr(derivation, "lhs", None), str):
        raise TypeError(f"derivation must be a Derivation with steps; got {derivation!r}")
    lines = [f"&{derivation.lhs}"]
    for step in steps:
        note = "" if step.note is None else rf",\ {step.note}"
        lines.append(rf"&\quad= {step.latex()}")
        lines.append(rf"&\qquad\small{{\color{{gray}}{{{_why_tex(step.why)}{note}}}}}")
    return Math("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}")


_ANIMATION_BUTTONS = {
    "fa fa-minus": "slower",
    "fa fa-fast-backward": "first",
    "fa fa-step-backward": "back",
    "fa fa-play fa-flip-horizontal": "◀ play",
    "fa fa-pause": "pause",
    "fa fa-play": "play ▶",
    "fa fa-step-forward": "next",
    "fa fa-fast-forward": "last",
    "fa fa-plus": "faster",
}


_PNG_FRAME = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)")


def _webp_frame(match, colors):
    # one frame of to_jshtml's player, re-encoded (the player only sets img.src to it)
    import base64
    import io

    from PIL import Image

    png = base64.b64decode(match[1].replace("\\\n", "").replace("\n", ""))
    buffer = io.BytesIO()
    frame = Image.open(io.BytesIO(png)).convert("RGB")
    frame.quantize(colors, dither=Image.Dither.NONE).save(buffer, "WEBP", lossless=True, method=6)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def animation_html(anim, alt, *, dpi=200, display_width=700, colors=64):
    """A matplotlib animation as self-contained HTML that plays offline, for ``display(HTML())``.

    Wraps ``anim.to_jshtml()`` (frames inline, player JavaScript inline) and removes what
    would reach the network or fail a reader: the Font Awesome stylesheet from a CDN (the
    player's icon buttons get words instead), an image without alt text, and a slider without
    a label. Frames are rendered at ``dpi`` and shown at most ``display_width`` px wide, so with
    the defaults a 7 in figure has twice the displayed pixels (sharp on high-density screens).
    Each frame is stored as a lossless WebP of at most ``colors`` colours rather than a PNG
    (plots hold few colours; edges stay exact, unlike JPEG or lossy WebP): chapter 1's eight
    frames at 200 dpi shrink from 0.9 MB to under 0.2 MB of page.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        The animation (its frames are drawn here, once).
    alt : str
        What the animation shows, for readers who cannot see it (non-empty).
    dpi : float, optional
        Resolution of the frames.
    display_width : int, optional
        Largest displayed width of the frames, in CSS pixels.
    colors : int, optional
        Largest number of colours in a frame, 2 to 256.

    Returns
    -------
    str
        The HTML of the player.
    """
    import html as _html

    import matplotlib as mpl

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a sentence saying what the animation shows; got {alt!r}")
    if not 2 <= int(colors) <= 256:
        raise ValueError(f"colors must be between 2 and 256; got {colors!r}")
    with mpl.rc_context({"savefig.dpi": dpi}):
        out = anim.to_jshtml()
    out = _PNG_FRAME.sub(lambda m: _webp_frame(m, int(colors)), out)
    out = re.sub(r"<link[^>]*font-awesome[^>]*>", "", out)
    for icon, word in _ANIMATION_BUTTONS.items():
        out = out.replace(f'<i class="{icon}"></i>', word)
    out = out.replace(
        '<img id="_anim_img',
        f'<img alt="{_html.escape(alt)}" style="width: 100%; max-width: {int(display_width)}px" '
        'id="_anim_img',
    )
    return out.replace('type="range"', 'type="range" aria-label="Frame"')


def tex(expr):
    """LaTeX of a SymPy expression with readable exponentials.

    Like ``sympy.latex``, except that an exponential whose exponent holds a fraction is written
    ``\\exp\\left(...\\right)`` on the baseline instead of ``e^{...}``, so a Gaussian's exponent
    is set at full size rather than as a small superscript.
    """
    import sympy as sp
    from sympy.printing.latex import LatexPrinter

    class _Printer(LatexPrinter):
        def _print_ExpBase(self, e, exp=None):
            arg = self._print(e.args[0])
            text = rf"\exp\left({arg}\right)" if r"\frac" in arg else rf"e^{{{arg}}}"
            return text if exp is None else rf"\left({text}\right)^{{{exp}}}"

    return _Printer().doprint(sp.sympify(expr))
