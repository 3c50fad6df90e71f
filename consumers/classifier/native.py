"""The classifier's native part (native/scan, Rust): the phrase scan, the lowering of plain
text and the story fingerprint's SimHash, or a clear error where it was not built into
this environment."""

try:
    from policywatch_scan import Scanner, SimHasher, lower_plain
except ModuleNotFoundError as missing:  # pragma: no cover - the environment decides
    raise ModuleNotFoundError(
        "policywatch_scan, the classifier's native scanner, is not installed: run `bash deploy/local/setup.sh`"
        " (builds native/scan with Rust) or `pip install ./native/scan` (needs cargo >= 1.85)") from missing

__all__ = ["Scanner", "SimHasher", "lower_plain"]
