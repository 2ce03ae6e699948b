"""A tiny convolutional network in NumPy: layers with explicit backward passes.

Arrays are NCHW: ``(batch, channels, height, width)``. Every layer has
``forward(x) -> (out, cache)`` and ``backward(dout, cache) -> (dx, grads)``,
where ``grads`` maps each parameter name to its gradient.

The convolution layer comes in two kinds, with the book's definitions:

* ``kind="correlation"`` (what deep-learning libraries call convolution):
  ``y[o, p, q] = b[o] + sum_{c,i,j} w[o, c, i, j] x[c, p*s + i, q*s + j]``;
* ``kind="convolution"``: ``y[o, p, q] = b[o] + sum_{c,i,j} w[o, c, i, j]
  x[c, n1 - i, n2 - j]`` with ``(n1, n2) = (p*s + kh - 1, q*s + kw - 1)``,
  the convolution sum ``sum_m w[m] x[n - m]`` at the outputs that need no
  padding beyond ``padding``.

Neither kind conjugates ``w`` (as PyTorch), so for complex weights the
"correlation" kind is the book's ``conj(w) ⋆ x``. The convolution kind has
its own index map (patches read backwards); it never rotates its kernel and
calls the correlation code, so that the two kinds can be compared honestly.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_choice

KINDS = ("correlation", "convolution")

__all__ = [
    "KINDS",
    "SGD",
    "Conv2D",
    "Dense",
    "Flatten",
    "MaxPool2D",
    "ReLU",
    "Sequential",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_naive",
    "conv2d_forward",
    "conv2d_naive",
    "digits_cnn",
    "mse_loss",
    "numerical_gradient",
    "relative_error",
    "softmax_cross_entropy",
]


# ----------------------------------------------------------------- validation
def _pair(value, name, minimum):
    """Return ``value`` as a pair of ints ``>= minimum`` (an int means both)."""
    items = value if isinstance(value, (tuple, list)) else (value, value)
    ok = len(items) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    )
    if not ok or min(items) < minimum:
        raise ValueError(
            f"{name} must be an integer >= {minimum} or a pair of them; "
            f"received {value!r}"
        )
    return int(items[0]), int(items[1])


def _numeric(a, name, ndim):
    arr = np.asarray(a)
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"{name} must have a numeric dtype; received dtype {arr.dtype}"
        )
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D; received shape {arr.shape}"
        )
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    return arr


def _check_conv(x, w, b, kind, stride, padding):
    """Validate the arguments of :func:`conv2d`; return them normalised."""
    check_choice(kind, "kind", KINDS)
    x = _numeric(x, "x", 4)
    w = _numeric(w, "w", 4)
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            "x and w must have the same number of input channels (axis 1); "
            f"received x.shape={x.shape} and w.shape={w.shape}"
        )
    if b is not None:
        b = _numeric(b, "b", 1)
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"b must have shape ({w.shape[0]},), one bias per output "
                f"channel of w; received shape {b.shape}"
            )
    stride = _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    out_hw = _out_hw(x.shape[2:], w.shape[2:], stride, padding)
    if min(out_hw) < 1 or min(w.shape) < 1 or min(x.shape) < 1:
        raise ValueError(
            f"the kernel of spatial shape {w.shape[2:]} does not fit the "
            f"input of spatial shape {x.shape[2:]} with padding {padding}; "
            "each padded input side must be at least the kernel side"
        )
    return x, w, b, stride, padding


def _check_dout(dout, shape):
    """Return ``dout`` as an array, raising unless it has the output's shape."""
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(
            f"dout must have the layer output's shape {shape}; received "
            f"shape {dout.shape}"
        )
    return dout


def _out_hw(in_hw, k_hw, stride, padding):
    """Output size ``(H + 2 p - k) // s + 1`` on each spatial axis."""
    sizes = zip(in_hw, k_hw, stride, padding, strict=True)
    return tuple((n + 2 * p - k) // s + 1 for n, k, s, p in sizes)


def _pad(x, padding):
    ph, pw = padding
    if ph == pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


# ------------------------------------------------------------ naive reference
def _tap(kind, p, i, k, s):
    """Input row read by output row ``p`` and kernel row ``i``.

    Correlation reads ``x[p*s + i]``; convolution reads ``x[n - i]`` where
    ``n = p*s + k - 1`` is the output's index in full-convolution coordinates.
    """
    return p * s + i if kind == "correlation" else p * s + (k - 1) - i


def conv2d_naive(x, w, b=None, *, kind="correlation", stride=1, padding=0):
    """:func:`conv2d` by explicit loops over every output and kernel tap.

    Slow (``O(N O OH OW C kh kw)`` Python steps); it exists to test the
    vectorized version against a transcription of the definition.
    """
    x, w, b, (sh, sw), padding = _check_conv(x, w, b, kind, stride, padding)
    xp = _pad(x, padding)
    n_out, _, kh, kw = w.shape
    oh, ow = _out_hw(x.shape[2:], (kh, kw), (sh, sw), padding)
    out = np.zeros((x.shape[0], n_out, oh, ow), np.result_type(x, w))
    for n, o, p, q in np.ndindex(out.shape):
        acc = 0 if b is None else b[o]
        for c, i, j in np.ndindex(w.shape[1:]):
            r, col = _tap(kind, p, i, kh, sh), _tap(kind, q, j, kw, sw)
            acc = acc + w[o, c, i, j] * xp[n, c, r, col]
        out[n, o, p, q] = acc
    return out


def conv2d_backward_naive(dout, x, w, *, kind="correlation", stride=1, padding=0):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d_naive` by explicit loops.

    Each term ``w[o,c,i,j] * xp[n,c,r,col]`` of the forward sum sends
    ``dout[n,o,p,q] * xp[...]`` to ``dw[o,c,i,j]`` and ``dout * w[...]`` to
    ``dx`` at the same ``(r, col)`` (the chain rule, term by term).
    """
    x, w, _, (sh, sw), (ph, pw) = _check_conv(x, w, None, kind, stride, padding)
    out_hw = _out_hw(x.shape[2:], w.shape[2:], (sh, sw), (ph, pw))
    dout = _check_dout(dout, (x.shape[0], w.shape[0], *out_hw))
    xp = _pad(x, (ph, pw))
    kh, kw = w.shape[2:]
    dxp = np.zeros(xp.shape, np.result_type(x, w, dout))
    dw = np.zeros(w.shape, dxp.dtype)
    for n, o, p, q in np.ndindex(dout.shape):
        for c, i, j in np.ndindex(w.shape[1:]):
            r, col = _tap(kind, p, i, kh, sh), _tap(kind, q, j, kw, sw)
            dw[o, c, i, j] += dout[n, o, p, q] * xp[n, c, r, col]
            dxp[n, c, r, col] += dout[n, o, p, q] * w[o, c, i, j]
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))


# ------------------------------------------------------- vectorized (im2col)
# The fast path keeps the padded input in NHWC memory order: each kernel tap
# then reads a block whose channels are contiguous, the patch matrix rows are
# (i, j, c), and the product comes out NHWC, returned as an NCHW-shaped view.
def _pad_nhwc(x, padding):
    """Zero-padded copy of ``x`` (NCHW) with shape ``(N, H + 2ph, W + 2pw, C)``."""
    (ph, pw), (n, c, h, w) = padding, x.shape
    xp = np.zeros((n, h + 2 * ph, w + 2 * pw, c), x.dtype)
    xp[:, ph : ph + h, pw : pw + w] = x.transpose(0, 2, 3, 1)
    return xp


def _slab(kind, i, j, k_hw, stride, out_hw):
    """Index of the ``(N, OH, OW, C)`` block of the padded NHWC input that
    kernel tap ``(i, j)`` multiplies: rows ``_tap(kind, p, i, kh, sh)`` for
    ``p = 0 .. OH - 1`` (forwards for correlation, ``x[n - m]`` for
    convolution), likewise columns."""
    (kh, kw), (sh, sw), (oh, ow) = k_hw, stride, out_hw
    r, c = _tap(kind, 0, i, kh, sh), _tap(kind, 0, j, kw, sw)
    return slice(None), slice(r, r + sh * oh, sh), slice(c, c + sw * ow, sw)


def _im2col(xp, k_hw, stride, kind):
    """Patch matrix ``(N*OH*OW, kh*kw*C)``: one row per output position,
    columns ordered ``(i, j, c)``; built by one block copy per kernel tap."""
    n, hp, wp, c = xp.shape
    (kh, kw), (sh, sw) = k_hw, stride
    out_hw = ((hp - kh) // sh + 1, (wp - kw) // sw + 1)
    cols = np.empty((n, *out_hw, kh, kw, c), xp.dtype)
    for i, j in np.ndindex(kh, kw):
        cols[:, :, :, i, j] = xp[_slab(kind, i, j, k_hw, stride, out_hw)]
    return cols.reshape(n * out_hw[0] * out_hw[1], -1), out_hw


def _col2im(g, wmat, xp_shape, k_hw, out_hw, stride, kind):
    """Input gradient ``sum_taps slab += g @ w_tap``: the adjoint of
    :func:`_im2col` applied to ``g @ wmat``, one small product per tap.

    Overlapping windows accumulate; tap ``(i, j)`` lands on the same block
    it was read from in the forward pass.
    """
    (kh, kw), (oh, ow) = k_hw, out_hw
    n, c = xp_shape[0], xp_shape[3]
    w4 = wmat.reshape(-1, kh, kw, c)
    dxp = np.zeros(xp_shape, np.result_type(g, wmat))
    for i, j in np.ndindex(kh, kw):
        part = (g @ w4[:, i, j]).reshape(n, oh, ow, c)
        dxp[_slab(kind, i, j, k_hw, stride, out_hw)] += part
    return dxp


def conv2d_forward(x, w, b=None, *, kind="correlation", stride=1, padding=0):
    """:func:`conv2d` that also returns the cache for :func:`conv2d_backward`.

    Returns
    -------
    out : numpy.ndarray
        Shape ``(N, O, OH, OW)`` (an NCHW view of an NHWC product).
    cache : tuple
        What the backward pass needs (the patch matrix and the shapes).
    """
    x, w, b, stride, padding = _check_conv(x, w, b, kind, stride, padding)
    xp = _pad_nhwc(x, padding)
    cols, out_hw = _im2col(xp, w.shape[2:], stride, kind)
    wmat = w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)  # columns (i, j, c)
    out = cols @ wmat.T
    if b is not None:
        out += b
    out = out.reshape(x.shape[0], *out_hw, w.shape[0]).transpose(0, 3, 1, 2)
    cache = (cols, wmat, x.shape, xp.shape, w.shape, out_hw, stride, padding, kind)
    return out, cache


def conv2d_backward(dout, cache, need_dx=True):
    """Gradients of :func:`conv2d_forward` with respect to ``x``, ``w``, ``b``.

    With ``G = dout`` reshaped to ``(N*OH*OW, O)``: ``dw = G.T @ cols``,
    ``db = sum(G)``, and ``dx = col2im(G @ wmat)``. For one channel, stride
    1 and no padding, a correlation layer gets ``dx = convolve(w, dout,
    'full')`` and ``dw = correlate(dout, x, 'valid')``; a convolution layer
    ``dx = correlate(w, dout, 'full')`` and ``dw = correlate(x, dout,
    'valid')`` (:mod:`convcorr` argument order, kernel first).

    Returns
    -------
    dx, dw, db : numpy.ndarray
        Shapes of ``x``, ``w`` and ``(O,)``; ``dx`` is ``None`` when
        ``need_dx`` is false (the first layer of a network needs none).
    """
    cols, wmat, x_shape, xp_shape, w_shape, out_hw, stride, padding, kind = cache
    dout = _check_dout(dout, (x_shape[0], w_shape[0], *out_hw))
    g = dout.transpose(0, 2, 3, 1).reshape(-1, w_shape[0])
    o, c, kh, kw = w_shape
    dw = (g.T @ cols).reshape(o, kh, kw, c).transpose(0, 3, 1, 2).copy()
    db = g.sum(axis=0)
    if not need_dx:
        return None, dw, db
    dxp = _col2im(g, wmat, xp_shape, w_shape[2:], out_hw, stride, kind)
    (ph, pw), (h, wd) = padding, x_shape[2:]
    return dxp[:, ph : ph + h, pw : pw + wd].transpose(0, 3, 1, 2), dw, db


def conv2d(x, w, b=None, *, kind="correlation", stride=1, padding=0):
    """Multi-channel 2-D correlation or convolution layer, NCHW.

    .. math::

        y[n, o, p, q] = b[o] + \\sum_{c, i, j} w[o, c, i, j]\\,
        x_{pad}[n, c, p s + i, q s + j]   \\quad\\text{(correlation)}

        y[n, o, p, q] = b[o] + \\sum_{c, i, j} w[o, c, i, j]\\,
        x_{pad}[n, c, p s + k_h - 1 - i, q s + k_w - 1 - j]
        \\quad\\text{(convolution)}

    for ``p = 0 .. OH - 1`` and ``q = 0 .. OW - 1``.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    w : array_like, shape (O, C, kh, kw)
        Not conjugated, as in PyTorch.
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
        padded input.
    TypeError
        Non-numeric dtype.
    """
    return conv2d_forward(x, w, b, kind=kind, stride=stride, padding=padding)[0]


# --------------------------------------------------------------------- layers
def _he(rng, shape, fan_in, dtype):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


class Conv2D:
    """Correlation or convolution layer with parameters ``w`` (O, C, kh, kw) and ``b`` (O,).

    He-normal initial weights from ``rng``, zero biases. See :func:`conv2d`
    for the two kinds and the output shape.
    """

    def __init__(self, in_channels, out_channels, kernel_size, *,
                 kind="correlation", stride=1, padding=0, rng=None,
                 dtype=np.float64):
        check_choice(kind, "kind", KINDS)
        kh, kw = _pair(kernel_size, "kernel_size", 1)
        rng = np.random.default_rng(0) if rng is None else rng
        shape = (out_channels, in_channels, kh, kw)
        self.params = {
            "w": _he(rng, shape, in_channels * kh * kw, dtype),
            "b": np.zeros(out_channels, dtype),
        }
        self.kind = kind
        self.stride = _pair(stride, "stride", 1)
        self.padding = _pair(padding, "padding", 0)

    def forward(self, x):
        """Return ``(conv2d(x, w, b, ...), cache)``."""
        p = self.params
        return conv2d_forward(x, p["w"], p["b"], kind=self.kind,
                              stride=self.stride, padding=self.padding)

    def backward(self, dout, cache, need_dx=True):
        """Return ``(dx, {"w": dw, "b": db})``."""
        dx, dw, db = conv2d_backward(dout, cache, need_dx)
        return dx, {"w": dw, "b": db}


class ReLU:
    """``max(x, 0)`` elementwise; the gradient passes where ``x > 0``."""

    def __init__(self):
        self.params = {}

    def forward(self, x):
        """Return ``(max(x, 0), max(x, 0))``: the output is its own cache."""
        out = np.maximum(x, 0)
        return out, out

    def backward(self, dout, cache):
        """Return ``(dout * (out > 0), {})``."""
        return dout * (cache > 0), {}


class MaxPool2D:
    """Maximum over ``size x size`` windows moved by ``stride`` (default size).

    Output side ``(H - size) // stride + 1``. The gradient goes to the first
    maximum of each window (row-major order), as PyTorch does.
    """

    def __init__(self, size=2, stride=None):
        self.params = {}
        self.size = _pair(size, "size", 1)
        self.stride = self.size if stride is None else _pair(stride, "stride", 1)

    def _taps(self, shape):
        """Slices picking, for each window tap, its sample in every window."""
        (kh, kw), (sh, sw) = self.size, self.stride
        oh, ow = (shape[2] - kh) // sh + 1, (shape[3] - kw) // sw + 1
        if min(oh, ow) < 1:
            raise ValueError(
                f"the pooling window {self.size} does not fit the input of "
                f"spatial shape {shape[2:]}"
            )
        return [
            (..., slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw))
            for i, j in np.ndindex(kh, kw)
        ]

    def forward(self, x):
        """Return ``(pooled, cache)``, pooled of shape ``(N, C, OH, OW)``."""
        taps = self._taps(x.shape)
        # order="K" keeps x's memory layout, so that the loops below stream.
        out = x[taps[0]].copy(order="K")
        for tap in taps[1:]:
            np.maximum(out, x[tap], out=out)
        return out, (x, out)

    def backward(self, dout, cache):
        """Route each ``dout`` to the input that was the window's maximum.

        Taps are visited in row-major order and a tap takes the gradient only
        where no earlier tap already matched the maximum: ties go to the first.
        """
        x, out = cache
        # Work in out's memory layout: ufuncs over mixed layouts crawl.
        d = np.empty_like(out, dtype=np.result_type(out, dout))
        d[...] = dout
        dx = np.zeros_like(x, dtype=d.dtype)
        taken = np.zeros_like(out, dtype=bool)
        first = np.empty_like(taken)
        overlap = any(s < k for s, k in zip(self.stride, self.size, strict=True))
        for tap in self._taps(x.shape):
            np.equal(x[tap], out, out=first)
            np.greater(first, taken, out=first)  # equal and not yet taken
            taken |= first
            if overlap:
                dx[tap] += d * first
            else:  # each input sample belongs to one window: no sum needed
                np.multiply(d, first, out=dx[tap])
        return dx, {}


class Flatten:
    """Reshape ``(N, ...)`` to ``(N, prod(...))``."""

    def __init__(self):
        self.params = {}

    def forward(self, x):
        """Return ``(x.reshape(N, -1), x.shape)``."""
        return x.reshape(x.shape[0], -1), x.shape

    def backward(self, dout, cache):
        """Reshape the gradient back to the input shape."""
        return dout.reshape(cache), {}


class Dense:
    """Affine layer ``y = x @ w.T + b``, ``w`` of shape (out, in) as PyTorch."""

    def __init__(self, in_features, out_features, *, rng=None, dtype=np.float64):
        rng = np.random.default_rng(0) if rng is None else rng
        self.params = {
            "w": _he(rng, (out_features, in_features), in_features, dtype),
            "b": np.zeros(out_features, dtype),
        }

    def forward(self, x):
        """Return ``(x @ w.T + b, x)``."""
        return x @ self.params["w"].T + self.params["b"], x

    def backward(self, dout, cache):
        """Return ``(dout @ w, {"w": dout.T @ x, "b": sum(dout)})``."""
        grads = {"w": dout.T @ cache, "b": dout.sum(axis=0)}
        return dout @ self.params["w"], grads


# --------------------------------------------------------------------- losses
def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of ``softmax(logits)`` and integer ``labels``.

    ``L = -(1/N) sum_n log softmax(z_n)[y_n]``; its gradient is
    ``(softmax(z) - onehot(y)) / N``.

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray, shape (N, K)
    """
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    if logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise ValueError(
            "logits must be (N, K) and labels (N,); received shapes "
            f"{logits.shape} and {labels.shape}"
        )
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    n = len(labels)
    grad = np.exp(logp)
    grad[rows, labels] -= 1
    return -logp[rows, labels].sum() / n, grad / n


def mse_loss(pred, target):
    """Mean squared error ``L = mean((pred - target)**2) / 2`` and its gradient.

    Returns
    -------
    loss : float
    dpred : numpy.ndarray, ``(pred - target) / pred.size``
    """
    diff = np.asarray(pred) - np.asarray(target)
    return 0.5 * np.mean(diff**2), diff / diff.size


# ------------------------------------------------------------ model, optimizer
class Sequential:
    """Layers applied in order; ``params`` and ``grads`` are lists of dicts."""

    def __init__(self, layers):
        self.layers = list(layers)

    @property
    def params(self):
        """One parameter dict per layer (the layers' own arrays, not copies)."""
        return [layer.params for layer in self.layers]

    def forward(self, x):
        """Return ``(output, caches)``."""
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x)
            caches.append(cache)
        return x, caches

    def backward(self, dout, caches):
        """Return one gradient dict per layer; skips the input's gradient."""
        grads = [None] * len(self.layers)
        for k in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[k]
            if k == 0 and isinstance(layer, Conv2D):
                dout, grads[k] = layer.backward(dout, caches[k], need_dx=False)
            else:
                dout, grads[k] = layer.backward(dout, caches[k])
        return grads

    def train_step(self, x, y, optimizer):
        """One SGD step on the batch ``(x, y)``; return the loss before it."""
        logits, caches = self.forward(x)
        loss, dlogits = softmax_cross_entropy(logits, y)
        optimizer.step(self.params, self.backward(dlogits, caches))
        return loss

    def predict(self, x):
        """Class with the largest logit for each sample."""
        return self.forward(x)[0].argmax(axis=1)


class SGD:
    """Stochastic gradient descent, with PyTorch's momentum rule.

    ``v <- momentum * v + g``, ``p <- p - lr * v`` (``v = g`` at the first
    step), updating the parameter arrays in place.
    """

    def __init__(self, lr=0.1, momentum=0.0):
        if not lr > 0:
            raise ValueError(f"lr must be positive; received {lr!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); received {momentum!r}")
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def step(self, params, grads):
        """Update every array of ``params`` with the matching ``grads``."""
        for k, (p_dict, g_dict) in enumerate(zip(params, grads, strict=True)):
            for name, g in g_dict.items():
                if self.momentum:
                    v = self.velocity.get((k, name))
                    v = g.copy() if v is None else v * self.momentum + g
                    self.velocity[(k, name)] = v
                    g = v
                p_dict[name] -= self.lr * g


def digits_cnn(kind="correlation", *, channels=(16, 32), rng=None,
               dtype=np.float64):
    """The book's CNN for 8x8 digit images, 10 classes.

    ``Conv(1->c1, 3x3, pad 1) - ReLU - MaxPool 2 - Conv(c1->c2, 3x3, pad 1)
    - ReLU - MaxPool 2 - Flatten - Dense(4*c2 -> 10)``; both convolutions of
    the given ``kind``.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    c1, c2 = channels
    return Sequential([
        Conv2D(1, c1, 3, kind=kind, padding=1, rng=rng, dtype=dtype),
        ReLU(),
        MaxPool2D(2),
        Conv2D(c1, c2, 3, kind=kind, padding=1, rng=rng, dtype=dtype),
        ReLU(),
        MaxPool2D(2),
        Flatten(),
        Dense(4 * c2, 10, rng=rng, dtype=dtype),
    ])


# ---------------------------------------------------------- gradient checking
def numerical_gradient(f, x, eps=1e-6):
    """Centered differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    ``f`` maps the array ``x`` (modified in place and restored) to a scalar;
    the result has ``x``'s shape. Error ``O(eps**2)`` for smooth ``f``.
    """
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f(x)
        x[idx] = old - eps
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b):
    """``max|a - b| / max(max|a|, max|b|, tiny)``: one number per pair."""
    a, b = np.asarray(a), np.asarray(b)
    scale = max(np.abs(a).max(), np.abs(b).max(), np.finfo(float).tiny)
    return float(np.abs(a - b).max() / scale)
