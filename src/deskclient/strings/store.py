"""Messages about the local ledger file."""

NOT_A_LEDGER = "文件 {path} 不是有效的台账数据库(可能已损坏),请联系管理员。"
CANNOT_CREATE_DIR = "无法创建数据目录 {path}:{error}。请检查磁盘空间和权限。"
SCHEMA_TOO_NEW = (
    "台账 {path} 由更新版本的程序创建(数据结构版本 {found},本程序支持到 {head})。"
    "为保护数据,本程序不会打开它。请升级 deskclient 后再使用。"
)
MIGRATION_FAILED = "升级台账 {path} 的数据结构失败:{error}。原文件已备份,数据未丢失。"
WRITE_FAILED = "保存失败:{error}。刚才的操作没有生效,请重试。"
DISK_FULL = "磁盘空间已满,无法保存。刚才的操作没有生效,请清理磁盘后重试。"
READ_ONLY = "数据目录只读,无法保存。刚才的操作没有生效,请检查权限。"
LOCKED = "台账正被另一个程序占用,请稍后重试。刚才的操作没有生效。"
