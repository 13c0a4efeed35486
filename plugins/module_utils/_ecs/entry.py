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

import traceback
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, NoReturn

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    boto3_at_least,
    boto3_conn,
    botocore_at_least,
    gather_sdk_versions,
    get_aws_connection_info,
)
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule, aws_argument_spec

from .api import ClientOnFirstUse, connect
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
    extra: dict[str, Any] = {service: ClientOnFirstUse(partial(connect, module, service)) for service in clients}
    if lazy_clients:
        extra["connect_to"] = lambda service, region=None: connect(module, service, region)
    try:
        result = run(
            ClientOnFirstUse(partial(connect, module)),
            module.params,
            check_mode=module.check_mode,
            diff=module._diff,
            clock=Clock(),
            **extra,
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


# In process -------------------------------------------------------------------------------------------------------
# A module call costs Ansible a payload, a new Python and a JSON round trip: on a local connection that is most of a
# no-op deploy's time. The action plugins of this collection (plugins/action) run the same `run` here, in the
# worker process, when the target is the controller itself (docs/design.md, "Modules in process").


@dataclass(frozen=True)
class Definition:
    """What a module is: its argument spec, its orchestration ``run`` and the clients it needs.

    ``main()`` runs it as a module; ``in_process()`` runs the same code inside an action plugin. Both go through
    ``execute``, so validation, clients, results and failures are the same.
    """

    spec: Callable[[], dict]
    run: Callable[..., dict]
    clients: tuple[str, ...] = ()
    lazy_clients: bool = False

    def main(self) -> NoReturn:
        module = AnsibleAWSModule(**self.spec(), supports_check_mode=True)
        execute(module, self.run, clients=self.clients, lazy_clients=self.lazy_clients)

    def in_process(self, args: dict, *, name: str, check_mode: bool, diff: bool) -> dict:
        """The module's result for ``args`` (the task's arguments, module_defaults applied), computed here."""
        try:
            module = InProcessModule(self.spec(), args, name=name, check_mode=check_mode, diff=diff)
            execute(module, self.run, clients=self.clients, lazy_clients=self.lazy_clients)
        except ModuleExit as done:
            return done.result
        raise AssertionError("execute always exits")  # pragma: no cover


def sdk_supported() -> bool:
    """Whether this Python has the SDK the modules need (a module run elsewhere reports it when not)."""
    try:
        return boto3_at_least(MINIMUM_BOTO3) and botocore_at_least(MINIMUM_BOTOCORE)
    except Exception:
        return False


class ModuleExit(Exception):
    """How an in-process module ends: with the result a module would have printed."""

    def __init__(self, result: dict) -> None:
        super().__init__(result.get("msg", ""))
        self.result = result


class InProcessModule:
    """What ``execute`` and amazon.aws's connection helpers use of AnsibleAWSModule, without a module process.

    The arguments are validated by ansible-core's own validator against the module's spec plus amazon.aws's
    connection options (environment fallbacks included), clients come from amazon.aws's ``boto3_conn`` with the
    same connection settings, and the values of ``no_log`` options are masked in the result, as a module does.
    """

    def __init__(self, spec: dict, args: dict, *, name: str, check_mode: bool, diff: bool) -> None:
        argument_spec = aws_argument_spec()
        argument_spec.update(spec.get("argument_spec") or {})
        validator = ArgumentSpecValidator(
            argument_spec,
            mutually_exclusive=spec.get("mutually_exclusive"),
            required_together=spec.get("required_together"),
            required_one_of=spec.get("required_one_of"),
            required_if=spec.get("required_if"),
            required_by=spec.get("required_by"),
        )
        validated = validator.validate(args)
        self._no_log_values = validated._no_log_values
        self._warnings: list[str] = []
        self._name = name
        self.check_mode = check_mode
        self._diff = diff
        self.params = validated.validated_parameters
        first_error = validated.errors.errors[0] if validated.errors.errors else None
        if first_error is not None:
            # The words a module uses, so that a message reads the same in and out of process.
            unsupported = isinstance(first_error, UnsupportedError)
            prefix = f"Unsupported parameters for ({name}) module: " if unsupported else ""
            self.fail_json(msg=prefix + validated.errors.msg)

    def boto3_at_least(self, desired: str) -> bool:
        return boto3_at_least(desired)

    def botocore_at_least(self, desired: str) -> bool:
        return botocore_at_least(desired)

    def client(self, service: str, retry_decorator: Any = None, **extra_params: Any) -> Any:
        region, endpoint_url, connect_kwargs = get_aws_connection_info(self)
        return boto3_conn(
            self,
            conn_type="client",
            resource=service,
            **{"region": region, "endpoint": endpoint_url, **connect_kwargs, **extra_params},
        )

    def warn(self, warning: str) -> None:
        self._warnings.append(warning)

    def deprecate(self, msg: str, **_kwargs: Any) -> None:
        self._warnings.append(msg)

    def exit_json(self, **result: Any) -> NoReturn:
        result.setdefault("changed", False)
        raise ModuleExit(self._finished(result))

    def fail_json(self, msg: str, **result: Any) -> NoReturn:
        raise ModuleExit(self._finished({**result, "failed": True, "msg": msg}))

    def fail_json_aws(self, exception: BaseException, msg: str | None = None, **kwargs: Any) -> NoReturn:
        detail = str(getattr(exception, "message", None) or exception)
        failure = {"exception": traceback.format_exc(), **gather_sdk_versions(), **kwargs}
        response = getattr(exception, "response", None)
        if isinstance(response, dict):
            failure.update(camel_dict_to_snake_dict(response))
        self.fail_json(msg=f"{msg}: {detail}" if msg else detail, **failure)

    def _finished(self, result: dict) -> dict:
        # As a module's answer: with -vvv Ansible shows the arguments the module ran with, no_log values masked.
        result.setdefault("invocation", {"module_args": self.params})
        if self._warnings:
            result["warnings"] = [*result.get("warnings", []), *self._warnings]
        if self._no_log_values:
            result = remove_values(result, self._no_log_values)
        return result
