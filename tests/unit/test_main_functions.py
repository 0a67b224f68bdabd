"""``functions/main.py``: discovery sees every function; a deployed instance imports only the
module of the function it serves (``FUNCTION_TARGET``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("auth", "customer", "example", "user")
PROBE = """
import json, sys
import main
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {services})
exposed = sorted(
    n for n in main.__all__ if hasattr(getattr(main, n, None), "__firebase_endpoint__")
)
print(json.dumps({{"loaded": loaded, "exposed": exposed}}))
"""


def run_fresh(code: str, target: str | None = None) -> str:
    """What ``code`` prints in a fresh interpreter started as a worker starts (in ``functions/``,
    with ``FUNCTION_TARGET`` set to ``target`` or unset)."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'functions'}"}
    env.pop("FUNCTION_TARGET", None)
    if target:
        env["FUNCTION_TARGET"] = target
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "functions",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def import_main(target: str | None) -> dict:
    return json.loads(run_fresh(PROBE.format(services=set(SERVICES)), target))


def test_discovery_exposes_every_function_of_the_table():
    from main import FUNCTIONS

    result = import_main(None)

    assert result["exposed"] == sorted(n for names in FUNCTIONS.values() for n in names)


def test_a_deployed_instance_imports_only_the_module_of_its_function():
    result = import_main("user_list")

    assert "user.api.profiles" in result["loaded"]
    assert not [m for m in result["loaded"] if m.split(".")[0] in {"auth", "example"}]
    assert "user.triggers" not in result["loaded"]
    assert "user_list" in result["exposed"]


def test_an_unknown_target_falls_back_to_every_function():
    assert len(import_main("no_such_function")["exposed"]) == len(import_main(None)["exposed"])


def test_main_leaves_the_collector_running_and_what_it_imported_frozen():
    enabled, frozen = run_fresh(
        "import gc, main; print(gc.isenabled(), gc.get_freeze_count())"
    ).split()

    assert enabled == "True"
    assert int(frozen) > 10_000  # the SDK, pydantic and every model class


def test_model_modules_do_not_postpone_annotations():
    """With ``from __future__ import annotations`` pydantic compiles and evaluates every field's
    annotation as a string when the class is created: about a quarter of the model classes'
    share of a cold start."""
    modules = [ROOT / "shared" / "models.py", *ROOT.glob("functions/*/models/*.py")]
    postponed = [
        str(path.relative_to(ROOT))
        for path in modules
        if "from __future__ import annotations" in path.read_text()
    ]

    assert len(modules) > 20
    assert postponed == []
