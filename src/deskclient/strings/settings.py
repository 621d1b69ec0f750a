"""Messages about the settings file."""

FILE_HEADER = "# deskclient 设置文件(settings.toml)。修改后重新启动程序生效。"
MALFORMED = "设置文件 {path} 第 {line} 行格式错误:{error}"
UNKNOWN_SECTION = "设置文件 {path} 第 {line} 行:未知的设置分组 [{section}]"
NOT_A_SECTION = "设置文件 {path} 第 {line} 行:[{section}] 应是一个分组"
UNKNOWN_KEY = "设置文件 {path} 第 {line} 行:[{section}] 中没有设置项“{key}”(是否拼写错误?)"
WRONG_TYPE = "设置文件 {path} 第 {line} 行:[{section}] {key} 应为{expected}"
NEGATIVE = "设置文件 {path} 第 {line} 行:[{section}] {key} 不能为负数"
NOT_UTF8 = "设置文件 {path} 不是 UTF-8 编码,请用记事本“另存为 UTF-8”后重试。"
UNREADABLE = "无法读取设置文件 {path}:{error}"
TYPE_NAMES = {"str": "文字(用英文引号括起)", "int": "整数", "float": "数字", "bool": "true 或 false"}
BAD_VALUE = "设置文件 {path} 第 {line} 行:[{section}] {key}:{message}"
PRINTER_BAD_KIND = "打印机类型“{value}”不存在,可用:{allowed}"
PRINTER_BAD_FORMAT = "打印格式“{value}”不存在,可用:{allowed}"
PRINTER_BAD_COLUMNS = "每行列数 {value} 不合理(58 毫米纸 32,80 毫米纸 48,针式打印机 80)"
PRINTER_NEEDS_DEVICE = "打印机类型 {kind} 需要填写 device(设备地址或文件)"
PRINTER_BAD_ENCODING = "编码“{value}”不能打印中文(应为 gb18030)"
PRINTER_ENCODING_PROBE = "中文"  # a printer encoding must be able to encode this
