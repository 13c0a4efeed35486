# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin behind every module of driftless.ecs: the module's own code, run where it costs least.

On a local connection (the way the roles and playbooks run: the controller talks to AWS) the module's ``run`` is
called in the worker process that Ansible already forked for the task. That saves what a module call costs beyond
its AWS calls: building the payload, starting a Python, importing from a zip, and the JSON round trip; about a third
of a second a task. Everywhere else, and whenever in-process could differ from a module, the module runs as usual:

- a connection other than ``local`` (the module must then run on that host, with that host's credentials);
- ``become``, ``async`` or an ``environment`` on the task (they change the module's process, not this one);
- a controller Python without the SDK the modules need;
- ``driftless_ecs_in_process: false``, the way to switch it off.

The argument spec, module_defaults, validation messages, check mode, diff, warnings, failures and the masking of
``no_log`` values are the module's: both paths run ``entry.Definition`` and ``entry.execute``.
"""

from __future__ import annotations

import importlib

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

SWITCH = "driftless_ecs_in_process"

# Ansible's linear strategy loads this class in the controller's main process (to read BYPASS_HOST_LOOP) before it
# forks the worker of the task. Importing the engine here, once, hands every worker the SDK and the collection's code
# already loaded: each module task would otherwise import boto3 and compile the collection's module_utils again
# (Ansible's collection loader keeps no bytecode), a fifth of a second a task.
try:
    from ansible_collections.driftless.ecs.plugins.module_utils._ecs import entry as _engine
except ImportError:  # pragma: no cover - an incomplete install: the module path reports what is missing
    _engine = None


class InProcessAction(ActionBase):
    """Subclasses name their module in ``MODULE`` (``ecs_taskdef_live``)."""

    MODULE = ""
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        if self._in_process_allowed(task_vars) and _engine is not None and _engine.sdk_supported():
            definition = importlib.import_module(
                f"ansible_collections.driftless.ecs.plugins.modules.{self.MODULE}"
            ).MODULE
            answer = definition.in_process(
                dict(self._task.args),
                name=self._task.action,
                check_mode=bool(self._task.check_mode),
                diff=bool(self._task.diff),
            )
            return merge_hash(result, answer)
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(
            result,
            self._execute_module(
                module_name=f"driftless.ecs.{self.MODULE}",
                module_args=self._task.args,
                task_vars=task_vars,
                wrap_async=wrap_async,
            ),
        )
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _in_process_allowed(self, task_vars: dict) -> bool:
        if not boolean(self._templar.template(task_vars.get(SWITCH, True)), strict=False):
            return False
        if getattr(self._connection, "transport", None) != "local":
            return False
        if self._task.async_val or self._play_context.become:
            return False
        return not any(self._task.environment or [])
