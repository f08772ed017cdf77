"""The suite's one image (Dockerfile, .dockerignore), checked statically: there is no Docker engine to build it here.

What can be checked without building: the stages and base images, the non-root user, that every local package is
turned into a wheel and installed, that the web app built in the `web` stage lands in the gateway's wheel (and so in
the runtime image), that every file the Dockerfile copies is in the build context (.dockerignore
does not hide it), that the packages' data files are declared so the wheels carry them (the image installs wheels,
not the source tree: migrations' script.py.mako, say), and that no secret is baked in.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

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
WEB = REPO / "gateway" / "web"


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


def stage(name: str) -> list[tuple[str, str]]:
    """The stage `FROM ... AS name`."""
    found = [st for st in stages() if re.search(rf"\s+AS\s+{name}\s*$", st[0][1], re.IGNORECASE)]
    assert len(found) == 1, f"the Dockerfile needs one stage named {name}"
    return found[0]


def base_image(st: list[tuple[str, str]]) -> str:
    defaults = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", (REPO / "Dockerfile").read_text(), re.MULTILINE))
    image = st[0][1].split()[0]
    return re.sub(r"\$\{(\w+)\}", lambda m: defaults.get(m.group(1), m.group(0)), image)


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


def test_stages_web_build_runtime_on_their_base_images():
    names = [re.search(r"\s+AS\s+(\w+)", st[0][1], re.IGNORECASE) for st in stages()]
    assert [m.group(1) if m else None for m in names] == ["web", "build", "runtime"], (
        "web (node) builds the browser app, build makes the wheels, runtime (last) runs")
    for name in ("build", "runtime"):
        assert base_image(stage(name)) == BASE_IMAGE, f"{name} starts from {BASE_IMAGE}"
    node = base_image(stage("web"))
    match = re.fullmatch(r"node:(\d+)(?:[.\w-]*)", node)
    assert match, f"the web stage starts from an official node image, not {node}"
    engines = json.loads((WEB / "package.json").read_text()).get("engines", {}).get("node", "")
    minimum = int(re.search(r"(\d+)", engines).group(1)) if engines else 0
    assert int(match.group(1)) >= minimum, f"{node} is older than package.json's engines.node {engines}"
    runtime = stages()[-1]
    assert not [a for w, a in runtime if w == "COPY" and "/src" in a], "the runtime stage holds no source tree"
    assert not [a for w, a in runtime if w == "COPY" and "--from=web" in a], "no node output beside the wheels"


def test_every_local_package_is_built_and_installed():
    build_stage, runtime = stage("build"), stage("runtime")
    built = " ".join(a for w, a in build_stage if w == "RUN")
    installed = " ".join(a for w, a in runtime if w == "RUN")
    assert "-r requirements.txt" in built and "requirements.txt" in installed
    for source, dist in LOCAL_PACKAGES.items():
        assert re.search(rf"(?<![\w/]){re.escape(source)}(?![\w/])", built), f"{source} is not built as a wheel"
        assert re.search(rf"\b{dist}\b", installed), f"{dist} is not installed in the runtime stage"
        name = tomllib.loads((REPO / source / "pyproject.toml").read_text())["project"]["name"]
        assert name == dist
    assert "--no-index" in installed, "the runtime installs the build stage's wheels only"


def _vite_out_dir() -> str:
    """build.outDir of gateway/web/vite.config.ts, relative to gateway/web."""
    match = re.search(r"outDir:\s*[\"']([^\"']+)[\"']", (WEB / "vite.config.ts").read_text())
    assert match, "vite.config.ts names build.outDir"
    return match.group(1)


def test_the_web_app_is_built_and_lands_in_the_gateway_wheel():
    """web: npm ci from the lock file, `npm run build` (tsc + vite) into the gateway package's static/app, as in
    the repository; build: that directory is copied into gateway/gateway/static/app before the gateway's wheel is
    built; runtime: the build fails when the installed gateway has no web app."""
    web = stage("web")
    workdir = PurePosixPath([a for w, a in web if w == "WORKDIR"][-1])
    out_dir = PurePosixPath(posixpath.normpath(workdir / _vite_out_dir()))
    assert workdir == PurePosixPath("/src/gateway/web"), "the web stage mirrors the repository under /src"
    assert out_dir == PurePosixPath("/src/gateway/gateway/static/app"), "vite writes into the gateway package"
    assert '"static" / "app"' in (REPO / "gateway/gateway/routes/web.py").read_text(), "where the gateway serves it"
    runs = [a for w, a in web if w == "RUN"]
    assert any("npm ci" in r for r in runs), "npm ci: exactly the lock file's packages"
    assert any("npm run build" in r for r in runs)
    copies = [a.split() for w, a in web if w == "COPY"]
    assert any("gateway/web/package-lock.json" in c for c in copies)

    build = stage("build")
    from_web = [a.split() for w, a in build if w == "COPY" and "--from=web" in a]
    assert len(from_web) == 1, "the build stage takes the web app from the web stage"
    (_, source, dest) = from_web[0]
    assert PurePosixPath(source) == out_dir, f"COPY --from=web {source}: the web stage builds into {out_dir}"
    assert dest.rstrip("/") == "gateway/gateway/static/app"
    order = [(w, a) for w, a in build if w in ("COPY", "RUN")]
    copy_at = order.index(("COPY", " ".join(from_web[0])))
    wheel_at = next(i for i, (w, a) in enumerate(order) if w == "RUN" and re.search(r"pip wheel.*\bgateway\b", a))
    assert copy_at < wheel_at, "the web app must be in the source tree before the gateway wheel is built"

    installed = " ".join(a for w, a in stage("runtime") if w == "RUN")
    assert "index.html" in installed and "static" in installed, "the runtime stage checks the wheel carried the app"


def test_the_gateway_wheel_declares_the_web_apps_files():
    """Package data is what a wheel carries: index.html, the bundles (js, css) and every kind of file the sources
    or public/ contain (images, fonts) must match the gateway's package-data patterns."""
    config = tomllib.loads((REPO / "gateway/pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    patterns = [p for key, values in package_data.items() if key == "*" or key.startswith("gateway.static")
                for p in values]
    suffixes = {".html", ".js", ".css"}
    for folder in (WEB / "src", WEB / "public"):
        if folder.is_dir():
            suffixes |= {p.suffix for p in folder.rglob("*")
                         if p.is_file() and p.suffix not in (".ts", ".tsx", ".mts", ".cts", "")}
    for suffix in suffixes:
        assert any(fnmatch.fnmatch(f"file{suffix}", p) for p in patterns), (
            f"*{suffix} files of the web app are not package data of gateway/pyproject.toml: missing in the image")


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
                 "services/identity/build/lib/identity/service.py", "deploy/k8s",
                 # the web stage installs its own npm packages and builds its own app: a local build's stale
                 # hashed assets must not end up in the gateway wheel next to the fresh ones
                 "gateway/web/node_modules/vite/package.json", "gateway/gateway/static/app/index.html",
                 "gateway/gateway/static/app/assets/index-0123abcd.js"):
        assert ignored(path), f"{path} should not be sent to the Docker daemon"
    needed = ["requirements.txt", "gateway/gunicorn.conf.py", "tools/smtpsink/pyproject.toml"]
    for source, dist in LOCAL_PACKAGES.items():
        package_dir = REPO / source / dist
        needed.append(f"{source}/pyproject.toml")
        needed += [str(p.relative_to(REPO)) for p in package_dir.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts
                   and not p.is_relative_to(REPO / "gateway/gateway/static")]  # built in the image, see above
    # the web app's sources: everything git tracks under gateway/web
    tracked = subprocess.run(["git", "ls-files", "gateway/web"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    assert "gateway/web/package-lock.json" in tracked
    needed += tracked
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
            # setuptools applies a pattern relative to the directory of the package it is declared for (any
            # package for "*"), so a file is carried when some enclosing package's pattern matches its path there
            # ("locale/*/LC_MESSAGES/*.po" on the package itself covers <package>/locale/de/LC_MESSAGES/x.po)
            carried = False
            for directory in [path.parent, *path.parent.parents]:
                if not directory.is_relative_to(REPO / source / dist):
                    break
                package = ".".join(directory.relative_to(REPO / source).parts)
                relative = path.relative_to(directory).as_posix()
                patterns = package_data.get("*", []) + package_data.get(package, [])
                carried = carried or any(fnmatch.fnmatch(relative, p) and relative.count("/") == p.count("/")
                                         for p in patterns)
            assert carried, (
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


def test_the_modules_the_image_commands_run_are_in_the_packages(code):
    """Every deployed process (tests/deploy/conftest.py PROCESSES, whose commands test_code.py ties to the Procfile)
    runs a module of a package the image installs."""
    for process, spec in code.PROCESSES.items():
        path = code.module_file(spec.entry)
        assert path and path.is_file(), f"{process}: {spec.entry} is missing"
        top = spec.entry.split(".")[0]
        assert top in LOCAL_PACKAGES.values(), f"{process}: {top} is not installed in the image"
    assert re.search(r"^def get_app\(", (REPO / "gateway/gateway/app.py").read_text(), re.MULTILINE)


def test_exposed_ports_are_the_ones_the_processes_listen_on():
    exposed = {int(p) for w, a in stage("runtime") if w == "EXPOSE" for p in a.split()}
    assert exposed == {8000, 8080, 2525}, "nameko /health, the gateway, the bounce endpoint (BOUNCE_SMTP_PORT)"
