"""County-level divisions (lexicons/counties.yaml): which phrases name which province.

regions.yaml names provinces, prefecture-level cities and a few districts; counties.yaml
lists the ~2,500 county-level divisions besides them. A division's full name (寿光市,
九龙坡区) always counts; its bare name (寿光) only where the file lists it, because a
two-character name is often a common word or runs across two words (例如东部 holds 如东).
This module checks the file against regions.yaml, so that no name can point to two
provinces, and returns the phrases with their province for the lexicon's automaton.
"""

from __future__ import annotations

from pathlib import Path

from consumers.classifier.normalise import fold
from policywatch.taxonomy import REGIONS

# The suffixes of a county-level division's name (县 county, 市 county-level city, 区
# district, 旗 banner; 自治县 and 自治旗 end in 县 and 旗).
SUFFIXES = ("县", "市", "区", "旗")
# What follows a suffix when the name is not meant: 区块链 (blockchain) and 区块 (a land
# parcel) after a district, 市场 (market) after a county-level city.
MISREADINGS = {"区": "块", "市": "场"}


def county_phrases(path: Path, data: dict, known: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    """(phrase, regions) for every division and bare name of ``data`` (the parsed
    counties.yaml), and (phrase, ()) for the misreadings of divisions whose bare name
    does not count (麒麟区块链 names no district). ``known`` maps each folded name and
    place of regions.yaml to its region. Raises LexiconError naming the file, the
    province and the field for a name listed twice, under two provinces, or already in
    regions.yaml, for a division that is another province's place and one suffix
    character (海南区, 河北区), and for a bare name of no listed division."""
    from consumers.classifier.lexicon import _err, _mapping, _phrases  # noqa: PLC0415 (lexicon imports this module)

    owner: dict[str, tuple[str, str]] = {}  # folded name -> (region, field) in this file
    divisions: dict[str, list[str]] = {}
    bare: dict[str, list[str]] = {}
    for region, spec in _mapping(path, "provinces", "provinces", data.get("provinces")).items():
        if region not in REGIONS or region == "National":
            raise _err(path, str(region), "provinces", f"unknown region; use one of {REGIONS[:-1]}")
        spec = _mapping(path, region, "divisions", spec)
        divisions[region] = _phrases(path, region, "divisions", spec.get("divisions"))
        bare[region] = _phrases(path, region, "bare", spec.get("bare", []))
        for fieldname, names in (("divisions", divisions[region]), ("bare", bare[region])):
            for name in names:
                key = fold(name)
                if key in known:
                    raise _err(path, region, fieldname, f"{name!r} is already in regions.yaml under {known[key]}")
                if key in owner:
                    where, first = owner[key]
                    raise _err(path, region, fieldname, f"{name!r} is listed twice (also under {where}, {first}):"
                               " a shared name is left out or written with its prefecture (南京市鼓楼区)")
                owner[key] = (region, fieldname)
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for region, names in divisions.items():
        for name in names:
            if len(name) < 2 or not name.endswith(SUFFIXES):
                raise _err(path, region, "divisions", f"{name!r} must be a name ending in one of {SUFFIXES}")
            stem = fold(name[:-1])
            other = known.get(stem) or (owner[stem][0] if stem in owner else None)
            if other is not None and other != region:
                raise _err(path, region, "divisions", f"{name!r} is {other}'s {name[:-1]!r} and a suffix:"
                           " write it with its prefecture or leave it out")
            phrases.append((name, (region,)))
            if name[-1] in MISREADINGS and stem not in owner and stem not in known:
                phrases.append((name + MISREADINGS[name[-1]], ()))
    for region, names in bare.items():
        for name in names:
            if len(name) < 2 or not any(division.startswith(name) for division in divisions[region]):
                raise _err(path, region, "bare", f"{name!r} must be the start of a division listed under {region}")
            phrases.append((name, (region,)))
    return phrases
