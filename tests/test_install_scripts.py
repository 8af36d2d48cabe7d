"""The install scripts, run for real against stand-in system commands.

``scripts/install_bench_deps.sh`` and ``scripts/install_test_deps.sh`` decide what to install
from ``dpkg-query``, install with ``apt-get`` (through ``sudo`` when not root) and check the
result with ``apertium -l``, ``java`` and ``chromium``. Running them on the real machine would
install packages, so each test builds a small machine in a temporary folder: a ``bin/`` that
is the whole PATH, holding symlinks to the few real tools the scripts need (bash, grep, ...)
and stand-in shell scripts for the system commands, driven by files in ``state/``. Every
stand-in logs its arguments, so a test can say what the script ran, not only how it ended.

The SIGPIPE case is the one that broke every first install: under ``set -o pipefail``,
``apertium -l | grep -qw eng-spa`` fails when grep exits at its first match and apertium,
still writing, dies of SIGPIPE (status 141). The stand-in prints ``eng-spa`` first and then
far more than a pipe buffer, as a real ``apertium -l`` with many pairs does.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
BENCH = "install_bench_deps.sh"
TESTDEPS = "install_test_deps.sh"
BENCH_PKGS = ["apertium", "apertium-eng-spa", "apertium-en-gl", "apertium-eo-en",
              "apertium-hbs-eng", "wordnet-base", "wordnet-sense-index"]
BENCH_MODES = "eng-spa\nen-gl\nen-eo\neng-hbs"  # the modes the benchmark translates with
TEST_PKGS = ["chromium", "fonts-dejavu-core", "shellcheck"]

# Real tools the scripts and the stand-ins use; nothing else of the host is on PATH, so a
# real apt-get, java or chromium on this machine cannot leak in.
CORE_TOOLS = ("bash", "env", "true", "grep", "cat", "cp")

_LOG = 'printf "%s\\n" "$*" >> "$STATE/log/${0##*/}"\n'
STANDINS = {
    # dpkg-query -W -f='${Status}' PKG: the status stored for PKG, or "no packages found".
    "dpkg-query": _LOG + """
pkg="${!#}"
if [ -f "$STATE/dpkg/$pkg" ]; then cat "$STATE/dpkg/$pkg"; exit 0; fi
echo "dpkg-query: no packages found matching $pkg" >&2
exit 1
""",
    # apt-get install marks packages installed and puts in place what they provide.
    "apt-get": _LOG + """
[ -f "$STATE/apt_fails" ] && { echo "E: Unable to fetch some archives" >&2; exit 100; }
[ "$1" = install ] || exit 0
for pkg in "$@"; do
  case "$pkg" in -*|install) continue ;; esac
  echo "install ok installed" > "$STATE/dpkg/$pkg"
  for cmd in "$STATE/provides/$pkg"/*; do [ -f "$cmd" ] && cp -p "$cmd" "$STATE/bin/"; done
done
exit 0
""",
    "id": """
if [ "$1" = -u ]; then cat "$STATE/uid" 2>/dev/null || echo 0; else echo "uid=0(root)"; fi
""",
    # sudo -n true succeeds only when passwordless sudo is set up; sudo -n CMD runs CMD.
    "sudo": _LOG + """
[ "$1" = -n ] && shift
if [ ! -f "$STATE/sudo_nopasswd" ]; then echo "sudo: a password is required" >&2; exit 1; fi
exec "$@"
""",
    # only ever asked for /usr/share/man/man1 (the JRE's postinst needs it): log, touch nothing
    "mkdir": _LOG,
}
APERTIUM = """
[ "$1" = -l ] && exec cat "$STATE/apertium_modes"
exit 1
"""
JAVA = 'echo "openjdk version 17"\n'
CHROMIUM = 'echo "Chromium 120"\n'


def _modes(first: str, n: int = 20000) -> str:
    """What ``apertium -l`` prints: ``first`` and then ``n`` more pairs (~0.5 MB)."""
    return first + "\n" + "".join(f"  xxx-yyy{i}-{i % 97}-testing-mode-name\n"
                                  for i in range(n))


@dataclass
class Machine:
    """A temporary system: ``bin`` is the whole PATH, ``state`` drives the stand-ins."""

    bin: Path
    state: Path
    scripts: Path

    def command(self, name: str, body: str, *, where: Path | None = None) -> None:
        path = (where or self.bin) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/bash\n" + body, encoding="utf-8")
        path.chmod(0o755)

    def install(self, *pkgs: str, status: str = "install ok installed") -> None:
        """Mark ``pkgs`` with ``status`` in dpkg; installed ones put their commands on PATH."""
        for p in pkgs:
            (self.state / "dpkg" / p).write_text(status, encoding="utf-8")
            provided = self.state / "provides" / p
            if status == "install ok installed" and provided.is_dir():
                for cmd in provided.iterdir():
                    shutil.copy2(cmd, self.bin / cmd.name)

    def provides(self, pkg: str, name: str, body: str) -> None:
        """Installing ``pkg`` with apt-get puts command ``name`` on PATH."""
        self.command(name, body, where=self.state / "provides" / pkg)

    def flag(self, name: str, text: str = "") -> None:
        (self.state / name).write_text(text, encoding="utf-8")

    def run(self, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.scripts / script), *args],
            env={"PATH": str(self.bin), "STATE": str(self.state), **env},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )

    def calls(self, name: str) -> list[str]:
        log = self.state / "log" / name
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    """Root, apt-get and dpkg-query present, nothing installed, no java, no apertium."""
    m = Machine(tmp_path / "bin", tmp_path / "state", SCRIPTS)
    m.bin.mkdir()
    for sub in ("dpkg", "log", "provides"):
        (m.state / sub).mkdir(parents=True)
    (m.state / "bin").symlink_to(m.bin)
    for tool in CORE_TOOLS:
        real = shutil.which(tool)
        assert real, f"{tool} is needed to run the install scripts"
        (m.bin / tool).symlink_to(real)
    for name, body in STANDINS.items():
        m.command(name, body)
    m.provides("apertium", "apertium", APERTIUM)
    m.provides("openjdk-17-jre-headless", "java", JAVA)
    m.provides("chromium", "chromium", CHROMIUM)
    return m


def _with_eng_spa(m: Machine, modes: str) -> None:
    """Once apertium is installed, ``apertium -l`` prints ``modes``."""
    m.flag("apertium_modes", modes)


def _apt_installs(m: Machine) -> list[str]:
    return [c for c in m.calls("apt-get") if c.startswith("install")]


# -- install_bench_deps.sh ------------------------------------------------------------------
def test_bench_all_present_installs_nothing(machine: Machine) -> None:
    machine.install(*BENCH_PKGS)
    machine.command("java", JAVA)
    r = machine.run(BENCH)
    assert r.returncode == 0, r.stderr
    assert "all present" in r.stdout
    assert machine.calls("apt-get") == []


def test_bench_first_install_survives_apertium_listing_eng_spa_first(machine: Machine) -> None:
    """The SIGPIPE case: eng-spa on the first line, ~0.5 MB after it. The version before
    2a0a046 (``apertium -l | grep -qw``) exits 2 here although eng-spa is listed."""
    machine.command("java", JAVA)
    _with_eng_spa(machine, _modes(BENCH_MODES))
    r = machine.run(BENCH)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert f"installed {' '.join(BENCH_PKGS)}" in r.stdout
    assert machine.calls("apt-get") == [
        "update", "install -y --no-install-recommends " + " ".join(BENCH_PKGS)]


def test_bench_eng_spa_listed_among_other_modes(machine: Machine) -> None:
    machine.command("java", JAVA)
    _with_eng_spa(machine, "spa-cat\n  spa-eng\n  eng-spa\neng-cat\n  en-gl\n  en-eo\n  eng-hbs\n")
    machine.install("apertium", "apertium-en-gl", "apertium-eo-en", "apertium-hbs-eng",
                    "wordnet-base", "wordnet-sense-index")
    r = machine.run(BENCH)
    assert r.returncode == 0, r.stderr
    assert _apt_installs(machine) == ["install -y --no-install-recommends apertium-eng-spa"]


@pytest.mark.parametrize(("listed", "missing"), [
    # spa-eng, eng-spa_x and eng-spanish are not the eng-spa mode (whole-line match)
    ("spa-eng\neng-spa_x\neng-spanish", "eng-spa"),
    # every mode the benchmark translates with must be listed; en-gl_x is not en-gl
    ("eng-spa\nen-gl_x\nen-eo\neng-hbs", "en-gl"),
])
def test_bench_a_mode_not_listed_is_named(machine: Machine, listed: str, missing: str) -> None:
    machine.command("java", JAVA)
    _with_eng_spa(machine, _modes(listed))
    r = machine.run(BENCH)
    assert r.returncode == 2
    assert f"{missing} mode is not listed" in r.stderr


def test_bench_apertium_missing_after_install_is_an_error(machine: Machine) -> None:
    machine.command("java", JAVA)
    (machine.state / "provides" / "apertium" / "apertium").unlink()
    r = machine.run(BENCH)
    assert r.returncode == 2
    assert "eng-spa mode is not listed" in r.stderr


def test_bench_check_reports_missing_and_installs_nothing(machine: Machine) -> None:
    machine.install("apertium", "apertium-en-gl", "apertium-eo-en", "apertium-hbs-eng",
                    "wordnet-base")
    machine.install("wordnet-sense-index", status="deinstall ok config-files")  # removed
    machine.command("java", JAVA)
    r = machine.run(BENCH, "--check")
    assert r.returncode == 1
    assert "missing apertium-eng-spa wordnet-sense-index" in r.stdout
    assert machine.calls("apt-get") == []


def test_bench_without_dpkg_query_counts_everything_missing(machine: Machine) -> None:
    (machine.bin / "dpkg-query").unlink()
    machine.command("java", JAVA)
    r = machine.run(BENCH, "--check")
    assert r.returncode == 1
    assert "missing " + " ".join(BENCH_PKGS) in r.stdout


def test_bench_without_java_installs_the_jre_and_its_man_folder(machine: Machine) -> None:
    _with_eng_spa(machine, BENCH_MODES + "\n")
    machine.install(*BENCH_PKGS)
    r = machine.run(BENCH)
    assert r.returncode == 0, r.stderr
    assert _apt_installs(machine) == [
        "install -y --no-install-recommends openjdk-17-jre-headless"]
    assert machine.calls("mkdir") == ["-p /usr/share/man/man1"]


def test_bench_java_still_missing_after_install_is_an_error(machine: Machine) -> None:
    machine.install(*BENCH_PKGS)
    (machine.state / "provides" / "openjdk-17-jre-headless" / "java").unlink()
    machine.flag("apertium_modes", BENCH_MODES + "\n")
    r = machine.run(BENCH)
    assert r.returncode == 2
    assert "java is still not on PATH" in r.stderr


def test_bench_without_apt_get_says_what_to_install(machine: Machine) -> None:
    (machine.bin / "apt-get").unlink()
    machine.command("java", JAVA)
    machine.install("apertium", "apertium-en-gl", "apertium-eo-en", "apertium-hbs-eng",
                    "wordnet-base", "wordnet-sense-index")
    r = machine.run(BENCH)
    assert r.returncode == 2
    assert "apt-get is not available, so apertium-eng-spa cannot be installed" in r.stderr
    assert "WIRETRACE_WORDNET_DIR" in r.stderr


def test_bench_not_root_without_sudo_prints_the_command(machine: Machine) -> None:
    machine.flag("uid", "1000")
    (machine.bin / "sudo").unlink()
    machine.command("java", JAVA)
    r = machine.run(BENCH)
    assert r.returncode == 3
    assert "needs root" in r.stderr
    assert ("apt-get install -y --no-install-recommends " + " ".join(BENCH_PKGS)) in r.stderr
    assert machine.calls("apt-get") == []


def test_bench_not_root_with_a_password_sudo_and_no_terminal_refuses(machine: Machine) -> None:
    """No tty to type a password into: exit 3 rather than hang on a prompt."""
    machine.flag("uid", "1000")
    machine.command("java", JAVA)
    r = machine.run(BENCH)
    assert r.returncode == 3
    assert machine.calls("sudo") == ["-n true"]
    assert machine.calls("apt-get") == []


def test_bench_not_root_with_passwordless_sudo_installs_through_it(machine: Machine) -> None:
    machine.flag("uid", "1000")
    machine.flag("sudo_nopasswd")
    machine.command("java", JAVA)
    _with_eng_spa(machine, _modes(BENCH_MODES))
    r = machine.run(BENCH)
    assert r.returncode == 0, r.stderr
    assert machine.calls("sudo") == [
        "-n true", "-n apt-get update",
        "-n apt-get install -y --no-install-recommends " + " ".join(BENCH_PKGS)]


def test_bench_apt_get_failure_stops_the_script(machine: Machine) -> None:
    machine.command("java", JAVA)
    machine.flag("apt_fails")
    r = machine.run(BENCH)
    assert r.returncode == 100
    assert "bench deps: installed" not in r.stdout


# -- install_test_deps.sh -------------------------------------------------------------------
def test_testdeps_all_present_installs_nothing(machine: Machine) -> None:
    machine.install(*TEST_PKGS)
    r = machine.run(TESTDEPS)
    assert r.returncode == 0, r.stderr
    assert "all present" in r.stdout
    assert machine.calls("apt-get") == []


def test_testdeps_installs_what_is_missing_and_finds_chromium_on_path(machine: Machine) -> None:
    machine.install("shellcheck")
    r = machine.run(TESTDEPS)
    assert r.returncode == 0, r.stderr
    assert _apt_installs(machine) == [
        "install -y --no-install-recommends chromium fonts-dejavu-core"]
    assert "test deps: installed chromium fonts-dejavu-core" in r.stdout


def test_testdeps_chromium_of_the_users_choosing_is_not_installed(machine: Machine,
                                                                  tmp_path: Path) -> None:
    machine.install("fonts-dejavu-core", "shellcheck")
    own = tmp_path / "opt" / "chrome"
    machine.command("chrome", CHROMIUM, where=own.parent)
    r = machine.run(TESTDEPS, "--check", WIRETRACE_CHROMIUM=str(own))
    assert r.returncode == 0, r.stdout
    assert "all present" in r.stdout


def test_testdeps_chromium_missing_after_install_is_an_error(machine: Machine) -> None:
    machine.install("fonts-dejavu-core", "shellcheck")
    (machine.state / "provides" / "chromium" / "chromium").unlink()
    r = machine.run(TESTDEPS)
    assert r.returncode == 2
    assert "chromium is installed but not on PATH" in r.stderr


def test_testdeps_wiretrace_chromium_not_executable_is_an_error(machine: Machine) -> None:
    """A stale $WIRETRACE_CHROMIUM: the browser tests would look only there and fail."""
    machine.install("fonts-dejavu-core", "shellcheck")
    r = machine.run(TESTDEPS, WIRETRACE_CHROMIUM="/nonexistent/chromium")
    assert r.returncode == 2
    assert "WIRETRACE_CHROMIUM=/nonexistent/chromium is not an executable" in r.stderr


def test_testdeps_check_lists_missing(machine: Machine) -> None:
    machine.install("chromium")
    r = machine.run(TESTDEPS, "--check")
    assert r.returncode == 1
    assert "missing fonts-dejavu-core shellcheck" in r.stdout
    assert machine.calls("apt-get") == []


def test_testdeps_without_apt_get_names_the_chromium_setting(machine: Machine) -> None:
    (machine.bin / "apt-get").unlink()
    r = machine.run(TESTDEPS)
    assert r.returncode == 2
    assert "WIRETRACE_CHROMIUM" in r.stderr


def test_testdeps_not_root_without_sudo_prints_the_command(machine: Machine) -> None:
    machine.flag("uid", "1000")
    (machine.bin / "sudo").unlink()
    r = machine.run(TESTDEPS)
    assert r.returncode == 3
    assert "apt-get install -y --no-install-recommends " + " ".join(TEST_PKGS) in r.stderr


# -- lint -----------------------------------------------------------------------------------
def test_scripts_are_shellcheck_clean() -> None:
    """What scripts/test.sh runs; shellcheck comes with scripts/install_test_deps.sh."""
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is not installed: run scripts/install_test_deps.sh"
    files = sorted(str(p) for p in SCRIPTS.glob("*.sh")) + [str(REPO / ".ci" / "run")]
    r = subprocess.run([shellcheck, *files], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout
