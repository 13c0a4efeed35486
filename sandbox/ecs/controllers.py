"""The deployment controllers of the sandbox, by ``deploymentController.type``: which one steps a service.

Its own file so that the rolling model (deployments.py) and the blue/green model built on it (blue_green.py) are
both imported from above: neither needs the other to pick a controller, and there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.ecs.blue_green import BlueGreenController, uses_blue_green
from sandbox.ecs.deployments import RollingController

if TYPE_CHECKING:
    from sandbox.ecs.services import Service
    from sandbox.ecs.state import EcsStore


def ecs_controller(store: EcsStore, service: Service) -> RollingController:
    """The ECS deployment controller: rolling, or blue/green/linear/canary by the PRIMARY deployment's strategy."""
    primary = service.deployments[0] if service.deployments else None
    if primary is not None and uses_blue_green(primary.deployment_configuration):
        return BlueGreenController(store, service)
    return RollingController(store, service)


CONTROLLERS: dict[str, Callable[[EcsStore, Service], RollingController]] = {"ECS": ecs_controller}


def controller_for(store: EcsStore, service: Service) -> RollingController:
    """The controller that steps ``service``; the rolling one for a type the sandbox does not model."""
    controller_type = service.config["deploymentController"].get("type", "ECS")
    return CONTROLLERS.get(controller_type, RollingController)(store, service)
