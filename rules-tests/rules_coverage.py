"""Reading the emulator's rules coverage report.

The JSON report (``:ruleCoverage``) is ``{"rules": {"files": [...]}, "report": [node, ...]}``; each
node is one expression of the rules, ``{"sourcePosition": {line, column, currentOffset, endOffset},
"values": [{"value": <a Firestore value>, "count": n}, ...], "children": [node, ...]}``. A value
of ``{}`` means the expression was reached but not evaluated (short-circuited), so an expression
counts as exercised when at least one of its values is not empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expression:
    line: int
    column: int
    text: str
    exercised: bool
    outcomes: frozenset[bool]


@dataclass(frozen=True)
class Coverage:
    expressions: list[Expression]

    @property
    def exercised(self) -> int:
        return sum(e.exercised for e in self.expressions)

    @property
    def conditions(self) -> list[Expression]:
        """The boolean expressions (ones seen evaluating to true or false)."""
        return [e for e in self.expressions if e.outcomes]

    @property
    def both_ways(self) -> int:
        return sum(e.outcomes == {True, False} for e in self.conditions)

    def summary(self) -> str:
        total = len(self.expressions)
        share = 100 * self.exercised // total if total else 0
        conditions = len(self.conditions)
        return (
            f"rules coverage: {self.exercised}/{total} expressions exercised ({share}%); "
            f"{self.both_ways}/{conditions} conditions seen both true and false"
        )

    def gaps(self) -> list[str]:
        """One line per expression never evaluated, then per condition seen only one way."""
        lines = [
            f"  never evaluated L{e.line}:{e.column} {e.text}"
            for e in self.expressions
            if not e.exercised
        ]
        lines += [
            f"  only {sorted(e.outcomes)[0]} L{e.line}:{e.column} {e.text}"
            for e in self.conditions
            if len(e.outcomes) == 1
        ]
        return lines


def _nodes(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield node
        yield from _nodes(node.get("children", []))


def read_coverage(report: dict[str, Any]) -> Coverage:
    """Every expression of the report, with whether and how it was evaluated."""
    files = report.get("rules", {}).get("files", [])
    source = files[0]["content"] if files else ""
    expressions = []
    for node in _nodes(report.get("report", [])):
        position = node["sourcePosition"]
        # endOffset is inclusive.
        text = source[position["currentOffset"] : position["endOffset"] + 1]
        values = [v["value"] for v in node.get("values", [])]
        expressions.append(
            Expression(
                line=position["line"],
                column=position["column"],
                text=" ".join(text.split())[:60],
                exercised=any(values),
                outcomes=frozenset(v["boolValue"] for v in values if "boolValue" in v),
            )
        )
    return Coverage(expressions)
