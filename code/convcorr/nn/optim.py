"""Stochastic gradient descent on the parameter dicts of a model."""

import numbers

import numpy as np

from ._validate import positive_real

__all__ = ["SGD"]


class SGD:
    """Stochastic gradient descent, with PyTorch's momentum rule.

    ``v <- momentum * v + g``, ``p <- p - lr * v`` (``v = g`` at the first
    step), updating the parameter arrays in place. For complex parameters
    ``g = ∂L/∂Re p + i ∂L/∂Im p`` is the steepest-ascent direction, so the
    same rule descends.

    Parameters
    ----------
    lr : float, > 0
    momentum : float, in [0, 1)
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.0) -> None:
        self.lr = positive_real(lr, "lr")
        if not isinstance(momentum, numbers.Real) or isinstance(momentum, (bool, np.bool_)):
            raise TypeError(f"momentum must be a real number; received {momentum!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); received {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = {}

    def step(self, params: list[dict], grads: list[dict]) -> None:
        """Update every array of ``params`` with the matching array of ``grads``.

        ``params`` and ``grads`` are lists of dicts of the same length; each
        gradient dict has the keys of its parameter dict, and each gradient
        the shape of its parameter (nothing is broadcast).
        """
        pairs = self._check(params, grads)
        for key, p, g in pairs:
            if self.momentum:
                v = self.velocity.get(key)
                v = g.copy() if v is None else v * self.momentum + g
                self.velocity[key] = v
                g = v
            p -= self.lr * g

    @staticmethod
    def _check(params: list[dict], grads: list[dict]) -> None:
        """The ``((layer, name), param, grad)`` triples, all checked before any update."""
        if not isinstance(params, (list, tuple)) or not isinstance(grads, (list, tuple)):
            raise TypeError(
                "params and grads must be lists of dicts (one per layer); received "
                f"{type(params).__name__} and {type(grads).__name__}"
            )
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must have the same length (one dict per layer); "
                f"received {len(params)} and {len(grads)}"
            )
        pairs = []
        for k, (p_dict, g_dict) in enumerate(zip(params, grads, strict=True)):
            if not isinstance(p_dict, dict) or not isinstance(g_dict, dict):
                raise TypeError(
                    f"params[{k}] and grads[{k}] must be dicts; received "
                    f"{type(p_dict).__name__} and {type(g_dict).__name__}"
                )
            if set(p_dict) != set(g_dict):
                raise ValueError(
                    f"grads[{k}] must have the keys of params[{k}], {sorted(p_dict)}; "
                    f"received {sorted(g_dict)}"
                )
            for name, p in p_dict.items():
                g = g_dict[name]
                where = f"params[{k}][{name!r}]"
                if not isinstance(p, np.ndarray) or p.dtype.kind not in "fc":
                    raise TypeError(
                        f"{where} must be a float or complex ndarray (updated "
                        f"in place); received {type(p).__name__}"
                    )
                if np.shape(g) != p.shape:
                    raise ValueError(
                        f"grads[{k}][{name!r}] must have the shape of {where}, {p.shape}; "
                        f"received {np.shape(g)}"
                    )
                pairs.append(((k, name), p, np.asarray(g)))
        return pairs
