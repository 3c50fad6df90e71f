"""The ``policywatch`` command: one entry point, a subcommand per process or tool.

Each part of the system registers its own subcommands in its ``cli`` module; this file
only assembles them, sets up logging and turns expected failures into one clear line.
A subcommand handler takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

import settings
from policywatch import logs
from policywatch.errors import UserError

# Modules that add subcommands, in the order the help lists them (the data flow).
_COMMAND_MODULES = (
    "policywatch.cli_run",
    "crawlers.cli",
    "consumers.classifier.cli",
    "consumers.cli",
    "alerts.cli",
    "policywatch.cli_ops",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policywatch",
        description="Monitor Chinese government and finance sources for blockchain-policy news: "
                    "crawl -> Kafka -> classify -> Elasticsearch -> email digests. "
                    "With KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL unset, everything runs "
                    "embedded on this machine.",
    )
    parser.add_argument("--log-format", choices=("text", "json"), default=settings.POLICYWATCH_LOG_FORMAT,
                        help="log format (default from POLICYWATCH_LOG_FORMAT)")
    parser.add_argument("--log-level", default=settings.LOG_LEVEL, help="log level (default from LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in _COMMAND_MODULES:
        importlib.import_module(module_name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure(args.log_level, args.log_format)
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"policywatch {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"policywatch {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception:
        logging.getLogger("policywatch").exception("policywatch %s failed", args.command)
        return 1
