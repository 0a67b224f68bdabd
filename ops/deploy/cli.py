"""The deploy plan's command line: prints the plan, one shell line per step, for
``deploy-functions.sh`` to run (or print with ``--dry-run``).

    python -m ops.deploy [--project P] [--region R] [--only a,b] [--source DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ops.deploy.commands import DEFAULT_PROJECT, DEFAULT_REGION, RESERVED_ENV, Options, plan_lines
from ops.deploy.declarations import ROOT, PlanError


def load_env_file(path: Path) -> dict[str, str]:
    """Extra environment variables (a flat YAML mapping), e.g. ``ops/env.<project>.yaml``."""
    import yaml

    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise PlanError(f"{path}: expected a mapping of NAME: value")
    if reserved := sorted(RESERVED_ENV & set(data)):
        raise PlanError(f"{path}: set by the deploy itself: {', '.join(reserved)}")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in data.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--region", default=DEFAULT_REGION, help="where undeclared ones go")
    parser.add_argument("--source", default=".deploy-staging", help="the staged source folder")
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--firestore-location", default="nam5", help="the database's location")
    parser.add_argument("--project-number", help="for the default compute service account")
    parser.add_argument("--invoker-service-account", help="caller of private functions")
    parser.add_argument("--env-file", type=Path, help="default: ops/env.<project>.yaml if any")
    args = parser.parse_args(argv)
    env_file = args.env_file or ROOT / "ops" / f"env.{args.project}.yaml"
    if args.env_file and not env_file.is_file():
        parser.error(f"--env-file {env_file}: no such file")
    try:
        options = Options(
            project=args.project,
            region=args.region,
            source=args.source,
            firestore_location=args.firestore_location,
            project_number=args.project_number,
            invoker=args.invoker_service_account,
            env=load_env_file(env_file) if env_file.is_file() else {},
        )
        only = [name.strip() for name in args.only.split(",") if name.strip()]
        lines = plan_lines(options, only or None)
    except PlanError as error:
        print(f"deploy plan: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0
