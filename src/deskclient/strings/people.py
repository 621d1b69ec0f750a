"""Messages about the station, clerks, PINs and sign-in."""

PIN_FORMAT = "PIN 应为 4 到 8 位数字。"
LOGIN_FORMAT = "工号应为 2 到 32 位英文字母、数字或 _ . -。"
STATION_CODE_FORMAT = "站点编码应为 2 到 12 位英文字母或数字,例如 ZX01。"
STATION_NAME_REQUIRED = "请填写站点名称。"
NEED_A_WINDOW = "至少需要设置一个窗口。"
NEED_A_HEAD = "至少需要设置一名中心负责人。"
CLERK_WINDOW_UNKNOWN = "工作人员 {login} 所在的窗口不存在。"
LOGIN_DUPLICATE = "工号重复,请换一个。"
ALREADY_CONFIGURED = "本站点已经设置过,不能重复初始化。"
UNKNOWN_LOGIN = "没有这个工号,或该工作人员已停用。"
LOCKED = "{name} 因多次输错 PIN 已被锁定,请 {minutes} 分钟后再试,或请中心负责人处理。"
NOW_LOCKED = "PIN 连续输错 5 次,{name} 已被锁定 {minutes} 分钟。"
WRONG_PIN = "PIN 不正确,还可以再试 {left} 次。"
NOT_A_HEAD = "需要中心负责人的 PIN。"
ROLE_LABELS = {"clerk": "窗口工作人员", "head": "中心负责人"}
POST_LABELS = {"A": "A岗", "B": "B岗"}
