"""Run a command and report its exact peak resident memory.

    .venv/bin/python bench/peak_rss.py COMMAND [ARGS...]

Waits for the command, then prints ``peak_rss_kb=N`` (getrusage(RUSAGE_CHILDREN).ru_maxrss
of this wrapper, whose only child is the command) as the last line, and exits with the
command's status. bench/crawl_throughput.py and bench/memory.py wrap their children in
it, so a peak reached just before exit is not missed by sampling.
"""

from __future__ import annotations

import resource
import subprocess
import sys


def main() -> int:
    status = subprocess.call(sys.argv[1:])
    sys.stdout.flush()
    print(f"peak_rss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
