"""Tests of convcorr.nn: naive against vectorized, gradient checks for every
layer (real and complex), conv2d against an independent reference and against
PyTorch. Bad input is tested in test_nn_validation.py."""

import importlib

import numpy as np
import pytest
from conftest import import_torch

import convcorr
from convcorr import nn

RNG_SEED = 20261121
# (stride, padding, kernel shape): square and not, overlapping and not.
GEOMETRIES = [
    (1, 0, (3, 3)),
    (1, 1, (3, 2)),
    (2, 1, (3, 3)),
    ((2, 1), (0, 2), (2, 3)),
]


@pytest.fixture
def rng():
    return np.random.default_rng(RNG_SEED)


def conv_case(rng, kernel, n=2, c=3, o=4, hw=(7, 6)):
    x = rng.standard_normal((n, c, *hw))
    w = rng.standard_normal((o, c, *kernel))
    b = rng.standard_normal(o)
    return x, w, b


def reference_conv2d(x, w, b, kind, stride, padding):
    """Sum over input channels of 2-D convcorr.correlate / convolve ('valid'
    on the zero-padded input), subsampled by the stride: no im2col."""
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    rows = []
    for n in range(x.shape[0]):
        chans = []
        for o in range(w.shape[0]):
            acc = b[o]
            for c in range(x.shape[1]):
                if kind == "correlation":
                    # correlate conjugates its first argument; the layer does not
                    full = convcorr.correlate(np.conj(w[o, c]), xp[n, c], "valid")
                else:
                    full = convcorr.convolve(w[o, c], xp[n, c], "valid")
                acc = acc + full[::sh, ::sw]
            chans.append(acc)
        rows.append(chans)
    return np.array(rows)


# ------------------------------------------------------------------ forward
@pytest.mark.parametrize("kind", nn.KINDS)
@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_vectorized_equals_naive_and_reference(rng, kind, stride, padding, kernel):
    x, w, b = conv_case(rng, kernel)
    args = {"kind": kind, "stride": stride, "padding": padding}
    fast = nn.conv2d(x, w, b, **args)
    np.testing.assert_allclose(fast, nn.conv2d_naive(x, w, b, **args), atol=1e-12)
    ref = reference_conv2d(x, w, b, kind, stride, padding)
    np.testing.assert_allclose(fast, ref, atol=1e-12)


@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_convolution_kind_is_correlation_with_rotated_kernel(rng, stride, padding, kernel):
    x, w, b = conv_case(rng, kernel)
    conv = nn.conv2d(x, w, b, kind="convolution", stride=stride, padding=padding)
    corr = nn.conv2d(x, w[..., ::-1, ::-1], b, stride=stride, padding=padding)
    np.testing.assert_allclose(conv, corr, atol=1e-12)
    # ... and not with the anti-diagonal reflection (transpose of the rotation)
    if kernel[0] == kernel[1]:
        anti = nn.conv2d(
            x, np.swapaxes(w[..., ::-1, ::-1], 2, 3), b, stride=stride, padding=padding
        )
        assert np.abs(conv - anti).max() > 1e-3


def test_complex_weights_are_not_conjugated(rng):
    x = rng.standard_normal((1, 2, 5, 5)) + 1j * rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((3, 2, 2, 2)) + 1j * rng.standard_normal((3, 2, 2, 2))
    out = nn.conv2d(x, w)
    expected = np.einsum(
        "ocij,ncpqij->nopq", w, np.lib.stride_tricks.sliding_window_view(x, (2, 2), axis=(2, 3))
    )
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_float32_stays_float32(rng):
    x, w, b = (a.astype(np.float32) for a in conv_case(rng, (3, 3)))
    assert nn.conv2d(x, w, b, padding=1).dtype == np.float32


# ----------------------------------------------------------------- backward
@pytest.mark.parametrize("kind", nn.KINDS)
@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_backward_equals_naive_backward(rng, kind, stride, padding, kernel):
    x, w, b = conv_case(rng, kernel)
    args = {"kind": kind, "stride": stride, "padding": padding}
    out, cache = nn.conv2d_forward(x, w, b, **args)
    g = rng.standard_normal(out.shape)
    fast = nn.conv2d_backward(g, cache)
    slow = nn.conv2d_backward_naive(g, x, w, **args)
    for a, e in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, e, atol=1e-12)


def check_layer_gradients(layer, x, rng):
    """Compare ``layer.backward`` with centered differences of
    ``L = sum(forward(x) * G)`` for the input and every parameter."""
    out, cache = layer.forward(x)
    g = rng.standard_normal(out.shape)
    dx, grads = layer.backward(g, cache)

    def loss(_):
        return float(np.sum(layer.forward(x)[0] * g))

    assert nn.relative_error(dx, nn.numerical_gradient(loss, x)) < 1e-6
    for name, p in layer.params.items():
        assert nn.relative_error(grads[name], nn.numerical_gradient(loss, p)) < 1e-6
    assert set(grads) == set(layer.params)


@pytest.mark.parametrize("kind", nn.KINDS)
@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_conv2d_layer_gradient_check(rng, kind, stride, padding, kernel):
    layer = nn.Conv2D(2, 3, kernel, kind=kind, stride=stride, padding=padding, rng=rng)
    layer.params["b"][:] = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 6, 5))
    check_layer_gradients(layer, x, rng)


def test_relu_gradient_check(rng):
    x = rng.standard_normal((3, 2, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # away from the kink, where differences lie
    check_layer_gradients(nn.ReLU(), x, rng)


@pytest.mark.parametrize(("size", "stride"), [(2, None), (3, 1), (2, 1), (3, 2)])
def test_maxpool_gradient_check(rng, size, stride):
    # distinct values far apart compared with the difference step
    x = rng.permutation(3 * 2 * 7 * 6).reshape(3, 2, 7, 6) / 10.0
    check_layer_gradients(nn.MaxPool2D(size, stride), x, rng)


def test_maxpool_ties_go_to_the_first_maximum():
    x = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    pool = nn.MaxPool2D(2)
    out, cache = pool.forward(x)
    dx, _ = pool.backward(np.ones_like(out), cache)
    assert out.item() == 3.0
    np.testing.assert_array_equal(dx, [[[[0.0, 1.0], [0.0, 0.0]]]])


def _pool_backward_by_windows(x, size, stride, dout):
    """Max-pool backward window by window: a NaN window's gradient goes to its last NaN
    (PyTorch's rule: each NaN compares as a new maximum), any other to its first maximum."""
    dx = np.zeros_like(x)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * stride : i * stride + size, j * stride : j * stride + size]
        nans = np.flatnonzero(np.isnan(window))
        k = nans[-1] if nans.size else int(np.argmax(window))
        dx[n, c, i * stride + k // size, j * stride + k % size] += dout[n, c, i, j]
    return dx


def test_maxpool_gradient_of_a_nan_window_goes_to_the_nan():
    # the old code returned an all-zero dx: NaN != NaN, so no tap "was the maximum"
    pool = nn.MaxPool2D(2)
    for x, expected in [
        ([[np.nan, 1.0], [2.0, 3.0]], [[1.0, 0.0], [0.0, 0.0]]),
        ([[np.nan, 1.0], [2.0, np.nan]], [[0.0, 0.0], [0.0, 1.0]]),  # the last NaN
        ([[5.0, np.nan], [np.nan, 3.0]], [[0.0, 0.0], [1.0, 0.0]]),
    ]:
        out, cache = pool.forward(np.array([[x]]))
        assert np.isnan(out.item())
        dx, _ = pool.backward(np.ones_like(out), cache)
        np.testing.assert_array_equal(dx, [[expected]])


@pytest.mark.parametrize(("size", "stride"), [(2, 2), (2, 1), (3, 2), (3, 1)])
def test_maxpool_backward_with_nans_equals_the_window_rule(rng, size, stride):
    x = rng.integers(0, 4, (2, 3, 7, 8)).astype(float)  # ties too
    x[rng.random(x.shape) < 0.08] = np.nan
    x[0, 0, 1, 1] = np.inf  # an infinity is an ordinary maximum
    pool = nn.MaxPool2D(size, stride)
    out, cache = pool.forward(x)
    dout = rng.standard_normal(out.shape)
    dx, _ = pool.backward(dout, cache)
    np.testing.assert_allclose(dx, _pool_backward_by_windows(x, size, stride, dout), atol=1e-12)


def test_flatten_and_dense_gradient_check(rng):
    check_layer_gradients(nn.Flatten(), rng.standard_normal((2, 3, 2, 2)), rng)
    layer = nn.Dense(5, 4, rng=rng)
    layer.params["b"][:] = rng.standard_normal(4)
    check_layer_gradients(layer, rng.standard_normal((3, 5)), rng)


def test_softmax_cross_entropy_gradient_check(rng):
    logits = rng.standard_normal((5, 4))
    labels = rng.integers(0, 4, 5)
    loss, grad = nn.softmax_cross_entropy(logits, labels)
    num = nn.numerical_gradient(lambda z: nn.softmax_cross_entropy(z, labels)[0], logits)
    assert nn.relative_error(grad, num) < 1e-6
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert np.isclose(loss, -np.mean(np.log(p[np.arange(5), labels])))


def test_mse_loss_gradient_check(rng):
    pred, target = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    loss, grad = nn.mse_loss(pred, target)
    num = nn.numerical_gradient(lambda z: nn.mse_loss(z, target)[0], pred)
    assert nn.relative_error(grad, num) < 1e-6
    assert np.isclose(loss, 0.5 * np.mean((pred - target) ** 2))


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.standard_normal((3, 2))
    num = nn.numerical_gradient(lambda z: float(np.sum(z**3)), x)
    np.testing.assert_allclose(num, 3 * x**2, rtol=1e-8)


def test_whole_network_gradient_check(rng):
    model = nn.digits_cnn("convolution", channels=(2, 3), rng=rng)
    x, y = rng.standard_normal((2, 1, 8, 8)), np.array([3, 7])
    logits, caches = model.forward(x)
    grads = model.backward(nn.softmax_cross_entropy(logits, y)[1], caches)

    def loss(_):
        return nn.softmax_cross_entropy(model.forward(x)[0], y)[0]

    w = model.layers[3].params["w"]
    assert nn.relative_error(grads[3]["w"], nn.numerical_gradient(loss, w)) < 1e-6


# -------------------------------------------------------- training pieces
def test_sgd_momentum_rule():
    p = {"w": np.array([1.0, 2.0])}
    opt = nn.SGD(lr=0.5, momentum=0.9)
    g1, g2 = np.array([1.0, -1.0]), np.array([0.5, 0.5])
    opt.step([p], [{"w": g1}])
    opt.step([p], [{"w": g2}])
    v2 = 0.9 * g1 + g2
    np.testing.assert_allclose(p["w"], [1.0, 2.0] - 0.5 * g1 - 0.5 * v2)


def test_twin_networks_give_the_same_logits(rng):
    corr = nn.digits_cnn("correlation", rng=np.random.default_rng(1))
    conv = nn.digits_cnn("convolution", rng=np.random.default_rng(1))
    for k in (0, 3):
        conv.layers[k].params["w"] = corr.layers[k].params["w"][..., ::-1, ::-1].copy()
    x = rng.standard_normal((4, 1, 8, 8))
    np.testing.assert_allclose(corr.forward(x)[0], conv.forward(x)[0], atol=1e-12)


# ------------------------------------------------------------------ PyTorch
@pytest.mark.parametrize("kind", nn.KINDS)
@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_conv2d_matches_pytorch(rng, kind, stride, padding, kernel):
    torch = import_torch()
    x, w, b = conv_case(rng, kernel)
    args = {"kind": kind, "stride": stride, "padding": padding}
    out, cache = nn.conv2d_forward(x, w, b, **args)
    g = rng.standard_normal(out.shape)
    dx, dw, db = nn.conv2d_backward(g, cache)

    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    w_used = wt if kind == "correlation" else torch.flip(wt, dims=(2, 3))
    yt = torch.nn.functional.conv2d(xt, w_used, bt, stride, padding)
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy(), atol=1e-12)
    for ours, theirs in ((dx, xt), (dw, wt), (db, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-12)


def test_complex_conv2d_matches_pytorch(rng):
    torch = import_torch()
    x = rng.standard_normal((1, 2, 5, 5)) + 1j * rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((3, 2, 2, 2)) + 1j * rng.standard_normal((3, 2, 2, 2))
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w)).numpy()
    np.testing.assert_allclose(nn.conv2d(x, w), theirs, atol=1e-12)


def test_complex_conv2d_backward_matches_pytorch(rng):
    # PyTorch's complex autograd takes grad_output = dL/dRe y + i dL/dIm y and returns the
    # same for x and w (conjugate Wirtinger convention): an independent reference.
    torch = import_torch()
    for kind in nn.KINDS:
        x = rng.standard_normal((2, 2, 5, 6)) + 1j * rng.standard_normal((2, 2, 5, 6))
        w = rng.standard_normal((3, 2, 3, 2)) + 1j * rng.standard_normal((3, 2, 3, 2))
        out, cache = nn.conv2d_forward(x, w, kind=kind, padding=1)
        g = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
        dx, dw, _ = nn.conv2d_backward(g, cache)
        xt = torch.tensor(x, requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        w_used = wt if kind == "correlation" else torch.flip(wt, dims=(2, 3))
        torch.nn.functional.conv2d(xt, w_used, padding=1).backward(torch.tensor(g))
        np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(dw, wt.grad.numpy(), atol=1e-12)


# --------------------------------------------------------- complex gradients
def complex_loss_check(layer_fwd, layer_bwd, arrays, rng):
    """Backward against centered differences on the real and imaginary parts of every
    array, for the real loss ``L = Re sum(conj(G) y)`` (so dL/dRe y + i dL/dIm y = G)."""
    out, cache = layer_fwd()
    g = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    grads = layer_bwd(g, cache)

    def loss(_):
        return float(np.real(np.sum(np.conj(g) * layer_fwd()[0])))

    for grad, arr in zip(grads, arrays, strict=True):
        assert nn.relative_error(grad, nn.numerical_gradient(loss, arr)) < 1e-6


@pytest.mark.parametrize("kind", nn.KINDS)
@pytest.mark.parametrize(("stride", "padding", "kernel"), GEOMETRIES)
def test_complex_conv2d_gradients_by_finite_differences(rng, kind, stride, padding, kernel):
    x = rng.standard_normal((2, 2, 6, 5)) + 1j * rng.standard_normal((2, 2, 6, 5))
    w = rng.standard_normal((3, 2, *kernel)) + 1j * rng.standard_normal((3, 2, *kernel))
    b = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    args = {"kind": kind, "stride": stride, "padding": padding}
    complex_loss_check(
        lambda: nn.conv2d_forward(x, w, b, **args), nn.conv2d_backward, (x, w, b), rng
    )
    out, cache = nn.conv2d_forward(x, w, b, **args)
    g = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    for fast, slow in zip(
        nn.conv2d_backward(g, cache), nn.conv2d_backward_naive(g, x, w, **args), strict=True
    ):
        np.testing.assert_allclose(fast, slow, atol=1e-12)


def test_complex_single_channel_rules(rng):
    # the book's formulas: dx = conj(W) * G (full), dw = conj(G ⋆ X) (valid) for the
    # correlation kind; dx = W ⋆ G (full), dw = X ⋆ G (valid) for the convolution kind
    x = rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))
    w = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    g = rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))
    _, cache = nn.conv2d_forward(x[None, None], w[None, None])
    dx, dw, _ = nn.conv2d_backward(g[None, None], cache)
    np.testing.assert_allclose(dx[0, 0], convcorr.convolve(np.conj(w), g, "full"), atol=1e-12)
    np.testing.assert_allclose(dw[0, 0], np.conj(convcorr.correlate(g, x, "valid")), atol=1e-12)
    _, cache = nn.conv2d_forward(x[None, None], w[None, None], kind="convolution")
    dx, dw, _ = nn.conv2d_backward(g[None, None], cache)
    np.testing.assert_allclose(dx[0, 0], convcorr.correlate(w, g, "full"), atol=1e-12)
    np.testing.assert_allclose(dw[0, 0], convcorr.correlate(x, g, "valid"), atol=1e-12)


def test_complex_dense_and_mse_gradients(rng):
    layer = nn.Dense(4, 3, rng=rng, dtype=np.complex128)
    layer.params["w"] += 1j * rng.standard_normal((3, 4))
    layer.params["b"][:] = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    x = rng.standard_normal((2, 4)) + 1j * rng.standard_normal((2, 4))
    complex_loss_check(
        lambda: layer.forward(x),
        lambda g, c: (lambda dx, gr: (dx, gr["w"], gr["b"]))(*layer.backward(g, c)),
        (x, layer.params["w"], layer.params["b"]),
        rng,
    )
    pred = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    target = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    _, grad = nn.mse_loss(pred, target)
    num = nn.numerical_gradient(lambda z: nn.mse_loss(z, target)[0], pred)
    assert nn.relative_error(grad, num) < 1e-6


def test_numerical_gradient_of_a_known_complex_function(rng):
    # f = sum |z|^2 has df/dRe z + i df/dIm z = 2 z
    z = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    num = nn.numerical_gradient(lambda a: float(np.sum(np.abs(a) ** 2)), z)
    np.testing.assert_allclose(num, 2 * z, rtol=1e-8)


# ------------------------------------------------------------ package layout
FORMER_NAMES = [  # the public names of the single-module nn.py, still reachable as nn.X
    "KINDS", "SGD", "Conv2D", "Dense", "Flatten", "MaxPool2D", "ReLU", "Sequential", "conv2d",
    "conv2d_backward", "conv2d_backward_naive", "conv2d_forward", "conv2d_naive", "digits_cnn",
    "mse_loss", "numerical_gradient", "relative_error", "softmax_cross_entropy",
]  # fmt: skip


def test_former_public_names_remain():
    # each name, star-imported, is the object its home module defines under that name
    namespace = {}
    exec("from convcorr.nn import *", namespace)
    assert set(FORMER_NAMES) <= set(namespace)
    for name in FORMER_NAMES:
        obj = namespace[name]
        assert obj is getattr(nn, name), name
        if name == "KINDS":
            assert sorted(obj) == ["convolution", "correlation"]
            continue
        assert f"{obj.__module__}.{obj.__name__}".startswith("convcorr.nn."), name
        assert obj.__name__ == name, name
        assert getattr(importlib.import_module(obj.__module__), name) is obj, name


class Scale(nn.Layer):
    """A user-defined layer ``y = a x``: Sequential needs nothing but the base class."""

    def __init__(self):
        super().__init__()
        self.params["a"] = np.array(2.0)

    def forward(self, x):
        return self.params["a"] * x, x

    def backward(self, dout, cache, need_dx=True):
        grads = {"a": np.sum(dout * cache)}
        return (self.params["a"] * dout if need_dx else None), grads


def test_sequential_runs_any_layer_and_skips_the_first_input_gradient(rng):
    model = nn.Sequential([Scale(), nn.Flatten(), nn.Dense(6, 3, rng=rng)])
    x, y = rng.standard_normal((2, 2, 3)), np.array([0, 2])
    logits, caches = model.forward(x)
    grads = model.backward(nn.softmax_cross_entropy(logits, y)[1], caches)

    def loss(_):
        return nn.softmax_cross_entropy(model.forward(x)[0], y)[0]

    a = model.layers[0].params["a"]
    assert nn.relative_error(grads[0]["a"], nn.numerical_gradient(loss, a)) < 1e-6
    conv = nn.Conv2D(1, 2, 3)
    _, cache = conv.forward(np.ones((1, 1, 4, 4)))
    assert conv.backward(np.ones((1, 2, 2, 2)), cache, need_dx=False)[0] is None
