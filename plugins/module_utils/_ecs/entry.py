# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way a driftless.ecs module runs. Entry layer: only the files in plugins/modules import it.

Every orchestration function has the same shape::

    run(client, params, *, check_mode, diff, clock, **clients) -> dict

``execute`` builds the clients, calls it, and turns its answer or its error into the module's result. A ``warnings``
list in the answer is shown as Ansible warnings, in the task's normal output (not only with ``-v``). Every
failure goes through ``fail_with_result``, so the partial result an error carries (what was written, what was
rolled back, each service's outcome) always reaches the user.
"""

from __future__ import annotations

from typing import Any, Callable, NoReturn

from .api import connect
from .exceptions import AnsibleECSError
from .waiting import Clock

# The first SDK that models every ECS field the modules send, gatewayConnectors last (doc_fragments/boto3.py).
MINIMUM_BOTO3 = "1.43.116"
MINIMUM_BOTOCORE = "1.43.116"


def execute(
    module: Any, run: Callable[..., dict], *, clients: tuple[str, ...] = (), lazy_clients: bool = False
) -> NoReturn:
    """Run ``run`` for ``module`` and exit with its result, or fail with the error's message and partial result.

    Args:
        module: the AnsibleAWSModule.
        run: an orchestration function of the shape above.
        clients: other AWS services the run reads, passed as keyword arguments named after them (``elbv2``).
        lazy_clients: pass ``connect_to(service, region)``, for runs that need a client only now and then (the
            checks before a deploy), in a region of their choosing.
    """
    if not (module.boto3_at_least(MINIMUM_BOTO3) and module.botocore_at_least(MINIMUM_BOTOCORE)):
        module.fail_json(
            msg=f"driftless.ecs needs boto3 >= {MINIMUM_BOTO3} and botocore >= {MINIMUM_BOTOCORE} on the host that "
            "runs the module (pip install -r requirements.txt of the collection)"
        )
    extra: dict[str, Any] = {service: connect(module, service) for service in clients}
    if lazy_clients:
        extra["connect_to"] = lambda service, region=None: connect(module, service, region)
    try:
        result = run(
            connect(module), module.params, check_mode=module.check_mode, diff=module._diff, clock=Clock(), **extra
        )
    except AnsibleECSError as error:
        fail_with_result(module, error)
    for warning in result.pop("warnings", None) or []:
        module.warn(warning)
    module.exit_json(**result)


def fail_with_result(module: Any, error: AnsibleECSError) -> NoReturn:
    """Fail the module with the error's message and the partial result it carries.

    ``AnsibleAWSModule.fail_json_aws_error`` drops the error's ``kwargs``; the result must still tell what happened
    before the failure (what was registered, rolled back, the deployments seen, per-service results).
    """
    if error.exception is not None:
        module.fail_json_aws(error.exception, msg=error.message, **error.kwargs)
    module.fail_json(msg=error.message, **error.kwargs)
