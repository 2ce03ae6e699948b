"""What every part of :mod:`convcorr.symbolic` shares: errors, input checks, time budgets."""

import contextlib
import ctypes
import math
import sys
import threading
from collections.abc import Callable, Iterator

import sympy as sp

oo = sp.oo

#: Seconds an evaluation entry point may take when no ``timeout=`` is given.
DEFAULT_TIMEOUT = 60.0


class StepError(AssertionError):
    """A derivation step, an identity or a closed form that could not be confirmed."""


class Undecided(Exception):
    """Neither a proof nor a counterexample: the identity is open (see ``Verdict``)."""


class Timeout(BaseException):
    """The time budget given by ``timeout=`` ran out.

    A ``BaseException``, like ``KeyboardInterrupt``: SymPy's integrators catch
    ``Exception`` in places, and a swallowed timeout would leave the rest of the
    computation without a limit (the watchdog fires once).
    """


# ----------------------------------------------------------------- validation
def check_real_symbol(x: object, name: str) -> sp.Symbol:
    """``x`` if it is a real SymPy Symbol; TypeError naming ``name`` otherwise."""
    if not isinstance(x, sp.Symbol) or x.is_real is not True:
        raise TypeError(
            f"{name} must be a real SymPy Symbol (sympy.Symbol(..., real=True)); "
            f"received {x!r} of type {type(x).__name__}"
        )
    return x


def check_expr(e: object, name: str) -> sp.Expr:
    """``e`` as a SymPy expression (Python numbers are sympified); TypeError otherwise."""
    if isinstance(e, (int, float, complex)) and not isinstance(e, bool):
        return sp.sympify(e)
    if not isinstance(e, sp.Expr):
        raise TypeError(f"{name} must be a SymPy expression; received {type(e).__name__}")
    return e


def check_text(words: object, name: str) -> str:
    """``words`` if it is a string; TypeError naming ``name`` otherwise."""
    if not isinstance(words, str):
        raise TypeError(f"{name} must be a string; received {type(words).__name__}")
    return words


def probe(f: Callable, name: str) -> tuple[sp.Dummy, sp.Expr]:
    """``f`` applied to a fresh real symbol: checks ``f`` and shows its free symbols."""
    if not callable(f):
        raise TypeError(
            f"{name} must be a callable from a SymPy expression to a SymPy "
            f"expression (a sympy.Function, a sympy.Lambda or a lambda); "
            f"received {type(f).__name__}"
        )
    x = sp.Dummy("probe", real=True)
    try:
        value = f(x)
    except Exception as exc:  # anything the callable raises means misuse
        raise TypeError(
            f"{name} must accept one SymPy expression; calling it raised "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(value, sp.Expr):
        raise TypeError(
            f"{name} must return a SymPy expression; it returned {type(value).__name__}"
        )
    return x, value


# ------------------------------------------------------------------ timeouts
def check_timeout(timeout: object) -> float:
    """Seconds of a ``timeout=`` argument (None: the default); ValueError if not positive."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(
            f"timeout must be a positive number of seconds (math.inf: no limit); "
            f"received {timeout!r}"
        )
    return float(timeout)


_ACTIVE = threading.local()


def _set_async_exception(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in the thread ``thread_id`` at its next instruction (None: cancel)."""
    # exc=None clears an exception set but not yet raised (ctypes passes None as NULL)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), None if exc is None else ctypes.py_object(exc)
    )


#: Seconds between repeated timeouts once a budget has run out, and how many are sent.
_REFIRE_INTERVAL = 0.05
_REFIRE_COUNT = 200


_HOOK_LOCK = threading.Lock()
_HOOK_USERS = 0
_HOOK_BEFORE: list[Callable] = []


def _drop_swallowed_timeouts(unraisable: object) -> None:
    """An unraisable-exception hook that drops a :class:`Timeout`, passes on the rest.

    A timeout that lands in a garbage-collector callback or a finalizer cannot
    propagate; Python reports it as "Exception ignored in ..." (pytest fails the test
    on it). The watchdog raises it again, so the report is noise.
    """
    if getattr(unraisable, "exc_type", None) is Timeout:
        return
    (_HOOK_BEFORE[-1] if _HOOK_BEFORE else sys.__unraisablehook__)(unraisable)


@contextlib.contextmanager
def _timeouts_not_reported() -> Iterator[None]:
    """Install :func:`_drop_swallowed_timeouts` while any budget in any thread is armed."""
    global _HOOK_USERS
    with _HOOK_LOCK:
        _HOOK_USERS += 1
        if _HOOK_USERS == 1:
            _HOOK_BEFORE.append(sys.unraisablehook)
            sys.unraisablehook = _drop_swallowed_timeouts
    try:
        yield
    finally:
        with _HOOK_LOCK:
            _HOOK_USERS -= 1
            if _HOOK_USERS == 0:
                previous = _HOOK_BEFORE.pop()
                if sys.unraisablehook is _drop_swallowed_timeouts:  # else: not ours to undo
                    sys.unraisablehook = previous


@contextlib.contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`Timeout` inside the block once ``seconds`` have passed.

    A watchdog thread raises the timeout in the calling thread (CPython's
    ``PyThreadState_SetAsyncExc``) at its next Python instruction, in any thread.
    A signal timer was used before; in a pytest-xdist worker running notebooks
    it sometimes never fired, and a 0.5 s budget ran for minutes. Nested budgets
    are bounded by the outermost one.

    The timeout is raised again every ``_REFIRE_INTERVAL`` seconds until the block
    has ended (at most ``_REFIRE_COUNT`` times): an asynchronous exception that lands
    in a finalizer run by the garbage collector, or in C code that clears errors, is
    swallowed, and a single one once left a 0.5 s budget spinning for ten minutes.
    While a budget is armed such swallowed timeouts are not reported as
    "Exception ignored in ..." (see :func:`_drop_swallowed_timeouts`).
    """
    seconds = check_timeout(seconds)
    if not math.isfinite(seconds) or getattr(_ACTIVE, "depth", 0):
        # no limit asked, or an outer budget already bounds us
        _ACTIVE.depth = getattr(_ACTIVE, "depth", 0) + 1
        try:
            yield
        finally:
            _ACTIVE.depth -= 1
        return
    target, lock, ended = threading.get_ident(), threading.Lock(), threading.Event()

    def watch() -> None:
        """Wait out the budget, then raise the timeout until the block has ended."""
        if ended.wait(seconds):
            return
        for _ in range(_REFIRE_COUNT):
            with lock:
                if ended.is_set():
                    return
                _set_async_exception(target, Timeout)
            if ended.wait(_REFIRE_INTERVAL):
                return

    watchdog = threading.Thread(target=watch, name="convcorr-budget", daemon=True)
    with _timeouts_not_reported():
        _ACTIVE.depth = 1
        watchdog.start()
        try:
            yield
        finally:
            # the state is reset regardless, or every later budget would take itself
            # for a nested one and set no limit
            try:
                _disarm(lock, ended)
            finally:
                _ACTIVE.depth = 0
            # one timeout may have been sent and not yet raised; after _disarm no other
            # comes
            _set_async_exception(target, None)


def _disarm(lock: threading.Lock, ended: threading.Event) -> None:
    """Stop the watchdog, even if its timeout lands while this runs."""
    while True:
        try:
            with lock:  # not while the watchdog is sending a timeout
                ended.set()
            return
        except Timeout:
            continue  # it fired just before the lock was taken: it sees the end now
