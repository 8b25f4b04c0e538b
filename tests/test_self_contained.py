"""The repository is self-contained: tests and code read nothing outside the checkout.

A user's clone has only the repository, so every reference file a test compares with is vendored
in ``tests/data/<folder>/`` with a ``SOURCES.md`` (origin, commit or release, licence, SHA-256 of
each file). The scanner below fails on any test, source, benchmark or example file that points
outside the checkout: ``parents[k]`` or ``.parent`` chains above the repository root, ``..`` in a
path, absolute paths, a ``shared`` folder, the home directory, or a path taken from an
environment variable (such as ``LFVNSI_SHARED``).
"""

from __future__ import annotations

import hashlib
import io
import re
import tokenize
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SCANNED = ("src", "tests", "benchmarks", "examples")
#: Operating-system interfaces, not files of anyone's checkout: the tests use them as outputs that
#: cannot be created, and memory figures come from /proc.
SYSTEM_PATHS = ("/dev/null", "/proc/")

_ENV_READ = re.compile(r"""(?:os\.)?(?:environ\.get|environ\s*\[|getenv)\s*\(?\s*["']([^"']+)["']""")
_PATHLIKE_ENV = re.compile(r"SHARED|DATA|DIR|PATH|ROOT|HOME|FILE")  # names of locations, not switches
_PARENTS = re.compile(r"parents\s*\[\s*(\d+)\s*\]")
_FILE_PARENT_CHAIN = re.compile(r"Path\(\s*__file__\s*\)(?:\.resolve\(\))?((?:\.parent\b)+)")
_ROOT_PARENT = re.compile(r"\b(?:ROOT|REPO|REPOSITORY|root)\s*\.parent\b|parents\s*\[\s*\d+\s*\]\s*\.parent\b")
_HOME = re.compile(r"Path\.home\(\)|expanduser\(")


def _string_literals(text: str) -> list[str]:
    strings = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING:
                strings.append(tok.string)
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - every file here parses
        pass
    return strings


def _literal_body(token: str) -> str:
    """The text of a string token without prefix and quotes (f-string fields kept as text)."""
    body = token.lstrip("rRbBuUfF")
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return body[len(quote):-len(quote)]


def outside_references(text: str, path: PurePosixPath) -> list[str]:
    """What in a Python file at ``path`` (relative to the repository root) points outside it."""
    depth = len(path.parts) - 1  # parents[depth] of the file is the repository root
    found = []
    for m in _PARENTS.finditer(text):
        if int(m[1]) > depth:
            found.append(f"{m[0]} is above the repository root (at most parents[{depth}])")
    for m in _FILE_PARENT_CHAIN.finditer(text):
        if m[1].count(".parent") - 1 > depth:
            found.append(f"{m[0]} is above the repository root")
    found += [f"{m[0]}: a parent of the repository root" for m in _ROOT_PARENT.finditer(text)]
    found += [f"{m[0]}: the user's home directory" for m in _HOME.finditer(text)]
    for m in _ENV_READ.finditer(text):
        if _PATHLIKE_ENV.search(m[1]):
            found.append(f"environment variable {m[1]!r} read as a location")
    for token in _string_literals(text):
        s = _literal_body(token)
        if re.search(r"(^|[/\\])\.\.([/\\]|$)", s):
            found.append(f"{token}: '..' leaves the directory it starts from")
        if re.search(r"(^|[/\\])shared([/\\]|$)", s):
            found.append(f"{token}: a 'shared' folder beside the repository")
        if re.match(r"(/[A-Za-z_.]|~|[A-Za-z]:[\\/])", s) and not s.startswith(SYSTEM_PATHS):
            found.append(f"{token}: an absolute path")
    return found


def _scanned_files() -> list[Path]:
    """Every Python file of the checkout but this one, whose examples are violations by design."""
    files = [p for top in SCANNED for p in (ROOT / top).rglob("*.py")
             if "__pycache__" not in p.parts and p != Path(__file__).resolve()]
    return sorted(files)


def test_no_test_or_source_file_refers_outside_the_repository() -> None:
    files = _scanned_files()
    assert any(p.name == "cli.py" for p in files) and any(p.parts[-2] == "cevns" for p in files)
    problems = []
    for p in files:
        rel = PurePosixPath(p.relative_to(ROOT).as_posix())
        problems += [f"{rel}: {what}" for what in outside_references(p.read_text("utf-8"), rel)]
    for name in (".ci/run", "pyproject.toml"):
        text = (ROOT / name).read_text("utf-8")
        problems += [f"{name}: {m[0]}" for m in re.finditer(r"LFVNSI_\w+|\bshared/|/work/", text)]
    assert not problems, "\n".join(problems)


# The bad examples below name a folder beside the checkout; the name is assembled so that this
# file itself contains no literal reference outside the repository (it reads nothing there).
_SIBLING = "sha" + "red"


@pytest.mark.parametrize(("source", "where"), [
    (f'DATA = Path(__file__).resolve().parents[3] / "{_SIBLING}" / "data"\n', "tests/cevns/conftest.py"),
    ('DATA = Path(__file__).resolve().parents[3]\n', "tests/cevns/conftest.py"),
    ('DATA = Path(__file__).parent.parent.parent.parent / "data"\n', "tests/cevns/conftest.py"),
    ('grids = ROOT.parent / "x"\n', "benchmarks/report.py"),
    ('S = Path(os.environ.get("LFVNSI_SHARED", "."))\n', "tests/oscillation/reference.py"),
    ('S = os.getenv("MY_DATA_DIR")\n', "tests/x.py"),
    ('S = os.environ["LFVNSI_ROOT"]\n', "tests/x.py"),
    (f'f = open("../{_SIBLING}/data/prem/PREM_1s.csv")\n', "tests/x.py"),
    ('f = np.loadtxt(f"{base}/../x.txt")\n', "tests/x.py"),
    (f'f = Path("/work/{_SIBLING}/data")\n', "tests/x.py"),
    ('f = Path("~/data")\n', "tests/x.py"),
    ('f = Path.home() / "data"\n', "tests/x.py"),
])
def test_the_scanner_finds_each_kind_of_outside_reference(source: str, where: str) -> None:
    assert outside_references(source, PurePosixPath(where))


@pytest.mark.parametrize(("source", "where"), [
    ('DATA = Path(__file__).resolve().parents[2] / "src"\n', "tests/cevns/conftest.py"),
    ('DATA = Path(__file__).resolve().parents[1] / "data"\n', "tests/cevns/conftest.py"),
    ('os.environ.setdefault("OMP_NUM_THREADS", "1")\n', "benchmarks/bench.py"),
    ('out = tmp_path / "a.parquet"; bad = "/proc/x.parquet"\n', "tests/x.py"),
    ('label = "m_Z\' [GeV]"; ratio = f"{a}/{b}"\n', "src/lfvnsi/x.py"),
])
def test_the_scanner_accepts_paths_inside_the_repository(source: str, where: str) -> None:
    assert outside_references(source, PurePosixPath(where)) == []


def _recorded_checksums(sources: Path) -> dict[str, str]:
    text = sources.read_text("utf-8")
    section = text.split("## SHA-256", 1)
    assert len(section) == 2, f"{sources} has no '## SHA-256' section"
    return {m[2]: m[1] for m in re.finditer(r"^ +([0-9a-f]{64})  (\S+)$", section[1], re.MULTILINE)}


@pytest.mark.parametrize("folder", sorted(p.name for p in DATA.iterdir() if p.is_dir()))
def test_vendored_data_is_what_its_sources_file_records(folder: str) -> None:
    """Every file of a data folder is listed in its SOURCES.md with its SHA-256, and nothing
    listed is missing; the file names its origin (a commit or a release) and the licence."""
    base = DATA / folder
    sources = base / "SOURCES.md"
    assert sources.is_file(), f"{base} has no SOURCES.md"
    recorded = _recorded_checksums(sources)
    present = sorted(p.relative_to(base).as_posix() for p in base.rglob("*")
                     if p.is_file() and p.name != "SOURCES.md" and not p.name.startswith("LICENSE"))
    assert present == sorted(recorded)
    for name, digest in recorded.items():
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == digest, name
    text = sources.read_text("utf-8")
    assert re.search(r"\b[0-9a-f]{40}\b", text) or "Zenodo" in text, "no commit or release"
    assert "Licence" in text and any(base.glob("LICENSE*")), "no licence"
