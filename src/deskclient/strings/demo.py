"""Texts of the sample (demo) station."""

SAMPLE_RETURN_REASON = "申请人不符合该事项的申请条件(示例数据)"
