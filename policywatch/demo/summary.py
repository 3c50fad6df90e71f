"""The text summary ``policywatch run --demo`` prints: pure functions of store answers."""

from __future__ import annotations

import unicodedata
from typing import Any


def width(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns (with … when cut), then padded."""
    if width(text) > columns:
        out = ""
        for ch in text:
            if width(out + ch) > columns - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (columns - width(text))


def counts_table(title: str, counts: dict[str, int], rows: int = 12) -> list[str]:
    """``title`` over the largest counts, one ``name  n`` line each."""
    lines = [title]
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines += [f"  {fit(name, 24)}{n:>4}" for name, n in ordered[:rows]] or ["  (none)"]
    if len(ordered) > rows:
        lines.append(f"  … and {len(ordered) - rows} more")
    return lines


def side_by_side(left: list[str], right: list[str], gap: int = 4) -> list[str]:
    column = max((width(line) for line in left), default=0) + gap
    return [fit(a, column) + b if b else a
            for a, b in zip(left + [""] * (len(right) - len(left)), right + [""] * (len(left) - len(right)))]


def format_summary(stats: dict[str, Any], top: list[dict[str, Any]]) -> str:
    """Articles by region and theme (relevant ones) and the most relevant titles."""
    lines = [f"Stored articles: {stats['total']} ({stats['relevant']} about blockchain policy)", ""]
    lines += side_by_side(counts_table("Relevant articles by region", stats["by_region"]),
                          counts_table("Relevant articles by theme", stats["by_theme"]))
    lines += ["", "Most relevant"]
    for hit in top:
        regions = ",".join(hit.get("regions") or []) or "-"
        lines.append(f"  {float(hit.get('relevance') or 0):.2f}  {(hit.get('published') or 'undated')[:10]:<10}  "
                     f"{fit(regions, 16)} {fit(hit.get('title') or '', 72).rstrip()}")
    if not top:
        lines.append("  (no relevant articles)")
    return "\n".join(lines)
