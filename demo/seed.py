"""Proposal 118 as published: read from the saved page (demo/data/proposal-118.txt).

The page is the source of truth, so we parse it rather than copy its text into code: every
field the page shows is taken from it. Its body is one run of text whose paragraphs are
separated by runs of spaces and blank lines; we split on those runs and keep every other
character as it is (including the page's ASCII commas and its three "(一)" headings).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A paragraph break on the page: a newline, or two or more spaces (ASCII or full-width).
PARAGRAPH_BREAK = re.compile(r"(?:[ \u3000]*\n[ \u3000\n]*|[ \u3000]{2,})")


# The saved page and its reply letter, kept with the demo (see data/README.md).
DATA = Path(__file__).resolve().parent / "data"
SEED_PAGE = DATA / "proposal-118.txt"
SEED_LETTER = DATA / "reply-118.doc"


@dataclass(frozen=True)
class SeedProposal:
    number: int
    title: str
    sponsor: str
    kind_label: str  # 建议 or 提案, from the page's 建议人/建议号 labels
    paragraphs: tuple[str, ...]
    lead_agency: str
    assisting_agencies: tuple[str, ...]
    deadline_months: int
    replied_at: datetime
    classification: str
    attachment_name: str
    published_at: datetime

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _after(lines: list[str], label: str) -> str:
    """The first non-blank line after the line that starts with `label`."""
    for index, line in enumerate(lines):
        if line.replace(" ", "").startswith(label):
            for following in lines[index + 1 :]:
                if following.strip():
                    return following.strip()
    raise ValueError(f"seed page has no {label!r} line")


def _field(text: str, pattern: str) -> re.Match:
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"seed page has no match for {pattern!r}")
    return match


def split_paragraphs(body: str) -> tuple[str, ...]:
    return tuple(part for part in PARAGRAPH_BREAK.split(body.strip()) if part)


def parse_seed(text: str) -> SeedProposal:
    lines = text.splitlines()
    kind_label = "建议" if re.search(r"建\s*议\s*人", text) else "提案"
    body_start = _field(text, r"(?:建议|提案)内容:\s*\n").end()
    body_end = text.index("承办单位:", body_start)
    agencies = _field(text, r"承办单位:\n(.*)\n(.*)\n")
    lead = agencies.group(1).strip()
    assisting = agencies.group(2).strip()
    if not lead.startswith("主办"):
        raise ValueError(f"seed page's agency line does not start with 主办: {lead!r}")
    assisting_names = assisting.removeprefix("协办").strip()
    replied = _field(text, r"答复时间:(\d{4}-\d{2}-\d{2} \d{2}:\d{2})").group(1)
    published = _field(text, r"发布时间:(\d{4}-\d{2}-\d{2} \d{2}:\d{2})").group(1)
    return SeedProposal(
        number=int(_after(lines, f"{kind_label}号:")),
        title=_after(lines, "标题:"),
        sponsor=_after(lines, f"{kind_label}人:"),
        kind_label=kind_label,
        paragraphs=split_paragraphs(text[body_start:body_end]),
        lead_agency=lead.removeprefix("主办").strip(),
        assisting_agencies=tuple(n for n in re.split(r"[、,，\s]+", assisting_names) if n),
        deadline_months=int(_field(text, r"办理期限:(\d+)个月").group(1)),
        replied_at=datetime.strptime(replied, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI),
        classification=_field(text, r"办理类型:([A-D])").group(1),
        attachment_name=_field(text, r"\n(\S+\.(?:doc|docx|wps|pdf))\n").group(1),
        published_at=datetime.strptime(published, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI),
    )


def load_seed() -> SeedProposal:
    return parse_seed(SEED_PAGE.read_text(encoding="utf-8"))
