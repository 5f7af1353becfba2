"""Maps the repository's top folders into the one installed namespace.

The design card keeps `connector/`, `simulators/` and `scenarios/` at the repository's top; users
get them as `inkship.connector`, `inkship.simulators` and `inkship.scenarios`, so nothing with a
generic name lands in site-packages. pyproject.toml cannot derive the subpackage list under a
mapped folder, so this file does (everything else lives in pyproject.toml)."""

from setuptools import find_packages, setup

MAPPED_FOLDERS = ("connector", "simulators", "scenarios")

setup(
    packages=find_packages(include=["inkship", "inkship.*"]) + [
        f"inkship.{name}" for folder in MAPPED_FOLDERS
        for name in find_packages(include=[folder, f"{folder}.*"])],
    package_dir={"inkship": "inkship", **{f"inkship.{folder}": folder for folder in MAPPED_FOLDERS}},
)
