"""Personal data in a letter's text: what is found, what is not, masks and the leak check,
and the redaction of a .docx across runs (no LibreOffice here)."""

import io

import docx
import pytest

from responses.documents import pdf, personal_data
from responses.documents.personal_data import find, leaks, mask
from responses.documents.redaction import redact_docx
from tests import corpus

MOBILE = "13812345678"
ID_NUMBER = "320508199001011232"  # a valid checksum
ID_WITH_X = "11010519491231002X"
CARD = "6222021001123459"  # Luhn-valid


def kinds(text, **options):
    return [(m.kind, m.value) for m in find(text, **options)]


@pytest.mark.parametrize(
    "written",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+86-13812345678"],
)
def test_a_mobile_number_is_found_however_it_is_written_and_has_one_digest(written):
    (match,) = find(f"手机：{written}。")
    assert match.kind == "mobile"
    assert match.normalised == MOBILE
    assert match.digest == find(MOBILE)[0].digest


@pytest.mark.parametrize(
    "text",
    [
        "编号 113812345678 不是手机号",  # part of a longer number
        "12812345678",  # 12x is no mobile prefix
        "第 118 号提案，2025 年 6 月 20 日",
        "文号 苏工信〔2025〕138 号",
    ],
)
def test_numbers_that_are_not_mobiles_are_not_flagged(text):
    assert [k for k, _ in kinds(text)] == []


def test_an_id_number_needs_a_valid_checksum_and_may_end_in_x():
    assert kinds(f"身份证 {ID_NUMBER}") == [("id_number", ID_NUMBER)]
    assert kinds(f"身份证 {ID_WITH_X.lower()}") == [("id_number", ID_WITH_X.lower())]
    wrong = ID_NUMBER[:-1] + "3"
    assert kinds(f"身份证 {wrong}") == []


def test_email_and_bank_card_by_luhn():
    assert kinds("邮箱 Zhang.San@Example.com，") == [("email", "Zhang.San@Example.com")]
    assert kinds(f"卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}") == [
        ("bank_card", f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}")
    ]
    assert kinds("卡号 6222021001123458") == []  # fails Luhn


def test_landlines_only_when_the_committee_asks_for_them():
    text = "联系电话：0512-68000000"
    assert kinds(text) == []
    assert kinds(text, landlines=True) == [("landline", "0512-68000000")]


@pytest.mark.parametrize(
    "address",
    [
        "江苏省苏州市姑苏区干将西路100号3栋2单元501室",
        "上海市徐汇区漕溪北路100弄5号601室",
        "苏州市吴中区阳光花园12栋301室",
    ],
)
def test_home_addresses_with_a_room_or_building_are_found(address):
    assert [k for k, _ in kinds(f"住址：{address}。")] == ["address"]


@pytest.mark.parametrize(
    "text",
    [
        "单位地址：苏州市姑苏区三香路998号",  # an office: no room, no building
        "苏州市工业和信息化局关于市政协十五届四次会议第 118 号提案的答复",
        "建设 3 栋保障房，改造 501 室",
        "苏州工业园区星湖街328号创意产业园",
    ],
)
def test_office_addresses_and_ordinary_sentences_are_not_addresses(text):
    assert kinds(text) == []


def test_the_real_reply_letter_and_proposal_flag_nothing_by_default():
    """Precision on real text: the published letter of proposal 118 (its contact line is
    an office landline) and the proposal itself."""
    letter = pdf.extract_text(corpus.read("zh/reply-118.pdf"))
    assert find(letter) == []
    assert [m.kind for m in find(letter, landlines=True)] == ["landline"]
    proposal = (corpus.FILES.parent.parent / "demo" / "data" / "proposal-118.txt").read_text()
    assert find(proposal) == []


def test_a_mask_has_the_length_and_width_of_what_it_hides():
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("mobile", "138 1234 5678") == "138 **** 5678"
    assert mask("id_number", ID_NUMBER) == "*" * 18
    assert mask("email", "zhangsan@example.com") == "z*******@example.com"
    address = "江苏省苏州市姑苏区干将西路100号3栋2单元501室"
    masked = mask("address", address)
    assert len(masked) == len(address) and masked.startswith("江苏") and "501" not in masked


def test_the_digest_is_keyed_and_holds_no_digits_of_the_value(settings):
    first = find(MOBILE)[0].digest
    assert MOBILE not in first and len(first) == 64
    settings.SECRET_KEY = "another-key-for-this-test-only-0123456789"
    assert find(MOBILE)[0].digest != first


def test_the_leak_check_compares_digits_only_across_spaces_and_line_breaks():
    items = find(f"{MOBILE} {ID_WITH_X} zhang@example.com")
    text = "电话 138\n1234 5678 身份证 110105 19491231 002x 邮箱 ZHANG@example.com"
    assert {m.kind for m in leaks(text, items)} == {"mobile", "id_number", "email"}
    assert leaks("电话 138****5678 邮箱 z****@example.com", items) == []


def split_runs_docx(*, header: str = "") -> bytes:
    """A letter whose personal data is cut into runs of changing formatting."""
    document = docx.Document()
    paragraph = document.add_paragraph("联系人：张三，手机 ")
    pieces = [
        "138",
        " 12",
        "34 5",
        "678",
        "，身份证 3205081990",
        "01011232",
        "，邮箱 zhang",
        ".san@exa",
    ]
    pieces += ["mple.com。"]
    for index, piece in enumerate(pieces):
        paragraph.add_run(piece).bold = index % 2 == 0
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(parts)


def test_a_docx_is_redacted_across_runs_and_in_its_header_keeping_the_runs():
    data = split_runs_docx(header="页眉：13912345678")
    redacted, count = redact_docx(data, keep=frozenset(), landlines=False)

    text = docx_text(redacted)
    assert count == 4
    digits = "".join(c for c in text if c.isdigit())
    for secret in (MOBILE, ID_NUMBER, "13912345678"):
        assert secret not in digits
    assert "zhang.san" not in text
    assert "138 **** 5678" in text and "139****5678" in text
    before = docx.Document(io.BytesIO(data)).paragraphs[0].runs
    after = docx.Document(io.BytesIO(redacted)).paragraphs[0].runs
    assert [(len(r.text), r.bold) for r in after] == [(len(r.text), r.bold) for r in before]


def test_an_item_marked_keep_stays_in_the_docx():
    data = split_runs_docx()
    keep = frozenset({personal_data.find(MOBILE)[0].digest})
    redacted, count = redact_docx(data, keep=keep, landlines=False)
    text = docx_text(redacted)
    assert count == 2
    assert "138 1234 5678" in text
    assert ID_NUMBER not in text


@pytest.mark.parametrize("unit", ["市区", "市场发展区县", "城市路", "1 ", "a.b"])
def test_a_hostile_page_is_searched_in_bounded_time(unit):
    """Nested quantifiers over 市/区 backtracked exponentially (20 repetitions of 市区
    took minutes); every page of a letter must cost linear time."""
    import time

    started = time.monotonic()
    find(unit * 10_000, landlines=True)
    assert time.monotonic() - started < 5
