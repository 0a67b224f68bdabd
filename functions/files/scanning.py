"""The scan hook: a landed body that matches its receipt passes the grouping's hook before it
is ``ready``.

A hook is a function ``(receipt, stored) -> Verdict`` registered under a name
(:func:`register`); a grouping names its hook in ``static/files.yaml`` (``scan:``). Built in:

- ``none`` (the default): clears at once, so a file is ready as soon as it lands;
- ``hold``: holds every file in ``scanning`` for an outside scanner or reviewer, which settles
  it through :func:`files.public.settle_scan` (clear -> ``ready``; reject -> ``rejected``,
  the object deleted, usage released).

A product adds its own (a synchronous malware check, say) by registering it in a module that
``functions/main.py`` loads before the storage consumer runs. A hook runs outside any
transaction (it may do I/O) and only for a receipt still pending, so a redelivered
notification does not ask it again once the receipt moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from files.content import StoredObject
from files.models.receipts import FileReceipt


class Decision(StrEnum):
    CLEAR = "clear"
    HOLD = "hold"
    REJECT = "reject"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: str | None = None


CLEAR = Verdict(Decision.CLEAR)
HOLD = Verdict(Decision.HOLD)
ScanHook = Callable[[FileReceipt, StoredObject], Verdict]

_HOOKS: dict[str, ScanHook] = {
    "none": lambda receipt, stored: CLEAR,
    "hold": lambda receipt, stored: HOLD,
}


def register(name: str, hook: ScanHook) -> None:
    """Make ``hook`` available to groupings as ``scan: <name>`` (replacing one of that name)."""
    _HOOKS[name] = hook


def hook_named(name: str) -> ScanHook:
    """The registered hook; an unknown name holds (fail closed: nothing unscanned is served)."""
    return _HOOKS.get(name, _HOOKS["hold"])


def scan(grouping_scan: str, receipt: FileReceipt, stored: StoredObject) -> Verdict:
    return hook_named(grouping_scan)(receipt, stored)
