"""find_sections: headline, body, caption, related and comment spans in plain text.

Synthetic articles below are our own sentences; the seed tests read the real seed files
and point at short fragments only."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.documents import parse_file
from transforms.metadata import find_title
from transforms.sections import find_sections, overlay_spans

SEEDS = Path("/work/shared/seeds")

PROSE_A = ("Officials in Seoul said on Monday that roughly 11,000 North Korean soldiers had been sent "
           "to Russia over the past year, most of them to the Kursk region.")
PROSE_B = ("The agency told lawmakers that about 1,100 of the soldiers had been killed or wounded in "
           "fighting since December, a figure Pyongyang has not confirmed.")
PROSE_C = ("Analysts said the deployment had given the North's army its first combat experience in "
           "decades, and that more rotations were likely next year.")
TITLE = "Seoul raises its estimate of North Korean troops"


def section_of(text: str, spans, fragment: str) -> str:
    offset = text.index(fragment)
    return next(section for section, start, end in spans if start <= offset < end)


def sections_for(text: str, title: str | None = TITLE):
    spans = find_sections(text, title)
    assert spans[0][1] == 0 and spans[-1][2] == len(text)
    assert all(a[2] == b[1] for a, b in zip(spans, spans[1:]))
    return spans


def test_empty_text_has_no_sections():
    assert find_sections("", None) == []


def test_title_and_its_repeat_are_headline_and_prose_is_body():
    text = f"{TITLE}\n\n{TITLE}\n\n{PROSE_A}\n\n{PROSE_B}\n"
    spans = sections_for(text)
    assert spans[0] == ("headline", 0, text.index(PROSE_A))
    assert section_of(text, spans, PROSE_B[:20]) == "body"


@pytest.mark.parametrize("caption", [
    "Soldiers march through Pyongyang on Saturday. [YONHAP]",
    "Troops board a train in this photo released by state media on Friday.",
    "Soldiers at a parade in Pyongyang. Image: Reuters/KCNA",
    "Photo: Soldiers at a parade in Pyongyang",
    "Soldiers wave from a train in a handout picture. (Reuters)",
    "![A parade](https://example.org/a.jpg)",
    "| Soldiers at a parade in Pyongyang |",
])
def test_caption_shapes(caption):
    text = f"{TITLE}\n{PROSE_A}\n{caption}\n{PROSE_B}\n"
    spans = sections_for(text)
    assert section_of(text, spans, caption) == "caption"
    assert section_of(text, spans, PROSE_B[:20]) == "body"


def test_a_wire_dateline_credit_at_the_start_is_not_a_caption():
    line = "SEOUL (Reuters) - " + PROSE_A
    text = f"{TITLE}\n\n{line}\n"
    assert section_of(text, sections_for(text), "SEOUL") == "body"


def test_related_header_takes_the_headline_list_and_ends_at_prose():
    text = (f"{TITLE}\n\n{PROSE_A}\n\nRelated Stories\n\nKyiv says two soldiers were captured\n\n"
            f"Seoul counts 300 dead in Kursk\n\n{PROSE_B}\n")
    spans = sections_for(text)
    assert section_of(text, spans, "Related Stories") == "related"
    assert section_of(text, spans, "Seoul counts 300 dead") == "related"
    assert section_of(text, spans, PROSE_B[:20]) == "body"


def test_a_related_label_left_alone_costs_the_body_nothing():
    text = f"{TITLE}\n\n{PROSE_A}\n\nRelated Article\n\n{PROSE_B}\n"
    spans = sections_for(text)
    assert section_of(text, spans, "Related Article") == "related"
    assert section_of(text, spans, PROSE_B[:20]) == "body"


def test_more_in_prefix_is_a_header_but_more_intense_prose_is_not():
    header = f"{TITLE}\n\n{PROSE_A}\n\nMore in North Korea\n\nSeoul counts 300 dead in Kursk\n"
    assert section_of(header, sections_for(header), "Seoul counts") == "related"
    prose = f"{TITLE}\n\n{PROSE_A}\n\nMore intense fighting followed in the spring\n\n{PROSE_B}\n"
    assert section_of(prose, sections_for(prose), "More intense") == "body"


def test_a_run_of_headline_lines_after_the_article_is_related_without_a_header():
    text = (f"{TITLE}\n\n{PROSE_A}\n\n{PROSE_B}\n\nKyiv says two North Korean soldiers were captured\n"
            "Seoul counts 300 dead in Kursk fighting\nPutin thanks Pyongyang for its soldiers\n")
    spans = sections_for(text)
    assert section_of(text, spans, "Putin thanks") == "related"
    assert section_of(text, spans, "Kyiv says two") == "related"


def test_a_list_introduced_by_a_colon_stays_body():
    text = (f"{TITLE}\n\n{PROSE_A}\n\nThe plan covers three areas:\n- Clearing mines near the border towns\n"
            "- Rebuilding roads and bridges in Kursk\n- Training new engineering units at home\n")
    assert section_of(text, sections_for(text), "Rebuilding roads") == "body"


def test_comments_after_a_late_comment_header_run_to_the_end():
    text = (f"{TITLE}\n\n{PROSE_A}\n\n{PROSE_B}\n\n{PROSE_C}\n\n12 Comments\n\n"
            "Seoul always lowballs these numbers.\n\nThe real count is surely higher than 11,000.\n")
    spans = sections_for(text)
    assert section_of(text, spans, PROSE_C[:20]) == "body"
    assert section_of(text, spans, "12 Comments") == "comment"
    assert section_of(text, spans, "The real count") == "comment"


def test_byline_comment_counter_finds_the_comments_after_a_double_gap():
    text = (f"{TITLE}\n\n4 Comments\nSEOUL\n\n{PROSE_A}\n\n{PROSE_B}\n\n{PROSE_C}\n\n\n"
            "I don't buy the official count at all\n\nwhy would anyone trust Pyongyang??\n\n"
            "Ukraine says 14,000 were sent. Seoul says 11,000.\n")
    spans = sections_for(text)
    assert section_of(text, spans, PROSE_A[:20]) == "body"
    assert section_of(text, spans, PROSE_C[:20]) == "body"
    assert section_of(text, spans, "I don't buy") == "comment"
    assert section_of(text, spans, "Ukraine says 14,000") == "comment"


def test_without_a_comment_header_informal_trailing_lines_stay_body():
    text = f"{TITLE}\n\n{PROSE_A}\n\n{PROSE_B}\n\n\nWhy would anyone trust these numbers??\n\nI doubt it!\n"
    assert section_of(text, sections_for(text), "I doubt it") == "body"


def test_a_double_gap_before_formal_prose_is_not_a_comment_boundary():
    text = f"{TITLE}\n\n5 Comments\n\n{PROSE_A}\n\n\n{PROSE_B}\n\n{PROSE_C}\n"
    spans = sections_for(text)
    assert section_of(text, spans, PROSE_B[:20]) == "body"
    assert section_of(text, spans, PROSE_C[:20]) == "body"


def test_overlay_spans_replaces_a_range_and_keeps_coverage():
    spans = [("body", 0, 10), ("related", 10, 20)]
    assert overlay_spans(spans, [("caption", 5, 12)], 20) == [("body", 0, 5), ("caption", 5, 12), ("related", 12, 20)]


def test_a_50_mb_line_is_labelled_in_bounded_time():
    text = "soldiers were sent " * 2_700_000
    assert find_sections(text, None) == [("body", 0, len(text))]


# ---------------------------------------------------------------- the real seeds


def seed(prefix: str):
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip("seed articles are not on this machine")
    document = parse_file(paths[0].read_bytes(), paths[0].name)[0]
    return document.text, document.sections


def test_seed_004_comments_at_the_end_are_comment_and_the_article_is_body():
    text, spans = seed("004")
    assert section_of(text, spans, "Last month,") == "body"
    assert section_of(text, spans, "Under a mutual defence pact") == "body"
    assert section_of(text, spans, "They made history") == "comment"
    assert section_of(text, spans, "Ukraine estimates 14,000") == "comment"
    assert section_of(text, spans, "And Ukaine estimates") == "comment"
    assert section_of(text, spans, "Image: Reuters/KCNA") == "caption"


def test_seed_000_related_stories_list_is_related_and_body_survives_the_related_label():
    text, spans = seed("000")
    assert section_of(text, spans, "dispatch of 6,000 troops") == "related"
    assert section_of(text, spans, "Related Article") == "related"
    assert section_of(text, spans, "According to Kim,") == "body"
    assert section_of(text, spans, "[KOREAN CENTRAL NEWS AGENCY]") == "caption"


def test_seed_002_photo_captions_are_caption_and_figures_are_body():
    text, spans = seed("002")
    assert section_of(text, spans, "meets with war veterans") == "caption"
    assert section_of(text, spans, "North Korean entertainers perform") == "caption"
    assert section_of(text, spans, "more than 10,000 troops") == "body"


def test_seed_003_table_caption_is_caption_and_subheads_stay_body():
    text, spans = seed("003")
    assert section_of(text, spans, "![]()") == "caption"
    assert section_of(text, spans, "over 600 North Korean") == "body"
    assert section_of(text, spans, "Preparing for a Critical") == "body"


def test_seed_titles_are_headlines():
    for prefix in ("000", "001", "002", "003", "004"):
        text, spans = seed(prefix)
        title = find_title(text)
        assert title and section_of(text, spans, title) == "headline"
