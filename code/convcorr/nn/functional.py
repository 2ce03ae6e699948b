"""The convolution layer as functions: forward, backward, and loop references.

Arrays are NCHW: ``(batch, channels, height, width)``. Argument order follows
``torch.nn.functional.conv2d(input, weight)``: **input first, kernel second**,
the opposite of :func:`convcorr.convolve` and :func:`convcorr.correlate`, which
take the kernel (template) first. The layer never conjugates its kernel (as
PyTorch), so for complex ``w`` the correlation kind is the book's
``conj(w) ⋆ x``.

Complex gradients follow PyTorch's convention: for a real loss ``L`` the
gradient of a complex array ``z`` is ``∂L/∂Re z + i ∂L/∂Im z = 2 ∂L/∂z̄``
(Wirtinger calculus), which is the ordinary gradient when ``z`` is real. The
backward pass is linear in ``dout``, so feeding ``G = ∂L/∂ȳ`` instead returns
``∂L/∂x̄`` and ``∂L/∂w̄``. Since ``y`` is linear in ``x`` and in ``w``, the
chain rule gives ``∂L/∂x̄ = Σ G conj(w)`` and ``∂L/∂w̄ = Σ G conj(x)``.
"""

from typing import Literal, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from .._checks import check_choice
from ._validate import check_dout, int_pair, numeric

Kind = Literal["correlation", "convolution"]
KINDS = ("correlation", "convolution")

__all__ = [
    "KINDS",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_naive",
    "conv2d_forward",
    "conv2d_naive",
]


# ----------------------------------------------------------------- validation
def out_hw(
    in_hw: tuple[int, ...], k_hw: tuple[int, ...], stride: tuple[int, ...], padding: tuple[int, ...]
) -> tuple[int, ...]:
    """Output size ``(H + 2 p - k) // s + 1`` on each spatial axis."""
    sizes = zip(in_hw, k_hw, stride, padding, strict=True)
    return tuple((n + 2 * p - k) // s + 1 for n, k, s, p in sizes)


def check_input(
    x: ArrayLike, channels: int, k_hw: tuple[int, ...], padding: tuple[int, ...], name: str = "x"
) -> np.ndarray:
    """``x`` as a float (N, C, H, W) array that a kernel of ``k_hw`` fits after padding."""
    x = numeric(x, name, 4)
    if x.shape[1] != channels:
        raise ValueError(
            f"{name} must have {channels} input channels (axis 1, the kernel's axis 1); "
            f"received shape {x.shape}"
        )
    hw = x.shape[2:]
    if any(n + 2 * p < k for n, k, p in zip(hw, k_hw, padding, strict=True)):
        raise ValueError(
            f"the kernel of spatial shape {tuple(k_hw)} does not fit {name} of spatial "
            f"shape {hw} with padding {padding}; each padded side of {name} must be at "
            "least the kernel side"
        )
    return x


def check_conv(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None,
    kind: str,
    stride: int | tuple[int, int],
    padding: int | tuple[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[int, int], tuple[int, int]]:
    """Validate the arguments of :func:`conv2d`; return them normalised."""
    check_choice(kind, "kind", KINDS)
    w = numeric(w, "w", 4)
    if min(w.shape) < 1:
        raise ValueError(f"w must have no empty axis; received shape {w.shape}")
    if b is not None:
        b = numeric(b, "b", 1)
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"b must have shape ({w.shape[0]},), one bias per output channel of w; "
                f"received shape {b.shape}"
            )
    stride = int_pair(stride, "stride", 1)
    padding = int_pair(padding, "padding", 0)
    x = check_input(x, w.shape[1], w.shape[2:], padding)
    return x, w, b, stride, padding


# ------------------------------------------------------------ naive reference
def _tap(kind: str, p: int, i: int, k: int, s: int) -> int:
    """Input row read by output row ``p`` and kernel row ``i``.

    Correlation reads ``x[p*s + i]``; convolution reads ``x[n - i]`` where
    ``n = p*s + k - 1`` is the output's index in full-convolution coordinates.
    """
    return p * s + i if kind == "correlation" else p * s + (k - 1) - i


def _pad(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    ph, pw = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d_naive(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    kind: Kind = "correlation",
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """:func:`conv2d` by explicit loops over every output and kernel tap.

    Slow (``O(N O OH OW C kh kw)`` Python steps); it exists to test the
    vectorized version against a transcription of the definition.
    """
    x, w, b, (sh, sw), padding = check_conv(x, w, b, kind, stride, padding)
    xp = _pad(x, padding)
    n_out, _, kh, kw = w.shape
    oh, ow = out_hw(x.shape[2:], (kh, kw), (sh, sw), padding)
    out = np.zeros((x.shape[0], n_out, oh, ow), np.result_type(x, w))
    for n, o, p, q in np.ndindex(out.shape):
        acc = 0 if b is None else b[o]
        for c, i, j in np.ndindex(w.shape[1:]):
            r, col = _tap(kind, p, i, kh, sh), _tap(kind, q, j, kw, sw)
            acc = acc + w[o, c, i, j] * xp[n, c, r, col]
        out[n, o, p, q] = acc
    return out


def conv2d_backward_naive(
    dout: ArrayLike,
    x: ArrayLike,
    w: ArrayLike,
    *,
    kind: Kind = "correlation",
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dx, dw, db)`` of :func:`conv2d_naive` by explicit loops.

    Each term ``w[o,c,i,j] * xp[n,c,r,col]`` of the forward sum sends
    ``dout[n,o,p,q] * conj(xp[...])`` to ``dw[o,c,i,j]`` and
    ``dout * conj(w[...])`` to ``dx`` at the same ``(r, col)`` (the chain rule
    term by term, in the convention of the module docstring).
    """
    x, w, _, (sh, sw), (ph, pw) = check_conv(x, w, None, kind, stride, padding)
    hw = out_hw(x.shape[2:], w.shape[2:], (sh, sw), (ph, pw))
    dout = check_dout(dout, (x.shape[0], w.shape[0], *hw))
    xp = np.conj(_pad(x, (ph, pw)))
    wc = np.conj(w)
    kh, kw = w.shape[2:]
    dxp = np.zeros(xp.shape, np.result_type(x, w, dout))
    dw = np.zeros(w.shape, dxp.dtype)
    for n, o, p, q in np.ndindex(dout.shape):
        for c, i, j in np.ndindex(w.shape[1:]):
            r, col = _tap(kind, p, i, kh, sh), _tap(kind, q, j, kw, sw)
            dw[o, c, i, j] += dout[n, o, p, q] * xp[n, c, r, col]
            dxp[n, c, r, col] += dout[n, o, p, q] * wc[o, c, i, j]
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))


# ------------------------------------------------------- vectorized (im2col)
# The fast path keeps the padded input in NHWC memory order: each kernel tap
# then reads a block whose channels are contiguous, the patch matrix rows are
# (i, j, c), and the product comes out NHWC, returned as an NCHW-shaped view
# (the next ReLU and pooling keep that memory order, so nothing is copied back).
class ConvCache(NamedTuple):
    """What :func:`conv2d_backward` needs from :func:`conv2d_forward`."""

    cols: np.ndarray  # patch matrix (N*OH*OW, kh*kw*C), columns (i, j, c)
    wmat: np.ndarray  # kernel matrix (O, kh*kw*C)
    x_shape: tuple
    xp_shape: tuple  # padded input, NHWC
    w_shape: tuple
    out_hw: tuple
    stride: tuple
    padding: tuple
    kind: str


def _slab(
    kind: str, i: int, j: int, k_hw: tuple[int, ...], stride: tuple[int, int], hw: tuple[int, ...]
) -> tuple[slice, slice, slice]:
    """Index of the ``(N, OH, OW, C)`` block of the padded NHWC input that
    kernel tap ``(i, j)`` multiplies: rows ``_tap(kind, p, i, kh, sh)`` for
    ``p = 0 .. OH - 1`` (forwards for correlation, ``x[n - m]`` for
    convolution), likewise columns."""
    (kh, kw), (sh, sw), (oh, ow) = k_hw, stride, hw
    r, c = _tap(kind, 0, i, kh, sh), _tap(kind, 0, j, kw, sw)
    return slice(None), slice(r, r + sh * oh, sh), slice(c, c + sw * ow, sw)


def _im2col(
    x: np.ndarray,
    k_hw: tuple[int, ...],
    stride: tuple[int, int],
    padding: tuple[int, int],
    kind: str,
) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """Patch matrix ``(N*OH*OW, kh*kw*C)`` of ``x`` (NCHW) zero-padded.

    One row per output position, columns ordered ``(i, j, c)``.
    """
    (n, c, h, wd), (kh, kw), (ph, pw) = x.shape, k_hw, padding
    xp_shape = (n, h + 2 * ph, wd + 2 * pw, c)
    xp = np.zeros(xp_shape, x.dtype)
    xp[:, ph : ph + h, pw : pw + wd] = x.transpose(0, 2, 3, 1)
    hw = out_hw((h, wd), k_hw, stride, padding)
    if c > 1:
        # one copy of a strided window view: blocks of C contiguous channels stream well
        win = sliding_window_view(xp, k_hw, axis=(1, 2))[:, :: stride[0], :: stride[1]]
        win = win[:, : hw[0], : hw[1]]
        if kind == "convolution":  # tap (i, j) reads x[n - i]: the window backwards
            win = win[..., ::-1, ::-1]
        cols = np.ascontiguousarray(win.transpose(0, 1, 2, 4, 5, 3))
    else:
        # a single channel: one block copy per kernel tap is faster than the window view
        cols = np.empty((n, *hw, kh, kw, c), x.dtype)
        for i, j in np.ndindex(kh, kw):
            cols[:, :, :, i, j] = xp[_slab(kind, i, j, k_hw, stride, hw)]
    return cols.reshape(n * hw[0] * hw[1], kh * kw * c), xp_shape, hw


def _col2im_product(g: np.ndarray, wmat: np.ndarray, cache: ConvCache) -> np.ndarray:
    """Input gradient: the adjoint of :func:`_im2col` applied to ``g @ wmat``.

    One batched product gives each kernel tap's ``(N*OH*OW, C)`` block
    contiguous; each block is added back onto the block of the padded input
    it was read from (overlapping windows accumulate). Returns the unpadded
    input gradient, NHWC.
    """
    (kh, kw), (oh, ow) = cache.w_shape[2:], cache.out_hw
    n, c = cache.xp_shape[0], cache.xp_shape[3]
    parts = np.matmul(g, wmat.reshape(-1, kh * kw, c).transpose(1, 0, 2))
    dxp = np.zeros(cache.xp_shape, parts.dtype)
    for t, (i, j) in enumerate(np.ndindex(kh, kw)):
        block = _slab(cache.kind, i, j, (kh, kw), cache.stride, (oh, ow))
        dxp[block] += parts[t].reshape(n, oh, ow, c)
    (ph, pw), (h, wd) = cache.padding, cache.x_shape[2:]
    return dxp[:, ph : ph + h, pw : pw + wd]


def forward_unchecked(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    kind: str,
    stride: tuple[int, int],
    padding: tuple[int, int],
) -> tuple[np.ndarray, ConvCache]:
    """:func:`conv2d_forward` on arguments that :func:`check_conv` accepted."""
    cols, xp_shape, hw = _im2col(x, w.shape[2:], stride, padding, kind)
    wmat = w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)  # columns (i, j, c)
    out = cols @ wmat.T
    if b is not None:
        out += b
    out = out.reshape(x.shape[0], *hw, w.shape[0]).transpose(0, 3, 1, 2)
    cache = ConvCache(cols, wmat, x.shape, xp_shape, w.shape, hw, stride, padding, kind)
    return out, cache


def conv2d_forward(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    kind: Kind = "correlation",
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, ConvCache]:
    """:func:`conv2d` that also returns the cache for :func:`conv2d_backward`.

    Defined in chapter 11 (The gradient of a correlation is a convolution).

    Returns
    -------
    out : numpy.ndarray
        Shape ``(N, O, OH, OW)`` (an NCHW view of an NHWC product).
    cache : ConvCache
        What the backward pass needs (the patch matrix and the shapes).
    """
    x, w, b, stride, padding = check_conv(x, w, b, kind, stride, padding)
    return forward_unchecked(x, w, b, kind, stride, padding)


def conv2d_backward(
    dout: ArrayLike, cache: ConvCache, need_dx: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d_forward` with respect to ``x``, ``w``, ``b``.

    With ``G = dout`` reshaped to ``(N*OH*OW, O)``: ``dw = G.T @ conj(cols)``,
    ``db = sum(G)``, and ``dx = col2im(G @ conj(wmat))``. For one channel,
    stride 1 and no padding, a correlation layer gets ``dx = convolve(conj(w),
    dout, 'full')`` and ``dw = conj(correlate(dout, x, 'valid'))``; a
    convolution layer ``dx = correlate(w, dout, 'full')`` and ``dw =
    correlate(x, dout, 'valid')`` (:mod:`convcorr` argument order, kernel
    first; ``correlate`` conjugates its first argument). For real arrays every
    conjugate drops out. Complex gradients: see the module docstring.

    Defined in chapter 11 (The gradient of a correlation is a convolution).

    Parameters
    ----------
    dout : array_like, shape (N, O, OH, OW)
        Gradient of the loss with respect to the layer output; exactly the
        output's shape (nothing is broadcast).
    cache : ConvCache
        The second value returned by :func:`conv2d_forward`.
    need_dx : bool
        ``False`` skips the input gradient (the first layer of a network needs none).

    Returns
    -------
    dx, dw, db : numpy.ndarray
        Shapes of ``x``, ``w`` and ``(O,)``; ``dx`` is ``None`` when
        ``need_dx`` is false.
    """
    if not isinstance(cache, ConvCache):
        raise TypeError(
            "cache must be the cache returned by conv2d_forward (a ConvCache); received "
            f"{type(cache).__name__}"
        )
    x_shape, w_shape = cache.x_shape, cache.w_shape
    dout = check_dout(dout, (x_shape[0], w_shape[0], *cache.out_hw))
    g = dout.transpose(0, 2, 3, 1).reshape(-1, w_shape[0])
    complex_ = np.iscomplexobj(cache.cols) or np.iscomplexobj(cache.wmat)
    cols = np.conj(cache.cols) if complex_ else cache.cols
    o, c, kh, kw = w_shape
    dw = (g.T @ cols).reshape(o, kh, kw, c).transpose(0, 3, 1, 2).copy()
    # a product with ones streams; g.sum(axis=0) over short rows is several times slower
    db = np.ones(len(g), g.dtype) @ g
    if not need_dx:
        return None, dw, db
    wmat = np.conj(cache.wmat) if complex_ else cache.wmat
    return _col2im_product(g, wmat, cache).transpose(0, 3, 1, 2), dw, db


def conv2d(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    kind: Kind = "correlation",
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """Multi-channel 2-D correlation or convolution layer, NCHW.

    .. math::

        y[n, o, p, q] = b[o] + \\sum_{c, i, j} w[o, c, i, j]\\,
        x_{pad}[n, c, p s + i, q s + j]   \\quad\\text{(correlation)}

        y[n, o, p, q] = b[o] + \\sum_{c, i, j} w[o, c, i, j]\\,
        x_{pad}[n, c, p s + k_h - 1 - i, q s + k_w - 1 - j]
        \\quad\\text{(convolution)}

    for ``p = 0 .. OH - 1`` and ``q = 0 .. OW - 1``.

    Argument order: **input first, kernel second**, as
    ``torch.nn.functional.conv2d(input, weight)``. This is the opposite of
    ``convcorr.convolve(f, g)`` and ``convcorr.correlate(f, g)``, whose first
    argument is the kernel: ``conv2d(x[None, None], w[None, None])[0, 0]``
    equals ``correlate(conj(w), x, 'valid')``.

    Defined in chapter 11 (The gradient of a correlation is a convolution).

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
        The input; integers and booleans are computed in float64. ``N = 0``
        gives an empty output.
    w : array_like, shape (O, C, kh, kw)
        The kernels; not conjugated, as in PyTorch.
    b : array_like, shape (O,), optional
    kind : {'correlation', 'convolution'}
        ``'correlation'`` equals ``torch.nn.functional.conv2d(x, w, b,
        stride, padding)``; ``'convolution'`` equals it with ``w`` rotated
        by 180° in its two spatial axes (``w[..., ::-1, ::-1]``).
    stride : int or (int, int), >= 1
    padding : int or (int, int), >= 0
        Zeros added on both sides of each spatial axis.

    Returns
    -------
    numpy.ndarray, shape (N, O, OH, OW)
        ``OH = (H + 2 ph - kh) // sh + 1``, likewise ``OW``.

    Raises
    ------
    ValueError
        Wrong number of dimensions, channel or bias mismatch, unknown
        ``kind``, bad ``stride`` or ``padding``, kernel larger than the
        padded input, an empty kernel.
    TypeError
        Non-numeric dtype.
    """
    return conv2d_forward(x, w, b, kind=kind, stride=stride, padding=padding)[0]
