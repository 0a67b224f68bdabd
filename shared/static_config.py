"""One way to read a declaration of ``static/``: a YAML file validated into a pydantic model,
read once per process on first use.

Roles, products, API scopes, profile attribute access and terms are data (STYLE.md: declare,
don't branch); every one of them is loaded here, so each is validated the same way and a
malformed file fails the first call that needs it, naming the file. ``yaml`` is imported on the
first load, not at import time: most cold starts of a function never read a declaration.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from shared.settings import get_settings

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_static(file_name: str) -> Any:
    """The parsed YAML of ``static/<file_name>`` (``{}`` for an empty file), unvalidated: for
    validators that take the raw data, and for tests that vary a declaration."""
    import yaml

    with open(get_settings().static_dir / file_name, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@functools.cache
def _load(file_name: str, model: type[BaseModel]) -> BaseModel:
    return model.model_validate(read_static(file_name))


def load_static(file_name: str, model: type[ModelT]) -> ModelT:
    """``static/<file_name>`` validated as ``model``, read once per process (per file and model)."""
    return cast(ModelT, _load(file_name, model))
