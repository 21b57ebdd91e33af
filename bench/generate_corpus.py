"""Write a synthetic corpus of news articles about North Korea's troops in Russia, for benchmarks.

    .venv/bin/python bench/generate_corpus.py N OUT_DIR [--seed S]

N articles in every input format the pipeline reads: about 70% `.txt`, 10% `.md`, 10% `.html`
and 10% as lines of `.jsonl` files of ~100 lines each; every fourth `.txt`, `.md` or `.html` file
gets a `NAME.meta.json` sidecar. Files are spread over subfolders of at most 1,000 files. The same N and
seed give byte-identical files.

Every sentence here is our own wording. The facts mirror real reporting (who said how many
troops went, how many were killed, wounded or captured, in which month), and so do the forms:
numbers as "some 11,000", "more than 4,000", "between 10,000 and 12,000", "dozens"; claimants as
agencies, ministries, lawmakers and unnamed officials; dates as datelines, "on Monday", "as of
January 13", "since October". Filler paragraphs, captions, related links and reader comments
bring an article to the 2-4 KB of a real one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FILES_PER_FOLDER = 1000
LINES_PER_JSONL = 100
SIDECAR_EVERY = 4  # every fourth .txt, .md or .html file has a NAME.meta.json
FIRST_DAY = date(2024, 10, 10)
LAST_DAY = date(2025, 12, 20)
TARGET_BYTES = (1800, 3200)  # the article text before markup

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTHS_SHORT = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")

OUTLETS = ("Northeast Asia Wire", "Korea Morning Review", "Global Desk", "Seoul Daily Ledger",
           "Eastern Front Monitor", "Pacific Dispatch", "The Continental Times", "Kyiv Evening Post")

# Who a figure comes from, as reporters name them: (attribution after a figure, subject form).
CLAIMANTS = (
    ("according to South Korea's National Intelligence Service", "South Korea's National Intelligence Service"),
    ("according to the NIS", "The NIS"),
    ("South Korea's spy agency said {when}", "South Korea's spy agency"),
    ("a lawmaker briefed by the NIS told reporters {when}", "A lawmaker briefed by the NIS"),
    ("the Joint Chiefs of Staff said {when}", "South Korea's Joint Chiefs of Staff"),
    ("according to the JCS", "The JCS"),
    ("Ukraine's military intelligence agency said {when}", "Ukraine's military intelligence"),
    ("according to the HUR", "The HUR"),
    ("Ukrainian special operations forces said {when}", "Ukraine's special operations forces"),
    ("President Volodymyr Zelensky said {when}", "Zelensky"),
    ("the Pentagon said {when}", "The Pentagon"),
    ("a US defence official said {when}", "US officials"),
    ("Britain's defence ministry said {when}", "Britain's defence intelligence"),
    ("Western officials said {when}", "Western officials"),
    ("according to NATO", "NATO"),
    ("according to South Korean, Ukrainian and Western sources", "South Korean and Ukrainian officials"),
    ("state media KCNA reported {when}", "KCNA"),
    ("the Kremlin said {when}", "Russia's defence ministry"),
)

# Number forms by metric, with the figures real estimates used; "{n}" takes a formatted number.
FIGURES = {
    "troops_deployed": ("some 11,000", "about 12,000", "around 10,000", "more than 10,000", "up to 15,000",
                        "between 11,000 and 12,000", "10,000 to 12,000", "an estimated 14,000", "roughly 3,000",
                        "at least 1,500", "thousands of", "6,000", "nearly 5,000", "tens of thousands of",
                        "1,000", "10-12,000", "several thousand"),
    "killed": ("at least 100", "about 300", "more than 600", "some 2,000", "around 4,700", "nearly 1,000",
               "hundreds of", "dozens of", "over 6,000", "roughly 200", "as many as 500", "several hundred"),
    "wounded": ("about 2,700", "some 2,600", "more than 1,000", "around 3,000", "hundreds of", "nearly 4,000"),
    "casualties": ("more than 4,000", "around 1,100", "some 3,000", "over 1,000", "about 4,700",
                   "several thousand", "at least 3,800", "3,000-plus", "thousands of", "roughly 6,000"),
    "captured": ("two", "dozens of", "at least two", "a handful of", "one", "three"),
    "missing": ("hundreds of", "about 100", "dozens of", "some 200"),
}

# Sentences that carry a figure. {num} is the number phrase, {src} an attribution after the figure,
# {who} a claimant as subject, {when} a statement time, {span} a period the figure covers.
FIGURE_SENTENCES = {
    "troops_deployed": (
        "North Korea has sent {num} troops to Russia, {src}.",
        "{who} estimated that {num} North Korean soldiers were now in the Kursk region.",
        "Pyongyang has deployed {num} soldiers to fight for Moscow {span}, {src}.",
        "{who} said {when} that {num} North Korean troops had been moved to the front line.",
        "The North dispatched {num} more soldiers to Russia {span}, {src}.",
        "{num} North Korean troops are stationed near the border, {src}.",
    ),
    "killed": (
        "{num} North Korean soldiers have been killed in combat {span}, {src}.",
        "{who} said {when} that {num} North Korean troops had died in the fighting.",
        "Within the North Korean contingent, {num} soldiers were killed {span}, {src}.",
        "{who} said {num} North Korean soldiers had been killed since the fighting began.",
    ),
    "wounded": (
        "In addition, {num} North Korean soldiers were wounded, {src}.",
        "{who} said {when} that {num} North Korean troops had been injured {span}.",
    ),
    "casualties": (
        "North Korean forces have suffered {num} casualties {span}, {src}.",
        "{who} said {when} that North Korean losses had reached {num} soldiers killed and wounded.",
        "The North has lost {num} soldiers in Kursk, {src}.",
        "{num} North Korean troops have been killed or wounded {span}, {src}.",
    ),
    "captured": (
        "{num} North Korean soldiers were captured by Ukrainian forces {span}, {src}.",
        "{who} said {when} that {num} North Korean prisoners were being held in Kyiv.",
    ),
    "missing": (
        "{num} North Korean soldiers remain missing after the assaults, {src}.",
    ),
}

STATEMENT_TIMES = ("on {weekday}", "on {weekday}", "last week", "earlier this month", "on {month_day}",
                   "in a briefing on {weekday}", "this week")
PERIODS = ("since October", "since they entered combat in December", "in the past three days", "in the past week",
           "last month", "as of {month_day}", "by the end of {month}", "in early {month}", "over the past two months",
           "this year", "")

# Paragraphs without a personnel figure, to make the article as long as a real one.
# Some carry numbers that are not claims: shells, years, ages, distances, regiment numbers.
FILLER = (
    "Diplomats in {city} said the arrangement had deepened ties between the two governments, which signed a "
    "mutual defence treaty in June 2024.",
    "Analysts said the deployment gave Pyongyang a rare chance to gain combat experience with drones and "
    "modern artillery, lessons its army could not learn at home.",
    "Satellite images reviewed by researchers showed ships loading containers at a port on the North's east "
    "coast, which officials believe carried artillery shells and rockets.",
    "North Korea is thought to have shipped millions of artillery rounds to Russia since 2023, along with "
    "short-range ballistic missiles.",
    "The {regiment}th Brigade, which operated in the area, did not respond to questions about the report.",
    "Officials in {city} declined to give details of how the estimate was reached, citing the need to protect "
    "intelligence sources.",
    "The soldiers are believed to be drawn largely from special forces units trained for raids and mountain "
    "warfare rather than open-field combat.",
    "Russia and North Korea denied for months that any troops had crossed the border, before both governments "
    "acknowledged the deployment in April 2025.",
    "Military experts said the lack of shared language and unfamiliar terrain had made coordination with "
    "Russian units difficult in the first weeks.",
    "In exchange, Moscow is believed to be supplying oil, food and possibly space and missile technology to "
    "Pyongyang, analysts said.",
    "The front line near the village moved about {km} kilometres over the winter, according to open-source "
    "mapping groups.",
    "Video released online showed soldiers in winter uniforms moving across a snowy field, though its location "
    "could not be independently verified.",
    "A {age}-year-old soldier held by Ukraine told interviewers he had believed he was being sent for training, "
    "not for combat.",
    "Seoul has raised its alert level and said it would consider supplying weapons to Kyiv if the cooperation "
    "between Moscow and Pyongyang deepened further.",
    "Talks between the foreign ministers of the two countries in {city} focused on trade, energy and what both "
    "sides called security cooperation.",
    "The government in {city} summoned the Russian ambassador and demanded the immediate withdrawal of the "
    "forces.",
    "Officials said the units had been rotated out for several weeks to regroup before returning to the front "
    "in {month}.",
    "Independent verification of battlefield figures remains difficult, and each side has reasons to inflate "
    "or play down losses.",
    "The {year} plan for the armed forces, published by state media, made no mention of foreign operations.",
    "Russian officials have praised the North Korean soldiers' courage and said the two armies fought side by "
    "side to retake the region.",
    "Families of the soldiers have received no official notice of their deaths, according to defectors in "
    "contact with relatives in the North.",
    "Engineers and deminers from the North have since been sent to clear mines in the area, state media said.",
)

CAPTIONS = (
    "Photo: North Korean leader Kim Jong Un inspects troops at a ceremony in Pyongyang. ({agency})",
    "In this photo released by {agency}, soldiers board a transport plane at an airbase.",
    "Image: A destroyed armoured vehicle lies beside a road in the Kursk region. ({agency})",
    "In this handout picture, Ukrainian troops fire a howitzer near the border. ({agency})",
    "Pictured: a still image from drone footage of infantry crossing a field. ({agency})",
)
CAPTION_AGENCIES = ("KCNA", "Yonhap", "AFP", "Reuters", "AP", "Ukrainian Armed Forces")

RELATED_HEADLINES = (
    "NIS says {num} North Korean troops killed in Kursk",
    "Ukraine captures North Korean soldiers, Zelensky says",
    "Pyongyang confirms its troops fought in Russia",
    "How many North Korean soldiers are in Russia?",
    "Seoul weighs arms to Kyiv as the North sends more troops",
    "Kim honours soldiers who died abroad",
    "JCS: North Korean casualties rise to {num}",
    "Russia to receive {num} North Korean builders, ministry says",
)
RELATED_NUMBERS = ("100", "300", "1,100", "3,000", "4,700", "6,000")

COMMENTS = (
    "Nobody believes the official numbers from either side.",
    "If {num} were really killed, that is a huge share of the force.",
    "The NIS said {num} a month ago, so the real figure must be higher now.",
    "These young men had no choice in any of this.",
    "Ukraine estimates {num}, which sounds closer to the truth.",
    "Sources please. Every outlet has a different number.",
    "They will just send more. Pyongyang has plenty of soldiers.",
)
COMMENT_NUMBERS = ("hundreds", "thousands", "3,000", "4,000", "2,000")
COMMENT_AUTHORS = ("kim_observer", "eastwatch", "reader1987", "m.petrenko", "seoul_salaryman", "anon")

CITIES = ("Seoul", "Kyiv", "Moscow", "Pyongyang", "Washington", "London", "Brussels")


@dataclass
class Article:
    """One synthetic article before it is written in a format."""
    title: str
    outlet: str
    published: date
    dateline: str
    paragraphs: list[str]
    caption: str | None
    related: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    url: str = ""


# ---------------------------------------------------------------- words


def month_day(rng: random.Random, published: date) -> str:
    day = published - timedelta(days=rng.randint(1, 20))
    return f"{MONTHS[day.month - 1]} {day.day}"


def fill_time_words(template: str, rng: random.Random, published: date) -> str:
    earlier_month = (published.replace(day=1) - timedelta(days=1)).month
    return template.format(weekday=rng.choice(WEEKDAYS), month_day=month_day(rng, published),
                           month=MONTHS[earlier_month - 1])


def figure_sentence(rng: random.Random, published: date) -> str:
    metric = rng.choices(list(FIGURE_SENTENCES), weights=(30, 20, 10, 20, 8, 4))[0]
    template = rng.choice(FIGURE_SENTENCES[metric])
    attribution, subject = rng.choice(CLAIMANTS)
    when = fill_time_words(rng.choice(STATEMENT_TIMES), rng, published)
    span = fill_time_words(rng.choice(PERIODS), rng, published)
    number = rng.choice(FIGURES[metric])
    sentence = template.format(num=number, src=attribution.format(when=when),
                               who=subject, when=when, span=span)
    sentence = " ".join(sentence.replace(" ,", ",").split())
    return sentence[0].upper() + sentence[1:]


def filler_paragraph(rng: random.Random, published: date, deck: list[str]) -> str:
    """One or two filler sentences taken off the article's deck, so an article does not repeat itself."""
    if len(deck) < 2:
        deck.extend(rng.sample(FILLER, k=len(FILLER)))
    sentences = [deck.pop() for _ in range(rng.randint(1, 2))]
    values = {"city": rng.choice(CITIES), "regiment": rng.randint(11, 155), "km": rng.randint(5, 40),
              "age": rng.randint(19, 27), "month": MONTHS[published.month - 1], "year": rng.choice(("2025", "2026"))}
    return " ".join(s.format(**values) for s in sentences)


def headline(rng: random.Random, first_figure: str) -> str:
    # Real headlines either echo the lead figure or stay general.
    if rng.random() < 0.5:
        return first_figure.rstrip(".").split(", ")[0][:110]
    return rng.choice(("North Korean troops in Russia: what we know", "Seoul updates its estimate of the North's losses",
                       "Kyiv says North Korean units return to Kursk front", "Pyongyang praises soldiers sent abroad",
                       "Allies weigh response as North Korea deepens Russia ties"))


def dateline_for(rng: random.Random, published: date, outlet: str) -> str:
    month, day, year = MONTHS[published.month - 1], published.day, published.year
    forms = (f"Published: {day} {MONTHS_SHORT[published.month - 1]} {year}, {rng.randint(6, 22):02d}:{rng.choice(('00', '15', '30', '45'))}",
             f"Updated {month} {day}, {year}",
             f"Posted {published.isoformat()} {rng.randint(6, 22):02d}:00",
             f"By staff reporters | {month} {day}, {year}",
             # a wire dateline, as agencies print it
             f"{rng.choice(('SEOUL', 'KYIV', 'WASHINGTON'))}, {MONTHS_SHORT[published.month - 1]} {day}, {year} ({outlet}) -")
    return rng.choices(forms, weights=(3, 3, 2, 2, 1))[0]


def make_article(rng: random.Random, index: int) -> Article:
    published = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    outlet = rng.choice(OUTLETS)
    target = rng.randint(*TARGET_BYTES)
    figures = [figure_sentence(rng, published) for _ in range(rng.randint(1, 4))]
    paragraphs: list[str] = [figures[0]]
    size = len(figures[0])
    pending = figures[1:]
    deck: list[str] = []
    while size < target:
        paragraph = pending.pop(0) if pending and rng.random() < 0.5 else filler_paragraph(rng, published, deck)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    paragraphs.extend(pending)
    caption = None
    if rng.random() < 0.5:
        caption = rng.choice(CAPTIONS).format(agency=rng.choice(CAPTION_AGENCIES))
    related = [rng.choice(RELATED_HEADLINES).format(num=rng.choice(RELATED_NUMBERS)) for _ in range(rng.randint(0, 4))]
    comments = [f"{rng.choice(COMMENT_AUTHORS)}: " + rng.choice(COMMENTS).format(num=rng.choice(COMMENT_NUMBERS))
                for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    slug = f"{published.isoformat()}-{index:07d}"
    return Article(title=headline(rng, figures[0]), outlet=outlet, published=published,
                   dateline=dateline_for(rng, published, outlet), paragraphs=paragraphs, caption=caption,
                   related=related, comments=comments, url=f"https://news.example/{slug}")


# ---------------------------------------------------------------- formats


def as_text(article: Article) -> str:
    lines = [article.title, article.outlet, "", article.dateline, ""]
    if article.caption:
        lines += [article.caption, ""]
    for paragraph in article.paragraphs:
        lines += [paragraph, ""]
    if article.related:
        lines += ["Related Stories", ""] + [f"{h}" for h in article.related] + [""]
    if article.comments:
        lines += [f"{len(article.comments)} Comments", ""] + article.comments + [""]
    return "\n".join(lines)


def as_markdown(article: Article) -> str:
    lines = [f"# {article.title}", "", f"*{article.dateline} | {article.outlet}*", ""]
    for number, paragraph in enumerate(article.paragraphs):
        lines += [paragraph, ""]
        if number == 1 and article.caption:
            lines += [f"![photo](https://img.example/{number}.jpg)", f"*{article.caption}*", ""]
    if article.related:
        lines += ["## Read more", ""] + [f"- [{h}]({article.url}/related/{i})" for i, h in enumerate(article.related)] + [""]
    if article.comments:
        lines += ["## Comments", ""] + [f"> {c}" for c in article.comments] + [""]
    return "\n".join(lines)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_html(article: Article) -> str:
    head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(article.title)} | {escape(article.outlet)}</title>\n"
            f'<meta property="og:site_name" content="{escape(article.outlet)}">\n'
            f'<meta property="article:published_time" content="{article.published.isoformat()}T09:00:00+09:00">\n'
            f'<link rel="canonical" href="{article.url}">\n<script>window.dataLayer = [];</script>\n</head>\n')
    body = ['<body>\n<nav><a href="/">Home</a> | <a href="/world">World</a></nav>\n<article>',
            f"<h1>{escape(article.title)}</h1>"]
    if article.caption:
        body.append(f'<figure><img src="/img/lead.jpg" alt="lead photo"><figcaption>{escape(article.caption)}</figcaption></figure>')
    body += [f"<p>{escape(p)}</p>" for p in article.paragraphs]
    body.append("</article>")
    if article.related:
        links = "".join(f'<li><a href="/story/{i}">{escape(h)}</a></li>' for i, h in enumerate(article.related))
        body.append(f'<aside class="related"><h2>Related</h2><ul>{links}</ul></aside>')
    if article.comments:
        items = "".join(f'<div class="comment"><p>{escape(c)}</p></div>' for c in article.comments)
        body.append(f'<section class="comments"><h2>Comments</h2>{items}</section>')
    body.append('<footer>Copyright. All rights reserved.</footer>\n</body>\n</html>\n')
    return head + "\n".join(body)


def as_jsonl_record(article: Article, index: int) -> str:
    text = "\n\n".join([article.dateline] + article.paragraphs)
    record = {"id": f"bench-{index:07d}", "title": article.title, "outlet": article.outlet,
              "published": article.published.isoformat(), "url": article.url, "text": text}
    return json.dumps(record, ensure_ascii=False)


def sidecar_for(article: Article) -> str:
    return json.dumps({"title": article.title, "outlet": article.outlet,
                       "published": article.published.isoformat(), "url": article.url})


# ---------------------------------------------------------------- the corpus


def format_plan(count: int, rng: random.Random) -> list[str]:
    """The format of each article: exact shares, in a shuffled order."""
    shares = {"md": 0.10, "html": 0.10, "jsonl": 0.10}
    formats = [fmt for fmt, share in shares.items() for _ in range(round(count * share))]
    formats += ["txt"] * (count - len(formats))
    rng.shuffle(formats)
    return formats


def folder_name(file_number: int) -> str:
    return f"batch-{file_number // FILES_PER_FOLDER:04d}"


def generate(count: int, out_dir: Path, seed: int = 0) -> dict[str, int]:
    """Write `count` articles under out_dir; returns how many files of each kind were written."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"txt": 0, "md": 0, "html": 0, "jsonl": 0, "sidecar": 0, "jsonl_lines": 0}
    jsonl_lines: list[str] = []
    file_number = 0
    renderers = {"txt": as_text, "md": as_markdown, "html": as_html}
    for index, fmt in enumerate(format_plan(count, rng)):
        article = make_article(rng, index)
        if fmt == "jsonl":
            jsonl_lines.append(as_jsonl_record(article, index))
            written["jsonl_lines"] += 1
            if len(jsonl_lines) == LINES_PER_JSONL:
                file_number = write_jsonl(out_dir, file_number, jsonl_lines, written)
                jsonl_lines = []
            continue
        folder = out_dir / folder_name(file_number)
        folder.mkdir(exist_ok=True)
        path = folder / f"{article.published.isoformat()}-{index:07d}.{fmt}"
        path.write_text(renderers[fmt](article), encoding="utf-8")
        written[fmt] += 1
        if file_number % SIDECAR_EVERY == 1:
            path.with_suffix(".meta.json").write_text(sidecar_for(article), encoding="utf-8")
            written["sidecar"] += 1
        file_number += 1
    if jsonl_lines:
        write_jsonl(out_dir, file_number, jsonl_lines, written)
    return written


def write_jsonl(out_dir: Path, file_number: int, lines: list[str], written: dict[str, int]) -> int:
    folder = out_dir / folder_name(file_number)
    folder.mkdir(exist_ok=True)
    (folder / f"feed-{written['jsonl']:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    written["jsonl"] += 1
    return file_number + 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    written = generate(args.count, args.out_dir, args.seed)
    print(json.dumps(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
