"""Public mail providers (``static/public_email_domains.yaml``): domains anyone can get an
address at, so no tenant may take them for self-registration."""

from __future__ import annotations

import functools

from shared.settings import get_settings


@functools.cache
def _entries() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact domains, names that match under any suffix: ``gmx`` for ``gmx.*``)."""
    import yaml

    path = get_settings().static_dir / "public_email_domains.yaml"
    with open(path, encoding="utf-8") as source:
        entries = [str(d).strip().lower() for d in (yaml.safe_load(source) or {})["domains"]]
    exact = frozenset(d for d in entries if not d.endswith(".*"))
    any_suffix = tuple(d.removesuffix(".*") for d in entries if d.endswith(".*"))
    return exact, any_suffix


def is_public_provider(domain: str) -> bool:
    """Whether ``domain`` (lower case) or a domain it sits under is a public mail provider."""
    exact, any_suffix = _entries()
    labels = domain.lower().split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in exact:
            return True
        # gmx.* : the name under a top-level domain (gmx.de) or a country's second level
        # (gmx.co.uk, outlook.com.au), not under any domain (outlook.acme.com is someone's).
        name, suffix = labels[start], labels[start + 1 :]
        if name in any_suffix and (
            len(suffix) == 1 or (len(suffix) == 2 and len(suffix[0]) <= 3 and len(suffix[1]) == 2)
        ):
            return True
    return False
