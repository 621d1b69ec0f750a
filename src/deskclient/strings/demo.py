"""Texts of the sample (demo) station."""

SAMPLE_RETURN_REASON = "申请人不符合该事项的申请条件(示例数据)"
SAMPLE_COMPLAINT = "群众反映等候时间较长,希望增加午间服务(示例数据)"
SAMPLE_REVIEW_REASON = "申请人认为自己符合条件,请求中心负责人复核(示例数据)"
