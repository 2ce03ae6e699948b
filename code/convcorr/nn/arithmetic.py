"""Convolution arithmetic of deep-learning layers: sizes, 'same' padding, receptive fields.

The integer bookkeeping that frameworks do behind a layer, per spatial axis, in the
names of Dumoulin and Visin's guide: input length ``n``, kernel length ``k``, stride
``s``, dilation ``d`` (``d - 1`` zeros between taps, so the kernel spans
``d (k - 1) + 1`` samples) and zero padding ``P``. Every function works on one axis;
a 2-D layer applies it to each axis. Defined in chapter 13 (Deep-learning
conventions), which checks each formula against a layer written as a loop and, where
installed, against PyTorch.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "conv_output_size",
    "receptive_field",
    "same_padding",
    "transposed_output_size",
]


def _count(value: Any, name: str, minimum: int) -> int:
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, (bool, np.bool_))
        or value < minimum
    ):
        raise ValueError(f"{name} must be an integer >= {minimum}; received {value!r}")
    return int(value)


def _padding(padding: int | tuple[int, int] | list[int]) -> tuple[int, ...]:
    """``(before, after)`` from an int (both sides) or a pair."""
    items = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    if len(items) != 2:
        raise ValueError(
            f"padding must be an integer >= 0 or a pair (before, after); received {padding!r}"
        )
    return tuple(_count(p, "padding", 0) for p in items)


def conv_output_size(
    n: int,
    k: int,
    *,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int = 1,
) -> int:
    """Output length of a convolution layer (a framework's correlation) along one axis.

    .. math::

        n_{out} = \\left\\lfloor \\frac{n + P_{before} + P_{after} - d (k - 1) - 1}{s}
        \\right\\rfloor + 1

    the number of window positions ``0, s, 2s, ...`` at which the dilated kernel (span
    ``d (k - 1) + 1``) fits inside the padded input.

    Parameters
    ----------
    n, k : int
        Input and kernel lengths, ``>= 1``.
    stride, dilation : int
        ``>= 1``.
    padding : int or (int, int)
        Zeros on each side, or ``(before, after)``; ``>= 0``.

    Returns
    -------
    int
        ``n_out >= 1``.

    Raises
    ------
    ValueError
        For a non-integer or out-of-range argument, or when the dilated kernel is longer
        than the padded input (no output sample).

    Defined in chapter 13 (Deep-learning conventions).
    """
    n, k = _count(n, "n", 1), _count(k, "k", 1)
    s, d = _count(stride, "stride", 1), _count(dilation, "dilation", 1)
    before, after = _padding(padding)
    span = d * (k - 1) + 1
    if n + before + after < span:
        raise ValueError(
            f"the dilated kernel spans {span} samples, more than the padded input "
            f"n + padding = {n + before + after}: no output (n={n}, k={k}, dilation={d}, "
            f"padding={padding!r})"
        )
    return (n + before + after - span) // s + 1


def same_padding(
    n: int, k: int, *, stride: int = 1, dilation: int = 1, lower: bool = False
) -> tuple[int, int]:
    """Zeros ``(before, after)`` of 'SAME' padding along one axis (TensorFlow, JAX, PyTorch).

    The output keeps ``ceil(n / s)`` samples; the zeros needed in total are

    .. math::

        T = \\max\\bigl((\\lceil n/s \\rceil - 1)\\, s + d (k - 1) + 1 - n,\\; 0\\bigr),

    split as ``before = T // 2`` and ``after = T - before``: an odd ``T`` puts its extra
    zero at the end (TensorFlow's and JAX's ``'SAME'``, and PyTorch's
    ``padding='same'``, which allows stride 1 only, where ``T = d (k - 1)``).
    ``lower=True`` puts it at the start (JAX's and ONNX's ``'SAME_LOWER'``). At stride
    ``s > 1``, ``T`` depends on ``n mod s``.

    Parameters
    ----------
    n, k : int
        Input and kernel lengths, ``>= 1``.
    stride, dilation : int
        ``>= 1``.
    lower : bool
        Put the extra zero of an odd total before the input instead of after it.

    Returns
    -------
    (int, int)
        ``(before, after)``.

    Defined in chapter 13 (Deep-learning conventions).
    """
    n, k = _count(n, "n", 1), _count(k, "k", 1)
    s, d = _count(stride, "stride", 1), _count(dilation, "dilation", 1)
    if not isinstance(lower, (bool, np.bool_)):
        raise TypeError(f"lower must be a bool; received {type(lower).__name__} {lower!r}")
    out = -(-n // s)  # ceil(n / s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    small, large = total // 2, total - total // 2
    return (large, small) if lower else (small, large)


def transposed_output_size(
    m: int,
    k: int,
    *,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """Output length of a transposed convolution layer along one axis (PyTorch's rule).

    .. math::

        n = (m - 1)\\, s - 2P + d (k - 1) + 1 + p_{out}

    With ``p_out = 0`` this is the shortest input length ``n`` whose forward layer (same
    ``k, s, P, d``) has ``m`` outputs; at stride ``s > 1`` the ``s`` lengths
    ``n, n + 1, ..., n + s - 1`` all have ``m`` outputs, and ``output_padding``
    ``p_out`` picks one of them.

    Parameters
    ----------
    m, k : int
        Length of the transposed layer's input (the forward layer's output) and of the
        kernel, ``>= 1``.
    stride, dilation : int
        ``>= 1``.
    padding : int
        The forward layer's padding on each side, ``>= 0``.
    output_padding : int
        ``0 <= output_padding < max(stride, dilation)``, as PyTorch requires.

    Returns
    -------
    int
        The output length, ``>= 1``.

    Defined in chapter 13 (Deep-learning conventions).
    """
    m, k = _count(m, "m", 1), _count(k, "k", 1)
    s, d = _count(stride, "stride", 1), _count(dilation, "dilation", 1)
    p = _count(padding, "padding", 0)
    op = _count(output_padding, "output_padding", 0)
    if op >= max(s, d):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation (here < {max(s, d)}); "
            f"received {output_padding!r}"
        )
    n = (m - 1) * s - 2 * p + d * (k - 1) + 1 + op
    if n < 1:
        raise ValueError(
            f"padding={p} removes the whole output (length {n}) for m={m}, k={k}, "
            f"stride={s}, dilation={d}"
        )
    return n


def receptive_field(layers: Iterable[tuple[int, int, int]]) -> tuple[int, int]:
    """Receptive field and jump of a stack of convolution (or pooling) layers, one axis.

    With ``r_0 = 1`` and ``j_0 = 1`` (one input sample, adjacent samples one apart),
    layer ``l`` with kernel ``k_l``, stride ``s_l`` and dilation ``d_l`` gives

    .. math::

        r_l = r_{l-1} + d_l (k_l - 1)\\, j_{l-1}, \\qquad j_l = j_{l-1} s_l :

    ``r_L`` input samples reach one output sample of the last layer, and neighbouring
    outputs of layer ``l`` are ``j_l`` input samples apart. Padding does not change
    either; a pooling window counts as a kernel of its size.

    Parameters
    ----------
    layers : sequence of (k, stride, dilation)
        One triple of integers ``>= 1`` per layer, first layer first.

    Returns
    -------
    (int, int)
        ``(r_L, j_L)``; ``(1, 1)`` for an empty stack.

    Defined in chapter 13 (Deep-learning conventions).
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(
            f"layers must be a sequence of (k, stride, dilation) triples; received {layers!r}"
        )
    r, j = 1, 1
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 3:
            raise ValueError(
                f"layers[{index}] must be a triple (k, stride, dilation); received {layer!r}"
            )
        k = _count(layer[0], f"layers[{index}] kernel length", 1)
        s = _count(layer[1], f"layers[{index}] stride", 1)
        d = _count(layer[2], f"layers[{index}] dilation", 1)
        r, j = r + d * (k - 1) * j, j * s
    return r, j
