"""A tiny convolutional network in NumPy: layers with explicit backward passes.

Arrays are NCHW: ``(batch, channels, height, width)``. The package has one
module per idea, arrows pointing one way:

* :mod:`~convcorr.nn.functional`: ``conv2d`` forward and backward (im2col) and
  loop references, for the two kinds below;
* :mod:`~convcorr.nn.losses`: ``softmax_cross_entropy``, ``mse_loss``;
* :mod:`~convcorr.nn.layers`: the :class:`Layer` base class, ``Conv2D``,
  ``ReLU``, ``MaxPool2D``, ``Flatten``, ``Dense``, ``Sequential``, ``digits_cnn``;
* :mod:`~convcorr.nn.optim`: ``SGD``;
* :mod:`~convcorr.nn.gradcheck`: ``numerical_gradient``, ``relative_error``;
* :mod:`~convcorr.nn.arithmetic`: output sizes, 'same' padding and receptive
  fields of layers (integers only);
* :mod:`~convcorr.nn.transposed`: ``conv_transpose2d``, PyTorch's transposed
  convolution.

The convolution layer comes in two kinds, with the book's definitions:

* ``kind="correlation"`` (what deep-learning libraries call convolution):
  ``y[o, p, q] = b[o] + sum_{c,i,j} w[o, c, i, j] x[c, p*s + i, q*s + j]``;
* ``kind="convolution"``: ``y[o, p, q] = b[o] + sum_{c,i,j} w[o, c, i, j]
  x[c, n1 - i, n2 - j]`` with ``(n1, n2) = (p*s + kh - 1, q*s + kw - 1)``,
  the convolution sum ``sum_m w[m] x[n - m]`` at the outputs that need no
  padding beyond ``padding``.

``conv2d(x, w)`` takes the **input first** (as PyTorch), unlike
``convcorr.convolve(f, g)``/``correlate(f, g)``, which take the kernel first.
Neither kind conjugates ``w`` (as PyTorch), so for complex weights the
"correlation" kind is the book's ``conj(w) ⋆ x``; complex gradients are
Wirtinger gradients (see :mod:`~convcorr.nn.functional`). The convolution
kind has its own index map (patches read backwards); it never rotates its
kernel and calls the correlation code, so that the two kinds can be compared
honestly.
"""

from .arithmetic import conv_output_size, receptive_field, same_padding, transposed_output_size
from .functional import (
    KINDS,
    ConvCache,
    conv2d,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_naive,
)
from .gradcheck import numerical_gradient, relative_error
from .layers import Conv2D, Dense, Flatten, Layer, MaxPool2D, ReLU, Sequential, digits_cnn
from .losses import mse_loss, softmax_cross_entropy
from .optim import SGD
from .transposed import conv_transpose2d

__all__ = [
    "KINDS",
    "SGD",
    "Conv2D",
    "ConvCache",
    "Dense",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "Sequential",
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_naive",
    "conv2d_forward",
    "conv2d_naive",
    "conv_output_size",
    "conv_transpose2d",
    "digits_cnn",
    "mse_loss",
    "numerical_gradient",
    "receptive_field",
    "relative_error",
    "same_padding",
    "softmax_cross_entropy",
    "transposed_output_size",
]
