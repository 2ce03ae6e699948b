"""Stochastic gradient descent on the parameter dicts of a model."""

import numbers
import weakref

import numpy as np

from ._validate import positive_real

__all__ = ["SGD"]


class SGD:
    """Stochastic gradient descent, with PyTorch's momentum rule.

    ``v <- momentum * v + g``, ``p <- p - lr * v`` (``v = g`` at the first
    step), updating the parameter arrays in place. For complex parameters
    ``g = ∂L/∂Re p + i ∂L/∂Im p`` is the steepest-ascent direction, so the
    same rule descends.

    The velocity belongs to the parameter array itself, as PyTorch keeps it
    per parameter: a re-ordered list still finds each array's own velocity,
    and an array the optimizer has not stepped before (another model, a
    replaced weight) starts from ``v = g``. The optimizer holds only weak
    references, so a velocity goes when its parameter does.

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
        # id(parameter) -> (weak reference to it, velocity); the reference tells a
        # live parameter from a new array that took over the id of a dead one
        self._velocity: dict[int, tuple[weakref.ref, np.ndarray]] = {}

    def step(self, params: list[dict], grads: list[dict]) -> None:
        """Update every array of ``params`` with the matching array of ``grads``.

        ``params`` and ``grads`` are lists of dicts of the same length; each
        gradient dict has the keys of its parameter dict, and each gradient
        the shape of its parameter (nothing is broadcast). Every parameter is
        a writeable float or complex ndarray appearing once; gradients are
        real or complex numbers, complex only for a complex parameter.

        Raises
        ------
        TypeError
            Not lists of dicts; a parameter that is not a float or complex
            ndarray; a gradient that is not numeric, or complex for a real
            parameter.
        ValueError
            Different lengths or keys; a gradient of another shape; a
            read-only parameter; one array given as two parameters.
            Everything is checked before any parameter changes.
        """
        for p, g in self._check(params, grads):
            if self.momentum:
                g = self._momentum(p, g)
            p -= self.lr * g

    def _momentum(self, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``v <- momentum * v + g`` for the velocity of the array ``p``; returns ``v``."""
        key = id(p)
        entry = self._velocity.get(key)
        if entry is None or entry[0]() is not p:
            v = g.copy()
            ref = weakref.ref(p, self._forget)
        else:
            ref, v = entry[0], entry[1] * self.momentum + g
        self._velocity[key] = (ref, v)
        return v

    def _forget(self, ref: weakref.ref) -> None:
        """Drop the velocity of a parameter that no longer exists (a weakref callback)."""
        for key, entry in list(self._velocity.items()):
            if entry[0] is ref:
                del self._velocity[key]

    @staticmethod
    def _check(params: list[dict], grads: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
        """The ``(param, grad)`` pairs, all checked before any update."""
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
        pairs, seen = [], {}
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
                where = f"params[{k}][{name!r}]"
                g = _checked_grad(p, g_dict[name], where, f"grads[{k}][{name!r}]")
                if id(p) in seen:
                    raise ValueError(
                        f"{where} is the same array as {seen[id(p)]}; each parameter must "
                        "appear once (its velocity and its update are its own)"
                    )
                seen[id(p)] = where
                pairs.append((p, g))
        return pairs


def _checked_grad(p: object, g: object, where: str, g_where: str) -> np.ndarray:
    """``g`` as an array after checking that it can update the parameter ``p`` in place."""
    if not isinstance(p, np.ndarray) or p.dtype.kind not in "fc":
        raise TypeError(
            f"{where} must be a float or complex ndarray (updated in place); received "
            f"{type(p).__name__}"
        )
    if not p.flags.writeable:
        raise ValueError(
            f"{where} is read-only; the update is in place, so a parameter must be writeable"
        )
    if np.shape(g) != p.shape:
        raise ValueError(
            f"{g_where} must have the shape of {where}, {p.shape}; received {np.shape(g)}"
        )
    g = np.asarray(g)
    accepted = "biufc" if p.dtype.kind == "c" else "biuf"
    if g.dtype.kind not in accepted:
        kind = "real or complex numbers" if p.dtype.kind == "c" else "real numbers"
        raise TypeError(
            f"{g_where} must hold {kind} to update {where} of dtype {p.dtype}; received "
            f"dtype {g.dtype}"
        )
    return g
