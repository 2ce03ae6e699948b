"""Layers with explicit backward passes, and the sequential model.

Every layer derives from :class:`Layer`: it holds its trainable arrays in the
dict ``params`` and has ``forward(x) -> (out, cache)`` and
``backward(dout, cache, need_dx=True) -> (dx, grads)``, where ``grads`` maps
each parameter name to its gradient and ``dx`` is ``None`` when ``need_dx`` is
false. Every ``backward`` requires ``dout`` of exactly the output's shape.
"""

from collections.abc import Iterable
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .._checks import check_choice
from . import functional as F
from ._validate import (
    check_dout,
    check_rng,
    int_pair,
    numeric,
    param_dtype,
    positive_int,
    real,
)
from .losses import softmax_cross_entropy

__all__ = [
    "Conv2D",
    "Dense",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "Sequential",
    "digits_cnn",
]


class Optimizer(Protocol):
    """What :meth:`Sequential.train_step` needs of an optimiser, as :class:`~convcorr.nn.SGD`."""

    def step(self, params: list[dict], grads: list[dict]) -> None:
        """Update every ``params[k][name]`` in place from ``grads[k][name]``."""


def _check_cache(ok: bool, layer: str, cache: object) -> None:
    """Raise a ``TypeError`` unless ``ok``: a cache must come from the layer's own forward."""
    if not ok:
        raise TypeError(
            f"cache must be the second value returned by {layer}.forward; received "
            f"{type(cache).__name__}"
        )


def _he(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, dtype: np.dtype
) -> np.ndarray:
    # drawn in float64 and cast, so that a float32 and a float64 layer start alike
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


class Layer:
    """Base class: no parameters, identity ``forward``; subclasses override both passes."""

    params: dict

    def __init__(self) -> None:
        self.params = {}

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(out, cache)``; the cache is what ``backward`` needs."""
        raise NotImplementedError

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Return ``(dx, grads)``: the input gradient and one gradient per parameter."""
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Conv2D(Layer):
    """Correlation or convolution layer with parameters ``w`` (O, C, kh, kw) and ``b`` (O,).

    He-normal initial weights from ``rng``, zero biases, in ``dtype`` (a
    floating or complex dtype). See :func:`convcorr.nn.conv2d` for the two
    kinds and the output shape.

    Defined in chapter 12 (Training with convolution or with cross-correlation).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        *,
        kind: F.Kind = "correlation",
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        self.kind = check_choice(kind, "kind", F.KINDS)
        cin = positive_int(in_channels, "in_channels")
        cout = positive_int(out_channels, "out_channels")
        kh, kw = int_pair(kernel_size, "kernel_size", 1)
        dtype, rng = param_dtype(dtype), check_rng(rng)
        self.params["w"] = _he(rng, (cout, cin, kh, kw), cin * kh * kw, dtype)
        self.params["b"] = np.zeros(cout, dtype)
        self.stride = int_pair(stride, "stride", 1)
        self.padding = int_pair(padding, "padding", 0)

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(conv2d(x, w, b, ...), cache)``."""
        w = self.params["w"]
        x = F.check_input(x, w.shape[1], w.shape[2:], self.padding)
        return F.forward_unchecked(x, w, self.params["b"], self.kind, self.stride, self.padding)

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Return ``(dx, {"w": dw, "b": db})``."""
        dx, dw, db = F.conv2d_backward(dout, cache, need_dx)
        return dx, {"w": dw, "b": db}


class ReLU(Layer):
    """``max(x, 0)`` elementwise on real input; the gradient passes where ``x > 0``."""

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(max(x, 0), max(x, 0))``: the output is its own cache."""
        out = np.maximum(real(x, "x"), 0)
        return out, out

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Return ``(dout * (out > 0), {})``."""
        _check_cache(isinstance(cache, np.ndarray), "ReLU", cache)
        dout = check_dout(dout, cache.shape)
        return (dout * (cache > 0) if need_dx else None), {}


def _route_to_last_nan(
    dx: np.ndarray, x: np.ndarray, pending: np.ndarray, d: np.ndarray, taps: list[tuple]
) -> None:
    """Add the gradient of each ``pending`` (NaN) window to its last NaN tap, in place."""
    for tap in reversed(taps):
        hit = pending & np.isnan(x[tap])
        # where=, not d * hit: 0 * inf elsewhere would be NaN
        np.add(dx[tap], d, out=dx[tap], where=hit)
        pending &= ~hit


class MaxPool2D(Layer):
    """Maximum over ``size x size`` windows moved by ``stride`` (default size), real NCHW.

    Output side ``(H - size) // stride + 1``. The gradient goes to the first
    maximum of each window (row-major order), as PyTorch does. A window
    holding a NaN pools to NaN and passes its gradient to its last NaN in
    row-major order, as PyTorch does too (each NaN it meets becomes the new
    maximum), so that the NaN stays visible in the gradient instead of
    vanishing.
    """

    def __init__(
        self, size: int | tuple[int, int] = 2, stride: int | tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self.size = int_pair(size, "size", 1)
        self.stride = self.size if stride is None else int_pair(stride, "stride", 1)

    def _taps(self, shape: tuple[int, ...]) -> list[tuple]:
        """Slices picking, for each window tap, its sample in every window."""
        (kh, kw), (sh, sw) = self.size, self.stride
        oh, ow = (shape[2] - kh) // sh + 1, (shape[3] - kw) // sw + 1
        return [
            (..., slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw))
            for i, j in np.ndindex(kh, kw)
        ]

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(pooled, cache)``, pooled of shape ``(N, C, OH, OW)``."""
        x = real(x, "x", 4)
        if x.shape[2] < self.size[0] or x.shape[3] < self.size[1]:
            raise ValueError(
                f"the pooling window {self.size} does not fit x of spatial shape "
                f"{x.shape[2:]}; each side of x must be at least the window side"
            )
        taps = self._taps(x.shape)
        # order="K" keeps x's memory layout, so that the loops below stream.
        out = x[taps[0]].copy(order="K")
        for tap in taps[1:]:
            np.maximum(out, x[tap], out=out)
        return out, (x, out)

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Route each ``dout`` to the input that was the window's maximum.

        Taps are visited in row-major order and a tap takes the gradient only
        where no earlier tap already matched the maximum: ties go to the first.
        A NaN window's gradient goes to its last NaN.
        """
        _check_cache(isinstance(cache, tuple) and len(cache) == 2, "MaxPool2D", cache)
        x, out = cache
        dout = check_dout(dout, out.shape)
        if not need_dx:
            return None, {}
        # Work in out's memory layout: ufuncs over mixed layouts crawl.
        d = np.empty_like(out, dtype=np.result_type(out, dout))
        d[...] = dout
        taps = self._taps(x.shape)
        overlap = any(s < k for s, k in zip(self.stride, self.size, strict=True))
        oh, ow = out.shape[2:]
        tiled = (oh * self.stride[0], ow * self.stride[1]) == x.shape[2:]
        # every input sample is written below when the windows tile x without overlap
        dx = (
            np.empty_like(x, dtype=d.dtype)
            if tiled and not overlap
            else np.zeros_like(x, dtype=d.dtype)
        )
        first = np.empty_like(out, dtype=bool)
        taken = np.empty_like(first)
        for t, tap in enumerate(taps):
            np.equal(x[tap], out, out=first)
            if t:
                np.greater(first, taken, out=first)  # equal and not yet taken
            if t == 0:
                taken[...] = first
            elif t < len(taps) - 1:
                taken |= first
            if overlap:
                dx[tap] += d * first
            else:  # each input sample belongs to one window: no sum needed
                np.multiply(d, first, out=dx[tap])
        # every window's maximum is one of its taps, except a NaN window's
        # (NaN == NaN is False): the windows no tap matched hold a NaN
        matched = np.logical_or(taken, first, out=taken)
        if not matched.all():
            _route_to_last_nan(dx, x, ~matched, d, taps)
        return dx, {}


class Flatten(Layer):
    """Reshape ``(N, ...)`` to ``(N, prod(...))``."""

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(x.reshape(N, -1), x.shape)``."""
        x = numeric(x, "x")
        if x.ndim < 1:
            raise ValueError(
                f"x must have a batch axis (at least 1-D); received a {x.ndim}-D array"
            )
        return x.reshape(x.shape[0], int(np.prod(x.shape[1:], dtype=np.int64))), x.shape

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Reshape the gradient back to the input shape."""
        _check_cache(isinstance(cache, tuple) and len(cache) >= 1, "Flatten", cache)
        n = cache[0]
        dout = check_dout(dout, (n, int(np.prod(cache[1:], dtype=np.int64))))
        return dout.reshape(cache), {}


class Dense(Layer):
    """Affine layer ``y = x @ w.T + b``, ``w`` of shape (out, in) as PyTorch.

    For complex arrays the gradients carry conjugates (``dx = dout @ conj(w)``,
    ``dw = dout.T @ conj(x)``), in the convention of :mod:`convcorr.nn.functional`.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: np.random.Generator | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        n_in = positive_int(in_features, "in_features")
        n_out = positive_int(out_features, "out_features")
        dtype, rng = param_dtype(dtype), check_rng(rng)
        self.params["w"] = _he(rng, (n_out, n_in), n_in, dtype)
        self.params["b"] = np.zeros(n_out, dtype)

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, object]:
        """Return ``(x @ w.T + b, x)``."""
        x = numeric(x, "x", 2)
        n_in = self.params["w"].shape[1]
        if x.shape[1] != n_in:
            raise ValueError(
                f"x must have {n_in} features (axis 1, the in_features of this layer); "
                f"received shape {x.shape}"
            )
        return x @ self.params["w"].T + self.params["b"], x

    def backward(
        self, dout: ArrayLike, cache: object, need_dx: bool = True
    ) -> tuple[np.ndarray | None, dict]:
        """Return ``(dout @ conj(w), {"w": dout.T @ conj(x), "b": sum(dout)})``."""
        w = self.params["w"]
        _check_cache(isinstance(cache, np.ndarray) and cache.ndim == 2, "Dense", cache)
        dout = check_dout(dout, (cache.shape[0], w.shape[0]))
        if np.iscomplexobj(cache) or np.iscomplexobj(w):
            cache, w = np.conj(cache), np.conj(w)
        grads = {"w": dout.T @ cache, "b": dout.sum(axis=0)}
        return (dout @ w if need_dx else None), grads


class Sequential:
    """Layers applied in order; ``params`` and ``grads`` are lists of dicts."""

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        for k, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{k}] must be a convcorr.nn.Layer; received {type(layer).__name__}"
                )

    @property
    def params(self) -> list[dict]:
        """One parameter dict per layer (the layers' own arrays, not copies)."""
        return [layer.params for layer in self.layers]

    def forward(self, x: ArrayLike) -> tuple[np.ndarray, list]:
        """Return ``(output, caches)``."""
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x)
            caches.append(cache)
        return x, caches

    def backward(self, dout: ArrayLike, caches: list) -> list[dict]:
        """Return one gradient dict per layer; the input's gradient is never computed."""
        if not isinstance(caches, list) or len(caches) != len(self.layers):
            raise ValueError(
                f"caches must be the list of {len(self.layers)} caches returned by forward; "
                f"received {type(caches).__name__}"
            )
        grads = [None] * len(self.layers)
        for k in range(len(self.layers) - 1, -1, -1):
            dout, grads[k] = self.layers[k].backward(dout, caches[k], need_dx=k > 0)
        return grads

    def train_step(self, x: ArrayLike, y: ArrayLike, optimizer: Optimizer) -> float:
        """One optimiser step on the batch ``(x, y)``; return the loss before it."""
        logits, caches = self.forward(x)
        loss, dlogits = softmax_cross_entropy(logits, y)
        optimizer.step(self.params, self.backward(dlogits, caches))
        return loss

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class with the largest logit for each sample."""
        return self.forward(x)[0].argmax(axis=1)


def digits_cnn(
    kind: F.Kind = "correlation",
    *,
    channels: tuple[int, int] = (16, 32),
    rng: np.random.Generator | None = None,
    dtype: DTypeLike = np.float64,
) -> Sequential:
    """The book's CNN for 8x8 digit images, 10 classes.

    ``Conv(1->c1, 3x3, pad 1) - ReLU - MaxPool 2 - Conv(c1->c2, 3x3, pad 1)
    - ReLU - MaxPool 2 - Flatten - Dense(4*c2 -> 10)``; both convolutions of
    the given ``kind``.

    Defined in chapter 12 (Training with convolution or with cross-correlation).
    """
    rng = check_rng(rng)
    if not isinstance(channels, (tuple, list)) or len(channels) != 2:
        raise ValueError(f"channels must be a pair (c1, c2); received {channels!r}")
    c1, c2 = (positive_int(c, "channels") for c in channels)
    return Sequential(
        [
            Conv2D(1, c1, 3, kind=kind, padding=1, rng=rng, dtype=dtype),
            ReLU(),
            MaxPool2D(2),
            Conv2D(c1, c2, 3, kind=kind, padding=1, rng=rng, dtype=dtype),
            ReLU(),
            MaxPool2D(2),
            Flatten(),
            Dense(4 * c2, 10, rng=rng, dtype=dtype),
        ]
    )
