"""Cold start: the time to import ``functions/main.py`` in a fresh interpreter, against the floor
of importing only the ``firebase_functions`` trigger modules it uses: once as discovery does
(every function), and as each deployed instance does (``FUNCTION_TARGET`` set, so only the
module of that function is imported), per service module.

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
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402

PROBE = """
import json, sys, time
start = time.perf_counter()
for name in sys.argv[1:]:
    __import__(name)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
"""


def timed_import(modules: list[str], target: str | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'functions'}"}
    env.pop("FUNCTION_TARGET", None)
    if target:
        env["FUNCTION_TARGET"] = target
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


def ratio(runs: int, target: str | None = None) -> tuple[float, float, list[str]]:
    """Median import times (ms) of main.py and of its floor, runs interleaved; the loaded
    modules of main."""
    first = timed_import(["main"], target)
    floor_modules = trigger_modules(first["modules"])
    main_times, floor_times = [], []
    for _ in range(runs):
        main_times.append(timed_import(["main"], target)["seconds"])
        floor_times.append(timed_import(floor_modules)["seconds"])
    return (
        statistics.median(main_times) * 1000,
        statistics.median(floor_times) * 1000,
        first["modules"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    main_ms, floor_ms, loaded = ratio(args.runs)
    heavy = [
        m
        for m in (
            "google.cloud.pubsub_v1",
            "google.cloud.storage",
            "yaml",
            "firebase_admin.firestore",
        )
        if m in loaded
    ]
    print(f"heavy modules loaded by main at import: {', '.join(heavy) or 'none'}")
    print("discovery (every function, no FUNCTION_TARGET):")
    print(f"  import main.py {main_ms:.0f} ms, floor {floor_ms:.0f} ms: {main_ms / floor_ms:.2f}x")

    from main import FUNCTIONS

    ratios = {}
    for module, names in FUNCTIONS.items():
        m_ms, f_ms, _ = ratio(max(3, args.runs // 3), names[0])
        ratios[module] = m_ms / f_ms
    worst = max(ratios, key=ratios.__getitem__)
    print("a deployed instance (FUNCTION_TARGET set: one service module imported):")
    print(f"  median over the {len(ratios)} modules: {statistics.median(ratios.values()):.2f}x")
    print(f"  worst: {worst} {ratios[worst]:.2f}x (target <= 1.30x)")
    discovery = main_ms / floor_ms
    verdict(
        "cold start, discovery vs the SDK floor", f"{discovery:.2f}x", "<= 1.30x", discovery <= 1.3
    )
    verdict(
        f"cold start, worst deployed module ({worst}) vs the SDK floor",
        f"{ratios[worst]:.2f}x",
        "<= 1.30x",
        ratios[worst] <= 1.3,
    )


if __name__ == "__main__":
    main()
