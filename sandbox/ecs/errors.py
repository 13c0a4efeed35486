"""ECS error codes, raised as moto service exceptions so moto writes them in the JSON protocol's error shape."""

from __future__ import annotations

from moto.ecs.exceptions import ECSException


class EcsError(ECSException):
    """``{"__type": code, "message": message}`` with HTTP 400, as ECS answers client errors."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def client_error(message: str) -> EcsError:
    return EcsError("ClientException", message)


def invalid_parameter(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


def cluster_not_found() -> EcsError:
    return EcsError("ClusterNotFoundException", "Cluster not found.")


def service_not_found() -> EcsError:
    return EcsError("ServiceNotFoundException", "Service not found.")


def service_not_active() -> EcsError:
    return EcsError("ServiceNotActiveException", "Service was not ACTIVE.")
