"""Labels and messages about cases, classes, statuses and materials."""

CASE_CLASS_LABELS = {
    "enquiry": "咨询件",
    "immediate": "即办件",
    "promised": "承诺件",
    "joint": "联办件",
    "reported": "上报件",
    "supplement": "补正件",
    "returned": "退回件",
    "urgent": "急办件",
    "unowned": "不管件",
}
CASE_STATUS_LABELS = {
    "registered": "已登记",
    "examining": "收件待审",
    "awaiting_supplement": "待补正",
    "accepted": "办理中",
    "completed": "已办结",
    "returned": "不予受理",
    "answered": "已答复",
}
MATERIAL_STATE_LABELS = {"pending": "未核对", "received": "已收", "missing": "缺", "na": "不适用",
                         "defective": "需补正"}
OUTCOME_LABELS = {
    "accept": "受理",
    "supplement": "补正告知",
    "reject": "不予受理",
    "enquiry": "一次性告知(咨询)",
    "examine": "收件待审",
}
DELIVERY_LABELS = {"window": "窗口领取", "post": "邮寄送达"}
RESULT_LABELS = {"approved": "准予办理", "refused": "不予批准"}
REFUSAL_NEEDS_REASONS = "不予批准必须写明理由(每行一条),以便告知申请人并说明救济途径。"
POST_NEEDS_ADDRESS = "邮寄送达请填写收件地址。"

CHECKLIST_INCOMPLETE = "还有材料未核对:请逐项标记为已收、缺或不适用。"
OUTCOME_NOT_ALLOWED = "当前状态为“{status}”,不能办理“{outcome}”。"
COMPLETE_NOT_ALLOWED = "当前状态为“{status}”,只有已受理的办件才能办结。"
TRANSFER_CLOSED = "办件已{status},不能再移交。"
TRANSFER_SAME_WINDOW = "不能移交给本窗口。"
RATE_OPEN_CASE = "办件尚未办结,办结后再请群众评价。"
RATE_TWICE = "该办件已评价过,不能重复评价。"
CASE_NOT_FOUND = "找不到该办件:{case}"

# --- seed 003 main/general materials and one-time notification (issue #16) ------------------------------
CANNOT_ACCEPT_MAIN_DEFECTIVE = "主件需补正({names}),不能受理:应出具补正告知书,一次告知需要补正的全部内容。"
DEFECT_NEEDS_PROBLEM = "标记“需补正”的材料要写明问题(例如:未签字、复印件不清晰),补正告知书上要写。"
CANNOT_ACCEPT_MAIN_MISSING = "主件缺少({names}),不能受理:应作退回件处理,出具退回件通知单并写明原因。"
ONE_TIME_NOTIFICATION_BREACH = ("“{names}”不在首次补正告知书上。一次性告知制度要求一次告知全部需补正材料;"
                                "确需补充告知的,须经中心负责人批准并填写原因。")
MARK_NOT_ALLOWED = "该办件状态为“{status}”,材料核对已经结束,不能再修改。"
