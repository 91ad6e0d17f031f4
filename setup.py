"""Builds the package pyproject.toml describes, with resources/ copied into the wheel as checkin/_resources.

A wheel holds only packages, while the program's data lives beside them in resources/ (where the checkout
and the PyInstaller bundle read it), so the build copies it in and checkin/resources.py looks there first.
The sdist carries resources/ itself (get_source_files), so a wheel built from it gets the same copy. An
editable install copies nothing: it reads resources/ in the checkout.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from checkin.resources import shipped_resources  # noqa: E402 - found through ROOT, which the build lacks

RESOURCES = ROOT / "resources"
PACKAGED = Path("checkin", "_resources")


class BuildPyWithResources(build_py):
    """setuptools' build_py, plus the shipped resources as package data.

    It follows setuptools' protocol for build commands (setuptools.command.build.SubCommand): the get_*
    methods say what the build reads and writes, so the sdist and an editable install know of the copy too.
    """

    def resource_mapping(self) -> dict[str, str]:
        """Each shipped resource's place in the build, mapped to its source relative to the project root."""
        packaged = Path(self.build_lib, PACKAGED)
        return {
            str(packaged / path.relative_to(RESOURCES)): str(path.relative_to(ROOT))
            for path in shipped_resources(RESOURCES)
        }

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # checkin/resources.py reads resources/ in the checkout
        # A fresh copy each time: a file deleted from resources/ must not linger from an earlier build.
        shutil.rmtree(Path(self.build_lib, PACKAGED), ignore_errors=True)
        for target, source in self.resource_mapping().items():
            self.mkpath(str(Path(target).parent))
            self.copy_file(str(ROOT / source), target)

    def get_source_files(self) -> list[str]:
        return [*super().get_source_files(), *self.resource_mapping().values()]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        # In editable mode setuptools' build_py lists the keys of get_output_mapping, ours already among them.
        return outputs if self.editable_mode else [*outputs, *self.resource_mapping()]

    def get_output_mapping(self) -> dict[str, str]:
        return {**super().get_output_mapping(), **self.resource_mapping()}


setup(cmdclass={"build_py": BuildPyWithResources})
