"""Texts of the sync screen shown when the desk closes."""

TITLE = "正在把今天的记录发送到县中心……"
CONNECTING = "正在连接县中心(连不上会自动跳过,数据已安全保存在本机)"
PROGRESS = "已发送 {sent} / {total} 条记录"
LEAVE_NOW = "立即退出"
