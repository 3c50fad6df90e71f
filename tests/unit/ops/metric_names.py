"""The Prometheus metric names the code defines (``Counter("policywatch_...", ...)``)."""

import re

from tests.unit.ops.envdoc import REPO_ROOT

_PRODUCT = ("policywatch", "crawlers", "consumers", "alerts")
_DEFINITION = re.compile(r"\b(Counter|Gauge|Histogram|Summary|Info|Enum)\(\s*[\"'](policywatch_[a-z0-9_]+)[\"']")
# Series a metric of each kind exposes besides its own name.
_SUFFIXES = {"Counter": ("_total", "_created"), "Histogram": ("_bucket", "_sum", "_count", "_created"),
             "Summary": ("_sum", "_count", "_created"), "Gauge": (), "Info": ("_info",), "Enum": ()}


def defined_series() -> dict[str, str]:
    """Every series name the code's metrics expose -> the file defining it."""
    series = {}
    for folder in _PRODUCT:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for kind, name in _DEFINITION.findall(path.read_text(encoding="utf-8")):
                base = name[: -len("_total")] if kind == "Counter" and name.endswith("_total") else name
                for exposed in (base, *(base + suffix for suffix in _SUFFIXES[kind])):
                    series[exposed] = str(path.relative_to(REPO_ROOT))
    return series
