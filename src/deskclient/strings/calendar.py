"""Labels and messages about working days, holiday schedules and due dates."""

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
DEFAULT_WORKDAY_NAME = "调休上班"

# --- schedule files (parse_schedule) ---------------------------------------------------------------
LOCATION_LINE = "{source}第{line}行"
LOCATION_FILE = "{source}"
SCHEDULE_SYNTAX = "节假日安排文件格式有误({where}):{detail}"
SCHEDULE_INVALID = "节假日安排文件内容有误({where}):{detail}"
TOML_DETAIL = "不是有效的 TOML 格式"
YEAR_MISSING = "缺少年份(year = 2026 这样的一行)"
YEAR_BAD = "年份“{value}”无效,应为 1900 到 2200 之间的整数"
SOURCE_BAD = "source(文件依据)应为文字"
UNKNOWN_KEY = "不认识的项目“{key}”,可用的项目有:{allowed}"
SECTION_NOT_LIST = "“{section}”应写成 [[{section}]] 表格"
ENTRY_NOT_TABLE = "第{index}个 [[{section}]] 不是表格"
NAME_MISSING = "第{index}个 [[{section}]] 缺少名称(name)"
DATES_MISSING = "第{index}个 [[{section}]] 缺少日期:请写 date、dates,或 start 和 end"
DATES_AMBIGUOUS = "第{index}个 [[{section}]] 的日期写法重复:date、dates、start/end 只能选一种"
DATE_BAD = "日期“{value}”无效,应写成 YYYY-MM-DD,例如 2026-02-15"
DATE_OUT_OF_YEAR = "日期 {value} 不属于 {year} 年的安排(只能是该年,或紧邻的上年12月、下年1月)"
RANGE_REVERSED = "起止日期颠倒:{start} 晚于 {end}"
RANGE_TOO_LONG = "假期 {start} 至 {end} 超过 {limit} 天,请核对"
WORKDAY_NOT_WEEKEND = "调休上班日 {value} 是{weekday},只有周六、周日才需要写成调休上班"
DATE_BOTH = "{value} 同时写成了放假和调休上班"
DATE_TWO_NAMES = "{value} 同时属于“{first}”和“{second}”两个假期"
FILE_YEAR_MISMATCH = "文件名是 {stem},但文件里写的是 {year} 年"
FILE_UNREADABLE = "节假日安排文件无法读取({where}):{detail}"
FOLDER_MISSING = "找不到节假日安排文件夹:{folder}"
FILE_NOT_UTF8 = "文件不是 UTF-8 编码"
FILE_NO_ACCESS = "无法打开文件"
FILE_SKIPPED = "已跳过该文件,{year}年按其他文件或按法定节假日暂定计算。"
FILE_SKIPPED_ANY = "已跳过该文件。"

# --- working-day arithmetic ------------------------------------------------------------------------
NEGATIVE_DAYS = "工作日天数不能为负数"
TOO_MANY_DAYS = "工作日天数过大(最多 {limit} 个工作日)"
DATE_OUT_OF_RANGE = "日期超出可计算的范围"

# --- deskclient due-date ----------------------------------------------------------------------------
CMD_HELP = "按国务院节假日安排推算办件到期日(受理当日不计)"
CMD_DESCRIPTION = (
    "从受理日期起数 N 个工作日,得出承诺办结日期。周末、法定节假日不计,调休上班日计入;受理当日不计。"
)
ARG_START_HELP = "受理日期,格式 YYYY-MM-DD"
ARG_DAYS_HELP = "承诺时限(工作日数,0 或正整数)"
ARG_JSON_HELP = "以 JSON 格式输出"
ARG_HOLIDAYS_DIR_HELP = "另外读取该文件夹中的节假日安排(可重复;同一年份以后读到的为准)"
BAD_START_DATE = "受理日期“{value}”无效,请写成 YYYY-MM-DD,例如 2026-02-13。"
BAD_DAYS = "工作日天数“{value}”无效,请写 0 或正整数。"
WARNING_PREFIX = "提示:"

OUT_START = "受理日期"
OUT_LIMIT = "办理时限"
OUT_DUE = "到期日期"
OUT_STATUS = "推算依据"
OUT_LIMIT_VALUE = "{n} 个工作日(受理当日不计)"
OUT_STATUS_FINAL = "国务院节假日安排"
OUT_STATUS_PROVISIONAL = "暂定(部分年份无节假日安排)"
OUT_PROVISIONAL_NOTE = (
    "注意:{years} 年的节假日安排尚未收录。这些年份已按《全国年节及纪念日放假办法》计入法定节假日,"
    "调休安排未知,节日前后可能放假的工作日一律按放假计(取最晚的可能日期),到期日为暂定;"
    "国务院通知发布、节假日文件更新后请重新核对。"
)
OUT_SKIPPED_TITLE = "跳过的法定节假日:"
OUT_MAKEUP_TITLE = "计入的调休上班日:"
OUT_NONE = "无"
YEAR_JOINER = "、"

# --- statutory holidays (domain.statutory; 《全国年节及纪念日放假办法》2024 年修订) -----------------
STATUTORY_NAMES = {
    "new_year": "元旦",
    "spring_festival": "春节",
    "qingming": "清明节",
    "labour_day": "劳动节",
    "dragon_boat": "端午节",
    "mid_autumn": "中秋节",
    "national_day": "国庆节",
}
#: The solar term's name, which is also the key lunar-python's jieqi table uses for it.
QINGMING_TERM = "清明"
PROVISIONAL_REST_NAME = "{name}前后(调休未公布,按可能放假计)"
PROVISIONAL_MARK = "暂定:该年节假日安排未公布,已计入法定节假日,调休按最晚可能日期计"
