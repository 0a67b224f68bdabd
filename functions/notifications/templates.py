"""Rendering notification templates: Jinja2, sandboxed, autoescaped HTML, locale fallback.

Templates live in ``static/templates/notifications/<template>/<part>.<locale>.j2`` (parts per
channel in ``definitions.PARTS``). The environment is a ``SandboxedEnvironment``: data from
events (a message's text, a display name) reaches templates, and a sandbox refuses attribute
tricks that would reach Python internals. Only HTML parts (``html.*.j2`` and the branded layout
``_base.html.j2`` they extend) are autoescaped; plain parts (subject, text, push title) are not
HTML and must not show ``&amp;``. Undefined variables are errors (``StrictUndefined``): a
template that cannot render marks its delivery ``failed`` with the reason instead of sending a
half-empty message. ``jinja2`` is imported on first render.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.settings import get_settings

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from notifications.definitions import Channel, Definitions


class RenderError(Exception):
    """A template that is missing or fails to render; the message says which and why."""


def template_root() -> Path:
    return get_settings().static_dir / "templates" / "notifications"


def locale_chain(locale: str | None, default: str) -> list[str]:
    """``de-CH`` -> ``["de-CH", "de", default]`` (no duplicates, the default last)."""
    chain: list[str] = []
    if locale:
        chain.append(locale)
        base = locale.split("-", 1)[0]
        chain.append(base)
    chain.append(default)
    return list(dict.fromkeys(chain))


def _autoescape(name: str | None) -> bool:
    return name is not None and "html" in Path(name).name.split(".")


@functools.cache
def environment() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(str(template_root())),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=False,
    )


def template_name(template: str, part: str, locale: str) -> str:
    return f"{template}/{part}.{locale}.j2"


def render(
    template: str,
    channel: Channel,
    locale: str | None,
    context: Mapping[str, Any],
    *,
    default_locale: str = "en",
) -> dict[str, str]:
    """Every part of ``channel`` for ``template`` in the best locale available; ``RenderError``
    when a part is missing in every locale of the chain or fails to render."""
    from jinja2 import TemplateError, TemplateNotFound

    from notifications.definitions import PARTS

    env = environment()
    rendered: dict[str, str] = {}
    for part in PARTS[channel]:
        names = [template_name(template, part, loc) for loc in locale_chain(locale, default_locale)]
        try:
            compiled = env.select_template(names)
            rendered[part] = compiled.render(**context).strip()
        except TemplateNotFound as error:
            raise RenderError(f"no template {names[-1]}") from error
        except TemplateError as error:
            raise RenderError(f"{template}/{part}: {error}") from error
        except Exception as error:  # a filter raising on bad data: still the template's fault
            raise RenderError(f"{template}/{part}: {type(error).__name__}: {error}") from error
    return rendered


def missing_templates(definitions: Definitions) -> list[str]:
    """The template files the definitions need in the default locale and which do not exist."""
    from notifications.definitions import PARTS

    root = template_root()
    missing = []
    for definition in definitions.notifications.values():
        for channel, declared in definition.channels.items():
            for part in PARTS[channel]:
                name = template_name(declared.template, part, definitions.default_locale)
                if not (root / name).is_file():
                    missing.append(name)
    return sorted(set(missing))
