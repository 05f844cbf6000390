"""Helper process for :class:`bench.timing.Spawner`: reads one JSON command per line, runs
it, writes the measurements as one JSON line. Imports nothing large, so the commands it
starts report their own peak memory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.timing import run_process


def main() -> int:
    for line in sys.stdin:
        req = json.loads(line)
        res = run_process(req["argv"], Path(req["cwd"]), req["timeout"])
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
