"""Fixtures of the fault drills: a ``report`` that shows what each drill injected and
checked, live in the terminal (also with output capture on) and in the captured output
(``-rA``), plus the dedicated servers that drills may stop (tests/support/servers.py)."""

from __future__ import annotations

import pytest

from tests.support.servers import drill_elasticsearch, drill_kafka, drill_servers  # noqa: F401 - fixtures


@pytest.fixture
def report(request):
    """``report("...")`` prints one line of the drill's story, prefixed with its name."""
    terminal = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    name = request.node.name

    def say(message: str) -> None:
        line = f"[drill {name}] {message}"
        print(line)
        if terminal is not None and capture is not None and capture.is_globally_capturing():
            with capture.global_and_fixture_disabled():
                terminal.write_line(line)

    return say
