# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: what a deploy must find in AWS before it writes, gathered from the task definitions it will register.

A task definition can be registered and a service moved to it, and its tasks still never start: an image tag that
was never pushed, a secret or a log group that is not there, an execution role that does not exist or that ECS
cannot assume, a load balancer that sends traffic to a container or port the new revision no longer has. ECS says
so minutes later, in the service's events. ``collect`` lists each resource once, with every place that uses it, so
that ``verification`` can ask AWS for each with one call (a batch where the API has one) and say what is missing
where: ``ecs_services[web] container app image ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocabulary import ECS_TASKS_PRINCIPAL

# ECR's private registry host: ACCOUNT.dkr.ecr.REGION.amazonaws.com (amazonaws.com.cn in China).
_ECR_HOST = re.compile(r"^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_ARN = re.compile(r"^arn:[^:]+:([^:]+):([^:]*):(\d{12})?:(.+)$")


@dataclass(frozen=True)
class EcrImage:
    account: str
    region: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def image_id(self) -> dict:
        return {"imageDigest": self.digest} if self.digest else {"imageTag": self.tag or "latest"}

    @property
    def shown(self) -> str:
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag or 'latest'}"


def ecr_image(reference: str) -> EcrImage | None:
    """The ECR repository and tag or digest of an image reference; None for any other registry."""
    host, _slash, rest = reference.partition("/")
    match = _ECR_HOST.match(host)
    if not match or not rest:
        return None
    name, digest = rest, None
    if "@" in name:
        name, digest = name.split("@", 1)
    tag = None
    if ":" in name:
        name, tag = name.rsplit(":", 1)
    return EcrImage(match.group(1), match.group(2), name, tag, digest)


@dataclass
class Checklist:
    """Every resource the new revisions need, each with the places that use it (for the messages)."""

    clusters: dict = field(default_factory=dict)  # cluster -> [where]
    images: dict = field(default_factory=dict)  # (account, region, repository) -> {image: [where]}
    pulls: dict = field(default_factory=dict)  # (account, region, repository) -> {pulling account: [where]}
    roles: dict = field(default_factory=dict)  # role name -> [where]
    parameters: dict = field(default_factory=dict)  # region -> {parameter name: [where]}
    secrets: dict = field(default_factory=dict)  # region -> {secret ARN: [where]}
    log_groups: dict = field(default_factory=dict)  # region -> {group: [where]}
    target_groups: dict = field(default_factory=dict)  # region -> {target group ARN: [(where, network mode)]}
    problems: list = field(default_factory=list)  # found without asking AWS
    notes: list = field(default_factory=list)  # what was not checked, and why

    def count(self) -> int:
        nested = (self.images, self.parameters, self.secrets, self.log_groups, self.target_groups)
        return len(self.clusters) + len(self.roles) + sum(len(inner) for group in nested for inner in group.values())


@dataclass
class VerifyItem:
    """One task definition about to be registered or run, and where it goes."""

    label: str  # how messages name the service: ecs_services[web], or definitions[2]
    definition: dict  # the RegisterTaskDefinition request, with the images it will run
    region: str
    account: str | None  # of the service, when known: a cross-account pull needs the repository's consent
    cluster: str | None = None
    cluster_known: bool = True  # DescribeServices found the service, so its cluster exists
    load_balancers: list = field(default_factory=list)  # the service's loadBalancers, as DescribeServices says


def collect(items: list[VerifyItem]) -> Checklist:
    checklist = Checklist()
    for item in items:
        if item.cluster and not item.cluster_known:
            checklist.clusters.setdefault(item.cluster, []).append(item.label)
        definition = item.definition
        for role_field in ("executionRoleArn", "taskRoleArn"):
            arn = definition.get(role_field)
            if arn:
                checklist.roles.setdefault(role_name(arn), []).append(f"{item.label} {role_field} {arn}")
        for container in definition.get("containerDefinitions") or []:
            _collect_container(checklist, item, container)
        _check_load_balancers(checklist, item)
    return checklist


def _collect_container(checklist: Checklist, item: VerifyItem, container: dict) -> None:
    where = f"{item.label} container {container.get('name')}"
    image = ecr_image(container.get("image") or "")
    if image is None:
        checklist.notes.append(f"{where}: image {container.get('image')} is not in ECR; not checked")
    else:
        key = (image.account, image.region, image.repository)
        checklist.images.setdefault(key, {}).setdefault(image, []).append(f"{where} image {container.get('image')}")
        if item.account and item.account != image.account:
            checklist.pulls.setdefault(key, {}).setdefault(item.account, []).append(where)
    for index, secret in enumerate(container.get("secrets") or []):
        _collect_secret(checklist, item, f"{where} secrets[{index}] ({secret.get('name')})", secret.get("valueFrom"))
    log = container.get("logConfiguration") or {}
    options = log.get("options") or {}
    if log.get("logDriver") == "awslogs" and options.get("awslogs-group"):
        if str(options.get("awslogs-create-group", "")).lower() == "true":
            checklist.notes.append(
                f"{where}: log group {options['awslogs-group']} is made by ECS (awslogs-create-group)"
            )
        else:
            region = options.get("awslogs-region") or item.region
            groups = checklist.log_groups.setdefault(region, {})
            groups.setdefault(options["awslogs-group"], []).append(f"{where} logConfiguration awslogs-group")


def _collect_secret(checklist: Checklist, item: VerifyItem, where: str, value_from: str | None) -> None:
    if not value_from:
        return
    match = _ARN.match(value_from)
    if match and match.group(1) == "secretsmanager":
        # arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX[:json-key:version-stage:version-id]
        arn = ":".join(value_from.split(":")[:7])
        checklist.secrets.setdefault(match.group(2) or item.region, {}).setdefault(arn, []).append(where)
    elif match and match.group(1) == "ssm":
        resource = match.group(4)
        name = resource[len("parameter") :] if resource.startswith("parameter/") else resource
        # "parameter/db" is the ARN of "db"; "parameter/shop/db" that of "/shop/db".
        name = name if name.count("/") > 1 else name.lstrip("/")
        checklist.parameters.setdefault(match.group(2) or item.region, {}).setdefault(name, []).append(where)
    elif match:
        checklist.notes.append(f"{where}: valueFrom {value_from} is not an SSM parameter or a secret; not checked")
    else:
        # A bare name is a parameter of the task's own region.
        checklist.parameters.setdefault(item.region, {}).setdefault(value_from, []).append(where)


def _check_load_balancers(checklist: Checklist, item: VerifyItem) -> None:
    """The new revision must still have the container and port each load balancer of the service sends to."""
    ports: dict[str, set] = {}
    for container in item.definition.get("containerDefinitions") or []:
        ports[container.get("name")] = {
            mapping.get("containerPort") for mapping in container.get("portMappings") or [] if mapping
        }
    network_mode = item.definition.get("networkMode") or "bridge"
    for index, balancer in enumerate(item.load_balancers):
        where = f"{item.label} load_balancers[{index}]"
        name, port = balancer.get("containerName"), balancer.get("containerPort")
        if name not in ports:
            checklist.problems.append(
                f"{where}: the load balancer sends traffic to container {name!r}, which the new revision does not "
                f"have (containers: {', '.join(sorted(str(key) for key in ports))})"
            )
        elif port not in ports[name]:
            checklist.problems.append(
                f"{where}: the load balancer sends traffic to port {port} of container {name!r}, which the new "
                f"revision does not map (its portMappings: {sorted(p for p in ports[name] if p is not None)})"
            )
        arn = balancer.get("targetGroupArn")
        if arn:
            region = (_ARN.match(arn).group(2) if _ARN.match(arn) else None) or item.region
            checklist.target_groups.setdefault(region, {}).setdefault(arn, []).append((where, network_mode))


def role_name(arn: str) -> str:
    """The role's name from its ARN (a path before it dropped): what iam:GetRole takes."""
    return arn.rsplit("/", 1)[-1] if arn.startswith("arn:") else arn


def role_problem(role: dict | None) -> str | None:
    """Why ECS could not use this role for a task, or None."""
    if role is None:
        return "does not exist"
    document = role.get("AssumeRolePolicyDocument") or {}
    for statement in document.get("Statement") or []:
        if statement.get("Effect") != "Allow":
            continue
        services = (statement.get("Principal") or {}).get("Service") or []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if ECS_TASKS_PRINCIPAL in services and any(action in ("sts:AssumeRole", "sts:*", "*") for action in actions):
            return None
    return f"does not trust {ECS_TASKS_PRINCIPAL} (its trust policy must allow sts:AssumeRole for it)"


def target_group_problem(group: dict | None, network_mode: str) -> str | None:
    """Why a service of ``network_mode`` could not register its tasks in this target group, or None."""
    if group is None:
        return "does not exist"
    wanted = "ip" if network_mode == "awsvpc" else "instance"
    if group.get("TargetType") not in (None, wanted):
        return (
            f"has target type {group.get('TargetType')}, and tasks in networkMode {network_mode} register as "
            f"{wanted} targets"
        )
    return None
