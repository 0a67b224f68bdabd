"""Cold start: the time to import ``functions/main.py`` in a fresh interpreter, against the floor
of importing only the ``firebase_functions`` trigger modules it uses.

    functions/venv/bin/python bench/cold_start.py [--runs 9]

Each figure is the median over fresh interpreters (the OS file cache is warm after the first
run, as it is on a warm Cloud Run instance image). No emulators needed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys, time
start = time.perf_counter()
for name in sys.argv[1:]:
    __import__(name)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
"""


def timed_import(modules: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'functions'}"}
    # Emulator variables change nothing at import; keep the measurement hermetic anyway.
    for variable in ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST"):
        env.pop(variable, None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT / "functions",
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def trigger_modules(loaded: list[str]) -> list[str]:
    """The SDK's trigger modules (``*_fn``) and options that ``main`` pulled in."""
    return [
        m
        for m in loaded
        if m.startswith("firebase_functions.") and (m.endswith("_fn") or m.endswith(".options"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    first = timed_import(["main"])
    floor_modules = trigger_modules(first["modules"])
    heavy = [
        m
        for m in (
            "google.cloud.firestore",
            "google.cloud.pubsub_v1",
            "google.cloud.storage",
            "grpc",
            "yaml",
            "firebase_admin.auth",
            "firebase_admin.firestore",
        )
        if m in first["modules"]
    ]
    main_times = [timed_import(["main"])["seconds"] for _ in range(args.runs)]
    floor_times = [timed_import(floor_modules)["seconds"] for _ in range(args.runs)]
    main_ms = statistics.median(main_times) * 1000
    floor_ms = statistics.median(floor_times) * 1000
    print(f"floor modules: {', '.join(floor_modules)}")
    print(f"heavy modules loaded by main at import: {', '.join(heavy) or 'none'}")
    print(f"import main.py: median {main_ms:.0f} ms over {args.runs} runs")
    print(f"floor         : median {floor_ms:.0f} ms over {args.runs} runs")
    print(f"ratio         : {main_ms / floor_ms:.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
