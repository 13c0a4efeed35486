"""Secret values never appear in task output, logs or diffs: bootstrap and deploy with -vvv --diff, searched whole."""

from __future__ import annotations

import json
import secrets
import urllib.request

from tests.conftest import REPO_ROOT
from tests.reliability.conftest import run_playbook
from tests.support.aws import application_load_balancer, client

EXAMPLE_INVENTORY = str(REPO_ROOT / "inventories" / "example")
PLAYBOOKS = REPO_ROOT / "playbooks"
ROLE_ARN = "arn:aws:iam::123456789012:role/shop-deployer"


def _prod_environment(sandbox) -> dict:
    """The example inventory's prod (which assumes ecs_assume_role_arn), on a network and ALB made here."""
    made = application_load_balancer(sandbox, "shop-prod", octet=40)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    client(sandbox, "iam").create_role(RoleName="shop-deployer", AssumeRolePolicyDocument=json.dumps(trust))
    return {
        "target": "prod",
        "ecs_region": "us-east-1",
        "shop_account_id": "123456789012",
        "ecs_assume_role_arn": ROLE_ARN,
        "shop_vpc_id": made["vpc_id"],
        "shop_subnets": made["subnets"],
        "shop_security_groups": [made["security_group"]],
        "shop_listener_arn": made["listener"],
        "shop_web_count": 1,
        "shop_worker_count": 1,
        "bootstrap_poll_interval": 0.2,
        "deploy_poll_interval": 0.2,
    }


def _assumed_credentials(sandbox) -> list[str]:
    """Every session token and secret key the sandbox's STS handed out (moto's model data)."""
    with urllib.request.urlopen(sandbox.url + "/moto-api/data.json", timeout=10) as response:
        sessions = json.loads(response.read()).get("sts", {}).get("AssumedRole", [])
    return [session[field] for session in sessions for field in ("session_token", "secret_access_key")]


def test_secret_values_never_reach_the_output_of_bootstrap_and_deploy(clean_sandbox):
    environment = _prod_environment(clean_sandbox)
    secret_key = "planted/AWS/secret+" + secrets.token_hex(16)
    ssm_value = "ssm-planted-" + secrets.token_hex(12)
    database_url = "postgres://shop:sm-planted-" + secrets.token_hex(12) + "@db/shop"
    client(clean_sandbox, "ssm").put_parameter(Name="/shop/prod/session-key", Value=ssm_value, Type="SecureString")
    client(clean_sandbox, "secretsmanager").create_secret(Name="shop/prod/database-url", SecretString=database_url)
    credentials = {"AWS_SECRET_ACCESS_KEY": secret_key}

    bootstrap = run_playbook(
        clean_sandbox,
        PLAYBOOKS / "bootstrap.yml",
        environment,
        args=("-i", EXAMPLE_INVENTORY, "-vvv", "--diff"),
        env=credentials,
    )
    assert bootstrap.rc == 0, bootstrap.output[-5000:]
    deploy = run_playbook(
        clean_sandbox,
        PLAYBOOKS / "deploy.yml",
        {**environment, "deploy_service": "web", "deploy_image": "public.ecr.aws/nginx/nginx:1.28"},
        args=("-i", EXAMPLE_INVENTORY, "-vvv", "--diff"),
        env=credentials,
    )
    assert deploy.rc == 0, deploy.output[-5000:]
    output = bootstrap.output + deploy.output

    # The output is the verbose one, with module arguments and diffs, and the role was assumed in both runs.
    assert "EXEC" in output and "module_args" in output, output[-3000:]
    assert "--- before" in deploy.output or '"before"' in deploy.output
    assumed = _assumed_credentials(clean_sandbox)
    assert len(assumed) >= 4, "each run assumed the environment's role"
    assert clean_sandbox.calls().get("sts:AssumeRole", 0) >= 2

    # The search sees what the runs handled: the secrets' references are in the output, by name.
    assert "parameter/shop/prod/session-key" in output and "secret:shop/prod/database-url" in output

    planted = {"AWS secret key": secret_key, "SSM SecureString": ssm_value, "Secrets Manager": database_url}
    planted.update({f"assumed credential {index}": value for index, value in enumerate(assumed)})
    leaked = [name for name, value in planted.items() if value in output]
    assert leaked == [], f"secret values in the output: {leaked}"

    # Containers get their secrets by reference: the ARNs are in the task definitions, the values nowhere.
    ecs = client(clean_sandbox, "ecs")
    for family in ("shop-prod-web", "shop-prod-worker"):
        definition = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
        text = json.dumps(definition, default=str)
        assert ssm_value not in text and database_url not in text and secret_key not in text
        references = [item for c in definition["containerDefinitions"] for item in c.get("secrets", [])]
        assert references and all(set(item) == {"name", "valueFrom"} for item in references), references
        assert all(item["valueFrom"].startswith(("arn:aws:ssm:", "arn:aws:secretsmanager:")) for item in references)
