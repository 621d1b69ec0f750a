"""Messages of the county central office service and its admin commands."""

# API error bodies (``{"error": {"code": ..., "message": ...}}``)
AUTH_MISSING = "缺少站点令牌(Authorization: Bearer ...)。"
AUTH_WRONG = "站点令牌无效。"
AUTH_OTHER_STATION = "该令牌只能提交本站点({station})的记录。"
BODY_TOO_LARGE = "请求过大(上限 {limit} 字节),请分批发送。"
BODY_NOT_JSON = "请求内容不是有效的 JSON。"
BODY_INVALID = "请求格式不正确:{detail}"
NOT_FOUND = "没有这个接口。"
HTTP_OTHER = "请求无法处理(HTTP {status})。"
NOTHING_PUBLISHED = "尚未发布。"
SERVER_BUSY = "服务器繁忙,请稍后重试。"

# reasons an event is refused (the station shows these next to the set-aside record)
REJECT_NOT_OBJECT = "记录格式不正确(不是 JSON 对象)"
REJECT_MISSING = "记录缺少字段:{field}"
REJECT_BAD_FIELD = "记录字段格式不正确:{field}"
REJECT_PAYLOAD_NOT_OBJECT = "记录内容(payload)不是 JSON 对象"
REJECT_PAYLOAD_TOO_LARGE = "记录内容过大"
REJECT_FULL_ID = "记录内容含有完整的身份证号码,已拒收(请只记录脱敏号码)"
REJECT_FULL_PHONE = "记录内容含有完整的手机号码,已拒收(请只记录脱敏号码)"
REJECT_DUPLICATE_ID = "记录编号与县中心已有的另一条记录重复"
REJECT_SEQ_CONFLICT = "县中心已有该序号的另一条记录"

# admin commands
STATION_ADDED = "已登记站点 {code}({name})。\n站点令牌(只显示这一次,请妥善抄送站点):\n{token}"
STATION_EXISTS = "站点 {code} 已存在。"
STATION_UNKNOWN = "没有站点 {code}。"
STATION_CODE_BAD = "站点代码只能使用字母、数字、短横线和下划线(1 至 32 位):{code}"
PUBLISHED = "已发布{kind}第 {version} 版({files} 个文件)。"
PUBLISH_UNCHANGED = "{kind}内容未变,仍为第 {version} 版。"
PUBLISH_EMPTY = "目录中没有可发布的文件:{path}"
PUBLISH_BAD_DIR = "找不到目录:{path}"
PUBLISH_INVALID = "{kind}未通过校验,未发布:{error}"
PUBLISH_FILE_NOT_TEXT = "文件不是 UTF-8 文本:{name}"
KIND_LABELS = {"catalog": "事项目录", "holidays": "节假日安排"}
DB_ERROR = "无法打开县中心数据库:{error}"
SERVING = "县中心服务已启动:http://{host}:{port}/api/v1/ ,网页:http://{host}:{port}/county/ (数据库:{db})"

# bundles
BUNDLE_IMPORTED = "已导入 {station} 的数据包:共 {count} 条,新存 {stored} 条,已有 {duplicates} 条,拒收 {rejected} 条。"
BUNDLE_UNREADABLE = "数据包无法读取(文件损坏或不完整),未导入任何记录:{path}"
BUNDLE_NOT_A_BUNDLE = "这不是本系统导出的数据包,未导入任何记录:{path}"
BUNDLE_BAD_SIGNATURE = "数据包签名不符(文件被改动或不是该站点导出的),未导入任何记录。"
BUNDLE_BAD_CHECKSUM = "数据包校验不符(文件被改动或不完整),未导入任何记录。"
BUNDLE_UNKNOWN_STATION = "数据包来自未登记的站点 {station},未导入任何记录。"
BUNDLE_NOT_FOUND = "找不到数据包文件:{path}"

# county status view
STATUS_TITLE = "县中心汇总"
STATUS_COLUMNS = ("站点", "名称", "最近联系", "已收记录", "连续至", "拒收", "在办件", "超期件")
STATUS_NEVER = "从未联系"
STATUS_EMPTY = "尚未登记任何站点。请用 deskclient central add-station 代码 名称 登记。"

# command-line help
CMD_HELP = "县中心服务与管理(central office)"
CMD_DESCRIPTION = "县中心:运行接收服务、登记站点、发布事项目录和节假日安排、导入数据包、查看汇总。"
SUB_TITLE = "县中心子命令"
ARG_DB = "县中心数据库:SQLite 文件路径或 postgresql://… 地址(默认取环境变量 DESKCLIENT_CENTRAL_DB 或本机数据目录)"
SERVE_HELP = "运行县中心接收服务(HTTP API /api/v1/)"
ARG_HOST = "监听地址(默认 127.0.0.1)"
ARG_PORT = "监听端口(默认 8700)"
ADD_STATION_HELP = "登记站点并生成站点令牌(只显示一次)"
ARG_CODE = "站点代码,例如 ZX01"
ARG_NAME = "站点名称,例如 某某镇便民服务中心"
STATUS_HELP = "县中心汇总:各站点最近联系、已收记录、在办件和超期件"
ARG_JSON = "以 JSON 输出"
IMPORT_HELP = "导入站点导出的数据包(U 盘)"
ARG_BUNDLE = "数据包文件"
PUBLISH_CATALOG_HELP = "发布事项目录(目录中的文件)"
PUBLISH_HOLIDAYS_HELP = "发布节假日安排(目录中的 年份.toml 文件)"
ARG_DIR = "要发布的文件所在目录"
