"""`policywatch run` and `search` as the command line shows them."""

from __future__ import annotations

import argparse

import pytest

from policywatch import cli, cli_run


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[name]


@pytest.mark.parametrize("name", ["run", "search"])
def test_every_option_is_explained(name):
    parser = _subparser(name)
    assert parser.description and len(parser.description) > 80
    for action in parser._actions:
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_top_level_help_lists_run_and_search_first(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.startswith("    ") and
              not line.startswith("     ")]
    assert listed[:3] == ["run", "search", "crawl"]


def test_fresh_without_demo_is_a_user_error():
    args = cli.build_parser().parse_args(["run", "--fresh"])
    with pytest.raises(cli_run.UserError, match="--demo"):
        args.handler(args)


def test_the_mode_line_says_where_things_go(monkeypatch):
    monkeypatch.setattr(cli_run.settings, "KAFKA_BOOTSTRAP_SERVERS", "")
    monkeypatch.setattr(cli_run.settings, "ELASTICSEARCH_URL", "")
    monkeypatch.setattr(cli_run.settings, "SMTP_HOST", "")
    line = cli_run._describe_mode(3, 1)
    assert "3 sources, 1 subscription(s); in-process pipeline, embedded store" in line
    assert "outbox" in line
    monkeypatch.setattr(cli_run.settings, "KAFKA_BOOTSTRAP_SERVERS", "k:9092")
    monkeypatch.setattr(cli_run.settings, "ELASTICSEARCH_URL", "http://es:9200")
    monkeypatch.setattr(cli_run.settings, "SMTP_HOST", "mail")
    line = cli_run._describe_mode(3, 1)
    assert "Kafka k:9092, Elasticsearch http://es:9200, digests to SMTP mail:" in line
