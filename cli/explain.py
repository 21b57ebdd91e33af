"""`troopledger explain FILE`: each claim found in one article, beside its sentence."""

from __future__ import annotations

from pathlib import Path

from inputs.discovery import describe_input
from inputs.extract import parse_input
from transforms.claims import extract_claims


def explain_file(path: Path) -> str:
    path = path.absolute()
    item = describe_input(path.parent, path)
    lines: list[str] = []
    for doc in parse_input(item)[0]:
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
