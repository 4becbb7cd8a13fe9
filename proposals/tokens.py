"""The text of a search document as tokens: overlapping character bigrams for Chinese,
lower-cased words for Latin letters and digits (portal/search.py says why and how they
are searched). Pure text functions, used by the search and by migrations that fill the
search documents.
"""

import operator
import re

# A reply letter can be long; what search needs of it fits in this many characters.
MAX_DOCUMENT_CHARS = 100_000  # keeps the tsvector well under its 1 MB limit

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
RUN = re.compile(f"[{CJK}]+|[0-9a-z]+")
IS_CJK = re.compile(f"[{CJK}]")
ALL_CJK = re.compile(f"[{CJK}]+")
# Full-width ASCII (Ａ-Ｚ, ０-９ …) and the ideographic space fold to ASCII, one for one,
# so positions in the folded text are positions in the original (snippets rely on it).
FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return text.translate(FOLD).lower()


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for run in RUN.findall(normalize(text)):
        if len(run) == 1 or not IS_CJK.match(run):
            tokens.append(run)
        else:
            # Overlapping bigrams; map over two offsets runs at C speed (bench loads 100k).
            tokens.extend(map(operator.add, run, run[1:]))
    return tokens


def document_tokens(text: str) -> str:
    return " " + " ".join(tokenize(text[:MAX_DOCUMENT_CHARS])) + " "
