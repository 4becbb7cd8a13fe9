"""Personal data in a letter's text: what is found, how it is masked, how it is compared.

- find(text, landlines=False) -> [Match]: mainland mobile numbers, 18-digit resident ID
  numbers (checksum), e-mail addresses, home addresses (conservative), bank card numbers
  (Luhn) and, when the committee asks for it, landline numbers;
- Match.digest: a keyed hash (HMAC, SECRET_KEY) of the normalised value, what the
  database keeps instead of the value; the same number written "138 1234 5678" or
  "+86-13812345678" has one digest;
- mask(kind, value): a string of the same length and width, e.g. 138****5678;
- leaks(text, values): which of the given values can still be read in a text (digits only
  for numbers, so neither spaces nor line breaks hide one).

No database here: the render pipeline and the tests call it on plain text.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

MOBILE = "mobile"
ID_NUMBER = "id_number"
EMAIL = "email"
ADDRESS = "address"
BANK_CARD = "bank_card"
LANDLINE = "landline"
NUMERIC_KINDS = frozenset({MOBILE, ID_NUMBER, BANK_CARD, LANDLINE})

_SEP = r"[ \u00a0\t\-\n]?"  # one space, hyphen or line break between digit groups
_MOBILE = re.compile(
    rf"(?<![\dA-Za-z+])(?:(?:\+|00)?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}(?!\d)",
)
_ID = re.compile(
    r"(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[\dXx](?![\dA-Za-z])"
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_CARD = re.compile(r"(?<![\d-])[3-6]\d{3}(?:[ \-]?\d{4}){2,3}(?:[ \-]?\d{1,3})?(?![\d-])")
_LANDLINE = re.compile(
    r"(?<![\dA-Za-z])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ \-]?)[2-9]\d{6,7}(?:-\d{1,5})?(?!\d)"
)

# A home address: a road (路/街/巷/弄/大道) with a house number (号) and then a building,
# unit or room (栋/幢/号楼/单元/室), or an estate (小区/花园/新村/公寓/苑) with a room.
# An office's address ("三香路998号") has no room and is not matched. The match starts at
# most ten characters before the road or estate, which takes in the district and city
# ("姑苏区干将西路…"). Every repetition is bounded and no two quantifiers compete for the
# same characters: a page of 市/区 must not make the pattern backtrack exponentially.
_HAN = r"[\u4e00-\u9fff]"
_NUM = r"[0-9０-９]{1,5}"
_UNIT = rf"{_NUM}(?:-{_NUM})?(?:栋|幢|号楼|座|单元|层|楼)"
_ROOM = rf"(?:{_UNIT}){{0,3}}{_NUM}(?:-{_NUM})?(?:室|单元|栋|幢|号楼)"
_ESTATE = "小区|花园|新村|公寓|苑"
_ADDRESS = re.compile(
    rf"{_HAN}{{1,10}}?(?:路|街|巷|弄|大道)(?:{_NUM}弄)?{_NUM}(?:-{_NUM})?号"
    rf"(?:{_HAN}{{1,10}}?(?:{_ESTATE}|大厦|院))?{_ROOM}"
    rf"|{_HAN}{{1,10}}?(?:{_ESTATE}){_ROOM}"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(value: str) -> bool:
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = int(char)
        if position % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalise(kind: str, value: str) -> str:
    """The form two writings of one item share: digits only for numbers (an ID keeps its
    X, a mobile drops +86), lower case for e-mail, no spaces in an address."""
    value = unicodedata.normalize("NFKC", value)
    if kind == ID_NUMBER:
        return re.sub(r"[^\dX]", "", value.upper())
    if kind in NUMERIC_KINDS:
        digits = re.sub(r"\D", "", value)
        if kind == MOBILE and len(digits) > 11:
            digits = digits[-11:]
        return digits
    if kind == EMAIL:
        return value.strip().lower()
    return re.sub(r"\s", "", value)


def digest(kind: str, value: str) -> str:
    """What is stored instead of the value: an HMAC, so the table cannot be reversed by
    hashing every mobile number (a plain SHA-256 of 11 digits could)."""
    key = settings.SECRET_KEY.encode()
    message = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _star(char: str) -> str:
    if char.isspace() or char in "-@.（）()":
        return char
    return "＊" if unicodedata.east_asian_width(char) in "WF" else "*"


def mask(kind: str, value: str) -> str:
    """Same length, same width: each hidden character becomes * (or ＊ for a wide one);
    separators stay so the line keeps its shape. What stays readable cannot identify
    anyone: a mobile's first 3 and last 4 digits, the domain of an e-mail, an address's
    first two characters."""
    chars = list(value)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    if kind == MOBILE:
        digits = [i for i in positions if chars[i].isdigit()]
        keep = set(digits[-11:][:3] + digits[-4:])
    elif kind == EMAIL:
        at = value.index("@")
        keep = {0} | set(range(at, len(value)))
    elif kind == LANDLINE:
        digits = [i for i in positions if chars[i].isdigit()]
        keep = set(digits[:3])
    elif kind == ADDRESS:
        keep = {0, 1}
    else:  # ID number, bank card: nothing of them
        keep = set()
    return "".join(c if i in keep else _star(c) for i, c in enumerate(chars))


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int
    value: str

    @property
    def normalised(self) -> str:
        return normalise(self.kind, self.value)

    @property
    def digest(self) -> str:
        return digest(self.kind, self.value)

    @property
    def preview(self) -> str:
        return mask(self.kind, self.value)


def _overlaps(span, taken) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find(text: str, *, landlines: bool = False) -> list[Match]:
    """Every item in text order; where two kinds claim the same characters the more
    certain one wins (ID, e-mail, mobile, card, address, landline)."""
    found: list[Match] = []
    taken: list[tuple[int, int]] = []

    def add(kind, pattern, valid=lambda m: True):
        for m in pattern.finditer(text):
            if valid(m.group()) and not _overlaps(m.span(), taken):
                found.append(Match(kind, m.start(), m.end(), m.group()))
                taken.append(m.span())

    add(ID_NUMBER, _ID, id_checksum_ok)
    add(EMAIL, _EMAIL)
    add(MOBILE, _MOBILE)
    add(BANK_CARD, _CARD, lambda v: 16 <= len(normalise(BANK_CARD, v)) <= 19
        and luhn_ok(normalise(BANK_CARD, v)))  # fmt: skip
    add(ADDRESS, _ADDRESS)
    if landlines:
        add(LANDLINE, _LANDLINE)
    return sorted(found, key=lambda m: m.start)


def leaks(text: str, items: list[Match]) -> list[Match]:
    """The items still readable in text, compared in normal form: a number by its digits
    across the whole text (spaces, hyphens, line breaks and page furniture between them
    do not hide it), an e-mail or address without spaces, an e-mail in any case."""
    text = unicodedata.normalize("NFKC", text)
    forms = {
        ID_NUMBER: re.sub(r"[^\dX]", "", text.upper()),
        "digits": re.sub(r"\D", "", text),
        EMAIL: re.sub(r"\s", "", text).lower(),
        ADDRESS: re.sub(r"\s", "", text),
    }
    out = []
    for item in items:
        key = item.kind if item.kind in forms else "digits"
        if item.normalised and item.normalised in forms[key]:
            out.append(item)
    return out


@dataclass(frozen=True)
class Found:
    """One distinct item of a letter: its first match, on which page, how often."""

    match: Match
    page: int
    occurrences: int


def find_in_pages(pages: list[str], *, landlines: bool = False) -> list[Found]:
    first: dict[str, tuple[Match, int]] = {}
    counts: dict[str, int] = {}
    for number, text in enumerate(pages, start=1):
        for match in find(text, landlines=landlines):
            key = match.digest
            first.setdefault(key, (match, number))
            counts[key] = counts.get(key, 0) + 1
    return [Found(m, page, counts[key]) for key, (m, page) in first.items()]
