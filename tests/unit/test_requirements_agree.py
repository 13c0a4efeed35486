"""The SDK minimum is the same wherever a user reads it: requirements.txt, ansible-doc, the README and the code."""

from __future__ import annotations

import re

import yaml

from ansible_collections.driftless.ecs.plugins.doc_fragments.boto3 import ModuleDocFragment
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import entry
from tests.conftest import REPO_ROOT


def _requirements_txt() -> dict[str, str]:
    pins = re.findall(r"^(boto3|botocore)>=([\d.]+)$", (REPO_ROOT / "requirements.txt").read_text(), re.MULTILINE)
    return dict(pins)


def test_requirements_ansible_doc_readme_and_code_name_one_minimum():
    wanted = _requirements_txt()
    assert set(wanted) == {"boto3", "botocore"}

    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["requirements"]
    assert f"boto3 >= {wanted['boto3']}" in documented
    assert f"botocore >= {wanted['botocore']}" in documented

    assert (wanted["boto3"], wanted["botocore"]) == (entry.MINIMUM_BOTO3, entry.MINIMUM_BOTOCORE)

    matrix = re.search(r"^\| boto3 / botocore \| >= ([\d.]+) \|", (REPO_ROOT / "README.md").read_text(), re.MULTILINE)
    assert matrix and matrix.group(1) == wanted["boto3"] == wanted["botocore"]


def test_every_module_takes_the_collections_requirements_not_amazon_aws_older_ones():
    for path in sorted((REPO_ROOT / "plugins" / "modules").glob("*.py")):
        documentation = yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', path.read_text(), re.S).group(1))
        fragments = documentation["extends_documentation_fragment"]
        assert "driftless.ecs.boto3" in fragments, path.name
        assert "amazon.aws.boto3" not in fragments, path.name
