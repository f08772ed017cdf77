"""The suite's one image (Dockerfile, .dockerignore), checked statically: there is no Docker engine to build it here.

What can be checked without building: the stages and base image, the non-root user, that every local package is
turned into a wheel and installed, that every file the Dockerfile copies is in the build context (.dockerignore
does not hide it), that the packages' data files are declared so the wheels carry them (the image installs wheels,
not the source tree: migrations' script.py.mako, say), and that no secret is baked in.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")
LOCAL_PACKAGES = {  # source directory -> distribution name (the same list as scripts/bootstrap.sh)
    "services/svckit": "svckit",
    **{f"services/{s}": s for s in SERVICES},
    "gateway": "gateway",
    "tools/smtpsink": "smtpsink",
}
BASE_IMAGE = "python:3.11-slim-bookworm"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (REPO / "Dockerfile").read_text()
    lines, current = [], ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue  # comments (also inside a continued instruction) and the syntax directive
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        if current.strip():
            lines.append(current.strip())
        current = ""
    result = []
    for line in lines:
        word, _, args = line.partition(" ")
        result.append((word.upper(), args.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for word, args in instructions():
        if word == "FROM":
            result.append([])
        if result:
            result[-1].append((word, args))
    return result


def dockerignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def _pattern_regex(pattern: str) -> re.Pattern:
    pattern = pattern.strip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def ignored(relpath: str) -> bool:
    """Docker's rule: a path is left out when it or one of its parent directories matches (last match wins)."""
    parts = relpath.strip("/").split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        regex = _pattern_regex(pattern[1:] if negate else pattern)
        if any(regex.match(c) for c in candidates):
            verdict = not negate
    return verdict


def test_multi_stage_build_on_python_311_slim_bookworm():
    all_stages = stages()
    assert len(all_stages) >= 2, "build wheels in one stage, run from a slim one"
    default_base = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", (REPO / "Dockerfile").read_text(), re.MULTILINE))
    for stage in all_stages:
        image = stage[0][1].split()[0]
        image = re.sub(r"\$\{(\w+)\}", lambda m: default_base.get(m.group(1), m.group(0)), image)
        assert image == BASE_IMAGE, f"every stage starts from {BASE_IMAGE}, not {image}"
    runtime = all_stages[-1]
    assert not [a for w, a in runtime if w == "COPY" and "/src" in a], "the runtime stage holds no source tree"


def test_runtime_is_unbuffered_non_root_and_has_a_default_command():
    runtime = stages()[-1]
    env = " ".join(a for w, a in runtime if w == "ENV")
    assert re.search(r"\bPYTHONUNBUFFERED=1\b", env)
    users = [a for w, a in runtime if w == "USER"]
    assert users, "the runtime stage must switch to a non-root user"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user.isdigit(), "a numeric uid lets Kubernetes verify runAsNonRoot"
    assert [a for w, a in runtime if w == "CMD"]


def test_every_local_package_is_built_and_installed():
    build_stage, runtime = stages()[0], stages()[-1]
    built = " ".join(a for w, a in build_stage if w == "RUN")
    installed = " ".join(a for w, a in runtime if w == "RUN")
    assert "-r requirements.txt" in built and "requirements.txt" in installed
    for source, dist in LOCAL_PACKAGES.items():
        assert re.search(rf"(?<![\w/]){re.escape(source)}(?![\w/])", built), f"{source} is not built as a wheel"
        assert re.search(rf"\b{dist}\b", installed), f"{dist} is not installed in the runtime stage"
        name = tomllib.loads((REPO / source / "pyproject.toml").read_text())["project"]["name"]
        assert name == dist
    assert "--no-index" in installed, "the runtime installs the build stage's wheels only"


@pytest.mark.parametrize("service", SERVICES)
def test_service_config_is_copied_where_the_commands_expect_it(service):
    copies = [a.split() for w, a in instructions() if w == "COPY" and "--from" not in a]
    assert [f"services/{service}/config.yml", f"/app/services/{service}/config.yml"] in copies


def test_gateway_config_is_copied():
    copies = [a.split() for w, a in instructions() if w == "COPY" and "--from" not in a]
    assert ["gateway/gunicorn.conf.py", "/app/gateway/gunicorn.conf.py"] in copies


def test_everything_copied_is_in_the_build_context():
    for word, args in instructions():
        if word != "COPY" or "--from" in args:
            continue
        *sources, _dest = [a for a in args.split() if not a.startswith("--")]
        for source in sources:
            path = REPO / source
            assert path.exists(), f"COPY {source}: no such path"
            assert not ignored(source.rstrip("/")), f"COPY {source}: excluded by .dockerignore"


def test_dockerignore_keeps_the_context_small_and_clean():
    for path in (".git", ".venv", ".venv/bin/python", "services/crm/tests/unit", "tests/e2e", "var/mail",
                 "services/crm/crm.egg-info", "gateway/gateway/__pycache__/app.cpython-311.pyc", ".env",
                 "services/identity/build/lib/identity/service.py", "deploy/k8s"):
        assert ignored(path), f"{path} should not be sent to the Docker daemon"
    needed = ["requirements.txt", "gateway/gunicorn.conf.py", "tools/smtpsink/pyproject.toml"]
    for source, dist in LOCAL_PACKAGES.items():
        package_dir = REPO / source / dist
        needed.append(f"{source}/pyproject.toml")
        needed += [str(p.relative_to(REPO)) for p in package_dir.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts]
    for service in SERVICES:
        needed.append(f"services/{service}/config.yml")
    for path in needed:
        assert not ignored(path), f"{path} is needed by the image but excluded by .dockerignore"


def test_package_data_files_are_declared_so_the_wheels_carry_them():
    """The image installs wheels: a template or data file inside a package that its pyproject.toml does not
    declare as package data works in the editable checkout and is missing in the container."""
    for source, dist in LOCAL_PACKAGES.items():
        config = tomllib.loads((REPO / source / "pyproject.toml").read_text())
        package_data = config.get("tool", {}).get("setuptools", {}).get("package-data", {})
        for path in (REPO / source / dist).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            package = ".".join(path.parent.relative_to(REPO / source).parts)
            patterns = package_data.get("*", []) + package_data.get(package, [])
            assert any(fnmatch.fnmatch(path.name, p) for p in patterns), (
                f"{path.relative_to(REPO)} is not declared in {source}/pyproject.toml [tool.setuptools.package-data]"
                " and would be missing from the image")


def test_no_secrets_baked_in():
    for word, args in instructions():
        if word in ("ENV", "ARG"):
            for name in re.findall(r"(\w+)=", args) + ([args.split("=")[0]] if word == "ARG" else []):
                assert not re.search(r"SECRET|PASSWORD|TOKEN|PASS\b|_KEY\b|AMQP_URI|DATABASE_URL|DB_BASE", name), (
                    f"{word} {name}: settings with credentials come from the environment at run time")
    text = (REPO / "Dockerfile").read_text()
    assert not re.search(r"\w+://[^/\s:]+:[^@\s]+@", text), "no URL with credentials in the Dockerfile"


def test_the_modules_the_image_commands_run_are_in_the_packages():
    """The commands docker-compose.yml and deploy/k8s give the image (billing.jobs, called by the Kubernetes
    CronJob, is still to be written and is left out here)."""
    expected = [
        "services/svckit/svckit/dbadmin.py",
        *(f"services/{s}/{s}/service.py" for s in SERVICES),
        "gateway/gateway/app.py",
        "tools/smtpsink/smtpsink/__main__.py",
    ]
    for path in expected:
        assert (REPO / path).is_file(), f"{path} is missing"
    assert re.search(r"^def get_app\(", (REPO / "gateway/gateway/app.py").read_text(), re.MULTILINE)
