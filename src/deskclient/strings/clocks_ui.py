"""Screen text for the case clocks wiring: 收件待审, 延期, 特别程序 pause/resume, reminders, 暂停服务, 不管件."""

# checklist: take the materials in for examination (《行政许可法》第三十二条)
KEY_EXAMINE = "收件待审"
EXAMINE_Q = "收下材料、五日内审查并一次告知需补正的全部内容?"
EXAMINE_DETAIL = "逾期未告知的,自收到材料之日起即视为受理,承诺期限从收件日起算。"
EXAMINED = "已收件待审:{case_no}。请在五日内作出受理、补正或不予受理决定。"

# case detail keys
KEY_DECIDE = "审查决定"
KEY_EXTEND = "延期"
KEY_PAUSE_CLOCK = "特别程序"
KEY_RESUME_CLOCK = "恢复计时"
KEY_RESULT_RETURNED = "结果返回"
RESULT_RETURNED_TITLE = "审批结果已返回窗口"
RESULT_RETURNED_NOTE = "说明(可不填):哪个部门、审批结果"
RESULT_RETURNED_DONE = "已记录审批结果返回窗口,请通知群众,办结后按 C 办结。"
KEY_REMINDERS = "提醒清单"
REMINDERS_TITLE_LIST = "提醒清单"
REMINDERS_OTHER = " · 其他提醒 {n}"
REMINDERS_OPEN_HINT = "  F4 查看"
REMINDER_WHAT = {
    "promised": "承诺办结期限",
    "department_return": "部门返回结果(前一天)",
    "return_decision": "退回决定(3个工作日)",
    "complaint": "投诉答复(需告知延期)",
}
REMINDER_RANKS = {0: "已逾期", 1: "今日到期", 2: "即将到期"}
REMINDER_COL_CASE = "案件编号"
REMINDER_COL_WINDOW = "窗口"
REMINDER_COL_WHAT = "提醒事项"
REMINDER_COL_DUE = "期限"
REMINDER_COL_SINCE = "逾期自"
REMINDER_COL_STATE = "状态"
REMINDER_NONE = "当前没有提醒。"
REMINDER_NO_CASE = "这条投诉没有关联案件:请到中心负责人工作台(F8)的投诉页处理。"
REMINDER_HINT = "↑↓ 选择 · Enter 打开案件 · L 投诉已告知延期 · Esc 返回"
REMINDER_DELAY_HINT = "投诉答复期限 {due}。确因客观原因不能按时答复、已向投诉人说明情况的,在此记录(投诉制度第六条)。"
REMINDER_NOT_COMPLAINT = "L 用于投诉提醒:选中一条“投诉答复(需告知延期)”再按 L。"

# extension (延期)
EXTEND_TITLE = "申请延期(须中心负责人批准)"
EXTEND_HINT = "承诺件限延期一次,延长的工作日数和理由写入延期通知书告知申请人。"
EXTEND_DAYS = "延长天数"
EXTEND_REASON = "延期理由"
EXTEND_DAYS_BAD = "延长天数须为 1 至 {limit} 之间的整数。"
EXTEND_NEEDS_HEAD = "延期须由中心负责人审批,所选人员不是中心负责人。"
EXTENDED = "已延期 {days} 个工作日,新的办结期限 {date}。"

# pause / resume of the case clock (特别程序)
PAUSE_TITLE = "进入特别程序(暂停计时)"
PAUSE_DAYS = "所需时间(天,书面告知申请人)"
PAUSE_STEP = "{step}({reason})"
# which PauseReason a catalog step is, from a word in its name (first match wins; else "other")
STEP_REASON_WORDS = (("公示", "public_notice"), ("听证", "hearing"), ("专家", "expert_review"),
                     ("评审", "expert_review"), ("鉴定", "appraisal"), ("检验", "inspection"),
                     ("检测", "testing"), ("检疫", "quarantine"), ("招标", "tender"), ("拍卖", "auction"))
PAUSED = "已暂停计时:{reason}。特别程序时间不计入办理时限。"
RESUMED = "已恢复计时,办结期限 {date}。"

# home: deemed acceptance, reminders, 暂停服务
DEEMED_ACCEPTED = "{n} 件收件待审已超过五日未告知补正,依法视为受理(受理日为收件日)。"
REMINDERS_TITLE = "到期提醒"
REMINDERS_LINE = "已超期 {overdue} 件 · 今日到期 {today} 件 · 即将到期 {soon} 件"
REMINDERS_NONE = "没有超期或即将到期的办件。"
REMINDER_CASE = "{case_no} {due}"
DESK_PAUSED = "本窗口暂停服务中:{reason}"
DESK_PAUSED_BACK = ",预计 {back} 恢复"
DESK_PAUSED_REDIRECT = ",请到 {window} 号窗口办理"

# intake: 不管件
UNOWNED = "不管件"
UNOWNED_HINT = "无窗口受理的诉求,登记后由中心负责人交办"
UNOWNED_REGISTERED = "已登记为不管件:{case_no},请中心负责人交办。"
UNOWNED_ITEM_NAME = "不管件(无对应事项)"
UNOWNED_ITEM_DEPARTMENT = "中心负责人交办"

# the case timeline: events of the clocks (labels the desk's EVENT_LABELS does not have)
EVENT_LABELS = {
    "case.result_returned": "审批结果已返回窗口",
    "case.complaint_delay_told": "已告知投诉人答复将延迟",
    "case.notification_amended": "经负责人批准补充告知材料",
    "case.extended": "延期",
    "case.clock_paused": "暂停计时",
    "case.clock_resumed": "恢复计时",
    "case.routed": "交办",
    "case.review_requested": "申请复核",
    "case.review_decided": "复核决定",
    "notice.print_failed": "打印未成功",
}
EV_EXTENDED = "延长{days}个工作日至 {date}:{reason}"
EV_RESUMED = "暂停 {days} 个工作日"
EV_DEEMED = "受理日 {date}(收件日)"
EV_ROUTED = "交办 {to}号窗口,{days}个工作日"

# rating choices on the case detail (the score is the province's setting)
RATE_CHOICE = "{label}({score}分)"
