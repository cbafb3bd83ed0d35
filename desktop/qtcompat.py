"""Work-around for a reference-count defect of the installed PySide6 on CPython < 3.12.

What happens: PySide6 6.12.0 (``abi3`` wheel) returns ``None`` from every void method and ``True``
from ``SignalInstance.emit``/``disconnect`` *without* taking a reference, as if those objects were
immortal — which they are only from CPython 3.12 on. On 3.11 each such call drops one reference:
measured here, 200 × ``QTimer.start()``, ``QLineEdit.setText()``, ``QWidget.setFocus()`` or
``QPainter`` calls → ``sys.getrefcount(None)`` falls by exactly 200; 100 emits → ``True`` falls by
100. A fresh interpreter holds ~5,000 references to ``None`` and ~600 to ``True``, and painting one
result list costs a few hundred void calls, so a rep's session aborts within minutes with
``Fatal Python error: none_dealloc`` / ``bool_dealloc`` (seen in the 87k benchmark run).

The fix mirrors what CPython 3.12 does (PEP 683): give those singletons a reference count so large
that no session can drain it. It is applied only when a probe shows the binding really loses
references, and never on 3.12+, so a fixed PySide6 or a newer Python costs nothing.
"""

from __future__ import annotations

import ctypes
import sys

#: 2**40 references: at a million lost references a second, that lasts twelve days.
PIN = 1 << 40
_PROBES = 32
_state: dict[str, bool] = {}


def _add_references(obj: object, count: int) -> None:
    """Raise ``obj``'s reference count in place (``ob_refcnt`` is the first field of every
    CPython object in a release build)."""
    ctypes.c_ssize_t.from_address(id(obj)).value += count


def _probe() -> tuple[bool, bool]:
    """Whether void calls lose ``None`` references and ``emit`` loses ``True`` references."""
    try:
        from PySide6.QtCore import QObject, Signal
    except ImportError:  # no Qt (the Qt-free modules used from a CLI or a test): nothing to protect
        return False, False

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    none_before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")  # a void method
    none_lost = none_before - sys.getrefcount(None)
    true_before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    true_lost = true_before - sys.getrefcount(True)
    # Give back what the probe itself cost, whatever is decided below.
    if none_lost > 0:
        _add_references(None, none_lost)
    if true_lost > 0:
        _add_references(True, true_lost)
    return none_lost >= _PROBES, true_lost >= _PROBES


def pin_singletons() -> bool:
    """Protect ``None``/``True``/``False`` when the binding leaks them; idempotent, cheap.

    Returns whether the work-around is active. ``import desktop`` runs it, so every window in
    the package (the main window, curation, journey) and every test importing them is covered.
    """
    if "active" not in _state:
        active = False
        if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
            loses_none, loses_true = _probe()
            if loses_none or loses_true:
                for obj in (None, True, False):
                    _add_references(obj, PIN)
                active = True
        _state["active"] = active
    return _state["active"]
