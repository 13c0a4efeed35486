"""Build the HTML documentation of driftless.ecs with antsibull-docs and Sphinx, offline; fail on any warning.

    python hack/build_docs.py [--dest docs/build] [--work .cache/docs]

Steps: ``antsibull-docs sphinx-init`` writes the Sphinx site (conf.py, index), ``antsibull-docs collection`` the
RST of every module, filter and role of the collection found on ANSIBLE_COLLECTIONS_PATH, and ``sphinx-build -W
-n`` the HTML into <dest>/html. antsibull-docs stops on any documentation error (--fail-on-error) and Sphinx turns
every warning, an unresolved reference included, into an error.

The generated RST links to a few pages of Ansible's own documentation through intersphinx, which would download
its inventory from docs.ansible.com. Instead this script writes a small local inventory naming those pages, so the
links still point to docs.ansible.com and the build needs no network. A reference to a page that is neither in the
collection nor in that inventory stays a warning, and fails the build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COLLECTION = "driftless.ecs"
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
# Labels of Ansible's documentation that antsibull-docs' pages refer to: label -> (page, anchor, title).
ANSIBLE_LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html", "common-return-values", "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "playbooks_filters": ("playbook_guide/playbooks_filters.html", "playbooks-filters", "Using filters"),
    "playbooks_reuse_roles": ("playbook_guide/playbooks_reuse_roles.html", "playbooks-reuse-roles", "Roles"),
    "module_defaults": ("playbook_guide/playbooks_module_defaults.html", "module-defaults", "Module defaults"),
    # Every module has an action plugin of its name (plugins/action): its page says so and links here.
    "action_plugins": ("plugins/action.html", "action-plugins", "Action plugins"),
}  # fmt: skip
OFFLINE_CONF = """

# Written by hack/build_docs.py: no intersphinx download. Ansible's pages resolve from a local inventory.
intersphinx_mapping = {{"ansible_devel": ({url!r}, {inventory!r})}}
"""


def write_inventory(path: Path) -> None:
    """A Sphinx object inventory (version 2) naming ANSIBLE_LABELS."""
    lines = [f"{label} std:label -1 {page}#{anchor} {title}" for label, (page, anchor, title) in ANSIBLE_LABELS.items()]
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is "
    header += "compressed using zlib.\n"
    path.write_bytes(header.encode() + zlib.compress(("\n".join(lines) + "\n").encode()))


def run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
    print("+", " ".join(command), flush=True)
    completed = subprocess.run(command, env=env, cwd=cwd, check=False)
    if completed.returncode != 0:
        sys.exit(f"docs: {Path(command[0]).name} failed with {completed.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=REPO_ROOT / "docs" / "build")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / ".cache" / "docs")
    args = parser.parse_args()
    if "ANSIBLE_COLLECTIONS_PATH" not in os.environ:
        sys.exit(
            "docs: set ANSIBLE_COLLECTIONS_PATH to a path whose ansible_collections/driftless/ecs is the collection"
        )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    work, dest = args.work.resolve(), args.dest.resolve()
    shutil.rmtree(work, ignore_errors=True)
    # antsibull-docs writes only into directories that nobody else can write to.
    work.mkdir(mode=0o700, parents=True)
    work.chmod(0o700)
    run(
        [
            str(BIN / "antsibull-docs"),
            "sphinx-init",
            "--use-current",
            "--fail-on-error",
            "--no-add-antsibull-docs-version",
            "--project",
            COLLECTION,
            "--copyright",
            "driftless.ecs maintainers",
            "--title",
            "driftless.ecs",
            "--dest-dir",
            str(work),
            COLLECTION,
        ],
        env,
    )
    with (work / "conf.py").open("a") as conf:
        conf.write(OFFLINE_CONF.format(url=ANSIBLE_DOCS, inventory=str(work / "ansible_devel.inv")))
    write_inventory(work / "ansible_devel.inv")
    rst = work / "rst"
    rst.chmod(0o700)
    run(
        [
            str(BIN / "antsibull-docs"),
            "--config-file",
            str(work / "antsibull-docs.cfg"),
            "collection",
            "--use-current",
            "--fail-on-error",
            "--cleanup",
            "everything",
            "--no-add-antsibull-docs-version",
            "--dest-dir",
            str(rst),
            COLLECTION,
        ],
        env,
    )
    shutil.rmtree(dest, ignore_errors=True)
    run(
        [
            str(BIN / "sphinx-build"),
            "-b",
            "html",
            "-c",
            str(work),
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-d",
            str(work / "doctrees"),
            str(rst),
            str(dest / "html"),
        ],
        env,
        cwd=work,
    )
    print(f"docs: {dest / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
