"""Operator tools behind ``policywatch doctor|dlq|stats|es|kibana`` (see policywatch/cli_ops.py).

Each module keeps its logic pure where it can (values in, values out) and does its I/O
through small functions that take already-built clients or plain connection values.
"""
