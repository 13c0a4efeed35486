"""examples/ci: valid workflow files that deploy with OIDC (no keys), the built image, and keep the report.

The schemas are those that check-jsonschema ships (SchemaStore's GitHub Actions workflow and GitLab CI schemas),
so this runs offline. The rest reads the files for what the examples promise.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "ci"
BIN = Path(sys.executable).parent
KEYS = re.compile(r"AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|aws-secret-access-key|aws-access-key-id|AKIA[0-9A-Z]{16}")


def _deploy_commands(text: str) -> list[str]:
    return [
        " ".join(match.split())
        for match in re.findall(r"ansible-playbook driftless\.ecs\.deploy[^\n]*(?:\n\s+-e[^\n]*)*", text)
    ]


@pytest.mark.parametrize(
    ("name", "schema"),
    [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_valid_against_the_ci_schema(name: str, schema: str) -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_actions_deploys_the_built_image_with_oidc_and_keeps_the_report() -> None:
    text = (EXAMPLES / "github-actions.yml").read_text()
    workflow = yaml.safe_load(text)
    assert not KEYS.search(text), "long-lived keys in the workflow"
    assert workflow["permissions"]["id-token"] == "write"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    steps = deploy["steps"]
    assume = [step for step in steps if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials")]
    assert [step["with"]["role-to-assume"] for step in assume] == ["${{ vars.AWS_DEPLOY_ROLE_ARN }}"]
    (run,) = [step for step in steps if "ansible-playbook driftless.ecs.deploy" in step.get("run", "")]
    assert run["env"]["DEPLOY_IMAGE"] == "${{ needs.build.outputs.image }}"
    assert workflow["jobs"]["build"]["outputs"]["image"] == "${{ steps.push.outputs.image }}"
    (command,) = _deploy_commands(text)
    assert '-e "deploy_image=$DEPLOY_IMAGE"' in command
    assert '-e "deploy_report_file=$DEPLOY_REPORT"' in command
    (upload,) = [step for step in steps if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ env.DEPLOY_REPORT }}"


def test_gitlab_ci_deploys_the_built_image_with_oidc_and_keeps_the_report() -> None:
    text = (EXAMPLES / "gitlab-ci.yml").read_text()
    pipeline = yaml.safe_load(text)
    assert not KEYS.search(text), "long-lived keys in the pipeline"
    oidc = pipeline[".aws-oidc"]
    assert oidc["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "sts.amazonaws.com"
    assert any("AWS_WEB_IDENTITY_TOKEN_FILE" in line for line in oidc["before_script"])
    build, deploy = pipeline["build-image"], pipeline["deploy-dev"]
    assert build["extends"] == deploy["extends"] == ".aws-oidc"
    assert build["artifacts"]["reports"]["dotenv"] == "image.env"
    assert any(line.startswith('echo "DEPLOY_IMAGE=') for line in build["script"])
    assert deploy["needs"] == [{"job": "build-image", "artifacts": True}]
    assert deploy["variables"]["AWS_ROLE_ARN"] == "$AWS_DEPLOY_ROLE_ARN"
    assert deploy["variables"]["DEPLOY_REPORT"] == "$CI_PROJECT_DIR/deploy-report.json"
    (command,) = _deploy_commands(text)
    assert '-e "deploy_image=$DEPLOY_IMAGE"' in command
    assert '-e "deploy_report_file=$DEPLOY_REPORT"' in command
    assert deploy["artifacts"]["when"] == "always"
    assert deploy["artifacts"]["paths"] == ["deploy-report.json"]
