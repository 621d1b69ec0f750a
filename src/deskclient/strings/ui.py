"""Everything the desk's screens say (Simplified Chinese)."""

from deskclient.strings.clocks import RATING_LEVEL_LABELS

APP_TITLE = "便民服务中心 窗口桌面"
MODE_BANNER = {"demo": "演示 · 示例数据,不是真实台账", "training": "培训模式 · 练习数据,不会上报"}

# --- keys (footer / palette) ----------------------------------------------------------------
KEY_QUIT = "退出"
KEY_BACK = "返回"
KEY_CANCEL = "取消"
KEY_OK = "确定"
KEY_REFRESH = "刷新"
KEY_SEARCH = "查找"
KEY_SCOPE = "范围"
KEY_PREV_PAGE = "上页"
KEY_NEXT_PAGE = "下页"
KEY_CONFIRM_INTAKE = "确认登记"
KEY_TRANSFER = "转窗口"
KEY_AGENT = "代办人"
KEY_ENQUIRY = "咨询"
KEY_RECEIVED = "已收"
KEY_MISSING = "缺"
KEY_NA = "不适用"
KEY_ALL_RECEIVED = "全部已收"
KEY_DEFECT = "需补正"
DEFECT_LINE = "需补正:{items}"
DEFECT_ITEM = "{name}({problem})"
DEFECT_TITLE = "需补正:{name}"
DEFECT_HINT = "材料带来了,但不符合法定形式。写明问题和要求,会印在告知书上:"
DEFECT_PLACEHOLDER = "例如:家庭成员未全部签字或按手印"
DEFECT_PICK = "常见问题(Tab 切换过来,↑↓ 选择,回车填入):"
DEFECT_COMMON = (
    "未签字或未按手印", "复印件不清晰,请重新复印", "证件已过有效期", "填写内容不完整或有误,请重新填写",
    "未加盖公章", "须提交原件核验",
)
KEY_CONFIRM_OUTCOME = "确认结果"
KEY_REJECT = "不予受理"
KEY_SUPPLEMENT_IN = "补齐材料"
KEY_COMPLETE = "办结"
KEY_URGENT = "急办"
KEY_RATE = "评价"
KEY_COMPLAIN = "投诉"
KEY_NEXT = "下一步"
KEY_PREV = "上一步"
KEY_SIGN_IN = "登录"

# --- navigation registry (palette) --------------------------------------------------------------
NAV_HOME = "首页 / 办件队列"
NAV_HOME_HELP = "今日办件、在办件和转出跟踪件"
NAV_INTAKE = "新登记(受理)"
NAV_INTAKE_HELP = "查找事项,登记申请人和代办人"
NAV_SIGN_OUT = "签退"
NAV_SIGN_OUT_HELP = "换人值守:回到登录界面"
NAV_QUIT = "退出程序"
NAV_QUIT_HELP = "已确认的办件都已保存"
NAV_REFRESH = "刷新队列"
NAV_REFRESH_HELP = "重新读取台账"
NAV_FIND_CASE = "按办件编号查找"
NAV_FIND_CASE_HELP = "在队列的搜索框中输入编号、姓名或事项"
KEY_PALETTE = "命令"
KEY_NAMES = {"esc": "Esc", "enter": "Enter", "space": "空格", "delete": "Del"}  # as the key bar shows them
# the key bar's short labels for the global keys (the palette shows the full titles)
NAV_KEY_LABELS = {"home": "首页", "intake": "新登记", "day": "开班收班", "handover": "交接班", "head": "负责人",
                  "report": "报表", "sign_out": "签退", "admin": "人员管理"}
PALETTE_PLACEHOLDER = "搜索操作或界面……"
PALETTE_SCREEN = "界面"
PALETTE_ACTION = "操作"
PALETTE_NO_MATCH = "没有找到“{query}”"
PALETTE_NO_MATCH_HELP = "试试输入几个字,如“登记”“开班”“交接”“报表”“签退”"
NAV_NEEDS_SIGN_IN = "请先登录。"

# --- loading / errors ---------------------------------------------------------------------------
LOADING = "正在打开台账,请稍候……"
LOADING_DEMO = "正在准备演示数据(约200件示例办件),请稍候……"
OPEN_FAILED_TITLE = "无法打开台账"
OPEN_FAILED_HINT = "请把以上信息告诉管理员。按 Q 退出。"
UNEXPECTED = "出现意外错误({kind}),已记录到日志。已确认的办件都已保存。"

# --- first run ----------------------------------------------------------------------------------
FIRST_RUN_TITLE = "首次使用:设置本站"
FIRST_RUN_INTRO = "这是一个新的数据目录。请填写本站信息和第一批工作人员,完成后即可登录。"
STATION_CODE = "站点代码"
STATION_CODE_HINT = "2-12位字母或数字,如 ZX01"
STATION_NAME = "站点名称"
STATION_NAME_HINT = "如 某某镇便民服务中心"
STATION_CENTRE = "所属中心"
STATION_CENTRE_HINT = "如 某某县政务服务中心"
STATION_URL = "县中心地址"
STATION_URL_HINT = "可空:空则只用U盘交换数据"
FIRST_RUN_NOTICE_INTRO = "以下内容印在告知书上(可改):"
STATION_COUNTY = "所在区县"
STATION_COUNTY_HINT = "如 某某县"
STATION_REVIEW_BODY = "复议机关"
STATION_REVIEW_BODY_HINT = "如 某某县人民政府"
STATION_COURT = "诉讼法院"
STATION_COURT_HINT = "如 某某县人民法院"
STATION_PROGRESS_PHONE = "进度查询"
STATION_COMPLAINT_PHONE = "投诉电话"
STATION_PHONE_HINT = "可空,空=12345"
WINDOWS_LABEL = "窗口"
WINDOWS_HINT = "每行一个:编号 名称 [部门],如“1 民政窗口 民政办”"
CLERKS_LABEL = "窗口人员"
CLERKS_HINT = "每行一人:窗口 A/B岗 登录名 姓名 PIN,如“1 A wangfang 王芳 1234”"
HEAD_LABEL = "中心负责人"
HEAD_HINT = "登录名 姓名 PIN,如“zhouzhuren 周主任 8888”"
FIRST_RUN_SAVE = "完成设置"
FIRST_RUN_DONE = "本站已设置完成,请登录。"
WINDOW_LINE_BAD = "窗口第{n}行格式不对:应为“编号 名称 [部门]”。"
CLERK_LINE_BAD = "人员第{n}行格式不对:应为“窗口 岗位 登录名 姓名 PIN”。"
POST_BAD = "人员第{n}行:岗位只能是 A 或 B。"
HEAD_LINE_BAD = "负责人格式不对:应为“登录名 姓名 PIN”。"
NEED_CLERK = "请至少填写一名窗口人员。"

# --- sign in ------------------------------------------------------------------------------------
SIGN_IN_TITLE = "登录"
SIGN_IN_WHO = "谁在窗口值守?"
SIGN_IN_PIN = "PIN"
SIGN_IN_PIN_PLACEHOLDER = "4-8位数字"
SIGN_IN_PICK = "请先选择工作人员。"
SIGN_IN_CHECKING = "正在核对……"
SIGN_IN_DEMO = "演示账号:窗口人员 PIN 均为 1234;中心负责人 zhouzhuren PIN 8888"
CLERK_OPTION = "{window}号窗口 {post}岗  {name} ({login})"
HEAD_OPTION = "中心负责人  {name} ({login})"
RESTORE_DRAFT = "恢复上次未完成的登记?"
RESTORE_DRAFT_DETAIL = "{when} 保存的草稿:{summary}"
RESTORE_YES = "恢复"
RESTORE_NO = "放弃草稿"
DISCARD_DRAFT_Q = "确定删除这份未完成的登记吗?"
DISCARD_DRAFT_DETAIL = "删除后已填写的内容无法找回。"
DISCARD_DRAFT_YES = "删除草稿"
DISCARD_DRAFT_NO = "保留"
DRAFT_KEPT = "草稿已保留,下次登录会再次询问。"
RESUME_CHECKLIST_Q = "本窗口有 {n} 件已登记的办件还没有核对完材料,现在继续吗?"
RESUME_CHECKLIST_DETAIL = "{cases}。已做的标记都已保存;选“继续核对”从 {first} 开始,也可以以后在办件详情按 D 继续。"
RESUME_YES = "继续核对"
RESUME_LATER = "以后再办"

# --- home / queue -------------------------------------------------------------------------------
HOME_TITLE = "办件队列"
SEARCH_PLACEHOLDER = "按办件编号、申请人姓名或事项名称查找(前几个字即可)"
SCOPE_LABELS = {"desk": "本窗口", "open": "在办", "overdue": "逾期", "all": "全部台账"}
COL_CASE_NO = "办件编号"
COL_TIME = "登记时间"
COL_APPLICANT = "申请人"
COL_ITEM = "事项"
COL_CLASS = "类别"
COL_STATUS = "状态"
COL_DUE = "办结期限"
COL_WINDOW = "窗口"
COUNTS = "今日 登记{registered} 受理{accepted} 办结{completed} 退回{returned} 咨询{answered} · 逾期{overdue}"
SYNC_PENDING = "待发送 {n} 条"
SYNC_OFFLINE = "离线(U盘交换)"
SYNC_ONLINE = "联网"
PAGE = "第{page}/{pages}页 共{total}件"
EMPTY_QUEUE = "没有符合条件的办件。按 F2 新登记。"
DUE_PROVISIONAL = "(暂定)"
TRANSFERRED_OUT = "→{window}号"
URGENT_MARK = "急"
DUE_TODAY = "今日到期"
WINDOW_CLERK = "{window}号窗口 {name}"
HEAD_NO_WINDOW = "负责人 {name}"

# --- intake -------------------------------------------------------------------------------------
INTAKE_TITLE = "新登记(受理)"
ITEM_SEARCH = "事项"
ITEM_SEARCH_PLACEHOLDER = "输入名称、拼音、首字母或编码,如 低保 / dbsq"
ITEM_NONE = "未选择事项:请在上方输入并从列表中选择。"
ITEM_NO_HITS = "没有找到匹配的事项。"
ITEM_CHOSEN = "已选:{name}〔{code}〕{cls} · 承诺{days}个工作日 · {window}号窗口"
ITEM_CHOSEN_IMMEDIATE = "已选:{name}〔{code}〕即办件 · 当场办结 · {window}号窗口"
ITEM_OTHER_WINDOW = "该事项由{window}号窗口办理:按 F4 转窗口(首问负责,您继续跟踪)。"
ITEM_NO_SUCH_WINDOW = "目录中该事项属{window}号窗口,本中心未设该窗口,由本窗口受理。"
CATALOG_FAILED = "事项目录无法读取:{message}"
APPLICANT = "申请人"
AGENT = "代办人"
NAME = "姓名"
ID_NO = "身份证号"
PHONE = "手机"
RELATION = "关系"
RELATION_PLACEHOLDER = "子女 / 村级代办员 / ……"
POWER_OF_ATTORNEY = "有委托书"
HAS_AGENT = "有代办人"
ENQUIRY = "仅咨询(一次性告知)"
NOTE = "备注"
FIELD_OK = "✓"
REGISTERED = "已登记 {case_no}"
TRANSFER_TITLE = "转到其他窗口(首问负责)"
TRANSFER_TO = "转到窗口"
TRANSFER_REASON = "理由"
TRANSFER_REASON_PLACEHOLDER = "如:该事项由社保窗口办理"
TRANSFERRED = "已转{window}号窗口:{case_no}(您继续跟踪)"
PHRASE_INTAKE = "文明用语:您好,请坐。请问您办理什么事项?"

# --- checklist ----------------------------------------------------------------------------------
CHECKLIST_TITLE = "一次性告知:材料核对"
SUPPLEMENT_TITLE = "补齐材料:再次核对"
COL_NO = "序"
COL_MATERIAL = "材料"
COL_FORM = "形式"
COL_MAIN = "主/辅"
COL_STATE = "核对"
MAIN = "主件"
SUPPORT = "辅件"
COPIES = "{form}{copies}份"
BASIS = "办事依据"
PROCEDURE = "办理程序"
TIME_LIMIT = "承诺时限"
TIME_LIMIT_IMMEDIATE = "即办:当场办结(30分钟内)"
TIME_LIMIT_DAYS = "{days}个工作日(法定{legal}个)"
FEE = "收费"
CONDITIONS = "受理条件"
MATERIAL_NOTES = "材料说明"
MATERIAL_NOTE_LINE = "{no}. {name}:{notes}"
PROPOSAL = "建议结果:{outcome}"
PROPOSAL_PENDING = "还有 {n} 项未核对:用 R 已收 / M 缺 / N 不适用 / B 需补正 标记。"
PROPOSAL_DUE = "承诺办结日期:{date}{provisional}(不含受理当日,按工作日计)"
PROPOSAL_IMMEDIATE = "即办件:受理后当场办结"
PROPOSAL_MISSING = "缺 {n} 项,一次性告知全部所缺材料"
PROPOSAL_CORRECT = "主件需补正:出具补正告知书,一次写明要补正的全部材料和问题"
PROPOSAL_ENQUIRY = "咨询:出具一次性告知单"
PROPOSAL_FOLLOW_UP = "容缺受理:一般材料需补报({names}),同时出具补报材料通知单"
PROPOSAL_RETURN = "退回件:缺少主件({names}),出具退回件通知单并写明原因"
PROPOSAL_RETURN_INELIGIBLE = "退回件:不符合受理条件,出具退回件通知单并写明原因"
RETURN_REASON_MAIN = "缺少主件:{names}"
CONFIRM_OUTCOME_Q = "确认办理结果为“{outcome}”?"
REJECT_TITLE = "不予受理:理由"
REJECT_PICK = "常用理由(Enter 选入)"
REJECT_REASONS = (
    "申请事项依法不需要取得行政许可",
    "申请事项不属于本机关职权范围",
    "申请人不具备申请资格",
    "主要材料缺失,无法核实申请事项",
    "申请事项不符合法定条件",
)
OUTCOME_DONE = "已确认:{outcome} · {case_no}"
PHRASE_CORRECT = "文明用语:对不起,这份材料需要补正,告知书上写清楚了要补正的全部内容,请一次补齐。"
PHRASE_MISSING = "文明用语:对不起,您还缺少以下材料,请按《办事指南》准备,一次带齐。"
PHRASE_ACCEPT = "文明用语:请稍候,我马上给您办理。"

# --- notice preview -----------------------------------------------------------------------------
NOTICE_TITLE = "告知书预览(与打印内容一致)"
NOTICE_CLOSE = "关闭"

# --- case detail --------------------------------------------------------------------------------
DETAIL_TITLE = "办件详情"
DETAIL_APPLICANT = "申请人 {name} {id} {phone}"
DETAIL_AGENT = "代办人 {name}({relation}) {id}"
DETAIL_DUE = "办结期限 {due}"
DETAIL_FIRST_ASKED = "首问 {first} · 承办 {owner} · {window}号窗口"
DETAIL_TRANSFER = "移交 {frm}号→{to}号窗口:{reason}"
TIMELINE = "办理记录"
MATERIALS = "材料"
NOTICES = "已出具告知书"
COL_AT = "时间"
COL_EVENT = "事件"
COL_CLERK = "经办"
COL_DETAIL = "说明"
EVENT_LABELS = {
    "case.registered": "登记",
    "case.materials_checked": "材料核对",
    "case.examining": "收件待审",
    "case.supplement_requested": "补正告知",
    "case.supplement_received": "补齐材料",
    "case.accepted": "受理",
    "case.deemed_accepted": "视为受理",
    "case.returned": "不予受理",
    "case.enquiry_answered": "咨询答复",
    "case.completed": "办结",
    "case.transferred": "移交",
    "case.marked_urgent": "列为急办",
    "case.rated": "评价",
    "case.complaint": "投诉",
    "notice.issued": "出具告知书",
    "notice.printed": "已打印",
    "notice.superseded": "已由另一份打印",
    "notice.archived": "文书存档",
    "case.joint_departments_confirmed": "确认联办部门",
    "case.materials_marked": "材料标记",
    "case.complaint_answered": "投诉答复",
    "followup.opened": "开始跟进",
    "followup.visited": "回访",
    "followup.closed": "跟进结束",
}
EV_REPRINT = "(补打)"
EV_DUE = "期限 {date}"
EV_SUPPLEMENT = "需补正 {n} 项"  # missing or not in legal form (补正告知书)
EV_TRANSFER = "{frm}号→{to}号:{reason}"
COMPLETE_TITLE = "办结:办理结果与送达"
COMPLETE_RESULT = "办理结果"
COMPLETE_DELIVERY = "送达方式"
COMPLETE_REASONS = "不予批准的理由(每行一条;准予办理不填)"
COMPLETE_ADDRESS = "邮寄地址"
COMPLETE_NOTE = "说明(可空)"
COMPLETED = "已办结:{case_no}"
URGENT_TITLE = "列为急办件:需中心负责人 PIN"
URGENT_REASON = "理由"
URGENT_DONE = "已列为急办件"
URGENT_NEEDS_HEAD = "只有中心负责人的 PIN 可以批准急办。"
PIN_HEAD = "负责人"
RATE_TITLE = "好差评:请群众选择"
RATE_COMMENT = "意见(可空)"
RATED = "已记录评价:{level}"
RATING_LABELS = RATING_LEVEL_LABELS  # the five levels are named once, in strings/clocks.py
COMPLAINT_TITLE = "登记投诉"
COMPLAINT_CHANNEL = "方式"
COMPLAINT_CHANNELS = {"spoken": "当面", "phone": "电话", "written": "书面"}
COMPLAINT_CONTENT = "内容"
COMPLAINT_NAME = "投诉人(保密,可空)"
COMPLAINT_MULTI = "涉及两个以上单位"
COMPLAINT_DONE = "已登记投诉,答复期限 {date}"
KEY_REVIEW = "复核申请"
REVIEW_TITLE = "申请人要求复核(由中心负责人决定)"
REVIEW_REASON = "复核理由"
REVIEW_REASON_REQUIRED = "请填写申请人要求复核的理由。"
REVIEW_DONE = "已记录复核申请,中心负责人应在 {date} 前作出决定"
NOT_FOUND = "找不到该办件。"
KEY_NOTICE_ISSUE = "出具并打印"
NOTICE_HINT = "F9 出具并打印(存档并记入台账) · Esc 关闭"
NOTICE_ISSUED = "已出具:{message}"
NOTICE_REPRINT_HINT = "该告知书已于 {date} 出具。F9 补打(注明“补打”,日期和编号同原件) · Esc 关闭"
NOTICE_REPRINTED = "补打:"
NOTICE_HINT_WITH = "F9 出具并打印,随同出具的{kinds}一并打印(在下方) · Esc 关闭"
NOTICE_COMPANION = "—— 随同出具:{kind}(F9 一并打印)——"
NOTICE_COMPANION_PRINTED = "{kind}:{message}"
NOTICE_QUEUED_HINT = "本单已于 {date} 随办理一并出具(已存档、记入台账),尚未打印。F9 打印原件 · Esc 关闭"
KEY_VIEW_NOTICE = "告知书"
WINDOW_NO = "{n}号窗口"
WINDOW_NO_NAME = "{n}号窗口({name})"
WINDOW_OPTION = "{n}号  {name}"
PENDING_MANY = "{n}+"
# 联办部门 confirm dialog (issue #15)
JOINT_TITLE = "确认联办部门"
JOINT_HINT = "办件{case_no}的联办件通知书将写明以下部门。↑↓选择,Del删除,下行输入后回车添加,F9确认。"
JOINT_ADD_PLACEHOLDER = "添加部门,回车"
JOINT_KEY_REMOVE = "删除"
KEY_JOINT_DEPARTMENTS = "联办部门"
JOINT_CONFIRMED = "已确认联办部门:{departments}"
JOINT_NOT_CONFIRMED = "请先确认联办部门(D),再出具联办件通知书。"
