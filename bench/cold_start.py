"""Cold start: the time to import ``functions/main.py`` in a fresh interpreter, against the floor
of importing only the ``firebase_functions`` trigger modules it uses: once as discovery does
(every function), and as each deployed instance does (``FUNCTION_TARGET`` set, so only the
module of that function is imported), per service module.

    functions/venv/bin/python bench/cold_start.py [--runs 9]

Two floors: the SDK's trigger modules alone, and those plus pydantic (which every function of
the foundation needs to validate its payloads, so no function of ours can start below it).
Each figure is the fastest of several fresh interpreters, every target and its floors taken
round-robin (the OS file cache is warm after the first run, as it is on a warm Cloud Run
instance image). The fastest, not the median, as Python's ``timeit`` advises: slower runs
measure other processes on the machine, and on these 2 shared cores the median of a few runs
moved a module's ratio between 1.2x and 1.9x from one run of this bench to the next. No
emulators needed.

Both sides import compiled bytecode, as an instance does: the SDK and pydantic from the venv's
``__pycache__`` (written by pip), our modules from theirs (written by the first, unmeasured
import here; ``deploy-functions.sh`` ships them compiled). With ``PYTHONDONTWRITEBYTECODE`` set,
as on these machines, every run would otherwise compile our ~170 source files again: about
1 s of discovery's time was the compiler, measured with cProfile.

``main`` pauses the garbage collector while it imports and freezes what it loaded (see its
comment), so the floors are imported the same way: the ratios are what our code adds, and the
pause's own gain is shown apart, against ``main`` with the pause patched out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]

from bench.verdict import verdict  # noqa: E402

PROBE = """
import gc, json, sys, time
gc_as_usual = sys.argv[1] == "gc-as-usual"
if gc_as_usual:  # main's pause becomes a no-op: the cold start as it was without it
    gc.disable = gc.freeze = lambda: None
start = time.perf_counter()
if not gc_as_usual:  # as main does (a no-op around main itself, which pauses on its own)
    gc.disable()
for name in sys.argv[2:]:
    __import__(name)
if not gc_as_usual:
    gc.freeze()
    gc.enable()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
"""


def timed_import(
    modules: list[str], target: str | None = None, *, gc_as_usual: bool = False
) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'functions'}"}
    env.pop("FUNCTION_TARGET", None)
    # Our modules load from bytecode like the floor's (see the module docstring).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if target:
        env["FUNCTION_TARGET"] = target
    # Emulator variables change nothing at import; keep the measurement hermetic anyway.
    for variable in ("FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST"):
        env.pop(variable, None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "gc-as-usual" if gc_as_usual else "paused", *modules],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT / "functions",
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


VALIDATION = ("pydantic", "pydantic_core", "annotated_types", "typing_inspection")
"""pydantic and what it loads: the SPEC validates every payload with pydantic, so a function of
the foundation cannot start without it whatever its own code does."""


def trigger_modules(loaded: list[str]) -> list[str]:
    """The SDK's trigger modules (``*_fn``) and options that ``main`` pulled in."""
    return [
        m
        for m in loaded
        if m.startswith("firebase_functions.") and (m.endswith("_fn") or m.endswith(".options"))
    ]


def validation_modules(loaded: list[str]) -> list[str]:
    """The pydantic modules ``main`` pulled in (the models it defines decide which)."""
    return [m for m in loaded if m.split(".")[0] in VALIDATION]


@dataclass
class ColdStart:
    """Fastest import times (ms): ``main``, its two floors, and ``main`` without its
    garbage-collector pause."""

    main: float
    sdk: float
    sdk_pydantic: float
    loaded: list[str]
    main_gc_as_usual: float

    @property
    def over_sdk(self) -> float:
        return self.main / self.sdk

    @property
    def over_sdk_pydantic(self) -> float:
        return self.main / self.sdk_pydantic


def measure(runs: int, targets: list[str | None]) -> dict[str | None, ColdStart]:
    """Each target's cold start (None: discovery), taken round-robin: every run imports each
    target and its floors in turn, so a slow spell of the machine (these 2 shared cores have
    them, seconds long) costs one sample of many targets rather than every sample of one.
    Measured one target after the other, the worst module's ratio was whichever module a
    slow spell fell on: 1.30x in one run of this bench, 1.09x with more runs the next."""
    floors = {}
    for target in targets:
        loaded = timed_import(["main"], target)["modules"]
        sdk = trigger_modules(loaded)
        floors[target] = (loaded, sdk, sdk + validation_modules(loaded))
    times: dict[str | None, dict[str, list[float]]] = {
        target: {"main": [], "sdk": [], "sdk_pydantic": [], "main_gc_as_usual": []}
        for target in targets
    }
    for _ in range(runs):
        for target in targets:
            _, sdk, sdk_pydantic = floors[target]
            samples = times[target]
            samples["main"].append(timed_import(["main"], target)["seconds"])
            samples["sdk"].append(timed_import(sdk)["seconds"])
            samples["sdk_pydantic"].append(timed_import(sdk_pydantic)["seconds"])
            usual = timed_import(["main"], target, gc_as_usual=True)["seconds"]
            samples["main_gc_as_usual"].append(usual)
    return {
        target: ColdStart(
            loaded=floors[target][0],
            **{name: min(values) * 1000 for name, values in times[target].items()},
        )
        for target in targets
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from main import FUNCTIONS

    measured = measure(args.runs, [None, *(names[0] for names in FUNCTIONS.values())])
    discovery = measured[None]
    heavy = [
        m
        for m in (
            "google.cloud.pubsub_v1",
            "google.cloud.storage",
            "yaml",
            "firebase_admin.firestore",
        )
        if m in discovery.loaded
    ]
    print(f"heavy modules loaded by main at import: {', '.join(heavy) or 'none'}")
    print("discovery (every function, no FUNCTION_TARGET):")
    print(
        f"  import main.py {discovery.main:.0f} ms (without the GC pause "
        f"{discovery.main_gc_as_usual:.0f} ms); floors: SDK {discovery.sdk:.0f} ms "
        f"({discovery.over_sdk:.2f}x), SDK + pydantic {discovery.sdk_pydantic:.0f} ms "
        f"({discovery.over_sdk_pydantic:.2f}x)"
    )

    per_module = {module: measured[names[0]] for module, names in FUNCTIONS.items()}
    print("a deployed instance (FUNCTION_TARGET set: one service module imported):")
    print(f"  {'module':30} {'main':>6} {'no GC pause':>11} {'SDK':>6} {'+pydantic':>9}")
    for module, m in per_module.items():
        print(
            f"  {module:30} {m.main:4.0f}ms {m.main_gc_as_usual:9.0f}ms {m.sdk:4.0f}ms "
            f"{m.sdk_pydantic:7.0f}ms  {m.over_sdk:.2f}x {m.over_sdk_pydantic:.2f}x"
        )
    gains = [m.main_gc_as_usual - m.main for m in per_module.values()]
    print(f"  the GC pause saves a median {statistics.median(gains):.0f} ms per instance")
    for floor in ("over_sdk", "over_sdk_pydantic"):
        ratios = {module: getattr(m, floor) for module, m in per_module.items()}
        worst = max(ratios, key=ratios.__getitem__)
        print(
            f"  vs the {FLOORS[floor]} floor: median {statistics.median(ratios.values()):.2f}x "
            f"over the {len(ratios)} modules, worst {worst} {ratios[worst]:.2f}x"
        )
    for floor in ("over_sdk", "over_sdk_pydantic"):
        worst = max(per_module, key=lambda module: getattr(per_module[module], floor))
        for name, figure in (
            ("discovery", getattr(discovery, floor)),
            (f"worst deployed module ({worst})", getattr(per_module[worst], floor)),
        ):
            verdict(
                f"cold start, {name} vs the {FLOORS[floor]} floor",
                f"{figure:.2f}x",
                "<= 1.30x",
                figure <= 1.3,
            )


FLOORS = {"over_sdk": "SDK", "over_sdk_pydantic": "SDK + pydantic"}


if __name__ == "__main__":
    main()
