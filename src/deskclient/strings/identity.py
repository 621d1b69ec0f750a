"""Messages about identity fields: resident ID numbers, phone numbers and names.

None of these messages ever includes the number itself (they may be logged); at most a region code
or a single offending character.
"""

SEX_MALE = "男"
SEX_FEMALE = "女"

# --- resident ID number (居民身份证号码) ---------------------------------------------------------------
ID_EMPTY = "请输入身份证号码。"
ID_BAD_CHARS = "身份证号码只能由数字组成,最后一位可以是 X。"
ID_X_POSITION = "身份证号码中的 X 只能出现在最后一位。"
ID_WRONG_LENGTH = "身份证号码应为 18 位(旧证 15 位),现在是 {n} 位。"
ID_UNKNOWN_REGION = "身份证号码前两位“{code}”不是有效的省级行政区划代码,请核对。"
ID_BAD_DATE = "身份证号码中的出生日期(第7至14位)不是有效日期,请核对。"
ID_BAD_DATE_LEGACY = "15 位身份证号码中的出生日期(第7至12位)不是有效日期,请核对。"
ID_BIRTH_FUTURE = "身份证号码中的出生日期晚于今天,请核对。"
ID_BIRTH_TOO_EARLY = "身份证号码中的出生日期早于 1900 年,请核对。"
ID_CHECK_DIGIT = "身份证号码校验位不符,可能有数字输错,请逐位核对。"

# --- phone numbers ----------------------------------------------------------------------------------
PHONE_EMPTY = "请输入联系电话。"
MOBILE_EMPTY = "请输入手机号码。"
MOBILE_BAD_CHARS = "手机号码只能包含数字,可带 +86、空格或短横线。"
MOBILE_WRONG_LENGTH = "手机号码应为 11 位,现在是 {n} 位。"
MOBILE_BAD_PREFIX = "手机号码应以 13 至 19 开头,请核对。"
PHONE_BAD_CHARS = "电话号码只能包含数字,可带区号、空格、短横线或括号。"
PHONE_INVALID = "电话号码格式不对:手机为 11 位;固定电话写成“区号-号码”,如 0851-86123456。"
PHONE_BAD_AREA = "固定电话区号不正确,应为 0 开头的 3 至 4 位(如 010、0851)。"
PHONE_BAD_LOCAL = "固定电话号码应为 7 至 8 位,且不以 0 或 1 开头。"

# --- names ------------------------------------------------------------------------------------------
NAME_EMPTY = "请输入姓名。"
NAME_TOO_SHORT = "姓名至少应有 2 个字。"
NAME_TOO_LONG = "姓名过长(最多 {limit} 个字符),请核对。"
NAME_DIGITS = "姓名中不能有数字。"
NAME_CONTROL = "姓名中含有不可见的控制字符,请重新输入。"
NAME_PRIVATE_USE = "姓名中含有系统自造字(私用区字符),无法打印和上报,请改用标准汉字,并在备注中说明。"
NAME_BAD_CHAR = "姓名中不能有“{char}”。"
NAME_DOT_EDGE = "姓名不能以间隔号“·”或其他标点开头或结尾。"
NAME_DOT_DOUBLE = "姓名中不能有连续的间隔号或标点。"
