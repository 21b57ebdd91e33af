"""`troopledger explain FILE`: each claim found in one article, beside its sentence."""

from __future__ import annotations

from pathlib import Path

from inputs.discovery import ARTICLE_SUFFIXES, describe_input, is_article_name
from inputs.extract import parse_input
from transforms.claims import extract_claims


class NothingToExplain(Exception):
    """The file is missing, unreadable, of a kind troopledger does not read, or holds no article."""


def explain_file(path: Path) -> str:
    """The explanation of each document in the file; NothingToExplain (one line) when there is none."""
    path = path.absolute()
    if not path.exists():
        raise NothingToExplain(f"cannot explain {path}: no such file")
    if path.is_dir():
        raise NothingToExplain(f"cannot explain {path}: a folder, not a file")
    if not is_article_name(path.name):
        raise NothingToExplain(f"cannot explain {path}: not an article file (troopledger reads "
                               f"{', '.join(ARTICLE_SUFFIXES)})")
    item = describe_input(path.parent, path)
    documents = parse_input(item)[0]
    if all(doc.error for doc in documents):
        raise NothingToExplain(f"cannot explain {path}: {documents[0].error if documents else 'no article in it'}")
    lines: list[str] = []
    for doc in documents:
        lines.append(f"{doc.source_path}: title {doc.title!r}, outlet {doc.outlet!r}, published {doc.published_date}")
        if doc.error:
            lines.append(f"  error: {doc.error}")
            continue
        claims = extract_claims(doc.text, doc.sections, doc.published_date)
        if not claims:
            lines.append("  no figures about personnel found")
        for claim in claims:
            lines.extend(describe_claim(claim))
    return "\n".join(lines)


def describe_claim(claim: dict) -> list[str]:
    bounds = f"{claim['value_low'] if claim['value_low'] is not None else '..'}-{claim['value_high'] if claim['value_high'] is not None else '..'}"
    unit = "%" if claim["unit"] == "percent" else ""
    period = f"{claim['period_start'] or '..'} to {claim['period_end'] or '..'}"
    return [
        f"\n  [{claim['section']}] {claim['sentence']}",
        f"    {claim['number_text']!r} -> {claim['metric']} of {claim['subject']}: {bounds}{unit} ({claim['qualifier']}, best {claim['value_best']})",
        f"    metric from {claim['metric_text']!r}; claimants {claim['claimants'] or 'outlet'}"
        + (f" from {claim['claimant_text']!r}" if claim["claimant_text"] else ""),
        f"    period {period}" + (f" from {claim['period_text']!r}" if claim["period_text"] else ""),
        f"    scope {claim['scope']}" + (f" from {claim['scope_text']!r}" if claim["scope_text"] else " (no words of a window, part or plan)"),
    ]
