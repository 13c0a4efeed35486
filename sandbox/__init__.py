"""A local AWS endpoint for the tests, demos and benchmarks of driftless.ecs.

moto's server answers the AWS APIs; this package adds what moto's ECS lacks (task definitions shaped like the real
API's, services with rolling deployments that progress over time, tasks with a lifecycle, the circuit breaker) and
a WSGI layer with control endpoints for failure injection, throttling, lost responses and call accounting.
Start it with ``python -m sandbox --port PORT``; see ``sandbox/README.md``.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
