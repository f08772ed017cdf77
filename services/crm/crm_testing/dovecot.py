"""A private Dovecot for the IMAP archive tests: its own config, users and maildirs in a temp dir, on a free port.

It never touches the system's dovecot: ``dovecot -F -c <our conf>`` runs in the foreground as our child process,
with its base_dir, state_dir and logs inside the temp dir, and is terminated after the test. Messages are put in
with IMAP APPEND, like any mail client would.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CONF = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot-info.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
last_valid_uid = 0
default_internal_user = {internal}
default_login_user = {login}
default_internal_group = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, root: Path, port: int, users: dict[str, str]):
        self.root, self.port, self.users = root, port, users
        self.host = "127.0.0.1"

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        imap = imaplib.IMAP4(self.host, self.port)
        try:
            imap.login(user, self.users[user])
            if folder != "INBOX":
                imap.create(folder)
            status, data = imap.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def recreate(self, user: str, folder: str) -> None:
        """Delete a folder and create it again with the same messages (what a server migration does): the folder
        gets a new UIDVALIDITY and its messages new UIDs."""
        imap = imaplib.IMAP4(self.host, self.port)
        try:
            imap.login(user, self.users[user])
            imap.select(folder)
            _typ, data = imap.uid("SEARCH", None, "ALL")
            msgs = [imap.uid("FETCH", uid, "(RFC822)")[1][0][1] for uid in data[0].split()]
            imap.close()
            imap.delete(folder)
            imap.create(folder)
            for raw in msgs:
                imap.append(folder, None, None, raw)
        finally:
            imap.logout()


@contextmanager
def dovecot(users: dict[str, str]) -> Iterator[Dovecot]:
    """A temp dir of its own (not pytest's: dovecot's auth process runs as another user and must reach its
    passwd file), removed afterwards."""
    import tempfile
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    root = Path(tempfile.mkdtemp(prefix="crm-dovecot-")).resolve()
    for d in ("run", "state", "mail", "home"):
        (root / d).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        internal, login = "dovecot", "dovenull"
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        for d in ("mail", "home"):
            os.chown(root / d, uid, gid)
        os.chmod(root, 0o755)
    else:
        me = pwd.getpwuid(os.geteuid())
        internal = login = me.pw_name
        uid, gid = me.pw_uid, me.pw_gid
    import grp
    group = grp.getgrgid(gid).gr_name
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in users.items()))
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(CONF.format(root=root, port=port, uid=uid, gid=gid, internal=internal, login=login, group=group))
    proc = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError("dovecot exited: " + (proc.stderr.read() or b"").decode(errors="replace")
                                   + (root / "dovecot.log").read_text(errors="replace")
                                   if (root / "dovecot.log").exists() else "")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot did not start")
            time.sleep(0.1)
        yield Dovecot(root, port, users)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(root, ignore_errors=True)
