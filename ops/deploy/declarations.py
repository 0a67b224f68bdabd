"""Reading the functions' declarations: what ``functions/main.py`` exposes and the values the
Firebase Functions SDK recorded on each (``__firebase_endpoint__``).

Reading the declarations rather than a hand-kept list means a new function cannot be forgotten
and its flags cannot drift from its code. The SDK is imported lazily: only this reading needs it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class PlanError(ValueError):
    """A declaration the plan cannot turn into commands, or an unknown function name."""


def literal(value: Any, name: str, what: str) -> Any:
    """A declared value, or None when left to the default (None or the SDK's RESET_VALUE)."""
    from firebase_functions.params import Expression
    from firebase_functions.private.util import Sentinel

    if value is None or isinstance(value, Sentinel):
        return None
    if isinstance(value, Expression):
        raise PlanError(f"{name}: {what} is a params expression; declare a literal value")
    return value


def exposed_functions() -> dict[str, Any]:
    """Every function ``functions/main.py`` exposes, by name."""
    for path in (str(ROOT), str(ROOT / "functions")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import main

    names = getattr(main, "__all__", None) or dir(main)
    found = {name: getattr(main, name, None) for name in names}
    return {name: f for name, f in found.items() if hasattr(f, "__firebase_endpoint__")}


def select(functions: dict[str, Any], only: Sequence[str] | None) -> list[str]:
    """The names to deploy, in name order: all of them, or the ``only`` ones (each must exist)."""
    unknown = sorted(set(only or ()) - set(functions))
    if unknown:
        raise PlanError(
            f"unknown functions: {', '.join(unknown)}; known: {', '.join(sorted(functions))}"
        )
    return sorted(set(only)) if only else sorted(functions)
