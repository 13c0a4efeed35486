"""ecs_service_rollout's options against botocore's CreateService and UpdateService: a field AWS adds is seen here.

Every member of the two requests is either an option of the module (snake_case), a member the module sets itself
(``cluster``, ``serviceName``/``service``, ``clientToken``), or in NOT_YET, with the reason. A new member of the
model at the version requirements.txt names fails this test until it is one of the three.
"""

from __future__ import annotations

import botocore.session
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import SERVICE_ARG_SPEC, SPEC_DRIVEN_OPTIONS
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_normalize import ecs_name

SET_BY_THE_MODULE = {"cluster", "serviceName", "service", "clientToken"}
# Members the module does not take yet, each with the reason. Empty: every member is an option.
NOT_YET: dict[str, str] = {}


def _members(operation: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("ecs")
    return set(model.operation_model(operation).input_shape.members)


def test_every_create_and_update_service_member_is_an_option_or_accounted_for():
    options = set(SERVICE_ARG_SPEC) | {"force_new_deployment"}
    uncovered = {
        member
        for member in _members("CreateService") | _members("UpdateService")
        if member not in SET_BY_THE_MODULE | set(NOT_YET)
        and next(iter(camel_dict_to_snake_dict({member: None}))) not in options
    }
    assert not uncovered, f"botocore models {sorted(uncovered)}: add them to the module, or to NOT_YET with a reason"
    assert all(NOT_YET.values())
    assert set(NOT_YET) <= _members("CreateService"), "NOT_YET names a member the model no longer has"


def test_every_nested_member_of_the_new_settings_is_an_option():
    """The settings whose ECS shape follows their argument spec: every member, at every depth, is an option."""
    model = botocore.session.get_session().get_service_model("ecs")
    request = model.operation_model("CreateService").input_shape

    def uncovered(shape, spec, path):
        if shape.type_name == "list":
            shape = shape.member
        if shape.type_name != "structure":
            return []
        options = spec.get("options") or {}
        by_ecs_name = {ecs_name(name): name for name in options}
        missing = []
        for member, member_shape in shape.members.items():
            if member not in by_ecs_name:
                missing.append(f"{path}.{member}")
            else:
                missing += uncovered(member_shape, options[by_ecs_name[member]], f"{path}.{member}")
        return missing

    for option, field in SPEC_DRIVEN_OPTIONS.items():
        assert not uncovered(request.members[field], SERVICE_ARG_SPEC[option], field)


def test_every_deployment_configuration_member_is_an_option():
    model = botocore.session.get_session().get_service_model("ecs")
    members = set(model.shape_for("DeploymentConfiguration").members)
    options = set(SERVICE_ARG_SPEC["deployment_configuration"]["options"])
    snake = {next(iter(camel_dict_to_snake_dict({member: None}))) for member in members}
    assert snake == options
