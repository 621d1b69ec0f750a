"""Resident ID numbers, phone numbers, names, masking and redaction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deskclient.domain.errors import ValidationError
from deskclient.domain.identity import (
    PROVINCE_CODES,
    IdNumber,
    check_id_number,
    check_mobile,
    check_name,
    check_phone,
    fingerprint,
    id_check_char,
    mask_id,
    mask_phone,
    normalize_name,
    parse_id_number,
    parse_mobile,
    parse_name,
    parse_phone,
    redact,
    upgrade_legacy_id,
)

TODAY = date(2026, 5, 20)


def make_id(region: str, birth: date, seq: str) -> str:
    body = f"{region}{birth:%Y%m%d}{seq}"
    return body + id_check_char(body)


# --------------------------------------------------------------------------------------------------
# ID numbers: examples
# --------------------------------------------------------------------------------------------------


def test_standard_example_with_x_check_digit() -> None:
    # the textbook example of GB 11643: 11010519491231002X
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert parsed.value == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "女"  # 17th digit 2 is even
    assert parsed.region_code == "110105"
    assert not parsed.legacy
    assert parsed.masked == "110105********002X"


def test_lower_case_x_full_width_and_spaces_are_normalised() -> None:
    assert parse_id_number("11010519491231002x", today=TODAY).value == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).value == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X\u3000", today=TODAY).value == "11010519491231002X"


def test_sex_from_the_17th_digit() -> None:
    assert parse_id_number(make_id("440304", date(1990, 1, 1), "011"), today=TODAY).sex == "男"
    assert parse_id_number(make_id("440304", date(1990, 1, 1), "012"), today=TODAY).sex == "女"


@pytest.mark.parametrize("year", [2000, 2024, 1904])
def test_29_february_in_leap_years(year: int) -> None:
    parsed = parse_id_number(make_id("510107", date(year, 2, 29), "123"), today=TODAY)
    assert parsed.birth_date == date(year, 2, 29)


@pytest.mark.parametrize("year", [2023, 1900, 2021])
def test_29_february_in_common_years_is_refused(year: int) -> None:
    body = f"510107{year}0229123"
    number = body + id_check_char(body)
    with pytest.raises(ValidationError, match="出生日期"):
        parse_id_number(number, today=TODAY)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "19900431", "19900100"])
def test_impossible_dates(birth: str) -> None:
    body = f"110105{birth}123"
    assert "出生日期" in (check_id_number(body + id_check_char(body), today=TODAY) or "")


def test_future_and_too_early_births() -> None:
    future = make_id("110105", TODAY + timedelta(days=1), "123")
    assert "晚于今天" in (check_id_number(future, today=TODAY) or "")
    assert check_id_number(make_id("110105", TODAY, "123"), today=TODAY) is None
    early = "110105189912310013"
    early = early[:17] + id_check_char(early[:17])
    assert "1900" in (check_id_number(early, today=TODAY) or "")


@pytest.mark.parametrize(
    "region", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "66", "72", "80", "84", "99"]
)
def test_unknown_regions(region: str) -> None:
    number = make_id(f"{region}0101", date(1980, 5, 6), "123")
    message = check_id_number(number, today=TODAY)
    assert message is not None and region in message and "行政区划" in message


def test_wrong_check_digit() -> None:
    assert "校验位" in (check_id_number("110105194912310021", today=TODAY) or "")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1101051949123100", "16 位"),
        ("1101051949123100200", "19 位"),
        ("11010519491231002Y", "数字"),
        ("110105194912-31002X", "数字"),
        ("1101051949123X0021", "最后一位"),
        ("11010549123100X", "最后一位"),
    ],
)
def test_length_and_character_problems(raw: str, fragment: str) -> None:
    assert fragment in (check_id_number(raw, today=TODAY) or "")


def test_empty_input_only_complains_when_required() -> None:
    assert check_id_number("") is None
    assert check_id_number("   ") is None
    assert check_id_number("", required=True) == "请输入身份证号码。"


def test_legacy_15_digit_numbers() -> None:
    parsed = parse_id_number("110105491231002", today=TODAY)
    assert parsed.legacy
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.value == "11010519491231002X"
    assert parsed.sex == "女"
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"
    assert "第7至12位" in (check_id_number("110105490231002", today=TODAY) or "")


def test_messages_never_contain_the_number() -> None:
    for raw in ["110105194912310021", "11010519491231002Y", "110105190002290011", "990105194912310021"]:
        message = check_id_number(raw, today=TODAY) or ""
        assert raw not in message
        assert raw[6:14] not in message


def test_repr_and_str_are_masked() -> None:
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert "11010519491231002X" not in repr(parsed)
    assert "11010519491231002X" not in str(parsed)
    assert "11010519491231002X" not in f"{parsed}"
    assert parsed.age_on(date(2026, 12, 30)) == 76
    assert parsed.age_on(date(2026, 12, 31)) == 77


# --------------------------------------------------------------------------------------------------
# ID numbers: properties
# --------------------------------------------------------------------------------------------------

regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.text(alphabet="0123456789", min_size=3, max_size=3)
valid_ids = st.builds(make_id, regions, births, seqs)


@settings(max_examples=300)
@given(valid_ids)
def test_every_valid_id_parses_and_round_trips(number: str) -> None:
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.value == number
    assert parse_id_number(parsed.value, today=TODAY) == parsed
    assert parse_id_number(number.lower(), today=TODAY) == parsed
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_id_number(full_width, today=TODAY) == parsed
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@settings(max_examples=300)
@given(valid_ids, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_corruption_is_rejected(number: str, position: int, replacement: str) -> None:
    assume(number[position] != replacement)
    assume(replacement != "X" or position == 17)
    corrupted = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(corrupted, today=TODAY)


@settings(max_examples=200)
@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), seqs)
def test_legacy_numbers_convert_to_the_18_digit_form(region: str, birth: date, seq: str) -> None:
    legacy = f"{region}{birth:%y%m%d}{seq}"
    parsed = parse_id_number(legacy, today=TODAY)
    assert parsed.value == make_id(region, birth, seq)
    assert parsed.legacy
    assert fingerprint(legacy, "salt") == fingerprint(parsed.value, "salt")


@settings(max_examples=300)
@given(valid_ids)
def test_mask_never_reveals_more_than_ten_characters(number: str) -> None:
    masked = mask_id(number)
    assert len(masked) == 18
    revealed = sum(1 for a, b in zip(masked, number, strict=True) if a == b and a != "*")
    assert revealed <= 10
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]


@given(st.text(max_size=30))
def test_mask_id_never_shows_more_than_ten_of_anything(raw: str) -> None:
    masked = mask_id(raw)
    assert sum(1 for c in masked if c != "*") <= 10


# --------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "8613812345678",
        "0086-13812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers_typed_in_many_ways(raw: str) -> None:
    assert parse_mobile(raw) == "13812345678"
    assert check_mobile(raw) is None
    assert mask_phone(raw) == "138****5678"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12812345678", "13 至 19"),
        ("1381234567", "10 位"),
        ("138123456789", "12 位"),
        ("1381234567a", "只能包含数字"),
        ("+1 415 555 0100", "13 至 19"),
    ],
)
def test_bad_mobile_numbers(raw: str, fragment: str) -> None:
    message = check_mobile(raw)
    assert message is not None and fragment in message
    assert raw not in message


def test_mobile_empty() -> None:
    assert check_mobile("") is None
    assert check_mobile(" ", required=True) == "请输入手机号码。"


@pytest.mark.parametrize(
    ("raw", "expected", "masked"),
    [
        ("0851-86123456", "0851-86123456", "0851-****3456"),
        ("(010)62345678", "010-62345678", "010-****5678"),
        ("010 6234 5678", "010-62345678", "010-****5678"),
        ("02162345678", "021-62345678", "021-****5678"),
        ("8612345", "8612345", "***2345"),
        ("13812345678", "13812345678", "138****5678"),
    ],
)
def test_landlines(raw: str, expected: str, masked: str) -> None:
    assert parse_phone(raw) == expected
    assert mask_phone(raw) == masked
    assert check_phone(raw) is None


@pytest.mark.parametrize("raw", ["0000-6234567", "0851-0123456", "1234567", "0851-62x45678", "123"])
def test_bad_landlines(raw: str) -> None:
    assert check_phone(raw) is not None


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        ("  张 三 ", "张三"),
        ("阿卜杜热西提·买买提艾力", "阿卜杜热西提·买买提艾力"),
        ("阿卜杜热西提•买买提艾力", "阿卜杜热西提·买买提艾力"),
        ("阿卜杜热西提．买买提艾力", "阿卜杜热西提·买买提艾力"),
        ("阿卜杜热西提.买买提艾力", "阿卜杜热西提·买买提艾力"),
        ("阿卜杜热西提 · 买买提艾力", "阿卜杜热西提·买买提艾力"),
        ("王𠀾", "王𠀾"),  # CJK Ext. B
        ("李〇", "李〇"),
        ("John F. Kennedy", "John F. Kennedy"),
        ("Ｊｏｈｎ  Ｓｍｉｔｈ", "John Smith"),
        ("O’Brien", "O'Brien"),
        ("Jean–Paul Sartre", "Jean-Paul Sartre"),
        ("Zoë Müller", "Zoë Müller"),
    ],
)
def test_valid_names(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected
    assert check_name(raw) is None
    assert parse_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "请输入"),
        ("   ", "请输入"),
        ("张", "至少"),
        ("张3", "数字"),
        ("张三２", "数字"),
        ("·张三", "开头或结尾"),
        ("张三·", "开头或结尾"),
        ("阿卜杜··买买提", "连续"),
        ("张\x00三", "控制字符"),
        ("张\n三", "控制字符"),
        ("张\u200b三", "控制字符"),
        ("张\ue000", "私用区"),
        ("张三!", "“!”"),
        ("张三😀", "“😀”"),
        ("张" * 61, "过长"),
    ],
)
def test_invalid_names(raw: str, fragment: str) -> None:
    message = check_name(raw)
    assert message is not None and fragment in message
    with pytest.raises(ValidationError):
        parse_name(raw)


def test_empty_name_allowed_when_optional() -> None:
    assert check_name("", required=False) is None


def test_normalising_never_changes_cjk_characters() -> None:
    # U+F900 (a compatibility ideograph) would be changed by NFC/NFKC; names must keep what was typed
    assert normalize_name("金\uf900") == "金\uf900"


# --------------------------------------------------------------------------------------------------
# Fingerprints and redaction
# --------------------------------------------------------------------------------------------------


def test_fingerprint_is_keyed_and_spelling_independent() -> None:
    a = fingerprint("11010519491231002X", "county-secret")
    assert a == fingerprint("110105 19491231 002x", "county-secret")
    assert a == fingerprint("110105491231002", "county-secret")
    assert a != fingerprint("11010519491231002X", "another-secret")
    assert len(a) == 64 and int(a, 16) >= 0
    assert fingerprint("+86 138 1234 5678", "s") == fingerprint("13812345678", "s")
    with pytest.raises(ValueError):
        fingerprint("13812345678", "")


def test_redact_examples() -> None:
    text = "申请人身份证11010519491231002X,电话 138-1234-5678;旧证 110105491231002。办件号 20260213001"
    out = redact(text)
    assert "110105********002X" in out
    assert "138-****-5678" in out
    assert "110105*****1002" in out
    assert "20260213001" in out  # a case number is not a phone number
    assert redact("无号码的文字 2026-02-13 15:30") == "无号码的文字 2026-02-13 15:30"


valid_mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
filler = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _grouped(number: str, style: int) -> str:
    if style == 1 and len(number) == 11:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == 1:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if style == 2:
        return "".join(chr(ord(c) + 0xFEE0) for c in number)
    if style == 3 and len(number) == 11:
        return "+86" + number
    return number


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(filler, st.one_of(valid_ids, valid_mobiles), st.integers(min_value=0, max_value=3)),
        min_size=1,
        max_size=4,
    ),
    filler,
)
def test_redact_leaves_no_number_in_full(parts: list[tuple[str, str, int]], tail: str) -> None:
    text = "".join(before + _grouped(number, style) for before, number, style in parts) + tail
    out = redact(text)
    for _, number, style in parts:
        shown = _grouped(number, style)
        assert shown not in out
        assert number not in out
        assert number[:-1] not in out  # not even the number without its check digit
    assert len(out) == len(text)  # masking replaces characters one for one


@given(st.text(alphabet=st.characters(exclude_categories=("Nd",)), max_size=50))
def test_redact_leaves_text_without_digits_alone(text: str) -> None:
    assert redact(text) == text


def test_id_number_objects_compare_by_value() -> None:
    a = parse_id_number("11010519491231002X", today=TODAY)
    b = parse_id_number("110105491231002", today=TODAY)
    assert isinstance(a, IdNumber)
    assert a.value == b.value and a.legacy != b.legacy


# Free text in events (issue 17): numbers however a clerk groups them; case numbers are not numbers

from deskclient.domain.identity import might_hold_number, redact_payload  # noqa: E402


@pytest.mark.parametrize(("text", "masked"), [
    ("已电话通知 138.0013.8000", "已电话通知 138.****.8000"),
    ("110105/1990/0101/0012", "110105/****/****/0012"),
    ("１３８００１３８０００", "１３８****８０００"),
    ("+86 138 0013 8000", "+86 138 **** 8000"),
    ("＋８６ １３８－００１３－８０００", "＋８６ １３８－****－８０００"),
    ("身份证 110105．1990．0101．0012", "身份证 110105．****．****．0012"),
])
def test_redact_masks_numbers_grouped_by_dots_slashes_spaces_or_full_width(text: str, masked: str) -> None:
    assert redact(text) == masked
    assert might_hold_number(text)


@pytest.mark.parametrize(("station", "case_no"), [
    ("520102", "520102-20261128-0001"), ("QS13", "QS13-20261128-0001"), ("QS19", "QS19-20261128-0120"),
    ("ZX15", "ZX15-20270101-10001"),
])
def test_redact_keeps_case_numbers(station: str, case_no: str) -> None:
    text = f"办件 {case_no} 已电话通知 13800138000"
    assert redact(text, station) == f"办件 {case_no} 已电话通知 138****8000"


def test_an_all_digit_code_of_another_station_is_an_id_number_in_groups() -> None:
    assert redact("110105-20050101-0012", "520102") == "110105-********-0012"
    assert redact("110105-20050101-0012") == "110105-********-0012"


@given(st.sampled_from(["QS13", "QS14", "QS19", "ZX01", "520102", "A1"]),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=1, max_value=99999), valid_mobiles, st.sampled_from([".", " ", "/", "-", "．"]))
def test_case_numbers_survive_and_mobiles_do_not(code: str, day: date, n: int, mobile: str, sep: str) -> None:
    case_no = f"{code}-{day:%Y%m%d}-{n:04d}"
    grouped = sep.join((mobile[:3], mobile[3:7], mobile[7:]))
    out = redact(f"{case_no} 电话 {grouped}", code)
    assert out == f"{case_no} 电话 {mobile[:3]}{sep}****{sep}{mobile[7:]}"


def test_redact_payload_cleans_free_text_and_leaves_identifiers() -> None:
    payload = {"note": "电话 138 0013 8000", "case_no": "520102-20261128-0001", "clerk_id": "13800138000" * 2,
               "missing": [{"name": "户口簿", "problem": "复印件号码 110105199001010012 不清"}],
               "applicant_id_masked": "110105********0012", "days": 5}
    assert redact_payload(payload, "520102") == {
        "note": "电话 138 **** 8000", "case_no": "520102-20261128-0001", "clerk_id": "13800138000" * 2,
        "missing": [{"name": "户口簿", "problem": "复印件号码 110105********0012 不清"}],
        "applicant_id_masked": "110105********0012", "days": 5}


def test_privacy_generated_ids_are_kept_whole_under_any_key_free_text_still_masked() -> None:
    """A uuid4 hex whose random digits look like a mobile number (``...7812572514836``) is an id the
    program made, not a number a person typed: kept whole whatever its key (``approved_by`` held the
    head's clerk id and was masked, once in about eight runs). Free text beside it is still masked."""
    from deskclient.domain.identity import redact_payload

    head = "53610a2c30464bc3a247812572514836"
    canonical = "53610a2c-3046-4bc3-a247-812572514836"
    out = redact_payload({"approved_by": head, "to": [canonical], "reason": "已电话通知13800138000"})
    assert out == {"approved_by": head, "to": [canonical], "reason": "已电话通知138****8000"}
    # text that merely contains such an id is still free text
    assert "13800138000" not in redact_payload({"note": f"{head} 13800138000"})["note"]  # type: ignore[index]
