"""Labels and messages about time limits (限时办结), pauses, extensions, reviews, complaints and ratings."""

CLOCK_KIND_LABELS = {
    "supplement_notice": "补正告知期限",
    "promised": "承诺办结时限",
    "review": "复核决定期限",
    "complaint": "投诉答复期限",
    "return_visit": "差评回访期限",
    "rectify": "差评整改期限",
    "unowned": "不管件办理时限",
    "return_decision": "退回决定期限",
    "department_return": "部门交回结果期限",
}
CLOCK_STATE_LABELS = {
    "running": "计时中",
    "paused": "已暂停计时",
    "met": "按时完成",
    "late": "超期完成",
    "overdue": "已超期",
}
BASIS_LABELS = {
    "supplement_notice": "《行政许可法》第三十二条:当场或者五日内一次告知需要补正的全部内容,逾期不告知的,自收到申请材料之日起即为受理",
    "promised": "限时办结制;《行政许可法》第四十二条、第八十二条(期限以工作日计算)",
    "review": "退回件复核:中心负责人复核(规程未规定期限,按本中心设置)",
    "complaint": "投诉制度:简单的当日或次日答复,涉及两个以上单位的一周(七个自然日)内答复",
    "return_decision": "服务操作规程·退回件:内容复杂、无法当场或当天决定的,最迟不超过三个工作日",
    "department_return": "窗口管理制度第八条:部门最迟在承诺办理时限到期的前一日将办件结果交回窗口",
    "return_visit": "政务服务“好差评”制度:差评回访",
    "rectify": "政务服务“好差评”制度:差评整改",
    "unowned": "不管件:中心负责人交办并确定办理时限",
}
PAUSE_REASON_LABELS = {
    "supplement": "等待申请人补正材料",
    "public_notice": "公示",
    "site_inspection": "实地核查",
    "expert_review": "专家评审",
    "hearing": "听证",
    "other": "其他特别程序",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
}
ART45_BASIS = "《行政许可法》第四十五条:依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的,所需时间不计算在期限内"
RATING_LEVEL_LABELS = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basic": "基本满意",
    "unsatisfied": "不满意",
    "very_unsatisfied": "非常不满意",
}
COMPLAINT_CHANNEL_LABELS = {"spoken": "当面口头", "phone": "电话", "written": "书面"}
REVIEW_DECISION_LABELS = {"upheld": "维持不予受理", "overturned": "撤销,予以受理"}

# --- the clock panel --------------------------------------------------------------------------------
PANEL_TITLE = "时限"
PANEL_EMPTY = "没有正在计时的期限"
MILESTONE_MARK = "窗口内部节点 · "
DAYS_LEFT = "剩余{days}个工作日"
DAYS_LEFT_CALENDAR = "剩余{days}日"
DUE_TODAY = "今日到期"
OVERDUE_BY = "已超期{days}个工作日"
OVERDUE_BY_CALENDAR = "已超期{days}日"
PROVISIONAL_MARK = "(暂定:节假日安排未公布)"
PAUSED_NOTE = "暂停中:{reason}"
EXTENDED_NOTE = "已延期{days}个工作日"
PAUSED_DAYS_NOTE = "特别程序已顺延{days}个工作日"
DUE_ON = "{date} 到期"
DONE_ON = "{date} 完成"

# --- deemed acceptance -----------------------------------------------------------------------------
DEEMED_ACCEPTED_BASIS = "《行政许可法》第三十二条"
DEEMED_ACCEPTED_REASON = "收件后五日内未出具补正告知书,依《行政许可法》第三十二条,自收到申请材料之日起即为受理"

# --- messages ----------------------------------------------------------------------------------------
UNKNOWN_PAUSE_REASON = "暂停计时的原因无效:{reason}。可选:{allowed}"
STEP_COUNTS = "“{step}”是计入时限的办理环节,不能暂停计时。可暂停的环节:{allowed}"
NO_NON_COUNTING_STEPS = "该事项没有不计入时限的特别程序,不能暂停计时。"
PAUSE_NOT_RUNNING = "只有办理中(已受理)的办件才能暂停计时,当前状态为“{status}”。"
ALREADY_PAUSED = "该办件已在暂停计时中(原因:{reason}),请先恢复计时。"
NOT_PAUSED = "该办件没有暂停中的计时。"
RESUME_BEFORE_PAUSE = "恢复日期不能早于暂停开始日期({start})。"
EXTENSION_TWICE = "该办件已延期过一次,不能再次延期。"
EXTENSION_NOT_ALLOWED = "只有办理中的承诺件(含联办、上报、急办、不管件)才能延期,当前状态为“{status}”。"
EXTENSION_NO_DUE = "该办件没有承诺办结时限,不能延期。"
EXTENSION_DAYS_BAD = "延长的工作日数应为 1 到 {limit} 之间的整数。"
EXTENSION_HEAD_REQUIRED = "延期须经中心负责人批准:请由中心负责人确认。"
REASON_REQUIRED = "请填写原因(会告知申请人)。"
REVIEW_NOT_RETURNED = "只有不予受理(退回)的办件才能申请复核,当前状态为“{status}”。"
REVIEW_OPEN = "该办件已有一项复核申请尚未决定。"
REVIEW_NOT_FOUND = "找不到该复核申请。"
REVIEW_DECIDED = "该复核申请已作出决定。"
REVIEW_DECISION_BAD = "复核决定无效:{decision}。可选:{allowed}"
HEAD_ONLY = "此操作只能由中心负责人办理。"
COMPLAINT_CHANNEL_BAD = "投诉方式无效:{channel}。可选:{allowed}"
COMPLAINT_CONTENT_REQUIRED = "请填写投诉内容。"
COMPLAINT_NOT_FOUND = "找不到该投诉。"
COMPLAINT_ANSWERED = "该投诉已答复。"
ANSWER_REQUIRED = "请填写答复内容(书面投诉须书面答复)。"
RATING_LEVEL_BAD = "评价等级无效:{level}。可选:{allowed}"
FOLLOWUP_NOT_FOUND = "找不到该回访/整改任务。"
FOLLOWUP_CLOSED = "该任务已办结。"
OUTCOME_REQUIRED = "请填写回访或整改情况。"
ROUTE_NOT_UNOWNED = "只有不管件才能由中心负责人交办。"
ROUTE_DAYS_BAD = "办理时限应为 1 到 {limit} 之间的工作日数。"
WINDOW_UNKNOWN = "没有 {window} 号窗口。"

# --- rating presets ----------------------------------------------------------------------------------
PRESETS_SYNTAX = "好差评预设文件 {source} 第 {line} 行格式错误。"
PRESET_BAD = "好差评预设文件 {source}:[{key}] {detail}"
PRESET_FIELD_MISSING = "缺少“{field}”"
PRESET_FIELD_BAD = "“{field}”应为不小于 0 的整数"
PRESET_UNKNOWN_FIELD = "没有设置项“{field}”"
PRESET_SCORES_ORDER = "分值应从“非常满意”到“非常不满意”依次不增"
PRESET_UNKNOWN = "没有名为“{preset}”的好差评预设。可选:{allowed}"

# --- art. 42 / 45 rules (domain.deadlines) ------------------------------------------------------------
EXTENSION_OVERDUE = ("该办件已于 {due} 到期,现已超期。《行政许可法》第四十二条只允许在期限内延长;"
                     "不能延期,超期记录保留。")
EXTENSION_OVER_LIMIT = "延长期限最多 {limit} 个工作日({basis}),不能延长 {days} 个工作日。"
EXTENSION_BASIS_ART42 = "《行政许可法》第四十二条第一款:经本行政机关负责人批准,可以延长十日"
EXTENSION_BASIS_ART42_JOINT = "《行政许可法》第四十二条第二款:联合办理、集中办理的,经本级人民政府负责人批准,可以延长十五日"
EXTENSION_BASIS_ITEM = "本事项目录规定的延期上限"
EXTENSION_APPLICANT_NOT_TOLD = "延期须将理由书面告知申请人(《行政许可法》第四十二条),请确认已告知申请人。"
PAUSE_NOT_LAWFUL = ("“{reason}”不是本事项依法可以不计入期限的程序。可以暂停计时的:{allowed}"
                    "(《行政许可法》第四十五条及本事项法规)。")
PAUSE_BACKDATED = "暂停计时不能倒签:开始日期 {start} 早于今天 {today}。"
PAUSE_IN_FUTURE = "暂停计时的开始日期 {start} 晚于今天 {today},请在程序开始当日登记。"
PAUSE_OVERDUE = "该办件已于 {due} 到期,现已超期,不能再暂停计时;超期记录保留。"
PAUSE_DAYS_REQUIRED = "请填写该程序预计需要的时间(天数),将书面告知申请人(《行政许可法》第四十五条)。"
PAUSE_DAYS_BAD = "预计所需时间应为 1 到 {limit} 之间的天数。"
DELAY_DATE_BAD = "预计答复日期应晚于今天({today})。"
DELAY_REASON_REQUIRED = "请填写延期答复的原因(要向投诉人说明情况)。"
RESULT_NOT_RUNNING = "只有办理中(已受理)的办件才能登记部门交回结果,当前状态为“{status}”。"
