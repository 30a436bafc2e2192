"""The package ships libbioimitate_env.so: building it (pip install ./python, python -m build --wheel python) runs
scripts/build-python-library in the Swift checkout this folder sits in, or in $BIOIMITATE_SOURCE."""
import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel


class BuildWithLibrary(build_py):
    """Copies the Python files, then builds the native library into the package."""

    def run(self):
        super().run()
        root = Path(os.environ.get("BIOIMITATE_SOURCE") or Path(__file__).resolve().parent.parent)
        script = root / "scripts" / "build-python-library"
        if not script.is_file():
            raise SystemExit(f"bioimitate: {script} not found: build the package from a bioimitate checkout "
                             "(pip install ./python; python -m build --wheel python) or set BIOIMITATE_SOURCE to one")
        subprocess.run([str(script), str(Path(self.build_lib).resolve() / "bioimitate" / "libbioimitate_env.so")], check=True)


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


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel}, distclass=NativeDistribution)
