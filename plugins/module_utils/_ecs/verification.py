# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask AWS for everything a deploy's new revisions need, before anything is written. Following layer.

``verify_plan.collect`` (pure) lists each cluster, image, role, secret, log group and target group once; this file
makes one read per resource (a batch where the API has one: ECR images per repository, SSM parameters fifty at a
time, target groups per region), each in the resource's own region, and turns what is missing into messages that
name the service, the container and the field. No value of a secret or parameter is ever read.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from . import api
from .exceptions import AnsibleECSError, ECSValidationError
from .verify_plan import Checklist, VerifyItem, collect, role_problem, target_group_problem

# connect_to(service, region) -> a client: the modules build them only when a check needs one.
Connect = Callable[[str, "str | None"], Any]


class _Clients:
    def __init__(self, connect_to: Connect) -> None:
        self._connect_to = connect_to
        self._made: dict = {}
        self.calls = 0

    def get(self, service: str, region: str | None) -> Any:
        key = (service, region)
        if key not in self._made:
            self._made[key] = self._connect_to(service, region)
        self.calls += 1
        return self._made[key]


def verify(ecs: Any, items: list[VerifyItem], connect_to: Connect) -> dict:
    """Check every resource the items need; raise ECSValidationError naming each one that is missing.

    Returns:
        ``{"checked": resources asked about, "calls": AWS calls made, "notes": what was not checked, and why}``.
    """
    clients = _Clients(connect_to)
    unknown = sorted({item.cluster for item in items if item.cluster and not item.cluster_known})
    found = {}
    if unknown:
        clients.calls += 1
        found = {cluster.get("clusterName"): cluster for cluster in api.describe_clusters(ecs, unknown)}
    for item in items:
        # A service to create: its account (whose pulls another registry must allow) is its cluster's.
        arn = (found.get(item.cluster) or {}).get("clusterArn") or ""
        if item.account is None and arn.count(":") >= 5:
            item.account = arn.split(":")[4]
    checklist = collect(items)
    problems = list(checklist.problems)
    problems += _clusters(checklist, found)
    problems += _images(checklist, clients)
    problems += _roles(checklist, clients)
    problems += _secrets(checklist, clients)
    problems += _log_groups(checklist, clients)
    problems += _target_groups(checklist, clients)
    if problems:
        raise ECSValidationError(
            "verify found what the new revisions need missing, and wrote nothing: " + "; ".join(problems),
            verify={"problems": problems, "notes": checklist.notes},
        )
    return {"checked": checklist.count(), "calls": clients.calls, "notes": checklist.notes}


def _clusters(checklist: Checklist, found: dict) -> list[str]:
    active = {name for name, cluster in found.items() if cluster.get("status") == "ACTIVE"}
    return [
        f"{', '.join(where)}: cluster {name!r} does not exist or is not ACTIVE"
        for name, where in sorted(checklist.clusters.items())
        if name not in active
    ]


def _images(checklist: Checklist, clients: _Clients) -> list[str]:
    problems = []
    for (account, region, repository), images in sorted(checklist.images.items()):
        pulling = checklist.pulls.get((account, region, repository))
        if pulling:
            problems += _pulled_from_another_account(clients, (account, region, repository), images, pulling)
            continue
        found = api.describe_images(clients.get("ecr", region), account, repository, [i.image_id for i in images])
        if found is None:
            # One of them (or the repository) is missing: ECR refused the batch, so ask one image a call.
            for image, where in images.items():
                if api.describe_images(clients.get("ecr", region), account, repository, [image.image_id]) is None:
                    problems.append(
                        f"{', '.join(where)}: {image.shown} is not in ECR (repository {repository} of account "
                        f"{account} in {region})"
                    )
    return problems


def _pulled_from_another_account(clients: _Clients, key: tuple, images: dict, pulling: dict) -> list[str]:
    """An image of another account's registry: BatchGetImage, the pull's own first step, answers both questions
    (does the repository policy let this account pull, and is the image there)."""
    account, region, repository = key
    where = [place for places in pulling.values() for place in places]
    try:
        answer = api.batch_get_image(clients.get("ecr", region), account, repository, [i.image_id for i in images])
    except AnsibleECSError as error:
        text = str(error.exception or error.message)
        if "AccessDenied" in text or "RepositoryNotFound" in text:
            return [
                f"{', '.join(where)}: repository {repository} of account {account} does not let account "
                f"{', '.join(sorted(pulling))} pull (its repository policy must allow ecr:BatchGetImage and "
                "ecr:GetDownloadUrlForLayer to that account, or the repository is missing); the tasks would fail "
                "with CannotPullContainerError. The bootstrap of the repository's environment grants it when both "
                "environments declare the repository and this one's ecs_account_id (docs/ecs_services.md, Image "
                "repositories)"
            ]
        raise
    missing = {json.dumps(failure.get("imageId"), sort_keys=True) for failure in answer["failures"]}
    return [
        f"{', '.join(where_used)}: {image.shown} is not in ECR (repository {repository} of account {account} in "
        f"{region})"
        for image, where_used in images.items()
        if json.dumps(image.image_id, sort_keys=True) in missing
    ]


def _roles(checklist: Checklist, clients: _Clients) -> list[str]:
    problems = []
    for name, where in sorted(checklist.roles.items()):
        problem = role_problem(api.get_role(clients.get("iam", None), name))
        if problem:
            problems.append(f"{', '.join(where)}: role {name} {problem}")
    return problems


def _secrets(checklist: Checklist, clients: _Clients) -> list[str]:
    problems = []
    for region, names in sorted(checklist.parameters.items()):
        found = api.existing_parameters(clients.get("ssm", region), sorted(names))
        problems += [
            f"{', '.join(where)}: SSM parameter {name} does not exist in {region}"
            for name, where in sorted(names.items())
            if name not in found
        ]
    for region, arns in sorted(checklist.secrets.items()):
        for arn, where in sorted(arns.items()):
            if api.describe_secret(clients.get("secretsmanager", region), arn) is None:
                problems.append(f"{', '.join(where)}: secret {arn} does not exist")
    return problems


def _log_groups(checklist: Checklist, clients: _Clients) -> list[str]:
    problems = []
    for region, groups in sorted(checklist.log_groups.items()):
        for group, where in sorted(groups.items()):
            if not api.log_group_exists(clients.get("logs", region), group):
                problems.append(
                    f"{', '.join(where)}: log group {group} does not exist in {region} (bootstrap makes it, or set "
                    "awslogs-create-group)"
                )
    return problems


def _target_groups(checklist: Checklist, clients: _Clients) -> list[str]:
    problems = []
    for region, groups in sorted(checklist.target_groups.items()):
        arns = sorted(groups)
        found = api.describe_target_groups(clients.get("elbv2", region), arns)
        if found is None:
            found = []
            for arn in arns:
                found += api.describe_target_groups(clients.get("elbv2", region), [arn]) or []
        by_arn = {group["TargetGroupArn"]: group for group in found}
        for arn, uses in groups.items():
            for where, network_mode in uses:
                problem = target_group_problem(by_arn.get(arn), network_mode)
                if problem:
                    problems.append(f"{where}: target group {arn} {problem}")
    return problems
