"""Display names that come from an Auth account rather than from a request.

A request's name is a ``shared.types.Name`` and is refused (``invalid-argument``) when it is
none. The name on an Auth account is another matter: the user sets it through the client SDK
(``updateProfile``), or a provider asserts it, and nobody is there to answer with an error when
it reaches a profile at sign-up or on joining by invitation. So it enters normalised to a valid
``Name``, or not at all: line breaks and other control characters become spaces, white space
collapses to single spaces, and it is cut to the Name's length; if nothing of a Name is left,
the profile starts without one (""). Left raw, a CR/LF or a 3,000-character name travelled into
every email that named the user, where a mail header refused it.
"""

from __future__ import annotations

import functools
import typing
import unicodedata

from pydantic import StringConstraints, TypeAdapter, ValidationError

from shared.types import Name

_BREAKS = {"Cc", "Cs", "Zl", "Zp"}
"""Control characters, lone surrogates, line and paragraph separators: never inside a Name."""


@functools.cache
def _name() -> tuple[TypeAdapter[str], int]:
    limit = next(
        m.max_length
        for m in typing.get_args(Name)
        if isinstance(m, StringConstraints) and m.max_length
    )
    return TypeAdapter(Name), limit


def from_account(raw: str | None) -> str:
    """``raw`` (an Auth account's display name) as a valid ``Name``, or "" when none is left."""
    if not raw:
        return ""
    adapter, limit = _name()
    spaced = "".join(" " if unicodedata.category(c) in _BREAKS else c for c in raw)
    collapsed = " ".join(spaced.split())[:limit].strip()
    try:
        return adapter.validate_python(collapsed)
    except ValidationError:
        return ""
