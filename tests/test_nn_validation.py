"""Bad input to convcorr.nn: a ValueError/TypeError naming the argument and the value,
never an IndexError, AttributeError, ZeroDivisionError, a raw NumPy message, a
broadcast or a silently wrong answer (robustness review items 8 and 13)."""

import numpy as np
import pytest

from convcorr import nn

X4 = np.ones((2, 3, 5, 5))
W4 = np.ones((4, 3, 3, 3))


def conv_cache():
    return nn.conv2d_forward(X4, W4)


def layer_backward(layer, x, dout_shape):
    _, cache = layer.forward(x)
    return layer.backward(np.ones(dout_shape), cache)


def _read_only(a):
    a.flags.writeable = False
    return a


_SHARED = np.ones(2)

CASES = {
    # conv2d: rank, channels, stride/padding, empty kernel, cache
    "conv2d x 3-D": (lambda: nn.conv2d(X4[0], W4), ValueError, ["x", "4-D", "(3, 5, 5)"]),
    "conv2d w 2-D": (lambda: nn.conv2d(X4, W4[0, 0]), ValueError, ["w", "4-D", "(3, 3)"]),
    "conv2d channels": (
        lambda: nn.conv2d(X4[:, :2], W4),
        ValueError,
        ["x", "3 input channels", "(2, 2, 5, 5)"],
    ),
    "conv2d stride 0": (lambda: nn.conv2d(X4, W4, stride=0), ValueError, ["stride", "0"]),
    "conv2d stride str": (lambda: nn.conv2d(X4, W4, stride="2"), ValueError, ["stride", "'2'"]),
    "conv2d padding bool": (
        lambda: nn.conv2d(X4, W4, padding=True),
        ValueError,
        ["padding", "True"],
    ),
    "conv2d empty kernel": (
        lambda: nn.conv2d(X4, np.ones((4, 3, 0, 3))),
        ValueError,
        ["w", "empty", "(4, 3, 0, 3)"],
    ),
    "conv2d list of str": (lambda: nn.conv2d([["a"]], W4), TypeError, ["x", "numeric", "<U1"]),
    "conv2d ragged": (lambda: nn.conv2d([[1], [1, 2]], W4), TypeError, ["x", "list"]),
    "conv2d kind": (
        lambda: nn.conv2d(X4, W4, kind="conv"),
        ValueError,
        ["kind", "'conv'", "'correlation'"],
    ),
    "conv2d stride 1.5": (lambda: nn.conv2d(X4, W4, stride=1.5), ValueError, ["stride", "1.5"]),
    "conv2d padding -1": (lambda: nn.conv2d(X4, W4, padding=-1), ValueError, ["padding", "-1"]),
    "conv2d padding triple": (
        lambda: nn.conv2d(X4, W4, padding=(1, 2, 3)),
        ValueError,
        ["padding", "(1, 2, 3)"],
    ),
    "conv2d bias shape": (lambda: nn.conv2d(X4, W4, np.ones(3)), ValueError, ["b", "(4,)", "(3,)"]),
    "conv2d kernel too big": (
        lambda: nn.conv2d(X4, np.ones((1, 3, 8, 8))),
        ValueError,
        ["does not fit", "(8, 8)", "(5, 5)"],
    ),
    "conv2d_backward_naive dout": (
        lambda: nn.conv2d_backward_naive(np.ones((1, 1, 1, 1)), X4, W4),
        ValueError,
        ["dout", "(2, 4, 3, 3)", "(1, 1, 1, 1)"],
    ),
    "conv2d_backward None": (
        lambda: nn.conv2d_backward(np.ones((2, 4, 3, 3)), None),
        TypeError,
        ["cache", "conv2d_forward", "NoneType"],
    ),
    "conv2d_backward broadcast dout": (
        lambda: nn.conv2d_backward(np.ones((1, 4, 3, 3)), conv_cache()[1]),
        ValueError,
        ["dout", "(2, 4, 3, 3)", "(1, 4, 3, 3)"],
    ),
    # layers: constructor arguments
    "Conv2D 0 channels": (lambda: nn.Conv2D(0, 4, 3), ValueError, ["in_channels", "0"]),
    "Conv2D out 2.0": (lambda: nn.Conv2D(1, 2.0, 3), ValueError, ["out_channels", "2.0"]),
    "Conv2D int dtype": (
        lambda: nn.Conv2D(1, 4, 3, dtype=np.int64),
        TypeError,
        ["dtype", "floating", "int64"],
    ),
    "Conv2D bad rng": (lambda: nn.Conv2D(1, 4, 3, rng=3), TypeError, ["rng", "int"]),
    "Dense 0 features": (lambda: nn.Dense(0, 3), ValueError, ["in_features", "0"]),
    "Dense int dtype": (lambda: nn.Dense(2, 3, dtype=int), TypeError, ["dtype", "int64"]),
    "MaxPool2D size 0": (lambda: nn.MaxPool2D(0), ValueError, ["size", "0"]),
    # layers: forward input
    "Conv2D forward channels": (
        lambda: nn.Conv2D(2, 4, 3).forward(X4),
        ValueError,
        ["x", "2 input channels", "(2, 3, 5, 5)"],
    ),
    "MaxPool2D 3-D": (
        lambda: nn.MaxPool2D().forward(np.ones((3, 4, 4))),
        ValueError,
        ["x", "4-D", "(3, 4, 4)"],
    ),
    "MaxPool2D too small": (
        lambda: nn.MaxPool2D(3).forward(np.ones((1, 1, 2, 2))),
        ValueError,
        ["window", "(3, 3)", "(2, 2)"],
    ),
    "MaxPool2D complex": (
        lambda: nn.MaxPool2D().forward(np.ones((1, 1, 2, 2), complex)),
        TypeError,
        ["x", "complex128"],
    ),
    "ReLU complex": (
        lambda: nn.ReLU().forward(np.ones(3, complex)),
        TypeError,
        ["x", "complex128"],
    ),
    "Flatten scalar": (
        lambda: nn.Flatten().forward(np.float64(3.0)),
        ValueError,
        ["x", "batch axis", "0-D"],
    ),
    "Dense features": (
        lambda: nn.Dense(5, 2).forward(np.ones((3, 4))),
        ValueError,
        ["x", "5 features", "(3, 4)"],
    ),
    "Dense 1-D": (lambda: nn.Dense(5, 2).forward(np.ones(5)), ValueError, ["x", "2-D", "(5,)"]),
    # every backward: dout of exactly the output's shape
    "ReLU dout": (
        lambda: layer_backward(nn.ReLU(), np.ones((4, 3)), (4, 1)),
        ValueError,
        ["dout", "(4, 3)", "(4, 1)"],
    ),
    "MaxPool2D dout": (
        lambda: layer_backward(nn.MaxPool2D(), np.ones((1, 2, 4, 4)), (1, 1, 2, 2)),
        ValueError,
        ["dout", "(1, 2, 2, 2)", "(1, 1, 2, 2)"],
    ),
    "Flatten dout": (
        lambda: layer_backward(nn.Flatten(), np.ones((2, 3, 2)), (1, 6)),
        ValueError,
        ["dout", "(2, 6)", "(1, 6)"],
    ),
    "Dense dout": (
        lambda: layer_backward(nn.Dense(3, 2), np.ones((4, 3)), (2,)),
        ValueError,
        ["dout", "(4, 2)", "(2,)"],
    ),
    # a cache that is not the layer's own
    "ReLU cache None": (
        lambda: nn.ReLU().backward(np.ones(2), None),
        TypeError,
        ["cache", "ReLU.forward", "NoneType"],
    ),
    "MaxPool2D cache": (
        lambda: nn.MaxPool2D().backward(np.ones(2), np.ones(2)),
        TypeError,
        ["cache", "MaxPool2D.forward", "ndarray"],
    ),
    "Flatten cache": (
        lambda: nn.Flatten().backward(np.ones(2), None),
        TypeError,
        ["cache", "Flatten.forward"],
    ),
    "Dense cache": (
        lambda: nn.Dense(2, 1).backward(np.ones((1, 1)), None),
        TypeError,
        ["cache", "Dense.forward"],
    ),
    "Sequential caches": (
        lambda: nn.digits_cnn().backward(np.ones((1, 10)), None),
        ValueError,
        ["caches", "8", "NoneType"],
    ),
    # losses
    "label -1": (
        lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), [0, -1]),
        ValueError,
        ["labels", "0 .. 2", "-1", "position 1"],
    ),
    "label K": (
        lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), [3, 0]),
        ValueError,
        ["labels", "0 .. 2", "3", "position 0"],
    ),
    "label float": (
        lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), [0.0, 1.0]),
        TypeError,
        ["labels", "integers", "float64"],
    ),
    "label bool": (
        lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), [True, False]),
        TypeError,
        ["labels", "bool"],
    ),
    "label shape": (
        lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), [[0, 1]]),
        ValueError,
        ["labels", "(2,)", "(1, 2)"],
    ),
    "logits 1-D": (
        lambda: nn.softmax_cross_entropy(np.zeros(3), [0]),
        ValueError,
        ["logits", "2-D", "(3,)"],
    ),
    "logits empty batch": (
        lambda: nn.softmax_cross_entropy(np.zeros((0, 3)), []),
        ValueError,
        ["logits", "(0, 3)"],
    ),
    "mse broadcast": (
        lambda: nn.mse_loss(np.ones((4, 1)), np.ones(4)),
        ValueError,
        ["pred", "target", "(4, 1)", "(4,)"],
    ),
    "mse empty": (lambda: nn.mse_loss(np.ones(0), np.ones(0)), ValueError, ["pred", "(0,)"]),
    # optimiser
    "SGD lr str": (lambda: nn.SGD(lr="0.1"), TypeError, ["lr", "'0.1'"]),
    "SGD lr 0": (lambda: nn.SGD(lr=0), ValueError, ["lr", "0"]),
    "SGD lr nan": (lambda: nn.SGD(lr=float("nan")), ValueError, ["lr", "nan"]),
    "SGD momentum str": (lambda: nn.SGD(momentum="0.9"), TypeError, ["momentum", "'0.9'"]),
    "SGD momentum 1": (lambda: nn.SGD(momentum=1.0), ValueError, ["momentum", "1.0"]),
    "SGD lengths": (
        lambda: nn.SGD().step([{"w": np.ones(2)}], []),
        ValueError,
        ["params", "grads", "1", "0"],
    ),
    "SGD keys": (
        lambda: nn.SGD().step([{"w": np.ones(2)}], [{"b": np.ones(2)}]),
        ValueError,
        ["grads[0]", "['w']", "['b']"],
    ),
    "SGD broadcast": (
        lambda: nn.SGD().step([{"w": np.ones((2, 3))}], [{"w": np.ones(3)}]),
        ValueError,
        ["grads[0]['w']", "(2, 3)", "(3,)"],
    ),
    "SGD int param": (
        lambda: nn.SGD().step([{"w": np.ones(2, int)}], [{"w": np.ones(2)}]),
        TypeError,
        ["params[0]['w']", "float"],
    ),
    "SGD complex grad, real param": (
        lambda: nn.SGD().step([{"w": np.ones(2)}], [{"w": np.ones(2) * 1j}]),
        TypeError,
        ["grads[0]['w']", "complex128", "params[0]['w']", "float64", "real"],
    ),
    "SGD string grad": (
        lambda: nn.SGD().step([{"w": np.ones(1)}], [{"w": np.array(["a"])}]),
        TypeError,
        ["grads[0]['w']", "<U1", "numbers"],
    ),
    "SGD read-only param": (
        lambda: nn.SGD().step([{"w": _read_only(np.ones(2))}], [{"w": np.ones(2)}]),
        ValueError,
        ["params[0]['w']", "read-only", "writeable"],
    ),
    "SGD one array twice": (
        lambda: nn.SGD().step([{"w": _SHARED}, {"v": _SHARED}], [{"w": _SHARED}, {"v": _SHARED}]),
        ValueError,
        ["params[1]['v']", "params[0]['w']", "same array"],
    ),
    "SGD not lists": (
        lambda: nn.SGD().step({"w": np.ones(2)}, {"w": np.ones(2)}),
        TypeError,
        ["params", "lists", "dict"],
    ),
    # gradient check
    "numerical_gradient int": (
        lambda: nn.numerical_gradient(np.sum, np.arange(3)),
        TypeError,
        ["x", "float", "int64", "astype"],
    ),
    "numerical_gradient list": (
        lambda: nn.numerical_gradient(np.sum, [1.0, 2.0]),
        TypeError,
        ["x", "ndarray", "list"],
    ),
    "numerical_gradient vector f": (
        lambda: nn.numerical_gradient(lambda z: z, np.ones(2)),
        TypeError,
        ["f", "scalar", "(2,)"],
    ),
    "numerical_gradient eps": (
        lambda: nn.numerical_gradient(np.sum, np.ones(2), eps=0),
        ValueError,
        ["eps", "0"],
    ),
    "relative_error shapes": (
        lambda: nn.relative_error(np.ones(3), np.ones((3, 1))),
        ValueError,
        ["a", "b", "(3,)", "(3, 1)"],
    ),
    "Sequential non-layer": (
        lambda: nn.Sequential([nn.ReLU(), "relu"]),
        TypeError,
        ["layers[1]", "Layer", "str"],
    ),
    "digits_cnn channels": (lambda: nn.digits_cnn(channels=(0, 3)), ValueError, ["channels", "0"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_a_clear_error(case):
    call, error, words = CASES[case]
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error  # not a subclass such as IndexError's cousins
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_float_weights_whatever_float_dtype():
    for dtype in (np.float32, np.float64, np.complex128):
        w = nn.Conv2D(1, 4, 3, dtype=dtype).params["w"]
        assert w.dtype == dtype and np.abs(w).min() > 0


def test_batch_of_zero_gives_an_empty_output():
    out, cache = nn.conv2d_forward(np.ones((0, 3, 5, 5)), W4, padding=1)
    assert out.shape == (0, 4, 5, 5)
    dx, dw, db = nn.conv2d_backward(np.ones(out.shape), cache)
    assert dx.shape == (0, 3, 5, 5) and not dw.any() and not db.any()
    assert nn.Flatten().forward(np.ones((0, 2, 3)))[0].shape == (0, 6)


def test_integer_and_list_input_is_computed_in_float():
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5)
    np.testing.assert_array_equal(nn.conv2d(x, W4), nn.conv2d(x.astype(float), W4))
    assert nn.conv2d(x.tolist(), W4.tolist()).dtype == np.float64
    out, _ = nn.Dense(2, 1).forward([[1, 2]])
    assert out.dtype == np.float64


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(z):
        calls.append(z.copy())
        if len(calls) == 4:
            raise RuntimeError("boom")
        return float(z.sum())

    with pytest.raises(RuntimeError):
        nn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_in_float32_is_float64():
    x = np.array([0.5, -1.25], np.float32)
    g = nn.numerical_gradient(lambda z: float(np.sum(z.astype(np.float64) ** 2)), x, eps=1e-3)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x, rtol=1e-3)


def test_sgd_checks_everything_before_updating():
    p = {"w": np.ones(2), "b": np.ones(3)}
    with pytest.raises(ValueError):
        nn.SGD().step([p], [{"w": np.ones(2), "b": np.ones(1)}])
    np.testing.assert_array_equal(p["w"], [1.0, 1.0])  # no half-done step


@pytest.mark.parametrize("x0", [1e10, 3e10, -7e15, 1e300, 2.0**-1000])
def test_numerical_gradient_of_the_identity_at_any_scale(x0):
    # d/dx x = 1 everywhere; the old code divided by 2 eps although x ± 1e-6
    # rounds to a step of 2**-19 at 1e10 (1.907) and of 0 at 3e10
    g = nn.numerical_gradient(lambda z: float(z.sum()), np.array([x0]))
    assert g[0] == pytest.approx(1.0, rel=1e-9)


def test_numerical_gradient_of_a_complex_entry_at_a_large_scale():
    # L = 2 Re z - 3 Im z: ∂L/∂Re z + i ∂L/∂Im z = 2 - 3i (the old code: 0 at 4e12)
    z = np.array([4e12 - 3e12j])
    g = nn.numerical_gradient(lambda w: float(2 * w.real.sum() - 3 * w.imag.sum()), z)
    assert g[0] == pytest.approx(2.0 - 3.0j, rel=1e-9)


def test_numerical_gradient_refuses_a_step_below_the_resolution_of_x():
    # eps = 1e-20 is below half an ulp of 1.0: x ± eps is x, a zero step
    with pytest.raises(ValueError, match=r"eps=1e-20 .* index \(1,\) of x \(value 1.0\).* 0.0"):
        nn.numerical_gradient(lambda z: float(z.sum()), np.array([0.0, 1.0]), eps=1e-20)


def test_sgd_momentum_never_broadcasts_another_parameters_velocity():
    # the old code keyed the velocity by position: the (3,) velocity of the first
    # model was broadcast into the (2, 3) parameter at the same place, giving -0.19
    opt = nn.SGD(0.1, momentum=0.9)
    opt.step([{"w": np.zeros(3)}], [{"w": np.ones(3)}])
    p = {"w": np.zeros((2, 3))}
    opt.step([p], [{"w": np.ones((2, 3))}])
    np.testing.assert_array_equal(p["w"], np.full((2, 3), -0.1))  # a fresh velocity


def test_sgd_momentum_follows_each_parameter_when_the_list_is_reordered():
    a, b = {"w": np.zeros(2)}, {"w": np.zeros(2)}
    opt = nn.SGD(1.0, momentum=0.5)
    opt.step([a, b], [{"w": np.ones(2)}, {"w": 3 * np.ones(2)}])
    opt.step([b, a], [{"w": np.zeros(2)}, {"w": np.zeros(2)}])
    # v_a = 0.5 * 1 = 0.5 and v_b = 0.5 * 3 = 1.5 at the second step
    np.testing.assert_array_equal(a["w"], [-1.5, -1.5])
    np.testing.assert_array_equal(b["w"], [-4.5, -4.5])
