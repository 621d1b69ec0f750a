"""Where things live and how this station is set up: paths (platformdirs) and the TOML settings file.

``--data-dir DIR`` or ``DESKCLIENT_HOME`` puts everything (settings, ledger, archive, logs) under one
folder, which is what a USB-stick install, a test or a training room wants. Otherwise the usual
per-user folders of the platform are used. Demo and training each get a separate sub-folder, so
sample data never lands in the station's real ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskclient.domain.errors import DeskError
from deskclient.paths import APP_NAME as APP_NAME
from deskclient.paths import ENV_HOME as ENV_HOME
from deskclient.paths import Mode as Mode
from deskclient.paths import Paths as Paths
from deskclient.paths import mode_of as mode_of
from deskclient.strings import settings as T

if TYPE_CHECKING:
    import tomllib  # imported where a settings file is read: a command that reads none skips it



class SettingsError(DeskError):
    """The settings file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class StationSettings:
    code: str = ""
    name: str = ""
    centre: str = ""
    county: str = ""
    window: str = ""  # the window this PC sits at ("" = ask at sign-in)
    # Printed on every notice to an applicant (DOMAIN rule 6); "" = the 12345 government hotline.
    progress_phone: str = ""  # 进度查询电话, e.g. "0851-86001234"
    progress_url: str = ""  # lookup web address (also encoded in the QR code) or "12345政务服务便民热线"
    complaint_phone: str = ""  # 投诉监督电话
    # Named on every refusal (rule 7); "" = the county's people's government / people's court.
    reconsideration_body: str = ""  # 行政复议机关, e.g. "某某县人民政府"
    court: str = ""  # 行政诉讼, e.g. "某某县人民法院"


@dataclass(frozen=True)
class CentralSettings:
    url: str = ""  # empty: this station works offline only (USB bundles); https://… (see deployment.md)
    token: str = ""
    exit_sync_timeout_s: float = 5.0
    background_interval_s: float = 60.0
    ca_file: str = ""  # PEM certificate of the county CA that signed the office's TLS certificate
    allow_plain_http: bool = False  # http:// to another machine is refused unless this is true
    office_public_key: str = ""  # base64 Ed25519 key that signs catalog/holiday updates ("" = learn over https)


PRINTER_KINDS = ("none", "system", "escpos-usb", "escpos-serial", "escpos-network", "file")
PRINTER_FORMATS = ("pdf", "text", "escpos")


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "none"  # none | system | escpos-usb | escpos-serial | escpos-network | file
    name: str = ""  # system printer name ("" = the default printer)
    device: str = ""  # escpos: "0x0416:0x5011" (USB), "/dev/ttyUSB0" (serial), "192.168.1.50" (network), a path (file)
    format: str = "pdf"  # pdf | text | escpos
    columns: int = 48  # text/ESC-POS width: 32 for 58 mm, 48 for 80 mm, 80 for a needle printer
    encoding: str = "gb18030"

    def problems(self) -> list[tuple[str, str]]:
        """(key, Chinese message) for every value a printer cannot work with."""
        out: list[tuple[str, str]] = []
        if self.kind not in PRINTER_KINDS:
            out.append(("kind", T.PRINTER_BAD_KIND.format(value=self.kind, allowed="、".join(PRINTER_KINDS))))
        if self.format not in PRINTER_FORMATS:
            out.append(("format", T.PRINTER_BAD_FORMAT.format(value=self.format,
                                                              allowed="、".join(PRINTER_FORMATS))))
        if not 20 <= self.columns <= 200:
            out.append(("columns", T.PRINTER_BAD_COLUMNS.format(value=self.columns)))
        if (self.kind.startswith("escpos-") or self.kind == "file") and not self.device.strip():
            out.append(("device", T.PRINTER_NEEDS_DEVICE.format(kind=self.kind)))
        try:
            T.PRINTER_ENCODING_PROBE.encode(self.encoding)
        except (LookupError, UnicodeEncodeError):
            out.append(("encoding", T.PRINTER_BAD_ENCODING.format(value=self.encoding)))
        return out


@dataclass(frozen=True)
class ClockSettings:
    supplement_days: int = 5  # 行政许可法 art. 32: supplement notice within five days
    supplement_working_days: bool = True  # local practice differs: working or calendar days
    due_soon_working_days: int = 2  # home screen: yellow when due within this many working days
    review_days: int = 3  # the head's 复核: the seeds set no limit, so this is the station's own setting
    complaint_simple_days: int = 1  # same or next working day
    complaint_multi_unit_days: int = 5  # unused by the clock: two or more units get a calendar week (issue #16)


@dataclass(frozen=True)
class RatingSettings:
    province: str = ""  # a preset name from data/rating_presets.toml; "" = the values below
    very_satisfied: int = 10
    satisfied: int = 8
    basic: int = 6
    unsatisfied: int = 3
    very_unsatisfied: int = 0
    visit_within_days: int = 1  # bad rating: return visit within N working days
    rectify_within_days: int = 15  # bad rating: rectified within N working days


@dataclass(frozen=True)
class TrainingSettings:
    demo_key_delay_s: float = 0.25  # Ctrl+D replays a step's input at this pace, so the class can follow


@dataclass(frozen=True)
class Settings:
    station: StationSettings = field(default_factory=StationSettings)
    central: CentralSettings = field(default_factory=CentralSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    clocks: ClockSettings = field(default_factory=ClockSettings)
    rating: RatingSettings = field(default_factory=RatingSettings)
    training: TrainingSettings = field(default_factory=TrainingSettings)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_SECTIONS: dict[str, type] = {
    "station": StationSettings,
    "central": CentralSettings,
    "printer": PrinterSettings,
    "clocks": ClockSettings,
    "rating": RatingSettings,
    "training": TrainingSettings,
}


def _line_of(text: str, section: str, key: str | None) -> int:
    """The line where ``[section]`` (or ``key`` inside it) is written, for error messages."""
    lines = text.splitlines()
    start = 0
    for i, line in enumerate(lines):
        if re.match(rf"^\s*\[\s*{re.escape(section)}\s*\]", line):
            start = i
            if key is None:
                return i + 1
            break
    for j in range(start, len(lines)):
        if key is not None and re.match(rf"^\s*{re.escape(key)}\s*=", lines[j]):
            return j + 1
    return start + 1


def parse_settings(text: str, path: Path) -> Settings:
    """Parse and check a settings file's text; every problem names the file and line."""
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or _lineno_from_message(str(err))
        raise SettingsError(T.MALFORMED.format(path=path, line=line, error=_toml_reason(err))) from None
    problems: list[str] = []
    built: dict[str, Any] = {}
    for section, value in raw.items():
        cls = _SECTIONS.get(section)
        if cls is None:
            problems.append(T.UNKNOWN_SECTION.format(path=path, line=_line_of(text, section, None),
                                                     section=section))
            continue
        if not isinstance(value, dict):
            problems.append(T.NOT_A_SECTION.format(path=path, line=_line_of(text, section, None),
                                                   section=section))
            continue
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, v in value.items():
            f = known.get(key)
            line = _line_of(text, section, key)
            if f is None:
                problems.append(T.UNKNOWN_KEY.format(path=path, line=line, section=section, key=key))
                continue
            expected = type(getattr(cls(), key))
            if expected is float and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if not isinstance(v, expected) or (expected is int and isinstance(v, bool)):
                problems.append(T.WRONG_TYPE.format(path=path, line=line, section=section, key=key,
                                                    expected=T.TYPE_NAMES.get(expected.__name__,
                                                                              expected.__name__)))
                continue
            if expected in (int, float) and v < 0:
                problems.append(T.NEGATIVE.format(path=path, line=line, section=section, key=key))
                continue
            kwargs[key] = v
        built[section] = cls(**kwargs)
        check = getattr(built[section], "problems", None)
        for key, message in check() if check else ():
            problems.append(T.BAD_VALUE.format(path=path, line=_line_of(text, section, key), section=section,
                                               key=key, message=message))
    central = built.get("central")
    if isinstance(central, CentralSettings):
        problems.extend(_central_problems(central, text, path))
    if problems:
        raise SettingsError("\n".join(problems))
    return Settings(**built)


def _central_problems(central: CentralSettings, text: str, path: Path) -> list[str]:
    """The ``[central]`` values a sync would trip over, caught when the file is read."""
    from urllib.parse import urlsplit

    problems: list[str] = []
    if central.url:
        try:
            parts = urlsplit(central.url)
            ok = parts.scheme in ("http", "https") and bool(parts.hostname)
            parts.port  # noqa: B018  (raises ValueError on a bad port)
        except ValueError:
            ok = False
        if not ok:
            problems.append(T.CENTRAL_URL_BAD.format(path=path, line=_line_of(text, "central", "url"),
                                                     url=central.url[:200]))
    if central.ca_file:
        line = _line_of(text, "central", "ca_file")
        try:
            ca = Path(central.ca_file).expanduser()
            if not ca.is_absolute():
                ca = path.parent / ca
            exists = ca.is_file()
            pem = exists and b"-----BEGIN CERTIFICATE-----" in ca.read_bytes()[:1_000_000]
        except (OSError, ValueError, RuntimeError):  # NUL in the name, unreadable, no home folder
            exists = pem = False
        if not exists:
            problems.append(T.CENTRAL_CA_MISSING.format(path=path, line=line, ca=central.ca_file[:200]))
        elif not pem:
            problems.append(T.CENTRAL_CA_NOT_PEM.format(path=path, line=line, ca=central.ca_file[:200]))
    if central.office_public_key:
        import base64
        import binascii

        try:
            ok = len(base64.b64decode(central.office_public_key.strip(), validate=True)) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            problems.append(T.CENTRAL_KEY_BAD.format(
                path=path, line=_line_of(text, "central", "office_public_key")))
    return problems



def _lineno_from_message(message: str) -> int:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


def _toml_reason(err: tomllib.TOMLDecodeError) -> str:
    msg = getattr(err, "msg", None) or str(err)
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)


def load_settings(path: Path) -> Settings:
    """Read the settings file. A missing file is not an error (first run); a broken one is."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError:
        raise SettingsError(T.NOT_UTF8.format(path=path)) from None
    except OSError as err:
        raise SettingsError(T.UNREADABLE.format(path=path, error=err.strerror)) from None
    return parse_settings(text, path)


def dump_settings(settings: Settings) -> str:
    """The template a new settings file is written with (first run, no file yet): the header comment
    and every section with every key, so an administrator sees what can be set. An existing file is
    never rewritten from this; ``update_settings`` edits it in place."""
    out: list[str] = [T.FILE_HEADER]
    for section, values in settings.to_dict().items():
        out.append(f"\n[{section}]")
        for key, value in values.items():
            out.append(f"{key} = {_toml_value(value)}")
    return "\n".join(out) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def save_settings(path: Path, settings: Settings) -> None:
    """Make the file read as ``settings``: the keys whose value differs are changed in place
    (``update_settings``), everything else in the file is left as the administrator wrote it."""
    update_settings(path, settings.to_dict())


SettingValue = str | int | float | bool


def update_settings(path: Path, changes: Mapping[str, Mapping[str, SettingValue]]) -> None:
    """THE one writer of settings.toml (first-run wizard, S 告知书信息 via
    ``DeskContext.save_station_settings``, ``save_settings``); docs/decisions.md.

    A centre administrator edits this file by hand, so a write changes only the given keys: comments,
    blank lines, key order and keys or tables this version does not know stay as they were (tomlkit,
    imported here only: reading and starting the desk never pay for it). A key absent from the file
    whose new value is the default is left absent (the file already reads that way). A file that
    does not parse is refused with a Chinese message and left untouched: rewriting it would lose what
    the administrator wrote. No file yet: the commented template (``dump_settings``). The write is
    atomic: a power cut leaves the old file or the new one.
    """
    from deskclient.durable import atomic_write_text

    for section, values in changes.items():
        cls = _SECTIONS.get(section)
        known = {f.name for f in fields(cls)} if cls is not None else set()
        unknown = sorted(set(values) - known)
        if cls is None or unknown:  # a programming error, never a user's: the program writes only its own keys
            raise ValueError(f"not a setting: [{section}] {unknown}")
    try:
        old = path.read_bytes().decode("utf-8")
    except FileNotFoundError:  # the template, then the changes set in it like in any file (tomlkit escapes)
        atomic_write_text(path, _edited(dump_settings(Settings()), changes, path))
        return
    except UnicodeDecodeError:
        raise SettingsError(T.WRITE_REFUSED.format(problem=T.NOT_UTF8.format(path=path))) from None
    except OSError as err:
        raise SettingsError(T.WRITE_REFUSED.format(
            problem=T.UNREADABLE.format(path=path, error=err.strerror))) from None
    new = _edited(old, changes, path)
    if new != old:
        atomic_write_text(path, new)


def _same(current: object, value: object) -> bool:
    """Equal as a setting: ``3`` and ``3.0`` are, ``1`` and ``true`` are not."""
    return (isinstance(current, bool) is isinstance(value, bool)
            and isinstance(current, str) is isinstance(value, str) and current == value)


def _edited(old: str, changes: Mapping[str, Mapping[str, SettingValue]], path: Path) -> str:
    """``old`` with the changed keys set in place; raises SettingsError (nothing written) when it
    does not parse, when a section is not a table, or when the result would not read back."""
    import tomllib

    import tomlkit
    from tomlkit.exceptions import ParseError
    from tomlkit.items import Item

    crlf = "\r\n" in old  # Notepad's line ends stay; tomlkit would mix them on added lines
    text = old.replace("\r\n", "\n") if crlf else old
    try:
        tomllib.loads(text)  # the reader's parser decides, with the reader's message
        doc = tomlkit.parse(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or _lineno_from_message(str(err))
        raise SettingsError(T.WRITE_REFUSED.format(
            problem=T.MALFORMED.format(path=path, line=line, error=_toml_reason(err)))) from None
    except ParseError as err:
        raise SettingsError(T.WRITE_REFUSED.format(
            problem=T.MALFORMED.format(path=path, line=err.line, error=err))) from None
    defaults = Settings()
    for section, values in changes.items():
        table = doc.get(section)
        if table is None:
            wanted = {k: v for k, v in values.items() if not _same(getattr(getattr(defaults, section), k), v)}
            if not wanted:
                continue
            table = tomlkit.table()
            doc.add(section, table)
        elif not isinstance(table, dict):
            raise SettingsError(T.WRITE_REFUSED.format(problem=T.NOT_A_SECTION.format(
                path=path, line=_line_of(text, section, None), section=section)))
        default = getattr(defaults, section)
        for key, value in values.items():
            current = table[key] if key in table else getattr(default, key)
            if _same(current.unwrap() if isinstance(current, Item) else current, value):
                continue
            table[key] = value
    new = _checked(doc.as_string(), changes, path)
    return new.replace("\n", "\r\n") if crlf else new


def _checked(new: str, changes: Mapping[str, Mapping[str, SettingValue]], path: Path) -> str:
    """The text about to be written reads back, with every changed key at its new value."""
    import tomllib

    defaults = Settings()
    try:
        back: dict[str, Any] | None = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        back = None
    for section, values in changes.items():
        for key, value in values.items():
            got = back.get(section, {}).get(key, getattr(getattr(defaults, section), key)) if back else None
            if back is None or not _same(got, value):
                raise SettingsError(T.WRITE_CHECK_FAILED.format(path=path, section=section, key=key))
    return new
