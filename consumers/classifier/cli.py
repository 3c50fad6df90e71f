"""Subcommands of this part of policywatch (see policywatch/cli.py)."""


def register(commands) -> None:
    """Add this part's subcommands to the ``policywatch`` parser."""
