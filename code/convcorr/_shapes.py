"""Shape arithmetic shared by every convolution path: the output sizes of the
three modes and the slices that cut the full output down to them.

Pure functions of shapes and an already validated mode; nothing here checks
its arguments' types (the public functions do that once, at the boundary).
"""


def full_shape(f_shape, g_shape):
    """Shape of the ``'full'`` output: ``len(f) + len(g) - 1`` on every axis."""
    return tuple(a + b - 1 for a, b in zip(f_shape, g_shape))


def mode_slices(f_shape, g_shape, mode):
    """Slices that cut the ``'full'`` output down to ``mode``.

    ``'same'`` keeps ``g_shape`` centred in the full output (start index
    ``(full - len(g)) // 2``, as SciPy's ``_centered``); ``'valid'`` keeps
    the ``|len(g) - len(f)| + 1`` outputs whose sums need no zero padding.

    Raises
    ------
    ValueError
        In ``'valid'`` mode, when neither operand is at least as large as
        the other along every axis (no output would be free of padding).
    """
    full = full_shape(f_shape, g_shape)
    if mode == "full":
        return tuple(slice(0, n) for n in full)
    if mode == "same":
        return tuple(slice((n - b) // 2, (n - b) // 2 + b) for n, b in zip(full, g_shape))
    f_covers = all(a >= b for a, b in zip(f_shape, g_shape))
    g_covers = all(b >= a for a, b in zip(f_shape, g_shape))
    if not (f_covers or g_covers):
        raise ValueError(
            "mode='valid' needs one operand at least as large as the other "
            f"along every axis; received f.shape={tuple(f_shape)} and "
            f"g.shape={tuple(g_shape)}"
        )
    return tuple(slice(min(a, b) - 1, max(a, b)) for a, b in zip(f_shape, g_shape))
