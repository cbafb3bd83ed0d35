"""``sslmode=verify-full`` end to end: a laptop joins and syncs over TLS checked against the team's
own CA (a throwaway one here), and a server whose certificate that CA did not sign is refused."""

from __future__ import annotations

from indexer.app.content import open_home
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kb.team import server
from kb.team.sync import server_engine
from indexer.app import team_sync as app_sync
from indexer.app.workspace import SEED_NONE, Workspace
from tests.team.conftest import unique


def _ca(folder: Path, name: str) -> tuple[Path, Path]:
    key, crt = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    f"/CN={name}", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    return key, crt


def _server_cert(folder: Path, ca_key: Path, ca_crt: Path) -> tuple[Path, Path]:
    key, csr, crt, ext = (folder / f"server.{s}" for s in ("key", "csr", "crt", "ext"))
    ext.write_text("subjectAltName = DNS:localhost, IP:127.0.0.1\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(csr)], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
                    "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(crt)],
                   check=True, capture_output=True)
    return key, crt


@pytest.fixture
def tls_server(pg_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The test cluster with TLS on (its certificate signed by a throwaway CA); off again after."""
    data = os.environ.get("EXPERT_ANSWERS_TEST_PG_DATA")
    if not data or shutil.which("openssl") is None:
        pytest.skip("needs the cluster .ci/postgres.sh started and the openssl command")
    folder = Path(data).parent / f"tls-{unique('t')}"
    folder.mkdir()
    ca_key, ca_crt = _ca(folder, "team-ca")
    key, crt = _server_cert(folder, ca_key, ca_crt)
    if os.getuid() == 0:  # the cluster runs as postgres, which must own its key (mode 0600)
        for p in (folder, key, crt):
            shutil.chown(p, "postgres")
    key.chmod(0o600)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"ALTER SYSTEM SET ssl_cert_file = '{crt}'"))
        c.execute(text(f"ALTER SYSTEM SET ssl_key_file = '{key}'"))
        c.execute(text("ALTER SYSTEM SET ssl = on"))
        c.execute(text("SELECT pg_reload_conf()"))
    try:
        yield pg_url, ca_crt
    finally:
        with admin.connect() as c:
            for setting in ("ssl", "ssl_cert_file", "ssl_key_file"):
                c.execute(text(f"ALTER SYSTEM RESET {setting}"))
            c.execute(text("SELECT pg_reload_conf()"))
        admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_laptop_joins_and_syncs_over_verified_tls(tls_server: tuple[str, Path], tmp_path: Path) -> None:
    pg_url, ca_crt = tls_server
    server.init(pg_url)
    member = unique("rep")
    server.add_member(pg_url, member, "rep", "pw")
    u = make_url(pg_url)
    tls_url = u.set(host="localhost", username=member, query={"sslmode": "verify-full", "sslrootcert": str(ca_crt)})
    url = tls_url.render_as_string(hide_password=False)

    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    team = app_sync.join(ws, url, member, None, "pw")
    assert "sslmode=verify-full" in team.url
    report, _ = app_sync.sync_home(ws).value
    assert report.finished_at is not None
    engine = server_engine(team.url, {"password": "pw"})
    with engine.connect() as c:  # the member's own session really is encrypted
        assert c.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar() is True
    engine.dispose()

    other_ca = _ca(tmp_path, "not-the-team-ca")[1]  # a server this CA never signed: refused
    stranger = tls_url.set(query={"sslmode": "verify-full", "sslrootcert": str(other_ca)})
    elsewhere = open_home(tmp_path / "elsewhere", seed=SEED_NONE)
    with pytest.raises(app_sync.ServerUnreachableError, match="certificate verify failed"):
        app_sync.join(elsewhere, stranger.render_as_string(hide_password=False), member, None, "pw")
    ws.close()
    elsewhere.close()
