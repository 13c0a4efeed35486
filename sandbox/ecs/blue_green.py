"""Native ECS blue/green, linear and canary deployments (deploymentController ECS with a deploymentConfiguration
strategy of BLUE_GREEN, LINEAR or CANARY).

A deployment walks the lifecycle stages in order. SCALE_UP starts the new revision's tasks beside the old ones;
TEST_TRAFFIC_SHIFT points the test listener rule at the new revision; every PRODUCTION_TRAFFIC_SHIFT step changes the
weights of the forward action on the production listener rule in moto's ELBv2 (one step for BLUE_GREEN, canaryPercent
then 100 for CANARY, stepPercent at a time for LINEAR), each step followed by its step bake time; BAKE_TIME waits
bakeTimeInMinutes; CLEAN_UP stops the old revision's tasks. Lifecycle hooks run at the stages they name: Lambda hooks
answer at once from the sandbox's hook results, PAUSE hooks wait for ContinueServiceDeployment or their timeout.

A failing hook, a hook timeout, StopServiceDeployment ROLLBACK or the circuit breaker rolls back: production (and
test) traffic goes back to the old revision at once, the new revision's tasks stop, and the service deployment ends
ROLLBACK_SUCCESSFUL. Times are deployment minutes, ``minute_seconds`` real seconds each (``POST /_sandbox/clock``).
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from moto.elbv2.models import FakeAction, elbv2_backends

from sandbox.ecs.deployments import (
    ACTIVE,
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    INACTIVE,
    PRIMARY,
    Deployment,
    RollingController,
    circuit_breaker_threshold,
)
from sandbox.ecs.errors import invalid_parameter
from sandbox.ecs.state import EcsStore, epoch, monotonic, record_call, settings, utcnow

if TYPE_CHECKING:
    from sandbox.ecs.tasks import Task

STRATEGIES = ("BLUE_GREEN", "LINEAR", "CANARY")

RECONCILE_SERVICE = "RECONCILE_SERVICE"
SCALE_UP = "SCALE_UP"
TEST_TRAFFIC_SHIFT = "TEST_TRAFFIC_SHIFT"
PRODUCTION_TRAFFIC_SHIFT = "PRODUCTION_TRAFFIC_SHIFT"
BAKE_TIME = "BAKE_TIME"
CLEAN_UP = "CLEAN_UP"
_BEFORE_SHIFT = (
    RECONCILE_SERVICE,
    "PRE_SCALE_UP",
    SCALE_UP,
    "POST_SCALE_UP",
    TEST_TRAFFIC_SHIFT,
    "POST_TEST_TRAFFIC_SHIFT",
)
_SHIFT = ("PRE_PRODUCTION_TRAFFIC_SHIFT", PRODUCTION_TRAFFIC_SHIFT, "POST_PRODUCTION_TRAFFIC_SHIFT")

AWAITING_ACTION = "AWAITING_ACTION"
SUCCEEDED = "SUCCEEDED"
HOOK_FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"


def uses_blue_green(deployment_configuration: dict[str, Any]) -> bool:
    return deployment_configuration.get("strategy") in STRATEGIES


def validate(config: dict[str, Any], given: dict[str, Any] | None = None) -> None:
    """The checks ECS makes on a blue/green deploymentConfiguration (``config``, after defaults; ``given``, as sent).

    LinearConfiguration and CanaryConfiguration are "only valid" with their strategy; the percentages and every
    bake time have the ranges of the API reference.
    """
    strategy = config.get("strategy")
    if strategy is not None and strategy not in ("ROLLING", *STRATEGIES):
        raise invalid_parameter(f"Invalid deployment strategy: {strategy}.")
    for field, owner in (("linearConfiguration", "LINEAR"), ("canaryConfiguration", "CANARY")):
        if (given or {}).get(field) is not None and strategy != owner:
            raise invalid_parameter(f"{field} is only valid when the deployment strategy is {owner}.")
    if (given or {}).get("bakeTimeInMinutes") is not None and strategy not in STRATEGIES:
        raise invalid_parameter("bakeTimeInMinutes is only valid for the BLUE_GREEN, LINEAR and CANARY strategies.")
    bakes = [
        ("bakeTimeInMinutes", config.get("bakeTimeInMinutes")),
        (
            "linearConfiguration.stepBakeTimeInMinutes",
            (config.get("linearConfiguration") or {}).get("stepBakeTimeInMinutes"),
        ),
        (
            "canaryConfiguration.canaryBakeTimeInMinutes",
            (config.get("canaryConfiguration") or {}).get("canaryBakeTimeInMinutes"),
        ),
    ]
    for name, minutes in bakes:
        if minutes is not None and not 0 <= int(minutes) <= 1440:
            raise invalid_parameter(f"{name} must be between 0 and 1440.")
    if strategy == "LINEAR":
        step = (config.get("linearConfiguration") or {}).get("stepPercent")
        if step is None or not 3.0 <= float(step) <= 100:
            raise invalid_parameter("linearConfiguration.stepPercent must be between 3.0 and 100.0.")
    if strategy == "CANARY":
        percent = (config.get("canaryConfiguration") or {}).get("canaryPercent")
        if percent is None or not 0.1 <= float(percent) <= 100:
            raise invalid_parameter("canaryConfiguration.canaryPercent must be between 0.1 and 100.0.")
    for hook in config.get("lifecycleHooks") or []:
        if hook.get("targetType", "AWS_LAMBDA") not in ("AWS_LAMBDA", "PAUSE"):
            raise invalid_parameter(f"Invalid lifecycle hook targetType: {hook.get('targetType')}.")
        if hook.get("targetType", "AWS_LAMBDA") == "AWS_LAMBDA" and not hook.get("hookTargetArn"):
            raise invalid_parameter("hookTargetArn is required for an AWS_LAMBDA lifecycle hook.")
        if not hook.get("lifecycleStages"):
            raise invalid_parameter("lifecycleStages can not be empty.")


def shift_steps(config: dict[str, Any]) -> list[tuple[float, float]]:
    """(production percent for the new revision, step bake minutes) for each PRODUCTION_TRAFFIC_SHIFT step."""
    strategy = config.get("strategy")
    steps: list[tuple[float, float]] = []
    if strategy == "CANARY":
        canary = config.get("canaryConfiguration") or {}
        percent = float(canary.get("canaryPercent") or 100)
        if percent < 100:
            steps.append((percent, float(canary.get("canaryBakeTimeInMinutes") or 0)))
    elif strategy == "LINEAR":
        linear = config.get("linearConfiguration") or {}
        step = float(linear.get("stepPercent") or 100)
        bake = float(linear.get("stepBakeTimeInMinutes") or 0)
        count = 1
        # Whole steps below 100 %, then the last one to 100 % (ELBv2 weights are integers; see _weights).
        while step * count < 100 - 1e-9:
            steps.append((round(step * count, 6), bake))
            count += 1
    return [*steps, (100.0, 0.0)]


@dataclass
class Stage:
    name: str
    # PRODUCTION_TRAFFIC_SHIFT: the new revision's production percentage this step sets.
    percent: float | None = None
    # Minutes to wait once the stage's work and hooks are done (step bake time, or bakeTimeInMinutes).
    bake_minutes: float = 0.0


def plan(config: dict[str, Any], first: bool) -> list[Stage]:
    """The stages of one deployment. The first deployment of a service has nothing to shift from: one step, no bake."""
    stages = [Stage(name) for name in _BEFORE_SHIFT] + [Stage(_SHIFT[0])]
    # Only PRODUCTION_TRAFFIC_SHIFT comes round once per LINEAR or CANARY step (its hooks run at every step, as the
    # ECS developer guide says); the stages around it run once.
    for percent, bake in [(100.0, 0.0)] if first else shift_steps(config):
        stages.append(Stage(_SHIFT[1], percent, bake))
    stages.append(Stage(_SHIFT[2]))
    bake = 0.0 if first else float(config.get("bakeTimeInMinutes") or 0)
    stages += [Stage(BAKE_TIME, bake_minutes=bake), Stage(CLEAN_UP)]
    return stages


class HookRun:
    """One invocation of a lifecycle hook at one stage (a row of lifecycleHookDetails)."""

    def __init__(self, hook: dict[str, Any], stage: str) -> None:
        self.id = uuid.uuid4().hex
        self.hook = hook
        self.stage = stage
        self.target_type = hook.get("targetType") or "AWS_LAMBDA"
        self.target_arn: str | None = hook.get("hookTargetArn")
        self.status = IN_PROGRESS
        timeout = hook.get("timeoutConfiguration") or {}
        self.timeout_action = timeout.get("action") or "ROLLBACK"
        minutes = timeout.get("timeoutInMinutes")
        self.due: float | None = None
        self.expires_at = None
        if minutes is not None and self.target_type == "PAUSE":
            seconds = settings().minutes(minutes)
            self.due = monotonic() + seconds
            self.expires_at = utcnow() + timedelta(seconds=seconds)
        # What lets the deployment go on after this hook: CONTINUE, ROLLBACK, or None while it runs.
        self.outcome: str | None = None
        self.reason: str | None = None

    def describe(self) -> dict[str, Any]:
        result: dict[str, Any] = {"hookId": self.id, "targetType": self.target_type, "status": self.status}
        if self.target_arn:
            result["targetArn"] = self.target_arn
        if self.expires_at is not None:
            result["expiresAt"] = epoch(self.expires_at)
            result["timeoutAction"] = self.timeout_action
        return result


class BlueGreenRun:
    """The progress of one blue/green, linear or canary deployment through its lifecycle stages."""

    def __init__(self, deployment: Deployment, source: Deployment | None) -> None:
        self.deployment = deployment
        self.source = source
        # The new revision goes behind the target group the old one is not serving from; roles swap every time.
        deployment.target_slot = 1 - source.target_slot if source is not None else 0
        self.stages = plan(deployment.deployment_configuration, first=source is None)
        self.position = 0
        self.entered = False
        self.hooks_started = False
        self.bake_due: float | None = None
        self.entered_at = 0.0
        self.current_hooks: list[HookRun] = []
        self.hook_runs: list[HookRun] = []
        self.scaling = False
        # Requested traffic for the new revision, in percent; the old revision gets the rest.
        self.production_weight = 0.0
        self.test_weight = 0.0
        self.rolling_back = False
        self.rollback_reason: str | None = None
        self.rollback_started_at = None
        self.finished = False

    @property
    def stage(self) -> Stage:
        """The stage the deployment is in: the last one entered. The next one is entered a step after the previous
        one ends; until then, reporting it would show its name without its work (a production shift without its
        weights)."""
        position = self.position if self.entered or self.position == 0 else self.position - 1
        return self.stages[min(position, len(self.stages) - 1)]

    def hook(self, hook_id: str) -> HookRun | None:
        return next((run for run in self.hook_runs if run.id == hook_id), None)

    def add_details(self, result: dict[str, Any]) -> None:
        """The blue/green fields of DescribeServiceDeployments."""
        result["lifecycleStage"] = self.stage.name
        result["lifecycleHookDetails"] = [run.describe() for run in self.hook_runs]
        target = result.get("targetServiceRevision") or {}
        target["requestedProductionTrafficWeight"] = self.production_weight
        target["requestedTestTrafficWeight"] = self.test_weight
        for source in result.get("sourceServiceRevisions") or []:
            if self.source is not None and source["arn"] == self.source.revision_arn:
                source["requestedProductionTrafficWeight"] = 100.0 - self.production_weight
                source["requestedTestTrafficWeight"] = 100.0 - self.test_weight
        if self.rollback_started_at is not None:
            result["rollback"] = {"reason": self.rollback_reason, "startedAt": epoch(self.rollback_started_at)}
            if self.source is not None:
                result["rollback"]["serviceRevisionArn"] = self.source.revision_arn


# --- ELBv2 listener rules ----------------------------------------------------------------------------------------


def _find_rule(store: EcsStore, rule_arn: str) -> tuple[Any, Any] | None:
    backend = elbv2_backends[store.account_id][store.region]
    for balancer in list(backend.load_balancers.values()):
        for listener in list(balancer.listeners.values()):
            for rule in list(listener.rules.values()):
                if rule.arn == rule_arn:
                    return listener, rule
    return None


def set_rule_weights(store: EcsStore, rule_arn: str | None, weights: dict[str, int]) -> bool:
    """Set the weights of the target groups in the rule's forward action; False when there is no such rule."""
    found = _find_rule(store, rule_arn) if rule_arn else None
    if found is None:
        return False
    listener, rule = found
    actions = []
    for action in rule.actions:
        data = copy.deepcopy(action.data)
        if data.get("Type") == "forward":
            forward = data.get("ForwardConfig") or {}
            groups = forward.get("TargetGroups") or (
                [{"TargetGroupArn": data["TargetGroupArn"]}] if data.get("TargetGroupArn") else []
            )
            named = {group["TargetGroupArn"] for group in groups}
            groups += [{"TargetGroupArn": arn} for arn in weights if arn not in named]
            for group in groups:
                if group["TargetGroupArn"] in weights:
                    group["Weight"] = weights[group["TargetGroupArn"]]
            # A forward action with two target groups is written with ForwardConfig only.
            data.pop("TargetGroupArn", None)
            data["ForwardConfig"] = {**forward, "TargetGroups": groups}
        # moto renders an action from its attributes, which FakeAction copies from the data it is given.
        actions.append(FakeAction(data))
    rule.actions = actions
    if getattr(rule, "is_default", False):
        listener.default_actions = actions
    return True


# --- the controller ----------------------------------------------------------------------------------------------


class BlueGreenController(RollingController):
    """Advances the PRIMARY deployment's BlueGreenRun; completed deployments are kept up like rolling ones."""

    def step(self, tasks: list[Task]) -> None:
        service = self.service
        self._advance_tasks(tasks)
        if not service.deployments:
            return
        primary = service.deployments[0]
        if primary.run is None and service.status == "ACTIVE":
            self._begin(primary, tasks)
        run = primary.run
        if run is None or run.finished or service.status != "ACTIVE":
            # Steady state (or a service being deleted): replace stopped tasks, follow the desired count.
            self._maintain(primary, tasks)
            return
        if not run.rolling_back:
            self._apply_breaker(run)
        if run.rolling_back:
            self._roll_back_step(run, tasks)
        else:
            self._scale(run, tasks)
            self._advance(run, tasks)
        self._update_counts(tasks)

    # --- start ---

    def _begin(self, primary: Deployment, tasks: list[Task]) -> None:
        service = self.service
        last = service.last_completed
        source = last if last is not None and last is not primary and last in service.deployments else None
        primary.run = BlueGreenRun(primary, source)
        # Deployments other than the one serving production were superseded by this one.
        for other in service.deployments[1:]:
            if other is source:
                continue
            other.status = INACTIVE
            if other.view_status == IN_PROGRESS:
                other.view_status, other.view_reason = "STOPPED", "Stopped in favour of a newer service deployment."
                other.finished_at = utcnow()
            if other.run is not None:
                other.run.finished = True
            self._stop_tasks_of(other, tasks, f"Service deployment {other.id} was superseded")
        service.deployments = [primary] + ([source] if source is not None else [])
        if source is not None:
            source.status = ACTIVE
            self._apply_traffic(primary.run)

    # --- stages ---

    def _advance(self, run: BlueGreenRun, tasks: list[Task]) -> None:
        deployment = run.deployment
        while run.position < len(run.stages) and not run.rolling_back:
            stage = run.stages[run.position]
            if not run.entered:
                run.entered, run.hooks_started, run.bake_due, run.current_hooks = True, False, None, []
                run.entered_at = monotonic()
                deployment.touch()
                # Stages can pass faster than a client polls; the events keep the whole walk.
                self.service.add_event(
                    f"(service {self.service.name}) (deployment {deployment.id}) entered lifecycle stage {stage.name}."
                )
                self._enter(run, stage, tasks)
            if not self._work_done(run, stage, tasks):
                return
            if not run.hooks_started:
                run.hooks_started = True
                self._start_hooks(run, stage)
            if not self._hooks_done(run):
                return
            if run.bake_due is None:
                run.bake_due = max(
                    monotonic() + settings().minutes(stage.bake_minutes), run.entered_at + settings().stage_seconds
                )
            if monotonic() < run.bake_due:
                return
            run.position += 1
            run.entered = False
            if run.position < len(run.stages):
                # One stage per simulation step, so a client polling DescribeServiceDeployments (each request is a
                # step) sees every stage, as it would on ECS where each takes a while.
                return
        if not run.rolling_back:
            self._complete(run)

    def _enter(self, run: BlueGreenRun, stage: Stage, tasks: list[Task]) -> None:
        service = self.service
        if stage.name == SCALE_UP:
            run.scaling = True
            self._scale(run, tasks)
        elif stage.name == TEST_TRAFFIC_SHIFT:
            run.test_weight = 100.0
            self._apply_traffic(run)
        elif stage.name == PRODUCTION_TRAFFIC_SHIFT and stage.percent is not None:
            run.production_weight = stage.percent
            self._apply_traffic(run)
            service.add_event(
                f"(service {service.name}) (deployment {run.deployment.id}) shifted {_weight(stage.percent)} % of "
                "production traffic to the new service revision."
            )
        elif stage.name == CLEAN_UP:
            for other in service.deployments[1:]:
                self._stop_tasks_of(other, tasks, f"Scaling activity initiated by (deployment {run.deployment.id})")

    def _work_done(self, run: BlueGreenRun, stage: Stage, tasks: list[Task]) -> bool:
        deployment = run.deployment
        if stage.name == SCALE_UP:
            healthy = sum(1 for t in tasks if t.started_by == deployment.id and t.healthy)
            return healthy >= self.service.desired_count
        if stage.name == CLEAN_UP:
            return not any(t.active for t in tasks if t.started_by != deployment.id)
        return True

    def _complete(self, run: BlueGreenRun) -> None:
        service = self.service
        deployment = run.deployment
        for old in service.deployments[1:]:
            old.status = INACTIVE
        service.deployments = [deployment]
        deployment.status = PRIMARY
        deployment.rollout_state = COMPLETED
        deployment.rollout_state_reason = f"ECS deployment {deployment.id} completed."
        deployment.view_status = "SUCCESSFUL"
        deployment.finished_at = utcnow()
        if deployment.breaker_status == "MONITORING":
            deployment.breaker_status = "MONITORING_COMPLETE"
        deployment.touch()
        run.finished = True
        service.last_completed = deployment
        service.add_event(f"(service {service.name}) (deployment {deployment.id}) deployment completed.")

    # --- tasks ---

    def _scale(self, run: BlueGreenRun, tasks: list[Task]) -> None:
        """Keep the new revision at the desired count beside the old one (failed starts are replaced)."""
        deployment = run.deployment
        if not run.scaling or run.rolling_back or deployment.rollout_state == FAILED:
            return
        live = sum(1 for t in tasks if t.live and t.started_by == deployment.id)
        missing = self.service.desired_count - live
        if missing > 0:
            tasks.extend(self._start_tasks(deployment, missing))

    def _stop_tasks_of(self, deployment: Deployment, tasks: list[Task], reason: str) -> None:
        service = self.service
        own = [t for t in tasks if t.started_by == deployment.id]
        stopped = [t for t in own if t.request_stop(reason, "ServiceSchedulerInitiated")]
        if stopped:
            service.steady = False
            ids = " ".join(f"(task {t.id})" for t in stopped)
            service.add_event(f"(service {service.name}) has stopped {len(stopped)} running tasks: {ids}.")

    # --- traffic ---

    def _apply_traffic(self, run: BlueGreenRun) -> None:
        """Write the run's requested weights into every production (and test) listener rule of the service."""
        deployment = run.deployment
        for balancer in self.service.config.get("loadBalancers") or []:
            advanced = balancer.get("advancedConfiguration") or {}
            groups = [balancer.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")]
            if not advanced or not all(groups):
                continue
            new, old = groups[deployment.target_slot], groups[1 - deployment.target_slot]
            if run.source is None:
                # The first revision takes all traffic; nothing runs behind the other group yet.
                production = test = {new: 100, old: 0}
            else:
                production = _weights(new, old, run.production_weight)
                test = _weights(new, old, run.test_weight)
            set_rule_weights(self.store, advanced.get("productionListenerRule"), production)
            if advanced.get("testListenerRule"):
                set_rule_weights(self.store, advanced["testListenerRule"], test)

    # --- hooks ---

    def _start_hooks(self, run: BlueGreenRun, stage: Stage) -> None:
        if run.source is None:
            # A service's first deployment replaces nothing: there is no old revision to protect or roll back to.
            return
        for hook in run.deployment.deployment_configuration.get("lifecycleHooks") or []:
            if stage.name not in (hook.get("lifecycleStages") or []):
                continue
            hook_run = HookRun(hook, stage.name)
            run.current_hooks.append(hook_run)
            run.hook_runs.append(hook_run)
            if hook_run.target_type == "PAUSE":
                hook_run.status = AWAITING_ACTION
                continue
            record_call("sandbox:HookInvoked")
            hook_run.status = settings().hook_result(hook_run.target_arn)
            if hook_run.status == HOOK_FAILED:
                hook_run.outcome = "ROLLBACK"
                hook_run.reason = f"Lifecycle hook {hook_run.target_arn} returned FAILED at {stage.name}."
            else:
                hook_run.outcome = "CONTINUE"

    def _hooks_done(self, run: BlueGreenRun) -> bool:
        now = monotonic()
        for hook_run in run.current_hooks:
            if hook_run.status == AWAITING_ACTION and hook_run.due is not None and now >= hook_run.due:
                hook_run.status = TIMED_OUT
                hook_run.outcome = hook_run.timeout_action
                hook_run.reason = f"Lifecycle hook {hook_run.id} timed out at {hook_run.stage}."
            if hook_run.outcome == "ROLLBACK":
                self.start_rollback(run, hook_run.reason or f"Lifecycle hook {hook_run.id} rolled back the deployment.")
                return False
        return all(hook_run.outcome == "CONTINUE" for hook_run in run.current_hooks)

    # --- rollback ---

    def _apply_breaker(self, run: BlueGreenRun) -> None:
        deployment = run.deployment
        if not deployment.breaker.get("enable") or deployment.rollout_state != IN_PROGRESS:
            return
        if deployment.failed_tasks < circuit_breaker_threshold(self.service.desired_count):
            return
        deployment.breaker_status = "TRIGGERED"
        self.service.add_event(
            f"(service {self.service.name}) (deployment {deployment.id}) deployment failed: tasks failed to start."
        )
        self.start_rollback(run, "ECS deployment circuit breaker: tasks failed to start.")

    def start_rollback(self, run: BlueGreenRun, reason: str) -> None:
        """Production and test traffic back on the old revision at once; the new revision's tasks stop."""
        service = self.service
        deployment = run.deployment
        if run.rolling_back or run.finished:
            return
        run.rolling_back = True
        run.rollback_reason = reason
        run.rollback_started_at = utcnow()
        deployment.rollout_state = FAILED
        deployment.rollout_state_reason = reason
        deployment.touch()
        for hook_run in run.current_hooks:
            if hook_run.status in (AWAITING_ACTION, IN_PROGRESS):
                hook_run.status = HOOK_FAILED
        if run.source is None:
            deployment.view_status, deployment.view_reason = "ROLLBACK_FAILED", f"{reason} No previous revision."
            deployment.finished_at = utcnow()
            run.finished = True
            return
        deployment.view_status, deployment.view_reason = "ROLLBACK_IN_PROGRESS", reason
        run.production_weight = run.test_weight = 0.0
        self._apply_traffic(run)
        service.add_event(f"(service {service.name}) (deployment {deployment.id}) rolling back: {reason}")

    def _roll_back_step(self, run: BlueGreenRun, tasks: list[Task]) -> None:
        service = self.service
        deployment = run.deployment
        source = run.source
        assert source is not None
        self._stop_tasks_of(deployment, tasks, f"Rolling back (deployment {deployment.id})")
        if any(t.active for t in tasks if t.started_by == deployment.id):
            return
        deployment.status = INACTIVE
        deployment.view_status = "ROLLBACK_SUCCESSFUL"
        deployment.finished_at = utcnow()
        deployment.touch()
        run.finished = True
        source.status = PRIMARY
        source.touch()
        service.deployments = [source]
        service.definition = source.definition
        service.steady = False
        service.add_event(f"(service {service.name}) rolled back to deployment {source.id}.")


def _weight(percent: float) -> int:
    return round(percent)


def _weights(new: str, old: str, new_percent: float) -> dict[str, int]:
    """ELBv2 weights are integers: the new revision's share rounded, the old one's the rest of 100."""
    share = max(0, min(100, _weight(new_percent)))
    return {new: share, old: 100 - share}
