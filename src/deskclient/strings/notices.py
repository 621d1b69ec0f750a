"""Labels and messages about written notices and printing.

The wording printed ON a notice lives in the editable templates (data/templates/notices/*.j2);
this module only holds what the program itself says (labels in menus, error messages).
"""

KIND_LABELS = {
    "acceptance": "受理通知书",
    "promise": "承诺件通知书",
    "joint": "联办件通知书",
    "supplement": "补正告知书",
    "rejection": "不予受理决定书",
    "checklist": "一次性告知单",
    "completion": "办结通知",
    "handover": "交接单",
    "extension": "延期通知书",
    "pause_sign": "暂停服务告示",
    "clock_pause": "特别程序告知书",
    "urgent": "急办件通知单",
    "follow_up": "补报材料通知单",
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
    "pause_basis": "不计入期限的法律依据",
    "pause_days": "所需时间",
    "pause_start": "特别程序开始日期",
    "follow_up_by": "补报期限",
    "progress_phone": "进度查询电话(设置文件 [station] progress_phone)",
    "complaint_phone": "投诉监督电话(设置文件 [station] complaint_phone)",
    "reconsideration_body": "行政复议机关(设置文件 [station] reconsideration_body)",
    "court": "行政诉讼的人民法院(设置文件 [station] court)",
    "legal_article": "法律依据条款",
    "received_date": "收到材料日期",
    "completed_at": "办结时间",
    "result": "办理结果",
    "department": "审批部门",
    "delivery_address": "邮寄地址",
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


# Marks the renderer adds itself when a (centre-edited) template forgot them: a training print
# must never look valid, a reprint must always say so.
TRAINING_MARK_FALLBACK = "培训样张 不作为正式凭证"
REPRINT_MARK_FALLBACK = "补打 {time}"
CUT_LINE = "沿此线剪开"

ARCHIVE_REPRINT_TAG = "补打"  # in archive file names: <case_no>-<kind>-补打-<time>.pdf
WINDOW_LABEL = "{number}号窗口({name})"
WINDOW_LABEL_NO_NAME = "{number}号窗口"
DATE_FORMAT = "{year}年{month}月{day}日"  # dates on notices, no leading zeros
URGENT_DEFAULT_REASON = "时间紧迫、特别重要,经中心认定为急办件"

# What a notice says when the station has not set a phone of its own: the national 12345 line.
HOTLINE_12345 = "12345"
HOTLINE_12345_NAME = "12345政务服务便民热线"
RECONSIDERATION_DEFAULT = "{county}人民政府"
COURT_DEFAULT = "{county}人民法院"
# how a county centre's name starts (the wizard pre-fills the county from it): unit, then these words
COUNTY_UNITS = ("自治县", "自治旗", "县", "区", "旗", "市")
COUNTY_GOVERNMENT = "人民政府"
COUNTY_CENTRE_WORDS = ("政务服务中心", "行政审批", "便民服务中心", "政务服务")
# The articles a refusal rests on: 行政许可法 art. 32 (not accepted), art. 38 para. 2 (reasons, remedies).
REJECTION_ARTICLE = "《中华人民共和国行政许可法》第三十二条、第三十八条第二款"
TIME_LIMIT_IMMEDIATE = "当场办结"
TIME_LIMIT_DAYS = "{days}个工作日"
TIME_LIMIT_EXTENDED = "{days}个工作日(原{original}个工作日,经批准延长{extra}个工作日)"
DOC_NO = "{issuer}〔{year}〕{kind_char}字第{n}号"
# One character per kind in the document number (文号): 受理 受, 承诺 诺, 联办 联, 补正 补 ...
DOC_NO_KIND_CHARS = {
    "acceptance": "受", "promise": "诺", "joint": "联", "supplement": "补", "rejection": "退",
    "checklist": "告", "completion": "结", "extension": "延", "handover": "交", "pause_sign": "停",
    "clock_pause": "特", "urgent": "急", "follow_up": "报",
}
PDF_PAGE_NUMBER = "第{n}页 共{total}页"
PDF_CONTINUED = "(续)"

# the morning printer check (DOMAIN rule 13): the real cause, in words a clerk can act on
CHECK_OK_QUEUE = "打印机“{printer}”就绪({state})。"
CHECK_OK_DEVICE = "小票打印机“{printer}”已连接。"
CHECK_OK_FILE = "打印输出文件夹可写:{printer}。"
CHECK_SETTINGS_BAD = "打印机设置有误:{problems}。请修改设置文件 [printer] 一节。"
CHECK_UNKNOWN_PRINTER = "本机没有名为“{printer}”的打印机(CUPS 中没有这个打印队列),请检查设置文件 [printer] name。本机的打印机:{known}。"
CHECK_UNKNOWN_PRINTER_NONE = "本机没有名为“{printer}”的打印机,本机也还没有添加任何打印机。请先在系统中添加打印机。"
CHECK_NO_DEFAULT = "本机没有设置默认打印机。请在系统中设一台默认打印机,或在设置文件 [printer] name 中写明打印机名称。"
CHECK_QUEUE_DISABLED = "打印机“{printer}”已被暂停(停用){reason}。打印机本身可能正常,请在打印管理中恢复(启用)该打印机。"
CHECK_QUEUE_REJECTING = "打印机“{printer}”目前拒绝接收打印任务{reason}。请在打印管理中设为“接受任务”。"
CHECK_CUPS_DOWN = "本机的打印服务(CUPS)没有运行,任何打印机都无法打印。请重新启动电脑或联系管理员启动打印服务。"
CHECK_LPSTAT_FAILED = "无法查询打印机“{printer}”的状态:{detail}。"
CHECK_DEVICE_MISSING = "找不到小票打印机的设备“{device}”:打印机未连接、未开机,或设备名写错(设置文件 [printer] device)。"
CHECK_DEVICE_DENIED = "没有权限使用小票打印机设备“{device}”(Linux 上需把当前用户加入 dialout / lp 组)。"
CHECK_NETWORK_REFUSED = "小票打印机 {device} 拒绝连接:打印机开着但端口不对,或打印机正在重启。请核对端口(通常为 9100)。"
CHECK_NETWORK_TIMEOUT = "{seconds} 秒内连不上小票打印机 {device}:打印机未开机,或网线、网络不通。"
CHECK_NETWORK_BAD_HOST = "小票打印机地址“{device}”无法识别,请检查设置文件 [printer] device。"
CHECK_NETWORK_FAILED = "连不上小票打印机 {device}:{detail}。"
CHECK_USB_MISSING = "没有找到 USB 小票打印机 {device}:打印机未插好或未开机。"
CHECK_USB_UNCHECKABLE = "无法检查 USB 小票打印机 {device}(本机缺少 USB 驱动库 libusb):{detail}。"
CHECK_FILE_FOLDER_MISSING = "打印输出文件夹不存在或不可写:{folder}。"
CHECK_WINDOWS_UNKNOWN = "Windows 中没有名为“{printer}”的打印机。本机的打印机:{known}。"
CHECK_WINDOWS_UNCHECKED = "已设置 Windows 打印机“{printer}”,本机无法自动检查其状态,请打印测试页确认。"
JOINT_NEEDS_TWO = "联办件通知书需写明两个或以上的联办部门,请确认联办部门。"
JOINT_DEPARTMENT_TOO_LONG = "联办部门名称不能超过{n}个字。"
JOINT_NOT_JOINT_CASE = "本件不是联办件,无需确认联办部门。"
CHECK_STATE_PRINTING = "正在打印"
CHECK_STATE_IDLE = "空闲"
CHECK_STATE_INSTALLED = "已安装"
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
