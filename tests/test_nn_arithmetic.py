"""convcorr.nn.arithmetic and convcorr.nn.transposed: each formula against a count or a sum.

The references are independent of the formulas: output sizes are counted window
positions, 'same' padding is checked by the output length TensorFlow documents
(``ceil(n / s)``) and by PyTorch's layer when it is installed, receptive fields by
which input samples actually reach an output, the transposed layer by the adjoint
identity with :func:`convcorr.nn.conv2d` and by PyTorch.
"""

import itertools
import warnings

import numpy as np
import pytest
from conftest import import_torch

from convcorr import nn
from convcorr.nn.arithmetic import (
    conv_output_size,
    receptive_field,
    same_padding,
    transposed_output_size,
)
from convcorr.nn.transposed import conv_transpose2d

GRID = list(itertools.product(range(1, 13), range(1, 5), range(1, 4), range(3), range(1, 4)))


@pytest.mark.parametrize("n, k, s, p, d", GRID[::7])
def test_output_size_counts_window_positions(n, k, s, p, d):
    span = d * (k - 1) + 1
    positions = len(range(0, n + 2 * p - span + 1, s))
    if positions == 0:
        with pytest.raises(ValueError, match="spans"):
            conv_output_size(n, k, stride=s, padding=p, dilation=d)
    else:
        assert conv_output_size(n, k, stride=s, padding=p, dilation=d) == positions
        assert conv_output_size(n, k, stride=s, padding=(p, p), dilation=d) == positions


def test_output_size_asymmetric_padding():
    # 10 samples, 1 zero before and 2 after, kernel 4: windows at 0..9 of 13
    assert conv_output_size(10, 4, padding=(1, 2)) == 10
    assert conv_output_size(10, 4, padding=(1, 2), stride=3) == 4


@pytest.mark.parametrize(
    "n, k, s, d", list(itertools.product(range(1, 14), range(1, 6), range(1, 4), range(1, 3)))
)
def test_same_padding_keeps_ceil_n_over_s(n, k, s, d):
    before, after = same_padding(n, k, stride=s, dilation=d)
    assert after - before in (0, 1)  # the extra zero goes after
    assert conv_output_size(n, k, stride=s, padding=(before, after), dilation=d) == -(-n // s)
    lower = same_padding(n, k, stride=s, dilation=d, lower=True)
    assert lower == (after, before)


def test_same_padding_depends_on_n_mod_stride():
    assert same_padding(8, 3, stride=2) == (0, 1)
    assert same_padding(9, 3, stride=2) == (1, 1)
    assert same_padding(4, 2) == (0, 1)


@pytest.mark.parametrize("k, d", [(2, 1), (3, 1), (4, 1), (4, 2), (5, 3), (2, 3)])
def test_same_padding_matches_pytorch(k, d, rng):
    torch = import_torch()
    x = rng.standard_normal((1, 1, 9, 1))
    w = rng.standard_normal((1, 1, k, 1))
    before, after = same_padding(9, k, dilation=d)
    padded = np.pad(x, ((0, 0), (0, 0), (before, after), (0, 0)))
    dilated = np.zeros((1, 1, d * (k - 1) + 1, 1))
    dilated[:, :, ::d] = w
    ours = nn.conv2d(padded, dilated)
    with warnings.catch_warnings():
        # an odd total warns (once per process) that PyTorch pads a copy of the input
        warnings.simplefilter("ignore", UserWarning)
        theirs = torch.nn.functional.conv2d(
            torch.tensor(x), torch.tensor(w), padding="same", dilation=(d, 1)
        ).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "k, s, p, d", list(itertools.product((1, 2, 3), (1, 2, 3), (0, 1), (1, 2)))
)
def test_transposed_size_inverts_the_forward_size(k, s, p, d):
    for n in range(1, 20):
        span = d * (k - 1) + 1
        if n + 2 * p < span:
            continue
        m = conv_output_size(n, k, stride=s, padding=p, dilation=d)
        shortest = (m - 1) * s - 2 * p + d * (k - 1) + 1  # may be < 1 for large padding
        # every n with m outputs is shortest + output_padding, output_padding < s
        assert 0 <= n - shortest < s
        if shortest >= 1:
            assert transposed_output_size(m, k, stride=s, padding=p, dilation=d) == shortest
            assert (
                transposed_output_size(
                    m, k, stride=s, padding=p, dilation=d, output_padding=n - shortest
                )
                == n
            )


def test_transposed_size_refuses_large_output_padding():
    with pytest.raises(ValueError, match="output_padding must be smaller"):
        transposed_output_size(5, 3, stride=2, output_padding=2)


def dependence_span(layers, n=64):
    """How many input samples reach the middle output of a 1-D stack of all-ones kernels."""
    # a sample reaches an output iff its indicator gives a non-zero output there
    reach = []
    for position in range(n):
        x = np.zeros(n)
        x[position] = 1.0
        for k, s, d in layers:
            kernel = np.zeros(d * (k - 1) + 1)
            kernel[::d] = 1.0
            x = np.correlate(x, kernel, "valid")[::s]
        reach.append(x)
    reach = np.array(reach)  # (input position, output position)
    column = reach[:, reach.shape[1] // 2]
    hit = np.flatnonzero(column)
    return hit[-1] - hit[0] + 1


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1, 1)] * 3,
        [(3, 2, 1), (3, 2, 1), (3, 1, 1)],
        [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)],
        [(7, 2, 1), (3, 2, 1), (3, 1, 2), (3, 1, 1)],
        [(1, 1, 1), (5, 3, 1)],
    ],
)
def test_receptive_field_is_the_reach_of_one_output(layers):
    size, jump = receptive_field(layers)
    assert size == dependence_span(layers)
    assert jump == int(np.prod([s for _, s, _ in layers]))


def test_receptive_field_refuses_bad_layers():
    assert receptive_field([]) == (1, 1)
    with pytest.raises(ValueError, match=r"layers\[1\]"):
        receptive_field([(3, 1, 1), (3, 1)])
    with pytest.raises(ValueError, match="stride"):
        receptive_field([(3, 0, 1)])
    with pytest.raises(TypeError, match="sequence"):
        receptive_field(3)


@pytest.mark.parametrize("s, p", [(1, 0), (2, 0), (2, 1), (3, 2)])
def test_transpose_is_the_adjoint_of_conv2d(s, p, rng):
    x = rng.standard_normal((2, 3, 11, 10))
    w = rng.standard_normal((4, 3, 3, 2))
    ax = nn.conv2d(x, w, stride=s, padding=p)
    y = rng.standard_normal(ax.shape)
    # the forward layer may skip the last rows at stride > 1: output_padding restores them
    ops = [
        11 - transposed_output_size(ax.shape[2], 3, stride=s, padding=p),
        10 - transposed_output_size(ax.shape[3], 2, stride=s, padding=p),
    ]
    aty = conv_transpose2d(y, w, stride=s, padding=p, output_padding=tuple(ops))
    assert aty.shape == x.shape
    assert np.isclose(np.vdot(ax, y), np.vdot(x, aty), rtol=1e-12)


def test_transpose_against_a_loop_with_groups_and_dilation(rng):
    y = rng.standard_normal((1, 4, 3, 4))
    w = rng.standard_normal((4, 3, 2, 3))  # C_in = 4, groups 2: C_out = 6
    s, p, d, op = (2, 1), (1, 0), (2, 1), (1, 0)
    z = conv_transpose2d(y, w, stride=s, padding=p, dilation=d, output_padding=op, groups=2)
    ref = np.zeros_like(z)
    for c, a, bb, i, j in np.ndindex(4, 3, 4, 2, 3):
        g = c // 2
        for o in range(3):
            r = s[0] * a + d[0] * i - p[0]
            q = s[1] * bb + d[1] * j - p[1]
            if 0 <= r < z.shape[2] and 0 <= q < z.shape[3]:
                ref[0, g * 3 + o, r, q] += y[0, c, a, bb] * w[c, o, i, j]
    np.testing.assert_allclose(z, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("s, p, op, d, g", [(1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (3, 2, 2, 2, 2)])
def test_transpose_matches_pytorch(s, p, op, d, g, rng):
    torch = import_torch()
    y = rng.standard_normal((2, 4, 5, 4))
    w = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(3 * g)
    ours = conv_transpose2d(y, w, b, stride=s, padding=p, output_padding=op, dilation=d, groups=g)
    theirs = torch.nn.functional.conv_transpose2d(
        torch.tensor(y), torch.tensor(w), torch.tensor(b), s, p, op, g, d
    ).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    layer = torch.nn.ConvTranspose2d(4, 3 * g, (3, 2), groups=g)
    assert tuple(layer.weight.shape) == w.shape  # (C_in, C_out / groups, kh, kw)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y": np.ones((1, 2, 3))}, "y must be 4-D"),
        ({"w": np.ones((3, 1, 2, 2))}, "C_in = 2"),
        ({"groups": 3}, "divisible by groups"),
        ({"b": np.ones(2)}, r"b must have shape \(1,\)"),
        ({"stride": 0}, "stride"),
        ({"output_padding": 1}, "output_padding must be smaller"),
        ({"padding": 5}, "removes the whole output"),
    ],
)
def test_transpose_refuses_bad_arguments(kwargs, match):
    args = {"y": np.ones((1, 2, 3, 3)), "w": np.ones((2, 1, 2, 2))} | kwargs
    with pytest.raises(ValueError, match=match):
        conv_transpose2d(args.pop("y"), args.pop("w"), **args)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: conv_output_size(0, 3), "n must be an integer >= 1"),
        (lambda: conv_output_size(5, 3, stride=1.5), "stride"),
        (lambda: conv_output_size(5, 3, padding=(1, 2, 3)), "padding"),
        (lambda: conv_output_size(2, 5), "spans 5"),
        (lambda: same_padding(5, True), "k must be an integer"),
        (lambda: transposed_output_size(3, 3, padding=-1), "padding"),
    ],
)
def test_arithmetic_refuses_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_same_padding_lower_must_be_bool():
    with pytest.raises(TypeError, match="lower must be a bool"):
        same_padding(5, 2, lower="yes")
