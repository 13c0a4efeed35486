"""CloudWatch Logs in the sandbox refuses a retention AWS does not offer, and takes the ones it does."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_a_retention_cloudwatch_logs_does_not_offer_is_refused(aws):
    logs = aws("logs")
    logs.create_log_group(logGroupName="/sandbox/retention")
    with pytest.raises(ClientError) as refused:
        logs.put_retention_policy(logGroupName="/sandbox/retention", retentionInDays=2)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "retentionInDays" in refused.value.response["Error"]["Message"]
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/sandbox/retention")["logGroups"]
    assert "retentionInDays" not in group


def test_an_offered_retention_is_kept(aws):
    logs = aws("logs")
    logs.create_log_group(logGroupName="/sandbox/retention")
    logs.put_retention_policy(logGroupName="/sandbox/retention", retentionInDays=14)
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/sandbox/retention")["logGroups"]
    assert group["retentionInDays"] == 14
