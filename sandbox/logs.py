"""CloudWatch Logs refuses a retention it does not offer, as AWS does.

PutRetentionPolicy takes only the retentions of the API reference (1, 3, 5, 7, 14, 30, 60 ... 3653 days); AWS
answers any other with InvalidParameterException. moto stores whatever it is given, so a module that sent 2 days would
pass in the sandbox and fail in AWS. ``install()`` adds the refusal.
"""

from __future__ import annotations

from moto.logs.exceptions import InvalidParameterException
from moto.logs.models import LogsBackend

# PutRetentionPolicy's retentionInDays, as the CloudWatch Logs API reference lists them.
# fmt: off
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
# fmt: on

_installed = False


def install() -> None:
    """Patch moto's CloudWatch Logs backends (once) so that PutRetentionPolicy refuses an unknown retention."""
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    original = LogsBackend.put_retention_policy

    def put_retention_policy(backend: LogsBackend, log_group_name: str, retention_in_days: int | str) -> None:
        if int(retention_in_days) not in RETENTION_DAYS:
            raise InvalidParameterException(
                constraint="Member must satisfy enum value set: [" + ", ".join(map(str, RETENTION_DAYS)) + "]",
                parameter="retentionInDays",
                value=retention_in_days,
            )
        original(backend, log_group_name, retention_in_days)

    LogsBackend.put_retention_policy = put_retention_policy
    _installed = True
