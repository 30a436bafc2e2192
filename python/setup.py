"""The package ships libbioimitate_env.so: building it (pip install ./python, python -m build python) runs
scripts/build-python-library in the Swift checkout: $BIOIMITATE_SOURCE, else the one this folder sits in, else (a
wheel built from this package's sdist) the checkout the sdist was made in, which it names in CHECKOUT."""
import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel


HERE = Path(__file__).resolve().parent


def checkout():
    if os.environ.get("BIOIMITATE_SOURCE"):
        return Path(os.environ["BIOIMITATE_SOURCE"])
    if (HERE.parent / "Package.swift").is_file():
        return HERE.parent
    if (HERE / "CHECKOUT").is_file():
        return Path((HERE / "CHECKOUT").read_text().strip())
    return HERE.parent


class BuildWithLibrary(build_py):
    """Copies the Python files, then builds the native library into the package."""

    def run(self):
        super().run()
        script = checkout() / "scripts" / "build-python-library"
        if not script.is_file():
            raise SystemExit(f"bioimitate: {script} not found: build the package from a bioimitate checkout "
                             "(pip install ./python; python -m build python) or set BIOIMITATE_SOURCE to one")
        subprocess.run([str(script), str(Path(self.build_lib).resolve() / "bioimitate" / "libbioimitate_env.so")], check=True)


class SdistNamingCheckout(sdist):
    """The Swift sources stay in the checkout (outside this folder): the sdist names it for the wheel built from it."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        Path(base_dir, "CHECKOUT").write_text(f"{checkout()}\n")


class PlatformWheel(bdist_wheel):
    """The wheel holds a native library but no Python extension: any Python 3, this platform."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


class NativeDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel, "sdist": SdistNamingCheckout},
      distclass=NativeDistribution)
