"""One line per performance target, the same shape for every benchmark, so ``make bench`` can end
with all of them together and nobody has to read the tables to know where we stand."""

from __future__ import annotations


def verdict(name: str, figure: str, target: str, met: bool) -> None:
    """Print ``verdict: <name>: <figure> (target <target>): met`` (or ``NOT met``)."""
    print(f"verdict: {name}: {figure} (target {target}): {'met' if met else 'NOT met'}")
