"""The strict text, id and key types every request model is built from.

One set, so that "a name" means the same everywhere: stripped, bounded, and free of NUL and
other control characters (which would be stored, shown and exported as they came). Only
multi-line free text (:data:`Text`) keeps newlines and tabs. Ids are single Firestore path
segments of bounded size; map keys that become Firestore field names (:data:`FieldKey`) refuse
what Firestore reserves (``__x__``) or reads as a path (dots, slashes, backticks).

Scalars need no type of their own: :func:`shared.callables.callable_endpoint` validates every
payload in pydantic's strict mode, so ``true`` is not the integer 1 and ``"3"`` is not 3.

``Change[T]`` is the type of an update's field that the stored document requires: it may be
left out (keep the stored value) but not sent as ``null``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field, StringConstraints

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_RESERVED = re.compile(r"^__.*__$")
_FIELD_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
# What shows nothing: controls, format characters (zero-width spaces and joiners, bidi marks,
# tags), surrogates, separators, lone combining marks, and the letters drawn blank (Hangul
# fillers, the Braille blank). Unassigned code points count as shown: they may be emoji newer
# than this Python's Unicode tables.
_SHOWS_NOTHING = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_something(value: str) -> bool:
    """Whether ``value`` has a character a reader would see. A text of zero-width or blank
    characters only passes every length and control check yet shows an empty message, a blank
    name, a "nothing" that impersonates or hides."""
    return any(ch not in _BLANK and unicodedata.category(ch) not in _SHOWS_NOTHING for ch in value)


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_EXCEPT_LAYOUT.search(value):
        raise ValueError("control characters other than newline and tab are not allowed")
    return value


def _visible(value: str) -> str:
    if value and not shows_something(value):
        raise ValueError("shows nothing: only invisible or blank characters")
    return value


def _id(value: str) -> str:
    if "/" in value or value in {".", ".."} or _RESERVED.match(value) or _CONTROL.search(value):
        raise ValueError("not a valid id")
    return value


def _field_key(value: str) -> str:
    if not _FIELD_KEY.fullmatch(value) or _RESERVED.match(value):
        raise ValueError("must be 1-100 letters, digits, '_' or '-', and not __reserved__")
    return value


def _not_reserved(value: str) -> str:
    if _RESERVED.match(value):
        raise ValueError("__reserved__ names are not allowed")
    return value


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("cannot be null: leave the field out to keep it")
    return value


SingleLine = AfterValidator(_single_line)
"""For a one-line text of other bounds than the named types: ``Annotated[str,
StringConstraints(strip_whitespace=True, max_length=40), SingleLine]``."""


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_single_line),
    AfterValidator(_visible),
]
"""A name shown in lists: 1-120 characters on one line, not invisible (a blank name hides
who did something, e.g. in a group's membership notice)."""

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
    AfterValidator(_visible),
]
"""A title (of a task, say): 1-200 characters on one line, not invisible."""

Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_single_line),
    AfterValidator(_visible),
]
"""A short label or code: 1-100 characters on one line, not invisible."""

Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_single_line),
    AfterValidator(_visible),
]
"""One line of free text (an address line, a role in a company): at most 200, may be empty,
but not invisible (:func:`shows_something`)."""

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000),
    AfterValidator(_multi_line),
    AfterValidator(_visible),
]
"""Free text over several lines (a description, feedback): at most 2,000, may be empty, but
not invisible."""

Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(_id),
]
"""A document id or Firebase uid: one Firestore path segment, 1-128 characters."""

Cursor = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=r"^[A-Za-z0-9_.-]+$")
]
"""A page cursor as answered in ``nextCursor`` (checked further by :mod:`shared.cursors`)."""

FieldKey = Annotated[str, AfterValidator(_field_key)]
"""A map key that becomes a Firestore field name: letters, digits, ``_``, ``-``; not ``__x__``."""

NotReserved = AfterValidator(_not_reserved)
"""Add to a key type with its own pattern: Firestore reserves ``__x__`` field names."""

Limit = Annotated[int, Field(ge=1, le=100, description="Items per page, 1-100.")]
"""A page size."""

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _sane_instant(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year}")
    return value


SaneInstant = AfterValidator(_sane_instant)
"""Add to an ``AwareDatetime`` field: instants outside 2000-2200 are typos or probes, and
arithmetic on them (a reminder an hour before year 1) overflows."""

T = TypeVar("T")
Change = Annotated[T | None, AfterValidator(_not_null)]
"""An update's field the stored document requires: absent keeps it, ``null`` is refused."""
