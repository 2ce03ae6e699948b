"""Transposed convolution ("deconvolution") as PyTorch's ``conv_transpose2d`` defines it.

The forward layer :func:`convcorr.nn.conv2d` (a correlation, stride ``s``, padding
``P``, dilation ``d``) is a linear map ``x -> A x``. Its transpose ``y -> A^T y``
spreads every input sample ``y[c, p, q]`` over the output through the kernel,

.. math::

    z[o, s p + d i - P, s q + d j - P] \\mathrel{+}= y[c, p, q]\\, w[c, o, i, j],

which at stride 1 and no padding is the full convolution of ``y`` with ``w`` (the
kernel flipped), and at stride ``s`` the full convolution of ``y`` spread out with
``s - 1`` zeros between samples. The weight is stored as ``(C_in, C_out / groups,
kh, kw)``: the forward layer's ``(O, C, kh, kw)`` tensor, read with its first two axes
as the transposed layer's input and output channels.
"""

import numpy as np
from numpy.typing import ArrayLike

from ._validate import int_pair, numeric, positive_int
from .arithmetic import transposed_output_size

__all__ = ["conv_transpose2d"]


def conv_transpose2d(
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> np.ndarray:
    """2-D transposed convolution, NCHW, with PyTorch's arguments and weight layout.

    .. math::

        z[n, g C'_{o} + o, s_h p + d_h i - P_h, s_w q + d_w j - P_w] \\mathrel{+}=
        \\sum_{c} y[n, g C'_{i} + c, p, q]\\; w[g C'_{i} + c, o, i, j]

    for every group ``g``, ``c < C'_i = C_in / groups`` and ``o < C'_o = C_out /
    groups``; positions outside the output are dropped. The output side is
    :func:`convcorr.nn.arithmetic.transposed_output_size` per axis: ``(H - 1) s_h - 2 P_h
    + d_h (k_h - 1) + 1 + output_padding_h``; the ``output_padding`` extra rows (and
    columns) are added at the end. No conjugate is taken, as in PyTorch: for real
    weights this is the adjoint of ``conv2d`` with the same ``w``, stride and padding
    (``<conv2d(x, w), y> = <x, conv_transpose2d(y, w)>``), and for complex weights its
    transpose.

    Parameters
    ----------
    y : array_like, shape (N, C_in, H, W)
        The input (the forward layer's output); integers and booleans become float64.
    w : array_like, shape (C_in, C_out / groups, kh, kw)
        The kernels, in PyTorch's ``ConvTranspose2d.weight`` layout.
    b : array_like, shape (C_out,), optional
        A bias per output channel.
    stride, dilation : int or (int, int), >= 1
    padding : int or (int, int), >= 0
        The forward layer's padding: that many rows (columns) are cut from each side.
    output_padding : int or (int, int)
        Extra rows (columns) at the end, ``0 <= output_padding < max(stride, dilation)``.
    groups : int, >= 1
        Divides ``C_in``; channel block ``g`` of ``y`` feeds output block ``g`` only.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C_out, H_out, W_out)``.

    Raises
    ------
    ValueError
        For arrays of the wrong number of axes, channel counts that do not match ``w``
        or ``groups``, a bias of the wrong shape, or sizes out of range.

    Defined in chapter 13 (Deep-learning conventions).
    """
    y = numeric(y, "y", 4)
    w = numeric(w, "w", 4)
    if min(w.shape) < 1:
        raise ValueError(f"w must have no empty axis; received shape {w.shape}")
    groups = positive_int(groups, "groups")
    n_batch, c_in, height, width = y.shape
    if w.shape[0] != c_in or c_in % groups:
        raise ValueError(
            f"w must have shape (C_in, C_out / groups, kh, kw) with C_in = {c_in} (the "
            f"channels of y) divisible by groups = {groups}; received w of shape {w.shape}"
        )
    c_out_group, kh, kw = w.shape[1:]
    c_out, c_in_group = c_out_group * groups, c_in // groups
    if b is not None:
        b = numeric(b, "b", 1)
        if b.shape != (c_out,):
            raise ValueError(
                f"b must have shape ({c_out},), one bias per output channel; "
                f"received shape {b.shape}"
            )
    stride = int_pair(stride, "stride", 1)
    padding = int_pair(padding, "padding", 0)
    output_padding = int_pair(output_padding, "output_padding", 0)
    dilation = int_pair(dilation, "dilation", 1)
    if min(height, width) < 1:
        raise ValueError(f"y must have non-empty spatial axes; received shape {y.shape}")
    out_hw = tuple(
        transposed_output_size(m, k, stride=s, padding=p, dilation=d, output_padding=op)
        for m, k, s, p, d, op in zip(
            (height, width), (kh, kw), stride, padding, dilation, output_padding, strict=True
        )
    )
    # the whole spread-out image before cropping: P rows each side, output_padding at the end
    full = [o + 2 * p for o, p in zip(out_hw, padding, strict=True)]
    z = np.zeros((n_batch, c_out, *full), dtype=np.result_type(y, w, np.float64))
    (sh, sw), (dh, dw) = stride, dilation
    for g in range(groups):
        yg = y[:, g * c_in_group : (g + 1) * c_in_group]
        wg = w[g * c_in_group : (g + 1) * c_in_group]
        block = slice(g * c_out_group, (g + 1) * c_out_group)
        for i, j in np.ndindex(kh, kw):
            rows = slice(dh * i, dh * i + sh * (height - 1) + 1, sh)
            cols = slice(dw * j, dw * j + sw * (width - 1) + 1, sw)
            z[:, block, rows, cols] += np.einsum("nchw,co->nohw", yg, wg[:, :, i, j])
    (ph, pw), (oh, ow) = padding, out_hw
    z = z[:, :, ph : ph + oh, pw : pw + ow]
    if b is not None:
        z = z + b[:, None, None]
    return np.ascontiguousarray(z)
