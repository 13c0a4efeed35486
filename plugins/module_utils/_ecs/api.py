# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The only code of the collection that calls boto3. API layer.

One function per AWS call. Each takes a client built by ``connect`` and explicit arguments, and returns the
unwrapped payload. A resource that does not exist comes back as ``None`` or ``[]``; any other failure raises
``AnsibleECSError``.

Every function names its retry policy in its decorators, where a reader sees it:

- ``RETRY_SAFE``: throttling (``ThrottlingException`` included, which amazon.aws does not know) and ECS's 5xx. For
  reads, and for writes ECS applies idempotently (UpdateService with the same arguments, tagging, deregistering).
- ``RETRY_THROTTLED``: throttling only. For writes that a repeat after a lost answer could double or refuse
  (StopServiceDeployment, ContinueServiceDeployment): a throttled request was never performed. CreateService is
  RETRY_SAFE: it carries a ``clientToken``, so a repeat returns the service the lost answer made.
- RegisterTaskDefinition is not retried here: ``taskdef_live.register_once`` recovers a lost answer itself.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from typing import Any, Callable

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .exceptions import AnsibleECSError
from .parallel import in_parallel
from .vocabulary import family_of

# amazon.aws retries the generic throttling codes only; ECS answers with its own code.
THROTTLING_CODES = ["ThrottlingException"]
# ECS's 5xx: the request may or may not have been performed.
SERVER_ERROR_CODES = ["ServerException", "ServiceUnavailableException"]

RETRY_SAFE = AWSRetry.jittered_backoff(
    retries=10, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=THROTTLING_CODES + SERVER_ERROR_CODES
)
RETRY_THROTTLED = AWSRetry.jittered_backoff(
    retries=10, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=THROTTLING_CODES
)

# botocore's own retry layer would resend a RegisterTaskDefinition whose response was lost and leave a duplicate
# revision. Retries are ours alone: the policies above and the register recovery. (botocore's "max_attempts"
# counts retries, not attempts: total_max_attempts 1 is the one that means "once".)
NO_BOTOCORE_RETRIES = {"retries": {"mode": "standard", "total_max_attempts": 1}}


class ECSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["ClusterNotFoundException", "ServiceNotFoundException"])


class TaskDefinitionErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        # DescribeTaskDefinition answers a missing family or revision with a generic ClientException.
        return is_boto3_error_code("ClientException")


def _in_batches(read: Any, names: list[str], size: int) -> list[dict]:
    """``read`` of every batch of ``size`` names, eight batches at a time, the answers in one list."""
    batches = [names[start : start + size] for start in range(0, len(names), size)]
    return [item for found in in_parallel(read, batches) for item in found]


class ClientOnFirstUse:
    """A boto3 client made when a call first needs it.

    Making a client costs about a tenth of a second (botocore reads the service's model and the endpoint rules). A
    run that never calls the service (the account, log groups and IAM roles make no ECS call; a rollout without load
    balancers makes no ELB call) does not pay it. Threads of ``in_parallel`` may ask at once: one makes it.

    A client that cannot be made (no region, say) fails the module once: ``make`` ends it the way the module's
    ``fail_json`` does, and the threads that ask after it get the same exception, not a second failure.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._client: Any = None
        self._failure: BaseException | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._client is None:
                try:
                    self._client = self._make()
                except BaseException as failure:  # SystemExit of fail_json included: it must not be made again
                    self._failure = failure
                    raise
        return getattr(self._client, name)


def connect(module: Any, service: str = "ecs", region: str | None = None) -> Any:
    """A boto3 client of ``service`` (in ``region``, else the module's) with botocore's own retries off; the
    functions below retry."""
    if region:
        return module.client(service, config=NO_BOTOCORE_RETRIES, region=region)
    return module.client(service, config=NO_BOTOCORE_RETRIES)


DESCRIBE_SERVICES_BATCH = 10


# Task definitions ---------------------------------------------------------------------------------


@TaskDefinitionErrorHandler.list_error_handler("describe task definition")
@RETRY_SAFE
def describe_task_definition(client: Any, task_definition: str) -> dict | None:
    """Describe a task definition by ARN, ``family:revision`` or family (newest ACTIVE revision).

    Returns:
        The ``taskDefinition`` payload with its ``tags`` list added, or None when there is none.
    """
    response = client.describe_task_definition(taskDefinition=task_definition, include=["TAGS"])
    definition = dict(response["taskDefinition"])
    definition["tags"] = response.get("tags", [])
    return definition


def register_task_definition(client: Any, request: dict) -> dict:
    """Register one revision. Deliberately not retried here: see ``taskdef_live.register_once``.

    Raises the botocore exception unchanged so the caller can tell a lost response from a rejection.
    """
    response = client.register_task_definition(**request)
    definition = dict(response["taskDefinition"])
    definition["tags"] = response.get("tags", [])
    return definition


@ECSErrorHandler.common_error_handler("list task definitions")
@RETRY_SAFE
def list_task_definitions(client: Any, family: str, status: str = "ACTIVE") -> list[str]:
    """ARNs of a family's revisions with ``status``, newest first."""
    paginator = client.get_paginator("list_task_definitions")
    arns: list[str] = []
    for page in paginator.paginate(familyPrefix=family, status=status, sort="DESC"):
        # familyPrefix matches prefixes: "web" also lists "web-worker".
        arns.extend(arn for arn in page["taskDefinitionArns"] if family_of(arn) == family)
    return arns


@ECSErrorHandler.common_error_handler("deregister task definition")
@RETRY_SAFE
def deregister_task_definition(client: Any, arn: str) -> dict:
    return client.deregister_task_definition(taskDefinition=arn)["taskDefinition"]


@ECSErrorHandler.common_error_handler("tag resource")
@RETRY_SAFE
def tag_resource(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(resourceArn=arn, tags=[{"key": k, "value": v} for k, v in tags.items()])


@ECSErrorHandler.common_error_handler("untag resource")
@RETRY_SAFE
def untag_resource(client: Any, arn: str, keys: list[str]) -> None:
    client.untag_resource(resourceArn=arn, tagKeys=list(keys))


# Clusters, services and tasks -----------------------------------------------------------------------


@ECSErrorHandler.common_error_handler("describe cluster")
@RETRY_SAFE
def describe_cluster(client: Any, cluster: str) -> dict | None:
    """The cluster if it exists and is ACTIVE, else None."""
    response = client.describe_clusters(clusters=[cluster])
    for found in response.get("clusters", []):
        if found.get("status") == "ACTIVE":
            return found
    return None


def describe_services(client: Any, cluster: str, services: list[str]) -> list[dict]:
    """Describe services in batches of ten, the most DescribeServices takes, several batches at a time.

    Returns:
        The services found, in no particular order. Missing ones are absent (INACTIVE ones are returned:
        callers decide what INACTIVE means to them).
    """
    return _in_batches(lambda batch: _describe_services(client, cluster, batch), services, DESCRIBE_SERVICES_BATCH)


@ECSErrorHandler.list_error_handler("describe services", default_value=[])
@RETRY_SAFE
def _describe_services(client: Any, cluster: str, batch: list[str]) -> list[dict]:
    return client.describe_services(cluster=cluster, services=batch, include=["TAGS"]).get("services", [])


def describe_service(client: Any, cluster: str, service: str) -> dict | None:
    """The service if it exists and is not INACTIVE, else None."""
    for found in describe_services(client, cluster, [service]):
        if found.get("status") != "INACTIVE" and service in (found.get("serviceName"), found.get("serviceArn")):
            return found
    return None


@ECSErrorHandler.common_error_handler("list services")
@RETRY_SAFE
def list_services(client: Any, cluster: str) -> list[str]:
    paginator = client.get_paginator("list_services")
    arns: list[str] = []
    for page in paginator.paginate(cluster=cluster):
        arns.extend(page["serviceArns"])
    return arns


@ECSErrorHandler.common_error_handler("list clusters")
@RETRY_SAFE
def list_clusters(client: Any) -> list[str]:
    paginator = client.get_paginator("list_clusters")
    arns: list[str] = []
    for page in paginator.paginate():
        arns.extend(page["clusterArns"])
    return arns


@ECSErrorHandler.common_error_handler("list tasks")
@RETRY_SAFE
def list_tasks(client: Any, cluster: str, service: str | None = None, desired_status: str = "RUNNING") -> list[str]:
    paginator = client.get_paginator("list_tasks")
    kwargs: dict[str, Any] = {"cluster": cluster, "desiredStatus": desired_status}
    if service:
        kwargs["serviceName"] = service
    arns: list[str] = []
    for page in paginator.paginate(**kwargs):
        arns.extend(page["taskArns"])
    return arns


@ECSErrorHandler.common_error_handler("describe tasks")
@RETRY_SAFE
def describe_tasks(client: Any, cluster: str, task_arns: list[str]) -> list[dict]:
    tasks: list[dict] = []
    for start in range(0, len(task_arns), 100):
        response = client.describe_tasks(cluster=cluster, tasks=task_arns[start : start + 100])
        tasks.extend(response.get("tasks", []))
    return tasks


@ECSErrorHandler.common_error_handler("run task")
@RETRY_SAFE
def run_task(client: Any, request: dict) -> dict:
    """RunTask. Retried like a read: the request carries a ``clientToken``, so a repeat after a lost answer returns
    the tasks the first one started instead of starting more. Returns ``{"tasks": [...], "failures": [...]}``."""
    response = client.run_task(**request)
    return {"tasks": response.get("tasks", []), "failures": response.get("failures", [])}


@ECSErrorHandler.common_error_handler("stop task")
@RETRY_SAFE
def stop_task(client: Any, cluster: str, task_arn: str, reason: str) -> None:
    """StopTask; stopping a task that is already stopping changes nothing."""
    client.stop_task(cluster=cluster, task=task_arn, reason=reason[:255])


@ECSErrorHandler.common_error_handler("create service")
@RETRY_SAFE
def create_service(client: Any, request: dict) -> dict:
    """CreateService. Retried like a read: the request's ``clientToken`` makes a repeat return the same service."""
    return client.create_service(**request)["service"]


@ECSErrorHandler.common_error_handler("update service")
@RETRY_SAFE
def update_service(client: Any, request: dict) -> dict:
    return client.update_service(**request)["service"]


@ECSErrorHandler.common_error_handler("delete service")
@RETRY_SAFE
def delete_service(client: Any, cluster: str, service: str, force: bool = True) -> dict:
    return client.delete_service(cluster=cluster, service=service, force=force)["service"]


# Service deployments (blue/green, linear, canary) --------------------------------------------------------

DESCRIBE_SERVICE_DEPLOYMENTS_BATCH = 20


@ECSErrorHandler.list_error_handler("list service deployments", default_value=[])
@RETRY_SAFE
def list_service_deployments(client: Any, cluster: str, service: str, statuses: list[str] | None = None) -> list[dict]:
    """Brief rows (``serviceDeploymentArn``, ``status``, ``startedAt``...) of a service's deployments, newest first."""
    kwargs: dict[str, Any] = {"cluster": cluster, "service": service}
    if statuses:
        kwargs["status"] = list(statuses)
    rows: list[dict] = []
    while True:
        response = client.list_service_deployments(**kwargs)
        rows.extend(response.get("serviceDeployments", []))
        if not response.get("nextToken"):
            return rows
        kwargs["nextToken"] = response["nextToken"]


def describe_service_deployments(client: Any, arns: list[str]) -> list[dict]:
    """Describe service deployments by ARN, twenty a call, several calls at a time. Unknown ARNs are left out."""
    return _in_batches(
        lambda batch: _describe_service_deployments(client, batch), arns, DESCRIBE_SERVICE_DEPLOYMENTS_BATCH
    )


@ECSErrorHandler.list_error_handler("describe service deployments", default_value=[])
@RETRY_SAFE
def _describe_service_deployments(client: Any, batch: list[str]) -> list[dict]:
    return client.describe_service_deployments(serviceDeploymentArns=batch).get("serviceDeployments", [])


def describe_service_revisions(client: Any, arns: list[str]) -> list[dict]:
    """Describe service revisions by ARN, twenty a call, several calls at a time. Unknown ARNs are left out."""
    return _in_batches(
        lambda batch: _describe_service_revisions(client, batch), arns, DESCRIBE_SERVICE_DEPLOYMENTS_BATCH
    )


@ECSErrorHandler.list_error_handler("describe service revisions", default_value=[])
@RETRY_SAFE
def _describe_service_revisions(client: Any, batch: list[str]) -> list[dict]:
    return client.describe_service_revisions(serviceRevisionArns=batch).get("serviceRevisions", [])


@ECSErrorHandler.common_error_handler("stop service deployment")
@RETRY_THROTTLED
def stop_service_deployment(client: Any, arn: str, stop_type: str = "ROLLBACK") -> str:
    """Stop a service deployment; ROLLBACK puts production traffic back on the revision that served it."""
    return client.stop_service_deployment(serviceDeploymentArn=arn, stopType=stop_type).get("serviceDeploymentArn", arn)


@ECSErrorHandler.common_error_handler("continue service deployment")
@RETRY_THROTTLED
def continue_service_deployment(client: Any, arn: str, hook_id: str, action: str = "CONTINUE") -> None:
    """Answer a PAUSE lifecycle hook that is AWAITING_ACTION."""
    client.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook_id, action=action)


# Elastic Load Balancing (read only) --------------------------------------------------------------------------


@ECSErrorHandler.list_error_handler("describe listener rules", default_value=[])
@RETRY_SAFE
def describe_rules(elbv2: Any, rule_arns: list[str]) -> list[dict]:
    """ELBv2 DescribeRules on an ``elbv2`` client from ``connect(module, "elbv2")``: the listener rules whose
    forward weights ECS shifts during a blue/green, linear or canary deployment."""
    if not rule_arns:
        return []
    return elbv2.describe_rules(RuleArns=list(rule_arns)).get("Rules", [])


# What a deploy checks before it writes (read only; verification.py) -----------------------------------------


class ReadErrorHandler(AWSErrorHandler):
    """The "not found" answers of ECR, IAM, SSM, Secrets Manager, CloudWatch Logs and ELBv2: None, not an error."""

    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            [
                "RepositoryNotFoundException",
                "RepositoryPolicyNotFoundException",
                "ImageNotFoundException",
                "NoSuchEntity",
                "ResourceNotFoundException",
                "TargetGroupNotFound",
                "ClusterNotFoundException",
            ]
        )


@ECSErrorHandler.list_error_handler("describe clusters", default_value=[])
@RETRY_SAFE
def describe_clusters(client: Any, clusters: list[str]) -> list[dict]:
    """The clusters found (any status); the ones missing are absent. At most 100 a call, as ECS takes."""
    found: list[dict] = []
    for start in range(0, len(clusters), 100):
        found.extend(client.describe_clusters(clusters=clusters[start : start + 100]).get("clusters", []))
    return found


@ReadErrorHandler.list_error_handler("describe images", default_value=None)
@RETRY_SAFE
def describe_images(ecr_client: Any, registry_id: str, repository: str, image_ids: list[dict]) -> list[dict] | None:
    """ECR DescribeImages of these tags or digests. None: the repository, or one of the images, does not exist
    (ECR refuses the whole call then; ask again one image a call to learn which)."""
    return ecr_client.describe_images(registryId=registry_id, repositoryName=repository, imageIds=image_ids)[
        "imageDetails"
    ]


@ECSErrorHandler.common_error_handler("batch get image")
@RETRY_SAFE
def batch_get_image(ecr_client: Any, registry_id: str, repository: str, image_ids: list[dict]) -> dict:
    """ECR BatchGetImage: a pull's first step, and what another account's repository policy must allow.

    Returns ``{"images": [...], "failures": [...]}``; AccessDeniedException (the repository does not let this
    account pull) and RepositoryNotFoundException raise, for the caller to tell apart.
    """
    response = ecr_client.batch_get_image(registryId=registry_id, repositoryName=repository, imageIds=image_ids)
    return {"images": response.get("images", []), "failures": response.get("failures", [])}


@ReadErrorHandler.list_error_handler("get role", default_value=None)
@RETRY_SAFE
def get_role(iam_client: Any, name: str) -> dict | None:
    """The IAM role (its trust policy decoded), or None."""
    role = dict(iam_client.get_role(RoleName=name)["Role"])
    document = role.get("AssumeRolePolicyDocument")
    if isinstance(document, str):
        role["AssumeRolePolicyDocument"] = json.loads(urllib.parse.unquote(document))
    return role


@ReadErrorHandler.list_error_handler("describe parameters", default_value=[])
@RETRY_SAFE
def existing_parameters(ssm_client: Any, names: list[str]) -> set[str]:
    """The names among ``names`` of SSM parameters that exist. DescribeParameters: values are never read."""
    found: set[str] = set()
    for start in range(0, len(names), 50):
        batch = names[start : start + 50]
        paginator = ssm_client.get_paginator("describe_parameters")
        filters = [{"Key": "Name", "Option": "Equals", "Values": batch}]
        for page in paginator.paginate(ParameterFilters=filters):
            found.update(parameter["Name"] for parameter in page.get("Parameters", []))
    return found


@ReadErrorHandler.list_error_handler("describe secret", default_value=None)
@RETRY_SAFE
def describe_secret(secretsmanager_client: Any, secret_id: str) -> dict | None:
    """The secret's metadata, or None. DescribeSecret never returns the value."""
    return secretsmanager_client.describe_secret(SecretId=secret_id)


@ReadErrorHandler.list_error_handler("describe log groups", default_value=False)
@RETRY_SAFE
def log_group_exists(logs_client: Any, name: str) -> bool:
    paginator = logs_client.get_paginator("describe_log_groups")
    for page in paginator.paginate(logGroupNamePrefix=name):
        if any(group.get("logGroupName") == name for group in page.get("logGroups", [])):
            return True
    return False


@ReadErrorHandler.list_error_handler("get log events", default_value=[])
@RETRY_SAFE
def last_log_lines(logs_client: Any, group: str, stream: str, count: int) -> list[str]:
    """The last ``count`` messages of a log stream, oldest first; [] when the group or stream does not exist."""
    if count <= 0:
        return []
    response = logs_client.get_log_events(logGroupName=group, logStreamName=stream, limit=count, startFromHead=False)
    return [event.get("message", "") for event in response.get("events", [])]


@ReadErrorHandler.list_error_handler("describe target health", default_value=[])
@RETRY_SAFE
def describe_target_health(elbv2: Any, target_group_arn: str) -> list[dict]:
    """ELBv2 DescribeTargetHealth of one target group: ``TargetHealthDescriptions``; [] when the group is gone."""
    return elbv2.describe_target_health(TargetGroupArn=target_group_arn).get("TargetHealthDescriptions", [])


@ReadErrorHandler.list_error_handler("describe target groups", default_value=None)
@RETRY_SAFE
def describe_target_groups(elbv2: Any, arns: list[str]) -> list[dict] | None:
    """The target groups; None when one of them does not exist (ELBv2 refuses the whole call then)."""
    return elbv2.describe_target_groups(TargetGroupArns=list(arns)).get("TargetGroups", [])


# The caller ---------------------------------------------------------------------------------------


@ECSErrorHandler.common_error_handler("get caller identity")
@RETRY_SAFE
def caller_identity(sts: Any) -> dict:
    """STS GetCallerIdentity: ``Account``, ``Arn`` and ``UserId``. It needs no permission."""
    return sts.get_caller_identity()


# IAM roles of ecs_iam_roles ---------------------------------------------------------------------------------------
# IAM answers a throttled request with "Throttling" (which AWSRetry knows) and a failure of its own with
# "ServiceFailure"; every write below but CreateRole is idempotent (a repeat puts the same document, attaches the
# same policy, sets the same tags).

IAM_RETRY_SAFE = AWSRetry.jittered_backoff(
    retries=10, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=["ServiceFailure"]
)


def _decoded_document(document: Any) -> Any:
    """IAM returns policy documents URL-encoded (RFC 3986) in its XML answers; botocore leaves them as text."""
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document


@ReadErrorHandler.list_error_handler("get role policy", default_value=None)
@IAM_RETRY_SAFE
def get_role_policy(iam_client: Any, role: str, policy_name: str) -> dict | None:
    """The inline policy's document, decoded, or None when the role has no inline policy of that name."""
    return _decoded_document(iam_client.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"])


@ReadErrorHandler.list_error_handler("list role policies", default_value=[])
@IAM_RETRY_SAFE
def list_role_policies(iam_client: Any, role: str) -> list[str]:
    """Names of the role's inline policies."""
    names: list[str] = []
    for page in iam_client.get_paginator("list_role_policies").paginate(RoleName=role):
        names.extend(page.get("PolicyNames", []))
    return names


@ReadErrorHandler.list_error_handler("list attached role policies", default_value=[])
@IAM_RETRY_SAFE
def list_attached_role_policies(iam_client: Any, role: str) -> list[str]:
    """ARNs of the managed policies attached to the role."""
    arns: list[str] = []
    for page in iam_client.get_paginator("list_attached_role_policies").paginate(RoleName=role):
        arns.extend(policy["PolicyArn"] for policy in page.get("AttachedPolicies", []))
    return arns


# A lost answer to CreateRole, repeated, is refused with EntityAlreadyExists: only throttling is retried.
@ReadErrorHandler.common_error_handler("create role")
@RETRY_THROTTLED
def create_role(iam_client: Any, request: dict) -> dict:
    """CreateRole of ``request``, its trust policy a document (sent as JSON)."""
    sent = {**request, "AssumeRolePolicyDocument": json.dumps(request["AssumeRolePolicyDocument"])}
    role = dict(iam_client.create_role(**sent)["Role"])
    role["AssumeRolePolicyDocument"] = _decoded_document(role.get("AssumeRolePolicyDocument"))
    return role


@ReadErrorHandler.common_error_handler("update assume role policy")
@IAM_RETRY_SAFE
def update_assume_role_policy(iam_client: Any, role: str, document: dict) -> None:
    iam_client.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(document))


@ReadErrorHandler.common_error_handler("update role")
@IAM_RETRY_SAFE
def update_role(iam_client: Any, role: str, settings: dict) -> None:
    """UpdateRole with ``Description`` and/or ``MaxSessionDuration``."""
    iam_client.update_role(RoleName=role, **settings)


@ReadErrorHandler.common_error_handler("put role policy")
@IAM_RETRY_SAFE
def put_role_policy(iam_client: Any, role: str, policy_name: str, document: dict) -> None:
    iam_client.put_role_policy(RoleName=role, PolicyName=policy_name, PolicyDocument=json.dumps(document))


@ReadErrorHandler.common_error_handler("delete role policy")
@IAM_RETRY_SAFE
def delete_role_policy(iam_client: Any, role: str, policy_name: str) -> None:
    iam_client.delete_role_policy(RoleName=role, PolicyName=policy_name)


@ReadErrorHandler.common_error_handler("attach role policy")
@IAM_RETRY_SAFE
def attach_role_policy(iam_client: Any, role: str, policy_arn: str) -> None:
    iam_client.attach_role_policy(RoleName=role, PolicyArn=policy_arn)


@ReadErrorHandler.common_error_handler("detach role policy")
@IAM_RETRY_SAFE
def detach_role_policy(iam_client: Any, role: str, policy_arn: str) -> None:
    iam_client.detach_role_policy(RoleName=role, PolicyArn=policy_arn)


@ReadErrorHandler.common_error_handler("tag role")
@IAM_RETRY_SAFE
def tag_role(iam_client: Any, role: str, tags: dict[str, str]) -> None:
    iam_client.tag_role(RoleName=role, Tags=[{"Key": key, "Value": value} for key, value in sorted(tags.items())])


@ReadErrorHandler.common_error_handler("untag role")
@IAM_RETRY_SAFE
def untag_role(iam_client: Any, role: str, keys: list[str]) -> None:
    iam_client.untag_role(RoleName=role, TagKeys=list(keys))


# Log groups of ecs_log_groups ---------------------------------------------------------------------------------------


@ReadErrorHandler.list_error_handler("describe log groups", default_value=[])
@RETRY_SAFE
def describe_log_groups(logs_client: Any, prefix: str) -> list[dict]:
    """Every log group whose name starts with ``prefix`` (fifty a page)."""
    found: list[dict] = []
    for page in logs_client.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix):
        found.extend(page.get("logGroups", []))
    return found


class LogGroupErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        # Made meanwhile by someone else: the group is there, which is what was asked.
        return is_boto3_error_code("ResourceAlreadyExistsException")


# A repeat after a lost answer is refused with ResourceAlreadyExistsException, which counts as made.
@LogGroupErrorHandler.deletion_error_handler("create log group")
@RETRY_THROTTLED
def create_log_group(logs_client: Any, name: str, tags: dict[str, str]) -> bool:
    """CreateLogGroup; False when the group already existed."""
    if tags:
        logs_client.create_log_group(logGroupName=name, tags=tags)
    else:
        logs_client.create_log_group(logGroupName=name)
    return True


@ECSErrorHandler.common_error_handler("put retention policy")
@RETRY_SAFE
def put_retention_policy(logs_client: Any, name: str, days: int) -> None:
    logs_client.put_retention_policy(logGroupName=name, retentionInDays=days)


# Load balancers, listeners, target groups and rules (ecs_load_balancers) -------------------------------------------

# ELBv2 answers a batch of names or ARNs with one unknown among them by refusing the whole call.
ELBV2_NAMES_PER_CALL = 20


class LoadBalancingErrorHandler(AWSErrorHandler):
    """ELBv2's and EC2's "not found" answers: None, not an error."""

    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            [
                "LoadBalancerNotFound",
                "TargetGroupNotFound",
                "ListenerNotFound",
                "InvalidGroup.NotFound",
                "InvalidSubnetID.NotFound",
            ]
        )


def _found_by_names(read: Any, names: list[str]) -> list[dict]:
    """Every item ``read`` finds among ``names``: twenty a call, and where a batch is refused because one of its
    names is unknown, one name a call, side by side."""
    found: list[dict] = []
    batches = [names[start : start + ELBV2_NAMES_PER_CALL] for start in range(0, len(names), ELBV2_NAMES_PER_CALL)]
    for batch, answer in zip(batches, in_parallel(read, batches)):
        if answer is not None:
            found.extend(answer)
            continue
        for single in in_parallel(read, [[name] for name in batch]):
            found.extend(single or [])
    return found


def describe_load_balancers(elbv2: Any, names: list[str] | None = None, arns: list[str] | None = None) -> list[dict]:
    """DescribeLoadBalancers of these names (or ARNs); the missing ones are left out."""
    if names:
        return _found_by_names(lambda batch: _describe_load_balancers(elbv2, Names=batch), list(names))
    if arns:
        return _found_by_names(lambda batch: _describe_load_balancers(elbv2, LoadBalancerArns=batch), list(arns))
    return []


@LoadBalancingErrorHandler.list_error_handler("describe load balancers", default_value=None)
@RETRY_SAFE
def _describe_load_balancers(elbv2: Any, **selection: list[str]) -> list[dict] | None:
    return elbv2.describe_load_balancers(**selection).get("LoadBalancers", [])


def describe_target_groups_by_names(elbv2: Any, names: list[str]) -> list[dict]:
    """DescribeTargetGroups of these names, twenty a call; the missing ones are left out."""
    return _found_by_names(lambda batch: _describe_target_groups_by_names(elbv2, batch), list(names))


@LoadBalancingErrorHandler.list_error_handler("describe target groups", default_value=None)
@RETRY_SAFE
def _describe_target_groups_by_names(elbv2: Any, names: list[str]) -> list[dict] | None:
    return elbv2.describe_target_groups(Names=names).get("TargetGroups", [])


@LoadBalancingErrorHandler.list_error_handler("describe listeners", default_value=[])
@RETRY_SAFE
def describe_listeners(elbv2: Any, load_balancer_arn: str) -> list[dict]:
    """Every listener of a load balancer; [] when it is gone."""
    paginator = elbv2.get_paginator("describe_listeners")
    return [item for page in paginator.paginate(LoadBalancerArn=load_balancer_arn) for item in page["Listeners"]]


@LoadBalancingErrorHandler.list_error_handler("describe listener rules", default_value=[])
@RETRY_SAFE
def describe_listener_rules(elbv2: Any, listener_arn: str) -> list[dict]:
    """Every rule of a listener, the default one included; [] when the listener is gone."""
    rules: list[dict] = []
    marker = None
    while True:
        page = elbv2.describe_rules(ListenerArn=listener_arn, **({"Marker": marker} if marker else {}))
        rules.extend(page.get("Rules", []))
        marker = page.get("NextMarker")
        if not marker:
            return rules


# CreateLoadBalancer, CreateTargetGroup and CreateListener with the same settings return what the first call made.
@ECSErrorHandler.common_error_handler("create load balancer")
@RETRY_SAFE
def create_load_balancer(elbv2: Any, request: dict) -> dict:
    return elbv2.create_load_balancer(**request)["LoadBalancers"][0]


@ECSErrorHandler.common_error_handler("create listener")
@RETRY_SAFE
def create_listener(elbv2: Any, request: dict) -> dict:
    return elbv2.create_listener(**request)["Listeners"][0]


@ECSErrorHandler.common_error_handler("modify listener")
@RETRY_SAFE
def modify_listener(elbv2: Any, request: dict) -> dict:
    return elbv2.modify_listener(**request)["Listeners"][0]


@ECSErrorHandler.common_error_handler("add listener certificates")
@RETRY_SAFE
def add_listener_certificates(elbv2: Any, listener_arn: str, certificate_arns: list[str]) -> None:
    elbv2.add_listener_certificates(
        ListenerArn=listener_arn, Certificates=[{"CertificateArn": arn} for arn in certificate_arns]
    )


@ECSErrorHandler.common_error_handler("create target group")
@RETRY_SAFE
def create_target_group(elbv2: Any, request: dict) -> dict:
    return elbv2.create_target_group(**request)["TargetGroups"][0]


@ECSErrorHandler.common_error_handler("modify target group")
@RETRY_SAFE
def modify_target_group(elbv2: Any, arn: str, changes: dict) -> None:
    elbv2.modify_target_group(TargetGroupArn=arn, **changes)


# A repeated CreateRule after a lost answer is refused (PriorityInUse): retried on throttling only.
@ECSErrorHandler.common_error_handler("create rule")
@RETRY_THROTTLED
def create_rule(elbv2: Any, request: dict) -> dict:
    return elbv2.create_rule(**request)["Rules"][0]


@ECSErrorHandler.common_error_handler("modify rule")
@RETRY_SAFE
def modify_rule(elbv2: Any, request: dict) -> dict:
    return elbv2.modify_rule(**request)["Rules"][0]


@LoadBalancingErrorHandler.list_error_handler("describe subnets", default_value=[])
@RETRY_SAFE
def describe_subnets(ec2: Any, subnet_ids: list[str]) -> list[dict]:
    """The subnets; [] when one of them does not exist (EC2 refuses the whole call then)."""
    if not subnet_ids:
        return []
    return ec2.describe_subnets(SubnetIds=list(subnet_ids)).get("Subnets", [])


@ECSErrorHandler.list_error_handler("describe vpcs", default_value=[])
@RETRY_SAFE
def describe_vpcs(ec2: Any, vpc_ids: list[str]) -> list[dict]:
    if not vpc_ids:
        return []
    return ec2.describe_vpcs(VpcIds=list(vpc_ids)).get("Vpcs", [])


@LoadBalancingErrorHandler.list_error_handler("describe security groups", default_value=[])
@RETRY_SAFE
def security_groups_named(ec2: Any, names: list[str], vpc_ids: list[str]) -> list[dict]:
    """The security groups of these names in these VPCs (a group made by an earlier run that stopped halfway)."""
    if not names or not vpc_ids:
        return []
    filters = [{"Name": "group-name", "Values": list(names)}, {"Name": "vpc-id", "Values": list(vpc_ids)}]
    return ec2.describe_security_groups(Filters=filters).get("SecurityGroups", [])


# A repeated CreateSecurityGroup is refused (InvalidGroup.Duplicate): retried on throttling only.
@ECSErrorHandler.common_error_handler("create security group")
@RETRY_THROTTLED
def create_security_group(ec2: Any, name: str, description: str, vpc_id: str) -> str:
    return ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc_id)["GroupId"]


@ECSErrorHandler.common_error_handler("authorize security group ingress")
@RETRY_THROTTLED
def authorize_ingress(ec2: Any, group_id: str, permissions: list[dict]) -> None:
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)


# ECR repositories and the IAM pieces of their push-only principals (ecs_repositories) ----------------------------


class RegistryErrorHandler(AWSErrorHandler):
    """ECR's and IAM's "not found" answers for repositories, their policies, users and OIDC providers: None."""

    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            [
                "RepositoryNotFoundException",
                "RepositoryPolicyNotFoundException",
                "LifecyclePolicyNotFoundException",
                "NoSuchEntity",
            ]
        )


@RegistryErrorHandler.list_error_handler("describe repositories", default_value=[])
@RETRY_SAFE
def describe_repositories(ecr_client: Any) -> list[dict]:
    """Every repository of the registry: one call for up to a thousand, where naming them would fail the whole call
    on the first that does not exist yet."""
    found: list[dict] = []
    for page in ecr_client.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 1000}):
        found.extend(page.get("repositories", []))
    return found


@RegistryErrorHandler.list_error_handler("get lifecycle policy", default_value=None)
@RETRY_SAFE
def get_lifecycle_policy(ecr_client: Any, repository: str) -> str | None:
    """The repository's lifecycle policy text, or None."""
    return ecr_client.get_lifecycle_policy(repositoryName=repository)["lifecyclePolicyText"]


@RegistryErrorHandler.list_error_handler("get repository policy", default_value=None)
@RETRY_SAFE
def get_repository_policy(ecr_client: Any, repository: str, registry_id: str | None = None) -> str | None:
    """The repository policy text, or None (no policy, or no repository)."""
    extra = {"registryId": registry_id} if registry_id else {}
    return ecr_client.get_repository_policy(repositoryName=repository, **extra)["policyText"]


@RegistryErrorHandler.common_error_handler("create repository")
@RETRY_THROTTLED
def create_repository(ecr_client: Any, name: str, scan_on_push: bool, immutable_tags: bool) -> dict:
    """CreateRepository, encrypted with ECR's default (AES256). Not retried on 5xx: a repeat would be refused as
    existing; the next run finds it."""
    return ecr_client.create_repository(
        repositoryName=name,
        imageScanningConfiguration={"scanOnPush": scan_on_push},
        imageTagMutability="IMMUTABLE" if immutable_tags else "MUTABLE",
    )["repository"]


@RegistryErrorHandler.common_error_handler("put image scanning configuration")
@RETRY_SAFE
def put_image_scanning_configuration(ecr_client: Any, repository: str, scan_on_push: bool) -> None:
    ecr_client.put_image_scanning_configuration(
        repositoryName=repository, imageScanningConfiguration={"scanOnPush": scan_on_push}
    )


@RegistryErrorHandler.common_error_handler("put image tag mutability")
@RETRY_SAFE
def put_image_tag_mutability(ecr_client: Any, repository: str, immutable_tags: bool) -> None:
    ecr_client.put_image_tag_mutability(
        repositoryName=repository, imageTagMutability="IMMUTABLE" if immutable_tags else "MUTABLE"
    )


@RegistryErrorHandler.common_error_handler("put lifecycle policy")
@RETRY_SAFE
def put_lifecycle_policy(ecr_client: Any, repository: str, document: dict) -> None:
    ecr_client.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=json.dumps(document))


@RegistryErrorHandler.common_error_handler("set repository policy")
@RETRY_SAFE
def set_repository_policy(ecr_client: Any, repository: str, document: dict) -> None:
    ecr_client.set_repository_policy(repositoryName=repository, policyText=json.dumps(document))


@RegistryErrorHandler.common_error_handler("delete repository policy")
@RETRY_SAFE
def delete_repository_policy(ecr_client: Any, repository: str) -> None:
    ecr_client.delete_repository_policy(repositoryName=repository)


@RegistryErrorHandler.list_error_handler("list OpenID Connect providers", default_value=[])
@RETRY_SAFE
def list_open_id_connect_providers(iam_client: Any) -> list[str]:
    """The ARNs of the account's OIDC identity providers (one call: IAM does not page this list)."""
    return [entry["Arn"] for entry in iam_client.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])]


@RegistryErrorHandler.list_error_handler("get OpenID Connect provider", default_value=None)
@RETRY_SAFE
def get_open_id_connect_provider(iam_client: Any, arn: str) -> dict | None:
    return iam_client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)


@RegistryErrorHandler.common_error_handler("create OpenID Connect provider")
@RETRY_THROTTLED
def create_open_id_connect_provider(iam_client: Any, url: str, audiences: list[str]) -> str:
    """CreateOpenIDConnectProvider without thumbprints: IAM trusts GitHub's and GitLab's certificates through its
    own library of root CAs, and fetches a thumbprint itself when one is needed."""
    return iam_client.create_open_id_connect_provider(Url=url, ClientIDList=audiences)["OpenIDConnectProviderArn"]


@RegistryErrorHandler.common_error_handler("add client id to OpenID Connect provider")
@RETRY_SAFE
def add_client_id_to_open_id_connect_provider(iam_client: Any, arn: str, audience: str) -> None:
    iam_client.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=audience)


@RegistryErrorHandler.list_error_handler("get user", default_value=None)
@RETRY_SAFE
def get_user(iam_client: Any, name: str) -> dict | None:
    return iam_client.get_user(UserName=name)["User"]


@RegistryErrorHandler.list_error_handler("get user policy", default_value=None)
@RETRY_SAFE
def get_user_policy(iam_client: Any, user: str, policy_name: str) -> dict | None:
    """The user's inline policy document (decoded), or None."""
    document = iam_client.get_user_policy(UserName=user, PolicyName=policy_name)["PolicyDocument"]
    return json.loads(urllib.parse.unquote(document)) if isinstance(document, str) else document


@RegistryErrorHandler.common_error_handler("put user policy")
@RETRY_SAFE
def put_user_policy(iam_client: Any, user: str, policy_name: str, document: dict) -> None:
    iam_client.put_user_policy(UserName=user, PolicyName=policy_name, PolicyDocument=json.dumps(document))


@RegistryErrorHandler.common_error_handler("describe registry")
@RETRY_SAFE
def registry_id(ecr_client: Any) -> str:
    """The account of the registry the client reaches (ECR DescribeRegistry)."""
    return ecr_client.describe_registry()["registryId"]


# Clusters of ecs_clusters -------------------------------------------------------------------------------------------


# CreateCluster of a name that exists returns that cluster unchanged: a repeat after a lost answer is harmless.
@ECSErrorHandler.common_error_handler("create cluster")
@RETRY_SAFE
def create_cluster(client: Any, request: dict) -> dict:
    return client.create_cluster(**request)["cluster"]


# Application Auto Scaling (ecs_service_scaling) ---------------------------------------------------------------------
# Every call below is a read or a put of the whole object: a repeat after a lost answer writes the same thing again.
# Application Auto Scaling also answers ConcurrentUpdateException while another change of the same target runs
# (a deploy suspending scale-in beside a bootstrap), and InternalServiceException for its 5xx.
SCALING_NAMESPACE = "ecs"
SCALING_DIMENSION = "ecs:service:DesiredCount"
RETRY_SCALING = AWSRetry.jittered_backoff(
    retries=10,
    delay=1,
    backoff=2.0,
    max_delay=20,
    catch_extra_error_codes=[*THROTTLING_CODES, "ConcurrentUpdateException", "InternalServiceException"],
)
DESCRIBE_SCALABLE_TARGETS_BATCH = 50


class ScalingErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ObjectNotFoundException")


def describe_scalable_targets(scaling_client: Any, resource_ids: list[str]) -> list[dict]:
    """The scalable targets (ECS desired count) of these ResourceIds, 50 a call as the API takes them; a service
    without one is absent."""
    return _in_batches(lambda batch: _describe_scalable_targets(scaling_client, batch), list(resource_ids), 50)


@ScalingErrorHandler.list_error_handler("describe scalable targets", default_value=[])
@RETRY_SCALING
def _describe_scalable_targets(scaling_client: Any, batch: list[str]) -> list[dict]:
    paginator = scaling_client.get_paginator("describe_scalable_targets")
    found: list[dict] = []
    for page in paginator.paginate(
        ServiceNamespace=SCALING_NAMESPACE, ResourceIds=batch, ScalableDimension=SCALING_DIMENSION
    ):
        found.extend(page.get("ScalableTargets", []))
    return found


@ScalingErrorHandler.common_error_handler("register scalable target")
@RETRY_SCALING
def register_scalable_target(scaling_client: Any, resource_id: str, **members: Any) -> None:
    """RegisterScalableTarget of an ECS service's desired count: MinCapacity, MaxCapacity, SuspendedState as given
    (a member left out keeps its value on an existing target)."""
    scaling_client.register_scalable_target(
        ServiceNamespace=SCALING_NAMESPACE, ResourceId=resource_id, ScalableDimension=SCALING_DIMENSION, **members
    )


@ScalingErrorHandler.list_error_handler("describe scaling policies", default_value=[])
@RETRY_SCALING
def describe_scaling_policies(scaling_client: Any) -> list[dict]:
    """Every scaling policy of the ECS namespace, in one paginated read: cheaper than one call per service."""
    paginator = scaling_client.get_paginator("describe_scaling_policies")
    found: list[dict] = []
    for page in paginator.paginate(ServiceNamespace=SCALING_NAMESPACE):
        found.extend(page.get("ScalingPolicies", []))
    return found


@ScalingErrorHandler.common_error_handler("put scaling policy")
@RETRY_SCALING
def put_scaling_policy(scaling_client: Any, resource_id: str, name: str, configuration: dict) -> str:
    """PutScalingPolicy of a target-tracking policy; its ARN."""
    return scaling_client.put_scaling_policy(
        PolicyName=name,
        ServiceNamespace=SCALING_NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=SCALING_DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration=configuration,
    )["PolicyARN"]


@ScalingErrorHandler.deletion_error_handler("delete scaling policy")
@RETRY_SCALING
def delete_scaling_policy(scaling_client: Any, resource_id: str, name: str) -> None:
    scaling_client.delete_scaling_policy(
        PolicyName=name, ServiceNamespace=SCALING_NAMESPACE, ResourceId=resource_id, ScalableDimension=SCALING_DIMENSION
    )


@ScalingErrorHandler.list_error_handler("describe scheduled actions", default_value=[])
@RETRY_SCALING
def describe_scheduled_actions(scaling_client: Any) -> list[dict]:
    """Every scheduled action of the ECS namespace, in one paginated read."""
    paginator = scaling_client.get_paginator("describe_scheduled_actions")
    found: list[dict] = []
    for page in paginator.paginate(ServiceNamespace=SCALING_NAMESPACE):
        found.extend(page.get("ScheduledActions", []))
    return found


@ScalingErrorHandler.common_error_handler("put scheduled action")
@RETRY_SCALING
def put_scheduled_action(scaling_client: Any, resource_id: str, name: str, request: dict) -> None:
    scaling_client.put_scheduled_action(
        ScheduledActionName=name,
        ServiceNamespace=SCALING_NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=SCALING_DIMENSION,
        **request,
    )


@ScalingErrorHandler.deletion_error_handler("delete scheduled action")
@RETRY_SCALING
def delete_scheduled_action(scaling_client: Any, resource_id: str, name: str) -> None:
    scaling_client.delete_scheduled_action(
        ScheduledActionName=name,
        ServiceNamespace=SCALING_NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=SCALING_DIMENSION,
    )


# EventBridge Scheduler (ecs_schedules) ------------------------------------------------------------------


class SchedulerErrorHandler(AWSErrorHandler):
    """EventBridge Scheduler answers a schedule (or group) that does not exist with ResourceNotFoundException."""

    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


@SchedulerErrorHandler.list_error_handler("get schedule", default_value=None)
@RETRY_SAFE
def get_schedule(scheduler_client: Any, name: str, group: str = "default") -> dict | None:
    """GetSchedule: the schedule with its whole target, or None. (ListSchedules leaves the target out, so a schedule
    is read one by one.)"""
    response = dict(scheduler_client.get_schedule(Name=name, GroupName=group))
    response.pop("ResponseMetadata", None)
    return response


@SchedulerErrorHandler.common_error_handler("create schedule")
@RETRY_SAFE
def create_schedule(scheduler_client: Any, request: dict, token: str) -> str:
    """CreateSchedule. Retried like a read: its ``ClientToken`` makes a repeat after a lost answer a no-op."""
    return scheduler_client.create_schedule(**request, ClientToken=token)["ScheduleArn"]


@SchedulerErrorHandler.common_error_handler("update schedule")
@RETRY_SAFE
def update_schedule(scheduler_client: Any, request: dict, token: str) -> str:
    """UpdateSchedule: replaces the whole schedule, so a repeat of the same request changes nothing."""
    return scheduler_client.update_schedule(**request, ClientToken=token)["ScheduleArn"]
