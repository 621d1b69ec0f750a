"""Text of the county office's web view (``deskclient central serve``, pages under ``/county/``).

The Jinja templates hold layout only; every word a person reads comes from here (``S`` in templates).
"""

from deskclient.strings.cases import CASE_CLASS_LABELS  # noqa: F401  (办件类别, named once)
from deskclient.strings.central import KIND_LABELS  # noqa: F401  (catalog / holidays, named once)
from deskclient.strings.clocks import RATING_LEVEL_LABELS  # noqa: F401  (the five levels, named once)

APP_TITLE = "县政务服务中心 · 站点总览"
NAV_OVERVIEW = "站点总览"
NAV_CASES = "全县办件"
NAV_REFUSED = "拒收记录"
NAV_RATINGS = "好差评与投诉"
NAV_ASSESSMENT = "月度考核"
NAV_ADMIN = "管理"
SIGNED_IN_AS = "{name}({role})"
ROLE_LABELS = {"admin": "县中心管理员", "viewer": "只读查看"}
SIGN_OUT = "退出"
PRINT = "打印"
EXPORT_CSV = "导出 CSV"
APPLY = "筛选"
ALL = "全部"
NONE = "—"
UNKNOWN = "未知"

# sign-in
SIGNIN_TITLE = "登录县中心"
SIGNIN_LOGIN = "账号"
SIGNIN_PASSWORD = "密码"
SIGNIN_BUTTON = "登录"
SIGNIN_WRONG = "账号或密码不正确。"
SIGNIN_WRONG_LEFT = "账号或密码不正确,再错 {left} 次将锁定。"
SIGNIN_LOCKED = "密码错误次数过多,账号已锁定,请 {minutes} 分钟后再试。"
SIGNIN_NEEDED = "请先登录。"
SIGNED_OUT = "已退出。"

# accounts (the add-user command and the sign-in form)
USER_LOGIN_BAD = "账号只能使用字母、数字、点、短横线和下划线(2 至 64 位):{login}"
USER_ROLE_BAD = "角色只能是 admin(管理员)或 viewer(只读):{role}"
USER_PASSWORD_SHORT = "密码至少 {n} 位。"
USER_EXISTS = "账号 {login} 已存在。"
USER_ADDED = "已添加账号 {login}({role})。"
ADD_USER_HELP = "添加县中心网页账号(管理员或只读)"
ARG_LOGIN = "登录账号"
ARG_USER_NAME = "姓名"
ARG_ROLE = "角色:admin(管理站点、令牌、发布)或 viewer(只读)"
ARG_PASSWORD_STDIN = "从标准输入读取密码(不提示)"
PASSWORD_PROMPT = "密码:"
PASSWORD_AGAIN = "再输一次:"
PASSWORD_MISMATCH = "两次输入的密码不一致。"
REBUILD_HELP = "根据已收记录重建网页用的汇总表(升级后首次使用;请先停止县中心服务)"
REBUILT = "已重建汇总表({events} 条记录)。"

# refusals
FORBIDDEN_TITLE = "无权操作"
FORBIDDEN_ADMIN = "只读账号不能进行管理操作。"
CSRF_FAILED = "表单已失效(缺少或不匹配的校验码),请刷新页面后重试。"
NOT_FOUND = "没有找到这个页面。"
BAD_REQUEST = "请求不正确:{detail}"
BACK = "返回"

# overview and stations
OVERVIEW_TITLE = "站点总览"
OVERVIEW_TOTALS = "全县在办 {open} 件,2 个工作日内到期 {soon} 件,已超期 {overdue} 件;站点 {stations} 个,失联 {silent} 个。"
SILENT_ALERT = "失联:超过 {hours} 小时未联系"
REVOKED = "令牌已停用"
NEVER = "从未联系"
COL_STATION = "站点"
COL_NAME = "名称"
COL_LAST_CONTACT = "最后联系(本地时间)"
COL_BACKLOG = "待上传"
COL_APP = "程序版本"
COL_SCHEMA = "账本版本"
COL_CATALOG = "事项目录版本"
COL_HOLIDAYS = "节假日版本"
COL_HELD = "已收记录"
COL_OPEN = "在办"
COL_SOON = "2 日内到期"
COL_OVERDUE = "超期"
COL_REFUSED = "拒收"
COL_STATE = "状态"
STATE_OK = "正常"
STATION_TITLE = "站点 {code} · {name}"
STATION_REPORTED = "站点上次报告:{at}"
WINDOWS_TITLE = "各窗口办件"
COL_WINDOW = "窗口"
COL_DEPARTMENT = "部门"
STATION_ACTIONS = "站点令牌"
ROTATE = "更换令牌"
REVOKE = "停用令牌"
CONFIRM_ROTATE = "更换后旧令牌立即失效,站点需填写新令牌。确定更换?"
CONFIRM_REVOKE = "停用后该站点无法再上传记录。确定停用?"

# cases
CASES_TITLE = "全县办件"
STATE_LABELS = {"open": "在办", "soon": "2 个工作日内到期", "overdue": "已超期"}
COL_CASE_NO = "办件编号"
COL_ITEM = "事项"
COL_CLASS = "类别"
COL_STATUS = "状态"
COL_REGISTERED = "登记时间"
COL_DUE = "承诺期限"
FILTER_STATION = "站点"
FILTER_WINDOW = "窗口"
FILTER_STATE = "范围"
FILTER_ITEM = "事项"
FILTER_DEPARTMENT = "部门"
CASES_NONE = "没有符合条件的办件。"
CASES_LIMITED = "只显示前 {n} 件,请用筛选缩小范围。"
CASE_TITLE = "办件 {case_no}"
CASE_APPLICANT = "申请人"
CASE_TIMELINE = "办理经过"
CASE_PRIVACY = "县中心只保存脱敏信息:姓名只显示姓,证件号与手机号为脱敏号码。"
COL_TIME = "时间"
COL_EVENT = "经过"
COL_CLERK = "经办人"
COL_DETAIL = "内容"
CASE_STATUS_LABELS = {"registered": "已登记", "examining": "收件待审", "awaiting_supplement": "待补正",
                      "accepted": "办理中", "completed": "已办结", "returned": "不予受理/已退回",
                      "answered": "咨询已答复", "": "未知"}
EVENT_LABELS = {
    "case.registered": "登记", "case.materials_checked": "材料核验", "case.examining": "收件待审",
    "case.supplement_requested": "一次性告知补正", "case.supplement_received": "收到补正材料",
    "case.accepted": "受理", "case.deemed_accepted": "逾期未告知,视为受理", "case.returned": "不予受理/退回",
    "case.enquiry_answered": "咨询已答复", "case.completed": "办结", "case.transferred": "转窗口",
    "case.marked_urgent": "标为急办", "case.rated": "评价", "case.complaint": "投诉",
    "case.complaint_answered": "投诉已答复", "case.review_requested": "申请复核", "case.review_decided": "复核决定",
    "case.clock_paused": "暂停计时", "case.clock_resumed": "恢复计时", "case.extended": "延期",
    "case.routed": "分办", "followup.opened": "差评整改立项", "followup.visited": "回访",
    "followup.closed": "整改办结", "notice.issued": "出具文书", "notice.printed": "打印文书",
    "notice.archived": "文书存档", "case.joint_departments_confirmed": "确认联办部门",
    "notice.print_failed": "打印失败",
}
FIELD_LABELS = {
    "case_no": "编号", "window": "窗口", "item_code": "事项编码", "item_name": "事项", "case_class": "类别",
    "applicant_id_masked": "证件号", "applicant_phone_masked": "手机号", "acceptance_date": "受理日期",
    "promised_days": "承诺天数", "due_date": "期限", "days": "天数", "reason": "原因", "reasons": "原因",
    "delivery": "送达方式", "on_time": "按时", "level": "评价", "channel": "渠道", "received_on": "收到日期",
    "from_window": "原窗口", "to_window": "新窗口", "decision": "决定", "visit_due": "回访期限",
    "outcome": "结果", "missing": "缺少材料", "still_missing": "仍缺材料", "note": "备注", "kind": "类型",
}
YES = "是"
NO = "否"
REFUSED_MARK = "拒收:{reason}"

# refused records
REFUSED_TITLE = "县中心拒收的记录"
REFUSED_NOTE = "以下记录未通过县中心校验,未入库;站点已将其单列,不会重复上传。"
COL_SEQ = "序号"
COL_EVENT_ID = "记录编号"
COL_REASON = "原因"
COL_RECEIVED = "收到时间"
REFUSED_NONE = "没有拒收的记录。"

# ratings and complaints
RATINGS_TITLE = "好差评与投诉"
RATINGS_RANGE = "统计区间"
RATINGS_FROM = "自"
RATINGS_TO = "至"
COL_TOTAL = "评价数"
COL_SATISFACTION = "满意率"
COL_BAD = "差评"
RATINGS_NONE = "区间内没有评价。"
FOLLOWUPS_TITLE = "差评整改"
COL_LEVEL = "评价"
COL_OPENED = "评价日期"
COL_VISIT_DUE = "回访期限"
COL_RECTIFY_DUE = "整改期限"
FOLLOWUP_STATES = {"open": "待回访", "visited": "已回访,整改中", "closed": "已办结", "overdue": "已超期"}
FOLLOWUPS_NONE = "没有差评整改。"
COMPLAINTS_TITLE = "投诉"
COL_CHANNEL = "渠道"
COMPLAINT_CHANNELS = {"spoken": "当面", "phone": "电话", "written": "书面"}
COMPLAINT_STATES = {"open": "待答复", "answered": "已答复", "overdue": "已超期"}
COMPLAINTS_NONE = "没有投诉。"

# monthly assessment
ASSESSMENT_TITLE = "{month} 月度考核"
ASSESSMENT_MONTH = "月份"
LEVEL_LABELS = {"station": "站点", "window": "窗口", "clerk": "经办人"}
COL_LEVEL_KIND = "层级"
COL_WHO = "对象"
COL_REGISTERED_N = "登记"
COL_COMPLETED_N = "办结"
COL_ON_TIME = "按时办结率"
COL_IMMEDIATE = "即办件 30 分钟内"
COL_RATED = "评价数"
COL_COMPLAINTS = "投诉"
COL_COMPLAINTS_OVERDUE = "投诉超期"
ASSESSMENT_NONE = "该月没有数据。"
ASSESSMENT_MONTH_BAD = "月份格式应为 YYYY-MM:{value}"
CSV_HEADER = ("站点", "层级", "对象", "登记", "办结", "承诺件办结", "按时办结", "按时办结率", "即办件办结",
              "即办件 30 分钟内", "评价数", "差评", "满意率", "投诉", "投诉超期")
PRINTED_AT = "打印时间:{at}"

# administration
ADMIN_TITLE = "管理"
ADD_STATION = "登记新站点"
ADD_STATION_CODE = "站点代码"
ADD_STATION_NAME = "站点名称"
ADD_STATION_BUTTON = "登记并生成令牌"
TOKEN_TITLE = "站点 {code} 的令牌"
TOKEN_ONCE = "令牌只显示这一次,请立即抄送站点(站点设置 → 县中心令牌)。离开本页后无法再查看。"
STATION_REVOKED = "已停用站点 {code} 的令牌。"
PUBLISH_TITLE = "发布{kind}"
PUBLISH_FILES = "选择文件(可多选)"
PUBLISH_BUTTON = "校验并发布"
PUBLISH_DONE = "已发布{kind}第 {version} 版({files} 个文件)。"
PUBLISH_SAME = "{kind}内容未变,仍为第 {version} 版。"
PUBLISH_REFUSED = "未发布:"
PUBLISH_NO_FILES = "请选择要发布的文件。"
PUBLISH_NOT_TEXT = "{name}:不是 UTF-8 文本文件。"
PUBLISHED_NOW = "当前版本:事项目录 {catalog},节假日安排 {holidays}"
AUDIT_TITLE = "操作记录"
COL_AT = "时间"
COL_WHO_DID = "账号"
COL_ACTION = "操作"
COL_TARGET = "对象"
AUDIT_ACTIONS = {"signin": "登录", "signin_failed": "登录失败", "locked": "锁定账号", "signout": "退出",
                 "add_station": "登记站点", "rotate_token": "更换令牌", "revoke_station": "停用令牌",
                 "publish_catalog": "发布事项目录", "publish_holidays": "发布节假日安排",
                 "publish_refused": "发布未通过校验"}
