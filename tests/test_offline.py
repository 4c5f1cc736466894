"""Nothing leaves the machine: every command runs with network access watched twice.

1. A Python audit hook, installed in every Python process of the run (the
   command and its render worker) through a ``sitecustomize`` on PYTHONPATH,
   records and refuses any ``socket.connect``/``sendto``/``sendmsg`` that is not
   an AF_UNIX socket or loopback, and any name lookup other than localhost.
2. When ``strace`` works here, the whole process tree (C libraries, espeak-ng,
   PortAudio/PulseAudio) is traced for connect/sendto/sendmsg, and any
   AF_INET/AF_INET6 address that is not loopback fails the test.

PulseAudio is reached through a unix socket, which is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.signals import espeak
from voiceguide import messages
from voiceguide.audio.clip import Clip, write_wav

SITECUSTOMIZE = textwrap.dedent(
    '''
    """Installed by tests/test_offline.py: refuse and record any network access."""
    import os
    import sys

    _LOG = os.environ.get("VG_NETWORK_LOG")
    if _LOG:
        import ipaddress
        import socket

        def _local_host(host):
            if isinstance(host, bytes):
                host = host.decode("ascii", "replace")
            if host in (None, "", "localhost", "localhost.localdomain", "ip6-localhost"):
                return True
            try:
                return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
            except ValueError:
                return False

        def _refuse(what):
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {' '.join(sys.argv[:3])}: {what}\\n")
            raise OSError(f"network access refused by the offline test: {what}")

        def _hook(event, args):
            if not event.startswith("socket."):
                return
            if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
                sock, address = args[0], args[1]
                if address is None or sock.family == socket.AF_UNIX:
                    return
                if isinstance(address, tuple) and _local_host(address[0]):
                    return
                _refuse(f"{event} {sock.family!r} {address!r}")
            elif event in ("socket.getaddrinfo", "socket.gethostbyname",
                           "socket.gethostbyname_ex", "socket.gethostbyaddr"):
                if not _local_host(args[0]):
                    _refuse(f"{event} {args[0]!r}")
            elif event == "socket.getnameinfo":
                sockaddr = args[0]
                if not (isinstance(sockaddr, tuple) and _local_host(sockaddr[0])):
                    _refuse(f"{event} {sockaddr!r}")

        sys.addaudithook(_hook)
    '''
)

FAMILY = re.compile(r"sa_family=(AF_\w+)")
INET4 = re.compile(r'inet_addr\("([^"]+)"\)')
INET6 = re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')


@pytest.fixture(scope="module")
def hook_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offline-hook")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


@pytest.fixture(scope="module")
def strace() -> list[str] | None:
    """The strace prefix when strace can trace here (containers may forbid ptrace)."""
    exe = shutil.which("strace")
    if exe is None:
        return None
    probe = subprocess.run(
        [exe, "-f", "-qq", "-e", "trace=connect", "-o", os.devnull, "true"], capture_output=True, timeout=30
    )
    if probe.returncode != 0:
        return None
    seccomp = subprocess.run(
        [exe, "--seccomp-bpf", "-f", "-qq", "-e", "trace=connect", "-o", os.devnull, "true"],
        capture_output=True,
        timeout=30,
    )
    return [
        exe,
        *(["--seccomp-bpf"] if seccomp.returncode == 0 else []),
        "-f",
        "-qq",
        "-e",
        "trace=connect,sendto,sendmsg",
    ]


class Watched:
    """Runs commands under both watchers and collects what they saw."""

    def __init__(self, folder: Path, hook_dir: Path, strace: list[str] | None) -> None:
        self.folder = folder
        self.hook_dir = hook_dir
        self.strace = strace
        self.count = 0
        self.hook_log = folder / "hook.log"

    def run(
        self, *argv: str, input: str | None = None, env: dict | None = None, timeout: float = 180
    ) -> subprocess.CompletedProcess:
        self.count += 1
        full_env = dict(os.environ, **(env or {}))
        full_env["VG_NETWORK_LOG"] = str(self.hook_log)
        full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(self.hook_dir), full_env.get("PYTHONPATH", "")) if p)
        command = list(argv)
        if self.strace is not None:
            command = [*self.strace, "-o", str(self.folder / f"strace-{self.count}.log"), *command]
        return subprocess.run(command, capture_output=True, text=True, env=full_env, input=input, timeout=timeout)

    def voiceguide(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "voiceguide", *args, **kwargs)

    def hook_violations(self) -> list[str]:
        return self.hook_log.read_text().splitlines() if self.hook_log.exists() else []

    def traced_violations(self) -> list[str]:
        bad = []
        for log in sorted(self.folder.glob("strace-*.log")):
            for line in log.read_text(errors="replace").splitlines():
                family = FAMILY.search(line)
                if family is None:
                    continue  # a connected socket's send, or no address
                name = family.group(1)
                if name in ("AF_UNIX", "AF_NETLINK", "AF_UNSPEC"):
                    continue
                address = INET4.search(line) or INET6.search(line)
                if (
                    name in ("AF_INET", "AF_INET6")
                    and address is not None
                    and ipaddress.ip_address(address.group(1)).is_loopback
                ):
                    continue
                bad.append(f"{log.name}: {line.strip()}")
        return bad

    def assert_offline(self) -> None:
        assert self.hook_violations() == []
        assert self.traced_violations() == []


@pytest.fixture
def watched(tmp_path, hook_dir, strace) -> Watched:
    return Watched(tmp_path, hook_dir, strace)


# the watchers themselves


def test_the_watchers_catch_a_real_connection_and_a_name_lookup(watched):
    code = textwrap.dedent(
        """
        import socket
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 9), timeout=0.2),
                        lambda: socket.getaddrinfo("example.com", 443)):
            try:
                attempt()
            except OSError as error:
                print(error)
        """
    )
    result = watched.run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    seen = watched.hook_violations()
    assert len(seen) == 2 and "192.0.2.1" in seen[0] and "example.com" in seen[1]
    assert "refused by the offline test" in result.stdout


def test_strace_sees_what_the_audit_hook_cannot(watched, strace):
    if strace is None:
        pytest.skip("strace cannot trace in this environment; the audit hook still runs")
    # a C program (not Python) connecting out: only strace sees it
    result = watched.run("bash", "-c", "exec 3<>/dev/tcp/192.0.2.1/9 || true")
    assert result.returncode == 0
    assert any("192.0.2.1" in line for line in watched.traced_violations())
    assert watched.hook_violations() == []


def test_unix_sockets_and_loopback_are_allowed(watched):
    code = textwrap.dedent(
        """
        import socket
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=1).close()
        left, right = socket.socketpair()
        try:
            socket.socket(socket.AF_UNIX).connect("/nonexistent/socket")
        except OSError:
            pass
        """
    )
    result = watched.run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    watched.assert_offline()


# the commands


@pytest.mark.audio  # Whisper or a speech render
def test_read_as_text_and_to_a_file_stays_offline(watched, tmp_path):
    article = tmp_path / "short.md"
    article.write_text("# Trust\n\nTrust grows slowly. It grows in small steps.\n")
    text = watched.voiceguide("read", "--text", "--section", "1")
    assert text.returncode == 0, text.stderr
    out = tmp_path / "out.wav"
    rendered = watched.voiceguide("read", str(article), "--to-file", str(out))
    assert rendered.returncode == 0, rendered.stderr
    assert out.stat().st_size > 1000
    watched.assert_offline()


@pytest.mark.audio
def test_breathe_stays_offline(watched, pulse):
    result = watched.voiceguide(
        "breathe", "box", "--cue", "tone", "--cycles", "1", "--countdown", "0", "--no-animation", "--quiet", timeout=120
    )
    assert result.returncode == 0, result.stderr
    history = watched.voiceguide("breathe", "--history")
    assert history.returncode == 0 and "box" in history.stdout
    watched.assert_offline()


@pytest.mark.slow
def test_journal_commands_stay_offline_plain_and_encrypted(watched, tmp_path):
    pytest.importorskip("sqlcipher3")
    for text in ("Trust is a practice.", "Small promises, kept."):
        assert watched.voiceguide("journal", "add", text).returncode == 0
    assert json.loads(watched.voiceguide("journal", "list", "--json").stdout)[0]["kind"] == "note"
    assert "promises" in watched.voiceguide("journal", "search", "promise*").stdout
    out = tmp_path / "journal.txt"
    assert watched.voiceguide("journal", "export", "--format", "jrnl", "--out", str(out)).returncode == 0
    assert watched.voiceguide("journal", "export", "--format", "json").returncode == 0
    other = {"VOICEGUIDE_HOME": str(tmp_path / "other")}
    assert watched.voiceguide("journal", "import", str(out), env=other).returncode == 0
    assert "entries: 2" in watched.voiceguide("journal", "stats").stdout
    locked = {"VOICEGUIDE_PASSPHRASE": "offline and private"}
    assert watched.voiceguide("journal", "encrypt", env=locked).returncode == 0
    assert "promises" in watched.voiceguide("journal", "search", "promise*", env=locked).stdout
    assert "entries: 2" in watched.voiceguide("journal", "stats", env=locked).stdout
    assert watched.voiceguide("journal", "decrypt", "--yes", env=locked).returncode == 0
    watched.assert_offline()


@pytest.mark.slow
def test_reflect_from_a_file_and_typed_stays_offline(watched, tmp_path):
    samples, rate = espeak("Today I kept a small promise to myself.")
    memo = tmp_path / "memo.wav"
    write_wav(memo, Clip(samples, rate))
    spoken = watched.voiceguide("reflect", "--from-file", str(memo), "--prompt", "What went well?")
    assert spoken.returncode == 0, spoken.stderr
    typed = watched.voiceguide("reflect", "--text", "--prompt", "And now?", input="A calm evening.\n")
    assert typed.returncode == 0, typed.stderr
    listed = json.loads(watched.voiceguide("journal", "list", "--json").stdout)
    assert len(listed) == 2 and "promise" in listed[1]["text"].lower()
    online_engine = watched.voiceguide("reflect", "--from-file", str(memo), "--engine", "google")
    assert online_engine.returncode == 1  # refused without --online, before any connection
    watched.assert_offline()


@pytest.mark.audio
def test_doctor_stays_offline(watched, pulse):
    """Doctor loads the Whisper model and renders speech: no download may be tried."""
    result = watched.voiceguide("doctor", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert messages.DOCTOR_ALL_GOOD in result.stdout
    assert messages.NETWORK_OFFLINE in " ".join(result.stdout.split())
    watched.assert_offline()


@pytest.mark.slow
def test_guide_stays_offline(watched, tmp_path):
    """The whole guided flow: sections, a breathing exercise, reflections, the journal, resume."""
    article = tmp_path / "steps.md"
    article.write_text("# Steps\n\n## Noticing\n\nNotice how you feel.\n\n## Listening\n\nListen closely.\n")
    said = "\n".join(["3", "skip", "I noticed my shoulders.", "next", "yes", "I will listen.", "stop", "4"]) + "\n"
    assert watched.voiceguide("config", "set", "breath_minutes", "0.05").returncode == 0
    first = watched.voiceguide("guide", str(article), "--text", input=said)
    assert first.returncode == 0, first.stderr
    assert "Section 2: Listening" in first.stdout and "saved 2 entries" in first.stdout
    assert "Done:" in first.stdout  # the breathing exercise ran
    again = watched.voiceguide("guide", str(article), "--text", input="stop\n")
    assert again.returncode == 0 and "Listening" in again.stdout.splitlines()[0]
    listed = json.loads(watched.voiceguide("journal", "list", "--json").stdout)
    assert sorted(e["section"] for e in listed) == [1, 2]
    watched.assert_offline()
