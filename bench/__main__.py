"""Run every benchmark in turn and print its figures."""

from __future__ import annotations

import importlib
import pkgutil

import bench

for module_info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda info: info.name):
    if module_info.name in ("common",) or module_info.name.startswith("_"):
        continue
    module = importlib.import_module(f"bench.{module_info.name}")
    if hasattr(module, "main"):
        print(f"== bench.{module_info.name}")
        module.main()
