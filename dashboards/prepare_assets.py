#!/usr/bin/env python3
"""Fill a project-local Solara asset cache from the npm registry (offline dashboards).

Why
---
A Solara page loads its front end (the Vue/Vuetify app bundle, require.js,
font-awesome, ...) from a public CDN (``https://cdn.jsdelivr.net/npm/``), through
the Solara server's own proxy at ``/_solara/cdn/<pkg>@<version>/<file>``. The
proxy first looks in a cache directory and only fetches from the CDN on a miss.
This machine reaches the npm registry but no CDN, so the page stays blank.
This script fills that cache directory with the very same files, taken from the
npm tarballs (``npm pack <pkg>@<version>``): jsDelivr's ``/npm/`` URLs are just
the files of the npm package, so ``<cache>/<pkg>@<version>/<file>`` is exactly
what the proxy looks for.

Point the server at the cache with the environment variable (absolute path)::

    export SOLARA_ASSETS_PROXY_CACHE_DIR=/abs/path/to/dashboards/.assets_cache
    export SOLARA_ASSETS_PROXY=true   # proxy is silently off inside VS Code/Colab/Voila
    solara run dashboards/_smoke_app.py

What is fetched
---------------
The package list is *derived from the installed solara*, never hard-coded:

* core (needed by every page): every ``{{cdn}}/<pkg>@<version>/...`` reference
  in solara's page template ``solara/server/templates/solara.html.j2``, keeping
  only the branch (vue2 / vue3) that the installed ipyvue selects, exactly as
  ``solara/server/server.py`` does (``vue3 = ipyvue.__version__.startswith("3")``),
  plus font-awesome from ``solara.server.settings.assets.fontawesome_path``.
* components (loaded lazily by some components, e.g. the ones Mesa's SolaraViz
  uses: ``solara.Markdown`` -> katex + mermaid, ``solara.GridDraggable`` ->
  vue-grid-layout, ``solara.FigureAltair`` -> vega, vega-lite, vega-embed):
  every ``${this.getCdn()}/<pkg>@<version>/...`` reference in solara's
  ``.vue``/``.py`` sources. References whose version is a run-time variable
  (echarts, codemirror, milkdown) cannot be derived and are reported as skipped.
  ``--core-only`` leaves the component packages out.

After unpacking, every referenced file is checked. jsDelivr minifies on the fly
(``x.min.js`` is served even if the package only ships ``x.js``); such files are
emulated by copying the unminified file. A missing *core* file is an error
(exit 1), so a solara upgrade that changes its front end cannot break silently.

Idempotent: a package already unpacked (marker file present) is not fetched
again; ``--force`` re-fetches. The cache folder holds a ``.gitignore`` of ``*``
so it is never committed.

Run it with the project's interpreter (it inspects the installed solara)::

    .venv/bin/python dashboards/prepare_assets.py [--dest DIR] [--core-only] [--list] [--force]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DEST = Path(__file__).resolve().parent / ".assets_cache"
MARKER = ".solara-offline.json"
ENV_VAR = "SOLARA_ASSETS_PROXY_CACHE_DIR"

# <pkg>@<version> where pkg may be scoped; version is a literal (no ${...} variable)
_SPEC = r"(?P<spec>(?:@[A-Za-z0-9_.-]+/)?[A-Za-z0-9_.-]+@[A-Za-z0-9_.^~+-]+)"
# "{{cdn}}/spec/path" in the jinja template (path may contain {{ipywidget_major_version}})
_TEMPLATE_TOKEN = re.compile(
    r"\{%-?\s*(?P<tag>if|elif|else|endif)\b(?P<cond>[^%]*)-?%\}"
    r"|\{\{\s*cdn\s*\}\}/" + _SPEC + r"/(?P<path>[^\"'\s<>]*)"
)
# "${this.getCdn()}/spec/path" in .vue / .py component sources
_COMPONENT_REF = re.compile(r"\$\{this\.getCdn\(\)\}/" + _SPEC + r"(?:/(?P<path>[^`'\"\s]*))?")
_COMPONENT_VAR_REF = re.compile(r"\$\{this\.getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@\$\{")


@dataclass
class Package:
    spec: str  # e.g. "@widgetti/solara-vuetify-app@10.1.1" (also the cache sub-folder)
    core: bool
    files: set[str] = field(default_factory=set)  # referenced paths inside the package
    sources: set[str] = field(default_factory=set)  # where solara references it


def _log(msg: str) -> None:
    print(f"[prepare_assets] {msg}", flush=True)


def solara_dir() -> Path:
    import solara

    return Path(solara.__file__).resolve().parent


def is_vue3() -> bool:
    # same rule as solara/server/server.py
    return importlib.metadata.version("ipyvue").startswith("3")


def ipywidgets_major() -> str:
    return importlib.metadata.version("ipywidgets").split(".")[0]


def template_refs(template: Path, vue3: bool) -> list[tuple[str, str]]:
    """(spec, path) of every {{cdn}} reference on the branch the server renders."""
    text = template.read_text(encoding="utf-8")
    # stack of (is_vue3_if, in_else) for the enclosing {% if %} blocks
    stack: list[list[bool]] = []
    refs = []
    for m in _TEMPLATE_TOKEN.finditer(text):
        tag = m.group("tag")
        if tag == "if":
            stack.append([bool(re.search(r"\bvue3\b", m.group("cond"))), False])
        elif tag in ("else", "elif"):
            if stack:
                stack[-1][1] = True
        elif tag == "endif":
            if stack:
                stack.pop()
        else:
            active = all((not in_else) == vue3 for is_vue3_if, in_else in stack if is_vue3_if)
            if active:
                refs.append((m.group("spec"), m.group("path")))
    return refs


def collect_packages(core_only: bool) -> tuple[dict[str, Package], list[str]]:
    sdir = solara_dir()
    vue3 = is_vue3()
    major = ipywidgets_major()
    packages: dict[str, Package] = {}

    def add(spec: str, path: str | None, core: bool, source: str) -> None:
        pkg = packages.setdefault(spec, Package(spec, core))
        pkg.core = pkg.core or core
        if path:
            pkg.files.add(path)
        pkg.sources.add(source)

    template = sdir / "server" / "templates" / "solara.html.j2"
    for spec, path in template_refs(template, vue3):
        path = re.sub(r"\{\{\s*ipywidget_major_version\s*\}\}", major, path)
        # the template picks .min.js in --production and .js otherwise: need both
        add(spec, path, True, template.name)
        if path.endswith(".min.js"):
            add(spec, path[: -len(".min.js")] + ".js", True, template.name)

    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    from solara.server import settings as server_settings

    fa_path = server_settings.assets.fontawesome_path
    if server_settings.assets.fontawesome_enabled:
        m = re.match("/?" + _SPEC + "/(.*)", fa_path)
        if not m:
            raise SystemExit(f"cannot parse fontawesome_path {fa_path!r}")
        add(m.group("spec"), m.group(2), True, "settings.assets.fontawesome_path")

    skipped = []
    if not core_only:
        for src in sorted(sdir.rglob("*")):
            if src.suffix not in (".vue", ".py") or "website" in src.relative_to(sdir).parts:
                continue
            text = src.read_text(encoding="utf-8", errors="replace")
            if "getCdn()" not in text:
                continue
            rel = str(src.relative_to(sdir))
            for m in _COMPONENT_REF.finditer(text):
                add(m.group("spec"), m.group("path"), False, rel)
            for m in _COMPONENT_VAR_REF.finditer(text):
                skipped.append(f"{m.group(1)} (version is a run-time variable in {rel})")
    return packages, sorted(set(skipped))


def npm_pack(spec: str, workdir: Path) -> tuple[Path, str]:
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("npm not found on PATH (apt-get install -y npm, or use Node.js)")
    out = subprocess.run(
        [npm, "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
    ).stdout
    info = json.loads(out)[0]
    return workdir / info["filename"], info["version"]


def unpack(tgz: Path, target: Path) -> None:
    """Unpack an npm tarball into target (its top folder, usually package/, stripped)."""
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        tops = [p for p in tmp.iterdir()]
        root = tops[0] if len(tops) == 1 and tops[0].is_dir() else tmp
        if target.exists():
            shutil.rmtree(target)
        root.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fetch(pkg: Package, dest: Path, workdir: Path, force: bool) -> str:
    target = dest / pkg.spec
    marker = target / MARKER
    if marker.exists() and not force:
        return json.loads(marker.read_text())["version"] + " (cached)"
    target.parent.mkdir(parents=True, exist_ok=True)
    tgz, version = npm_pack(pkg.spec, workdir)
    unpack(tgz, target)
    marker.write_text(json.dumps({"spec": pkg.spec, "version": version, "sources": sorted(pkg.sources)}))
    return version


def check_files(pkg: Package, dest: Path) -> list[str]:
    """Return referenced files that are missing; emulate jsDelivr's on-the-fly .min.js/.min.css."""
    missing = []
    for rel in sorted(pkg.files):
        f = dest / pkg.spec / rel
        if f.is_file():
            continue
        m = re.match(r"(.*)\.min\.(js|css)$", rel)
        if m and (dest / pkg.spec / f"{m.group(1)}.{m.group(2)}").is_file():
            shutil.copyfile(dest / pkg.spec / f"{m.group(1)}.{m.group(2)}", f)
            _log(f"  {pkg.spec}/{rel}: not in the npm package, copied from the unminified file")
            continue
        missing.append(f"{pkg.spec}/{rel}")
    return missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--dest",
        type=Path,
        default=Path(os.environ.get(ENV_VAR) or DEFAULT_DEST),
        help=f"cache folder (default: ${ENV_VAR} or {DEFAULT_DEST})",
    )
    ap.add_argument("--core-only", action="store_true", help="only the packages every page needs")
    ap.add_argument("--list", action="store_true", help="print the derived package list and exit")
    ap.add_argument("--force", action="store_true", help="re-fetch packages already in the cache")
    args = ap.parse_args(argv)
    dest: Path = args.dest.resolve()

    packages, skipped = collect_packages(args.core_only)
    _log(
        f"solara {importlib.metadata.version('solara')}, ipyvue {importlib.metadata.version('ipyvue')}"
        f" (vue3={is_vue3()}), ipywidgets {importlib.metadata.version('ipywidgets')}"
    )
    for pkg in sorted(packages.values(), key=lambda p: (not p.core, p.spec)):
        _log(f"{'core' if pkg.core else 'comp'} {pkg.spec:45s} <- {', '.join(sorted(pkg.sources))}")
    for s in skipped:
        _log(f"skip {s}")
    if args.list:
        return 0

    dest.mkdir(parents=True, exist_ok=True)
    (dest / ".gitignore").write_text("# generated by dashboards/prepare_assets.py; never commit\n*\n")
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="npm-pack-") as work:
        for pkg in packages.values():
            try:
                version = fetch(pkg, dest, Path(work), args.force)
            except (subprocess.CalledProcessError, OSError, ValueError, tarfile.TarError) as e:
                detail = getattr(e, "stderr", "") or str(e)
                msg = f"npm pack {pkg.spec} failed: {detail.strip()[-500:]}"
                (errors.append(msg) if pkg.core else _log("WARNING " + msg))
                continue
            _log(f"ok   {pkg.spec} -> {version}")
            missing = check_files(pkg, dest)
            for rel in missing:
                msg = f"referenced file missing from the npm package: {rel}"
                (errors.append(msg) if pkg.core else _log("WARNING " + msg))
    if errors:
        for problem in errors:
            _log("ERROR " + problem)
        return 1
    _log(f"asset cache ready: {dest}")
    _log(f"serve with: export {ENV_VAR}={dest} SOLARA_ASSETS_PROXY=true")
    return 0


if __name__ == "__main__":
    sys.exit(main())
