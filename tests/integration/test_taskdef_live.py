"""ecs_taskdef_live through ansible-playbook against the sandbox."""

from __future__ import annotations

import copy

from tests.integration.conftest import run_playbook

BASE = {
    "family": "it-fields",
    "taskRoleArn": "arn:aws:iam::123456789012:role/it-task",
    "executionRoleArn": "arn:aws:iam::123456789012:role/it-execution",
    "networkMode": "bridge",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "nginx:1.27",
            "memory": 256,
            "command": ["nginx", "-g", "daemon off;"],
            "portMappings": [{"containerPort": 80}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "healthCheck": {"command": ["CMD-SHELL", "true"]},
        },
        {"name": "sidecar", "image": "busybox:1.36", "memory": 32, "essential": False},
    ],
}


def _variant(label: str, change) -> dict:
    definition = copy.deepcopy(BASE)
    change(definition)
    return {"label": label, "definition": definition}


def _app(definition: dict) -> dict:
    return definition["containerDefinitions"][0]


VARIANTS = [
    _variant("environment value", lambda d: _app(d)["environment"][0].update(value="debug")),
    _variant("port", lambda d: _app(d)["portMappings"][0].update(containerPort=8080)),
    _variant("command argument", lambda d: _app(d)["command"].__setitem__(2, "daemon on;")),
    _variant("task role", lambda d: d.update(taskRoleArn="arn:aws:iam::123456789012:role/other-task")),
    _variant("execution role", lambda d: d.update(executionRoleArn="arn:aws:iam::123456789012:role/other-exec")),
    _variant("network mode", lambda d: d.update(networkMode="host")),
    _variant("task cpu", lambda d: d.update(cpu="0.5 vCPU")),
    _variant("task memory", lambda d: d.update(memory="1GB")),
    _variant(
        "placement constraints",
        lambda d: d.update(placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]),
    ),
    _variant("runtime platform", lambda d: d.update(runtimePlatform={"cpuArchitecture": "ARM64"})),
    _variant("volumes", lambda d: d.update(volumes=[{"name": "cache", "host": {"sourcePath": "/var/cache"}}])),
    _variant("health check", lambda d: _app(d)["healthCheck"].update(retries=5)),
    _variant("docker labels", lambda d: _app(d).update(dockerLabels={"Team": "Web"})),
    _variant(
        "secrets",
        lambda d: _app(d).update(secrets=[{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/db"}]),
    ),
    _variant("ulimits", lambda d: _app(d).update(ulimits=[{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}])),
    _variant("essential", lambda d: d["containerDefinitions"][1].update(essential=True)),
    _variant("container memory", lambda d: _app(d).update(memory=128)),
    _variant("pid mode", lambda d: d.update(pidMode="task")),
]


def test_bootstrap_idempotence_drift_images_and_check_mode(clean_sandbox):
    run = run_playbook(clean_sandbox, "taskdef_live.yml")
    assert run.rc == 0, run.output
    # The live image kept over the declared one is shown without -v, once, as a warning.
    kept = "container app keeps the live image example/web:2.0 (declared: nginx:1.27)"
    warnings = [line for line in run.output.splitlines() if "[WARNING]" in line and kept in line]
    assert len(warnings) == 1, run.output


def test_each_field_changed_alone_registers_exactly_one_revision(clean_sandbox):
    run = run_playbook(clean_sandbox, "taskdef_fields.yml", {"base": BASE, "variants": VARIANTS})
    assert run.rc == 0, run.output
    revisions = clean_sandbox.calls().get("ecs:RegisterTaskDefinition")
    assert revisions == 1 + len(VARIANTS), run.output


def test_module_defaults_group_covers_both_collections(clean_sandbox):
    run = run_playbook(clean_sandbox, "module_defaults.yml")
    assert run.rc == 0, run.output


def test_lost_response_throttling_and_bad_input(clean_sandbox):
    run = run_playbook(clean_sandbox, "taskdef_safety.yml")
    assert run.rc == 0, run.output


def test_prune_keeps_the_newest_and_what_is_in_use(clean_sandbox):
    run = run_playbook(clean_sandbox, "taskdef_prune.yml")
    assert run.rc == 0, run.output
