"""Write the hostile input corpus into a folder.

Many of these files cannot sit in git sanely (50 MB, NUL bytes, mixed encodings), so they
are generated. Every sentence here is our own.

    python tests/hostile/make_hostile.py OUT_DIR [--big-bytes N]

`write_hostile_corpus(folder, big_bytes)` returns {file name: path}. Sidecars are written
next to their article as NAME.meta.json, the way the flow finds them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ARTICLE = ("Officials in Seoul said on Tuesday that about 14,000 North Korean soldiers had been "
           "sent to Russia, and that some 4,700 of them were killed or wounded.")
HEADLINE = "Seoul updates its count of North Korean troops"
BIG_FILE_BYTES = 50_000_000


def _plain(extra: str = "") -> str:
    return f"{HEADLINE}\n\n{ARTICLE}\n{extra}"


def hostile_files(big_bytes: int = BIG_FILE_BYTES) -> dict[str, bytes]:
    """File name -> raw bytes of every hostile case."""
    text = _plain()
    files: dict[str, bytes] = {
        # encodings
        "bom_utf8.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16le_bom.txt": text.encode("utf-16"),  # Python writes LE with a BOM
        "utf16be_bom.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16le_nobom.txt": text.encode("utf-16-le"),
        "utf16be_nobom.txt": text.encode("utf-16-be"),
        "utf32_bom.txt": text.encode("utf-32"),
        "cp1252.txt": (HEADLINE + "\n\nKim’s envoy said “about 14,000” troops left — a café owner watched.\n").encode("cp1252"),
        "latin1.txt": (HEADLINE + "\n\nA reporter in Zürich counted 14,000 soldiers, señor.\n").encode("latin-1"),
        "invalid_utf8.txt": text.encode("utf-8")[:60] + b"\xff\xfe\xc3\x28" + text.encode("utf-8")[60:],
        "mixed_utf8_damage.txt": _plain("Kim’s envoy said “14,000”.").encode("utf-8") + b" bad \xff byte\n",
        "nfd.txt": (HEADLINE + "\n\nThe cafe\u0301 owner in Zu\u0308rich counted 14,000.\n").encode("utf-8"),
        # NULs and binary under a text name
        "stray_nul.txt": (HEADLINE + "\n\n").encode() + b"About 14,0\x0000 troops." + ARTICLE.encode() * 20,
        "many_nuls.txt": b"troops\x00\x00\x00\x00" * 200,
        "png_header.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "zip_header.txt": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4,
        "random_bytes.txt": bytes((i * 131 + 7) % 256 for i in range(4096)).replace(b"\x00", b"\x01"),
        # empty
        "empty.txt": b"",
        "whitespace.txt": b"  \n\t\r\n   \n",
        "whitespace.md": b"\n\n   \n",
        "empty.html": b"<html><head><script>var a = 1;</script></head><body>  </body></html>",
        "empty.jsonl": b"",
        # size
        "big_single_line.txt": _big_line(big_bytes),
        # HTML
        "deep_nested.html": b"<html><body>" + b"<div>" * 10_000 + b"<p>About 14,000 soldiers went.</p>"
                            + b"</div>" * 10_000 + b"</body></html>",
        "deep_unclosed.html": b"<html><body>" + b"<span><b>" * 10_000 + b"Some 14,000 soldiers went.",
        "malformed.html": (b"<html><head><title>Broken page</head><body><p class=\"x>Unclosed attribute\n"
                           b"<p>About 14,000 <b><i>soldiers</b></i> were sent.</div></div></span>\n"
                           b"<<>><p>Stray brackets < and > and &amp; &bogus; entities &#x110000; &#0;</p>"
                           b"<table><tr><td>cell<td>cell 2</table></body>"),
        "script_payload.html": (b"<html><head><title>Payloads</title><style>p{color:red}</style></head>"
                                b"<body onload=\"alert('load')\"><h1>Payload test</h1>"
                                b"<script>alert('script')</script>"
                                b"<p>About 14,000 soldiers were sent.<img src=x onerror=\"alert('img')\"></p>"
                                b"<noscript>enable javascript</noscript><template><p>hidden template</p></template>"
                                b"<svg><script>alert('svg')</script></svg>"
                                b"<a href=\"javascript:alert('link')\">a link</a></body></html>"),
        # invisible and control characters
        "zero_width.txt": _plain("Ukraine said 1\u200b4,000 and later 3\u200d,\u2060000 \u202ewere\u202c killed.\u200f\n").encode("utf-8"),
        "newlines.txt": (HEADLINE + "\r\n\r\nFirst line.\r\nSecond line.\rThird line.\r").encode("utf-8"),
        "controls.txt": (HEADLINE + "\n\n\x1b[31mAbout\x1b[0m 14,000\x07 soldiers\x08 were\x0b sent.\x1b]0;title\x07\x7f\x85\n").encode("utf-8"),
        "nbsp.txt": (HEADLINE + "\n\nAbout\u00a014,000\u202fsoldiers.\n").encode("utf-8"),
        # numbers and dates
        "huge_number.txt": _plain("A rumour put the total at 99999999999999999999999999 soldiers.\n").encode("utf-8"),
        "impossible_date.txt": ("Published: February 30, 2025\n" + _plain()).encode("utf-8"),
        "far_future_date.txt": ("Published: March 3, 2199\n" + _plain()).encode("utf-8"),
        # JSONL with bad lines
        "bad_lines.jsonl": b"\n".join([
            json.dumps({"id": "a1", "text": ARTICLE, "title": HEADLINE, "published": "2025-04-30"}).encode(),
            b"",
            b"{this is not json",
            json.dumps({"title": "no text here"}).encode(),
            json.dumps(["a", "list"]).encode(),
            json.dumps({"text": 14000}).encode(),
            json.dumps({"text": "   "}).encode(),
            json.dumps({"text": ARTICLE, "published": "2199-01-01", "outlet": 5}).encode(),
            b"[" * 100_000,
            b"\xff\xfe not utf-8 either",
        ]) + b"\n",
        # sidecars (the article, then its NAME.meta.json)
        "sidecar_not_json.txt": _plain().encode(),
        "sidecar_not_json.meta.json": b"{title: 'unquoted'",
        "sidecar_list.txt": _plain().encode(),
        "sidecar_list.meta.json": b"[\"title\", \"outlet\"]",
        "sidecar_bad_fields.txt": _plain().encode(),
        "sidecar_bad_fields.meta.json": json.dumps({"title": 42, "published": "not a date", "outlet": "Desk"}).encode(),
        "sidecar_binary.txt": _plain().encode(),
        "sidecar_binary.meta.json": b"\x89PNG\r\n\x1a\n\x00\x00",
    }
    return files


def _big_line(size: int) -> bytes:
    """One line of `size` bytes of prose with an invisible character now and then."""
    chunk = ("North Korea sent about 14,000 soldiers; " * 1000 + "1\u200b4,000 ").encode("utf-8")
    body = chunk * (size // len(chunk))
    return body + b"x" * (size - len(body))  # ASCII padding: never cut a character in two


def write_hostile_corpus(folder: Path, big_bytes: int = BIG_FILE_BYTES) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, raw in hostile_files(big_bytes).items():
        path = folder / name
        path.write_bytes(raw)
        paths[name] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--big-bytes", type=int, default=BIG_FILE_BYTES)
    args = parser.parse_args()
    paths = write_hostile_corpus(args.out_dir, args.big_bytes)
    print(f"wrote {len(paths)} files to {args.out_dir}")


if __name__ == "__main__":
    main()
