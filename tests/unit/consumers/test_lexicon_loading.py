"""The lexicons compile on first use, not when a command merely registers itself:
`policywatch crawl` (and every scheduled crawl child) must not pay for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

_PROBE = """
import sys
from policywatch import cli
sys.argv = ["policywatch", "crawl", "--help"]
try:
    cli.main()
except SystemExit:
    pass
from consumers import classifier
print("compiled", classifier.lexicon.cache_info().currsize)
print("version", classifier.CLASSIFIER_VERSION)
print("compiled", classifier.lexicon.cache_info().currsize)
"""


def test_registering_commands_does_not_compile_the_lexicons():
    result = subprocess.run([sys.executable, "-c", _PROBE], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60)
    lines = [line for line in result.stdout.splitlines() if line.startswith(("compiled", "version"))]
    assert result.returncode == 0, result.stderr
    assert lines[0] == "compiled 0"
    assert lines[1].startswith("version lexicon-")
    assert lines[2] == "compiled 1"  # CLASSIFIER_VERSION compiles them on first use
