"""Labels and messages about written notices and printing.

The wording printed ON a notice lives in the editable templates (data/templates/notices/*.j2);
this module only holds what the program itself says (labels in menus, error messages).
"""

KIND_LABELS = {
    "acceptance": "受理通知书",
    "promise": "承诺件通知书",
    "joint": "联办件通知书",
    "supplement": "补正告知书",
    "rejection": "不予受理告知书",
    "checklist": "一次性告知单",
    "completion": "办结通知",
    "handover": "交接单",
    "extension": "延期通知书",
    "pause_sign": "暂停服务告示",
}

# Names of NoticeData fields, for the "this notice still needs ..." message.
FIELD_LABELS = {
    "centre": "服务中心名称",
    "station": "服务站名称",
    "window": "窗口",
    "case_no": "办件编号",
    "applicant": "申请人",
    "item_name": "办理事项",
    "issued_at": "出具时间",
    "clerk": "经办人",
    "promised_date": "承诺办结日期",
    "acceptance_date": "受理日期",
    "materials": "所需材料",
    "missing": "需补正的材料",
    "reasons": "不予受理的理由",
    "basis": "办理依据",
    "procedure": "办理程序",
    "time_limit": "办理时限",
    "fee": "收费标准",
    "delivery": "送达方式",
    "departments": "联办部门",
    "handover_from": "移交人",
    "handover_to": "接收人",
    "extension_days": "延长天数",
    "extension_reason": "延期理由",
    "original_date": "原承诺日期",
    "pause_reason": "暂停原因",
}

NOTICE_INCOMPLETE = "“{kind}”还缺少以下内容,不能出具:{fields}。"
FULL_NUMBER_REJECTED = "通知书上只能出现打码后的证件号码和手机号码(“{field}”不是打码格式)。"
UNKNOWN_KIND = "没有“{kind}”这种通知书。可用的类型:{kinds}。"

TEMPLATE_BROKEN = "本中心自定义的通知书模板“{name}”有错误({detail}),本次已改用内置模板。请检查该模板文件。"
TEMPLATE_BUILTIN_BROKEN = "内置通知书模板“{name}”有错误({detail}),请联系管理员。"
TEMPLATE_STRAY_TEXT = "模板中有文字没有写在 para(\"...\") 等函数里:“{text}”"
TEMPLATE_UNDEFINED = "用到了不存在的内容:{detail}"
TEMPLATE_SYNTAX = "第 {line} 行语法错误:{detail}"
TEMPLATE_OTHER = "{detail}"
TEMPLATE_EMPTY = "模板没有产生任何内容"

WIDTH_TOO_SMALL = "打印宽度至少为 {minimum} 列(当前 {width} 列)。"
TEXT_NOT_ENCODABLE = "以下字符无法用 GB18030 编码打印:{chars}"

FONT_MISSING = "找不到 PDF 用的中文字体文件:{path}。请重新安装 deskclient。"
FONT_GLYPHS_MISSING = (
    "PDF 字体中没有这些字:{chars},本机也没有找到包含它们的中文字体。"
    "请安装中文字体(如 fonts-noto-cjk 或 Windows 自带的宋体/黑体)后重试。"
)

PRINT_OK = "已发送到打印机“{printer}”。"
PRINT_DEFAULT_PRINTER = "默认打印机"
PRINT_NOT_CONFIGURED = "本机尚未设置打印机,通知书已存档,可稍后补打。请技术人员在本站数据目录的设置文件 settings.toml 中填写 [printer]。"
PRINT_NO_LP = "本机没有找到打印命令 lp(CUPS 打印服务未安装),通知书已存档,可稍后补打。"
PRINT_PRINTER_UNAVAILABLE = "打印机“{printer}”不可用:{detail}。请检查打印机是否开机、联网,通知书已留待补打。"
PRINT_TIMEOUT = "打印机“{printer}”在 {seconds} 秒内没有响应,通知书已留待补打。"
PRINT_DEVICE_FAILED = "无法连接小票打印机“{printer}”:{detail}。请检查电源和连线,通知书已留待补打。"
PRINT_BAD_DEVICE = "打印机设置有误:{detail}(设置文件 [printer] device)。"
PRINT_WINDOWS_FAILED = "Windows 打印失败:{detail}。通知书已留待补打。"
PRINT_UNKNOWN_KIND = "不认识的打印机类型“{kind}”(设置文件 [printer] kind)。"

ARCHIVE_FAILED = "通知书存档失败:{error}。请检查磁盘空间和权限。"

# command line
CLI_HELP = "出具(打印或导出)某个办件的通知书"
CLI_CASE_HELP = "办件编号,例如 ZX01-20261124-0007"
CLI_TYPE_HELP = "通知书类型:{kinds}"
CLI_FORMAT_HELP = "输出格式:text 纯文本、escpos 小票打印机指令、pdf"
CLI_WIDTH_HELP = "文本/小票宽度(列数),58 毫米纸 32 列,80 毫米纸 48 列,针式打印机 80 列"
CLI_OUTPUT_HELP = "输出到文件(默认输出到屏幕;pdf 和 escpos 必须指定文件)"
CLI_REPRINT_HELP = "按补打出具(标注“补打”及时间)"
CLI_BINARY_NEEDS_FILE = "{format} 格式是二进制内容,请用 -o 指定输出文件。"
CLI_WRITTEN = "已写入 {path}"
CLI_NO_LEDGER = "找不到台账:{path}。请先完成本站设置。"
CASE_NOT_FOUND = "找不到办件:{case}"

MATERIAL_FORM_LABELS = {
    "original": "原件",
    "copy": "复印件",
    "both": "原件及复印件",
    "electronic": "电子件",
}

# Marks the renderer adds itself when a (centre-edited) template forgot them: a training print
# must never look valid, a reprint must always say so.
TRAINING_MARK_FALLBACK = "培训样张 不作为正式凭证"
REPRINT_MARK_FALLBACK = "补打 {time}"
CUT_LINE = "沿此线剪开"

ARCHIVE_REPRINT_TAG = "补打"  # in archive file names: <case_no>-<kind>-补打-<time>.pdf
WINDOW_LABEL = "{number}号窗口({name})"
WINDOW_LABEL_NO_NAME = "{number}号窗口"
DATE_FORMAT = "{year}年{month}月{day}日"  # dates on notices, no leading zeros
NOTHING_TO_REPRINT = "该办件还没有出具过这种告知书,不能补打;请先出具。"
# the printing system's (CUPS lp, OS) English messages, as the clerk reads them
PRINT_KNOWN_ERRORS = {
    "no default destination": "本机没有设置默认打印机(请在系统打印机设置中设一台为默认,或在设置文件 [printer] name 中写打印机名)",
    "does not exist": "找不到这个名字的打印机(请核对设置文件 [printer] name)",
    "not accepting jobs": "打印机暂停接收任务(请在系统打印机设置中恢复)",
    "connection refused": "打印服务没有运行(请重启电脑或联系技术人员)",
    "unable to connect": "打印服务没有运行(请重启电脑或联系技术人员)",
    "permission denied": "没有使用打印机的权限(请联系技术人员)",
    "no such file or directory": "找不到打印设备(请检查连线)",
    "timed out": "打印机没有响应",
    "broken pipe": "打印机连接中断(请检查电源和网线)",
}
PRINT_OTHER_ERROR = "打印系统报错(详情已记入日志)"
