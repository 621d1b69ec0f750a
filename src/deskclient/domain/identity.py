"""Identity fields typed at the window: resident ID numbers, phone numbers, names; and keeping them private.

Validation is strict where a typo would cost the visitor a second trip (ID check digit, birth date,
region) and forgiving about how a clerk types (full-width digits, spaces, ``x`` for ``X``, ``+86``).
Privacy: nothing here puts a full number in a message, ``repr`` or ``str``; ``mask_*`` give the
display forms (ID: first 6 + last 4; mobile: 3 + 4), ``fingerprint`` lets the office match a person
without the number, and ``redact`` cleans free text (log lines, error paths).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from deskclient.domain.errors import ValidationError
from deskclient.strings import identity as msg

# --------------------------------------------------------------------------------------------------
# Resident ID number (GB 11643-1999)
# --------------------------------------------------------------------------------------------------

#: First two digits of a real province-level division (GB/T 2260), plus 81/82/83 used by the
#: residence permits of Hong Kong, Macao and Taiwan residents (same number format).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{code:02d}"
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)
#: ISO 7064 MOD 11-2 weights: 2^(17-i) mod 11 for the 17 body digits.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


def id_check_char(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError("body17 must be 17 ASCII digits")
    total = sum(int(ch) * weight for ch, weight in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def upgrade_legacy_id(number15: str) -> str:
    """The 18-digit form of a 15-digit (pre-1999) number: century '19' inserted, check digit appended."""
    if len(number15) != 15 or not number15.isascii() or not number15.isdigit():
        raise ValueError("number15 must be 15 ASCII digits")
    body = number15[:6] + "19" + number15[6:]
    return body + id_check_char(body)


def _compact(raw: str) -> str:
    """Full-width to ASCII (NFKC) and all whitespace removed: what a clerk meant to type."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


@dataclass(frozen=True, repr=False)
class IdNumber:
    """A valid resident ID number. ``str()`` and ``repr()`` show only the masked form."""

    value: str  # 18 characters, upper-case X
    birth_date: date
    sex: str  # msg.SEX_MALE or msg.SEX_FEMALE
    region_code: str  # 6 digits
    legacy: bool = False  # typed as a 15-digit number

    @property
    def masked(self) -> str:
        return mask_id(self.value)

    def age_on(self, day: date) -> int:
        """Completed years of age on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def __repr__(self) -> str:
        return f"IdNumber({self.masked})"

    def __str__(self) -> str:
        return self.masked


def _birth_date(text: str, legacy: bool) -> date:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValidationError(msg.ID_BAD_DATE_LEGACY if legacy else msg.ID_BAD_DATE) from None


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    """Validate a resident ID number as typed (15 or 18 digits) and return its normalised 18-digit form.

    ``today`` bounds the birth date (defaults to the system date); raises ``ValidationError``.
    """
    text = _compact(raw).upper()
    if not text:
        raise ValidationError(msg.ID_EMPTY)
    if not text.isascii() or any(ch not in "0123456789X" for ch in text):
        raise ValidationError(msg.ID_BAD_CHARS)
    if len(text) not in (15, 18):
        raise ValidationError(msg.ID_WRONG_LENGTH.format(n=len(text)))
    legacy = len(text) == 15
    if "X" in text[:-1] or (legacy and "X" in text):
        raise ValidationError(msg.ID_X_POSITION)
    if text[:2] not in PROVINCE_CODES:
        raise ValidationError(msg.ID_UNKNOWN_REGION.format(code=text[:2]))
    birth = _birth_date("19" + text[6:12] if legacy else text[6:14], legacy)
    if birth < _EARLIEST_BIRTH:
        raise ValidationError(msg.ID_BIRTH_TOO_EARLY)
    if birth > (today or date.today()):
        raise ValidationError(msg.ID_BIRTH_FUTURE)
    if legacy:
        value = upgrade_legacy_id(text)
    else:
        if id_check_char(text[:17]) != text[17]:
            raise ValidationError(msg.ID_CHECK_DIGIT)
        value = text
    sex = msg.SEX_MALE if int(value[16]) % 2 == 1 else msg.SEX_FEMALE
    return IdNumber(value=value, birth_date=birth, sex=sex, region_code=value[:6], legacy=legacy)


def check_id_number(raw: str, required: bool = False, today: date | None = None) -> str | None:
    """As-you-type check: the Chinese problem, or None when fine (or empty and not required)."""
    if not _compact(raw):
        return msg.ID_EMPTY if required else None
    try:
        parse_id_number(raw, today=today)
    except ValidationError as err:
        return err.message
    return None


# --------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_AREA_CODE = re.compile(r"010|02\d|0[3-9]\d\d")
_LOCAL_NUMBER = re.compile(r"[2-9]\d{6,7}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


def parse_mobile(raw: str) -> str:
    """A mainland mobile number as 11 digits; accepts +86 / 86 / 0086, spaces and dashes."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValidationError(msg.MOBILE_EMPTY)
    compact = _PHONE_SEPARATORS.sub("", text)
    if not re.fullmatch(r"\+?\d+", compact) or not compact.isascii():
        raise ValidationError(msg.MOBILE_BAD_CHARS)
    digits = compact.lstrip("+")
    if compact.startswith("+"):
        if not digits.startswith("86"):
            raise ValidationError(msg.MOBILE_BAD_PREFIX)
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) != 11:
        raise ValidationError(msg.MOBILE_WRONG_LENGTH.format(n=len(digits)))
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(msg.MOBILE_BAD_PREFIX)
    return digits


def check_mobile(raw: str, required: bool = False) -> str | None:
    """As-you-type check of a mobile number: the Chinese problem or None."""
    if not raw.strip():
        return msg.MOBILE_EMPTY if required else None
    try:
        parse_mobile(raw)
    except ValidationError as err:
        return err.message
    return None


def parse_phone(raw: str) -> str:
    """A mobile (11 digits) or a landline ("0851-12345678", or a local "12345678" without area code)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValidationError(msg.PHONE_EMPTY)
    if not text.isascii() or not re.fullmatch(r"[\d\s\-()+]+", text):
        raise ValidationError(msg.PHONE_BAD_CHARS)
    compact = _PHONE_SEPARATORS.sub("", text)
    looks_mobile = (
        compact.startswith(("+", "0086"))
        or (len(compact) == 13 and compact.startswith("86"))
        or (len(compact) == 11 and compact.startswith("1"))
    )
    if looks_mobile:
        return parse_mobile(text)
    if not compact.isdigit():
        raise ValidationError(msg.PHONE_BAD_CHARS)
    split = re.fullmatch(r"\(?\s*(0\d{2,3})\s*\)?\s*-?\s*(\d[\d\s\-]*)", text)
    if split and _PHONE_SEPARATORS.search(text):
        area, local = split.group(1), _PHONE_SEPARATORS.sub("", split.group(2))
    elif compact.startswith("0"):
        cut = 3 if compact[1:2] in ("1", "2") else 4  # [1:2]: a lone "0" must not raise IndexError
        area, local = compact[:cut], compact[cut:]
    else:
        area, local = "", compact
    if area and not _AREA_CODE.fullmatch(area):
        raise ValidationError(msg.PHONE_BAD_AREA)
    if not _LOCAL_NUMBER.fullmatch(local):
        raise ValidationError(msg.PHONE_BAD_LOCAL if area else msg.PHONE_INVALID)
    return f"{area}-{local}" if area else local


def check_phone(raw: str, required: bool = False) -> str | None:
    """As-you-type check of any phone number (mobile or landline): the Chinese problem or None."""
    if not raw.strip():
        return msg.PHONE_EMPTY if required else None
    try:
        parse_phone(raw)
    except ValidationError as err:
        return err.message
    return None


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

MAX_NAME_LENGTH = 60
MIDDLE_DOT = "·"
#: Look-alikes of the middle dot (间隔号) that input methods and fonts produce.
_DOT_VARIANTS = "\u2022\uff0e\u30fb\uff65\u2027\u2219\u22c5\u0387\u2e31\u00b7"
_HYPHEN_VARIANTS = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"
_APOSTROPHE_VARIANTS = "\u2019\u2018\u02bc\uff07"
_NAME_PUNCT = "·.-'"
_CJK_RANGES = (
    (0x3400, 0x4DBF),  # Ext. A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # Ext. B
    (0x2A700, 0x2EE5F),  # Ext. C-F, I
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x323AF),  # Ext. G, H
)


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return ch == "\u3007" or any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def normalize_name(raw: str) -> str:
    """The canonical spelling of a typed name: one kind of middle dot, ASCII letters, tidy spaces.

    CJK characters are never altered (no Unicode normalisation that could swap a rare character).
    """
    out: list[str] = []
    for ch in raw.strip():
        if ch in _DOT_VARIANTS:
            ch = MIDDLE_DOT
        elif ch in _HYPHEN_VARIANTS:
            ch = "-"
        elif ch in _APOSTROPHE_VARIANTS:
            ch = "'"
        elif ch == "\u3000":
            ch = " "
        elif "\uff01" <= ch <= "\uff5e":
            ch = chr(ord(ch) - 0xFEE0)
        out.append(ch)
    text = "".join(out)
    # An ASCII full stop between two Chinese characters is a mistyped middle dot.
    text = "".join(
        MIDDLE_DOT
        if ch == "." and 0 < i < len(text) - 1 and _is_cjk(text[i - 1]) and _is_cjk(text[i + 1])
        else ch
        for i, ch in enumerate(text)
    )
    text = re.sub(r" {2,}", " ", text.strip(" "))

    # Spaces next to Chinese characters or the middle dot are typing noise ("张 三", "阿卜杜 · 买买提").
    def sticky(ch: str) -> bool:
        return _is_cjk(ch) or ch == MIDDLE_DOT

    kept = [
        ch
        for i, ch in enumerate(text)
        if ch != " " or not (0 < i < len(text) - 1) or not (sticky(text[i - 1]) or sticky(text[i + 1]))
    ]
    return "".join(kept)


def _name_problem(name: str) -> str | None:
    if not name:
        return msg.NAME_EMPTY
    letters = 0
    for ch in name:
        category = unicodedata.category(ch)
        if _is_cjk(ch):
            letters += 1
        elif category in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            return msg.NAME_CONTROL
        elif category == "Co":
            return msg.NAME_PRIVATE_USE
        elif category in ("Nd", "No"):
            return msg.NAME_DIGITS
        elif category.startswith("L"):
            letters += 1
        elif category.startswith("M") or ch in _NAME_PUNCT or ch == " ":
            continue
        else:
            return msg.NAME_BAD_CHAR.format(char=ch)
    if name[0] in _NAME_PUNCT or name[-1] in _NAME_PUNCT:
        return msg.NAME_DOT_EDGE
    if re.search(r"[·.\-']{2,}", name):
        return msg.NAME_DOT_DOUBLE
    if len(name) > MAX_NAME_LENGTH:
        return msg.NAME_TOO_LONG.format(limit=MAX_NAME_LENGTH)
    if letters < 2:
        return msg.NAME_TOO_SHORT
    return None


def check_name(raw: str, required: bool = True) -> str | None:
    """As-you-type check of a person's name (after normalisation): the Chinese problem or None."""
    name = normalize_name(raw)
    if not name:
        return msg.NAME_EMPTY if required else None
    return _name_problem(name)


def parse_name(raw: str) -> str:
    """The normalised name, or ``ValidationError`` with the problem."""
    name = normalize_name(raw)
    problem = _name_problem(name)
    if problem:
        raise ValidationError(problem)
    return name


# --------------------------------------------------------------------------------------------------
# Masking, fingerprints, redaction
# --------------------------------------------------------------------------------------------------


def mask_id(value: str) -> str:
    """Display form of an ID number: first 6 + last 4 (``110105********123X``); never more than 10 shown."""
    text = _compact(value).upper()
    n = len(text)
    if n >= 15:
        return text[:6] + "*" * (n - 10) + text[-4:]
    if n >= 8:  # partial or mistyped: the last four at most
        return "*" * (n - 4) + text[-4:]
    return "*" * n


def mask_phone(value: str) -> str:
    """Display form of a phone number: mobile 3 + 4 (``138****5678``), landline area code + last 4."""
    try:
        phone = parse_phone(value)
    except ValidationError:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
        if len(digits) >= 11:
            return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
        return "*" * max(len(digits) - 4, 0) + digits[-4:] if len(digits) >= 7 else "*" * len(digits)
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(phone) == 11:
        return phone[:3] + "****" + phone[7:]
    return "*" * (len(phone) - 4) + phone[-4:]


def _canonical(value: str) -> str:
    """One spelling per person-identifying value, so that fingerprints match however it was typed."""
    try:
        return parse_id_number(value, today=date.max).value
    except ValidationError:
        pass
    try:
        return parse_phone(value)
    except ValidationError:
        pass
    return _compact(value).upper()


def fingerprint(value: str, salt: str) -> str:
    """HMAC-SHA256 (hex) of the canonical value keyed by ``salt``: match a person without keeping the number.

    The same ID typed as 15 or 18 digits, with a lower-case x or full-width digits, gives the same
    fingerprint. ``salt`` is the county's secret; without it the fingerprint cannot be reversed by
    trying all ID numbers.
    """
    if not salt:
        raise ValueError("fingerprint needs a non-empty salt")
    return hmac.new(salt.encode("utf-8"), _canonical(value).encode("utf-8"), hashlib.sha256).hexdigest()


#: Characters a clerk puts between the groups of a number: spaces (ASCII, tab, ideographic), hyphens and
#: dashes, dots and middle dots, slashes - ASCII and full-width forms alike.
_SEPARATOR_CHARS = " \t\u3000-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d.\uff0e\u00b7\u2022\u30fb/\uff0f"
_SEP_CLASS = "[" + "".join(re.escape(ch) for ch in _SEPARATOR_CHARS) + "]"
#: Runs of digits (any script, full-width included), possibly grouped by up to three separator
#: characters, optionally ending in an ID check letter X.
_NUMBER_RUN = re.compile(rf"(?<!\d)\d(?:{_SEP_CLASS}{{0,3}}\d)*[XxＸｘ]?(?!\d)")
#: A case number ``<station code>-<YYYYMMDD>-<serial>`` (``QS13-20261128-0001``): not a personal
#: number, however many digits it has. Only dates from 2000 on (case numbers carry the intake date).
_CASE_NO = re.compile(
    r"(?<![0-9A-Za-z_-])([A-Za-z0-9_-]{1,32}?)-20\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-\d{4,6}"
    r"(?![0-9A-Za-z])"
)
_ANY_DIGIT = re.compile(r"\d")
#: Eleven or more digits in one run (what :func:`redact` can mask at all): a quick pre-check.
_LONG_RUN = re.compile(rf"\d(?:{_SEP_CLASS}{{0,3}}\d){{10,}}")


def might_hold_number(text: str) -> bool:
    """False when :func:`redact` would certainly leave ``text`` (or a payload's JSON) unchanged."""
    return _LONG_RUN.search(text) is not None


def _redact_run(match: re.Match[str]) -> str:
    run = match.group(0)
    positions = [i for i, ch in enumerate(run) if ch not in _SEPARATOR_CHARS]
    digits = "".join(str(unicodedata.decimal(run[i], "X")) for i in positions)
    n = len(digits)
    hidden: set[int] = set()
    if n >= 15:  # ID-like (or longer, e.g. bank cards, several numbers run together): 6 + 4 stay
        hidden.update(range(6, n - 4))
    elif n >= 11:  # a mobile number, possibly with 0 / 86 in front
        for found in _MOBILE.finditer(digits):
            hidden.update(range(found.start() + 3, found.start() + 7))
    if not hidden:
        return run
    chars = list(run)
    for index in hidden:
        chars[positions[index]] = "*"
    return "".join(chars)


def _is_case_number(match: re.Match[str], station: str) -> bool:
    """A case-number-shaped span is kept unless its "station code" is all digits and not this
    station's: ``110105-20050101-0012`` is how an ID number is written in groups."""
    code = match.group(1)
    return not code.isdigit() or code == station


def redact(text: str, station: str = "") -> str:
    """``text`` with every ID-number-like and mobile-like number masked (free text in events, log
    lines, error paths).

    Errs on the side of masking: any run of 15 or more digits keeps only its first 6 and last 4,
    whether typed with full-width digits or grouped by spaces, dots, slashes or hyphens; a mobile
    number (with or without +86) keeps 3 + 4. Case numbers are left alone: those with a letter in
    the station code always, all-digit ones when ``station`` is that code. Masking replaces
    characters one for one, so the text keeps its length.
    """
    if not _ANY_DIGIT.search(text):
        return text
    out: list[str] = []
    last = 0
    for found in _CASE_NO.finditer(text):
        if not _is_case_number(found, station):
            continue
        out.append(_NUMBER_RUN.sub(_redact_run, text[last:found.start()]))
        out.append(found.group(0))
        last = found.end()
    out.append(_NUMBER_RUN.sub(_redact_run, text[last:]))
    return "".join(out)


# A row id the program generated (uuid4, hex or canonical form), under whatever key it is stored
# (``approved_by``, ``to_clerk`` ...): its digits are random, and about one id in eight holds a run of
# eleven or more that looks like a mobile number. Visitor and clerk text never has this exact form.
_GENERATED_ID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _is_identifier_key(key: str) -> bool:
    """Payload keys whose values are identifiers or already masked: never free text."""
    return (key == "id" or key.endswith(("_id", "_ids", "_masked", "_sha256", "fingerprint"))
            or key == "case_no")


def redact_payload(payload: object, station: str = "") -> object:
    """A copy of an event payload with :func:`redact` applied to every free-text string in it
    (nested objects and lists included); identifier keys (``*_id``, ``case_no``, ``*_masked``) are
    left as they are. The one place events get their free text cleaned: ``store.ledger`` calls it
    on every emit and the office uses it to find (and quarantine) fields a station did not clean.
    """
    if isinstance(payload, str):  # most payload text has no digit at all: nothing to mask, one scan
        if not _ANY_DIGIT.search(payload) or _GENERATED_ID.fullmatch(payload):
            return payload
        return redact(payload, station)
    if isinstance(payload, dict):
        return {k: (v if isinstance(k, str) and _is_identifier_key(k) else redact_payload(v, station))
                for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [redact_payload(v, station) for v in payload]
    return payload
