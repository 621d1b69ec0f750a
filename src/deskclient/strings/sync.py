"""Messages of the station's sync with the county office, bundles and updates."""

OFFLINE = "离线:{count} 条记录已安全保存在本机,下次联网时发送"
SYNC_DONE = "已发送 {sent} 条记录,县中心已全部收到。"
SYNC_NOTHING = "没有待发送的记录。"
SYNC_PARTIAL = "已发送 {sent} 条记录;还有 {remaining} 条记录已安全保存在本机,下次联网时发送。"
SYNC_SET_ASIDE = "{count} 条记录被县中心拒收,已另行保存:{reason}"
AUTH_FAILED = "县中心拒绝了本站点的请求({status}):{detail}。请联系县中心管理员核对站点设置。记录已安全保存在本机。"
TOKEN_INVALID = ("县中心拒绝:站点令牌无效(令牌填写有误、已更换或站点已被停用)。这不是网络问题。"
                 "请联系县中心管理员核对站点设置中的令牌。记录已安全保存在本机。")
STATION_DISABLED = "县中心拒绝:本站点已被停用。这不是网络问题。请联系县中心管理员。记录已安全保存在本机。"
OTHER_LEDGER = "县中心拒收:{detail}"
CONFLICT = ("县中心拒收:序号 {seq} 起县中心已有内容不同的记录({reason})。可能是本机账本从备份恢复、"
            "两台电脑共用一个站点,或站点令牌被他人使用。已停止发送,本机和县中心的记录都未被覆盖。"
            "请暂停在本机办件并联系县中心管理员。")
UNVERIFIED = ("县中心的回复没有证明已保存本站点的记录(对方可能不是真正的县中心,或网络设备改动了数据)。"
              "没有记录被标记为已发送,记录已安全保存在本机。请联系县中心管理员核对县中心地址。")
LEDGER_BEHIND = ("注意:县中心保存的本站点记录比本机账本多,本机账本可能是从备份恢复或从另一台电脑复制的。"
                 "请联系县中心管理员核对。")
SYNC_QUARANTINED = "{count} 条记录的备注含完整证件或手机号码,县中心已脱敏保存该字段。"
SERVER_REFUSED = "县中心拒绝了请求({status}):{detail}。记录已安全保存在本机。"
NOT_CONFIGURED = "尚未设置县中心地址或站点令牌,记录已安全保存在本机。"
PROGRESS_LABEL = "正在发送记录"

UPDATE_APPLIED = "已更新{kind}至第 {version} 版。"
UPDATE_CURRENT = "{kind}已是最新(第 {version} 版)。"
UPDATE_NONE = "县中心尚未发布{kind}。"
UPDATE_INVALID = "下载的{kind}未通过校验,继续使用本机现有版本:{error}"
UPDATE_INCOMPLETE = "下载的{kind}不完整,继续使用本机现有版本。"
UPDATE_WRITE_FAILED = "无法保存{kind}:{error};继续使用本机现有版本。"
KIND_LABELS = {"catalog": "事项目录", "holidays": "节假日安排"}

BUNDLE_WRITTEN = "已导出 {count} 条记录(序号 {first}–{last})到 {path}。请拷贝到县中心导入。"
BUNDLE_EMPTY = "没有待发送的记录,未生成数据包。"
BUNDLE_WRITE_FAILED = "无法写入数据包 {path}:{error}"
OPTION_MISSING = "缺少参数:{option}"

# command-line help
SYNC_HELP = "把待发送的记录发送到县中心,并下载事项目录和节假日更新"
SYNC_DESCRIPTION = "发送本站点尚未被县中心确认的记录(适合计划任务);在终端上显示进度条,否则只在出错时输出。"
EXPORT_HELP = "无网络时:把待发送的记录导出为数据包文件(拷贝到 U 盘带到县中心)"
ARG_FILE = "数据包文件路径"
ARG_URL = "县中心地址(默认取站点设置)"
ARG_TOKEN = "站点令牌(默认取站点设置)"
ARG_STATION = "站点代码(默认取站点设置)"
ARG_TIMEOUT = "最长等待秒数(默认取站点设置)"
ARG_NO_UPDATES = "只发送记录,不检查事项目录和节假日更新"
CATALOG_FILE_SYNTAX_LINE = "事项目录文件格式有误({name}第{line}行):不是有效的 {fmt} 格式"
CATALOG_FILE_SYNTAX = "事项目录文件格式有误({name}):不是有效的 {fmt} 格式"
