"""Backup and restore (README, "Backup and restore"): a dump plus filestore,
restored into a new database, with every attachment's checksum checked."""

import os
import subprocess

from .conftest import ROOT

DATA_DIR = next(
    line.split("=", 1)[1].strip()
    for line in (ROOT / "config" / "odoo.conf").read_text().splitlines()
    if line.startswith("data_dir")
)


def _run(*cmd):
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False
    )


def test_backup_restores_into_a_new_database_with_every_checksum(demo_server, tmp_path):
    restored = demo_server.db + "_restored"
    _run("dropdb", "--if-exists", restored)
    backup = _run("bash", ROOT / "scripts" / "backup.sh", demo_server.db, tmp_path)
    assert backup.returncode == 0, backup.stderr
    archive = backup.stdout.strip().splitlines()[-1]
    assert os.path.exists(archive)
    try:
        restore = _run("bash", ROOT / "scripts" / "restore.sh", archive, restored)
        assert restore.returncode == 0, restore.stderr
        assert "every checksum matches" in restore.stderr
        count = _run(
            "psql",
            "-d",
            restored,
            "-tAc",
            "select count(*) from ir_attachment where store_fname is not null",
        )
        assert int(count.stdout) > 0
        # A restored database is refused as a target: nothing is overwritten.
        again = _run("bash", ROOT / "scripts" / "restore.sh", archive, restored)
        assert again.returncode != 0
        assert "already exists" in again.stderr
    finally:
        _run("dropdb", "--if-exists", restored)
        _run("rm", "-rf", f"{DATA_DIR}/filestore/{restored}")


def test_a_corrupted_file_fails_the_restore_check(demo_server, tmp_path):
    restored = demo_server.db + "_corrupt"
    _run("dropdb", "--if-exists", restored)
    archive = (
        _run("bash", ROOT / "scripts" / "backup.sh", demo_server.db, tmp_path)
        .stdout.strip()
        .splitlines()[-1]
    )
    # Alter one attachment inside the archived filestore.
    work = tmp_path / "x"
    work.mkdir()
    _run("tar", "-C", work, "-xf", archive)
    fs = work / "fs"
    fs.mkdir()
    _run("tar", "-C", fs, "-xf", work / "filestore.tar")
    victim = next(p for p in fs.rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"tampered")
    _run("tar", "-C", fs, "-cf", work / "filestore.tar", ".")
    bad_archive = tmp_path / "bad.tar"
    _run(
        "tar",
        "-C",
        work,
        "-cf",
        bad_archive,
        "MANIFEST",
        "db.dump",
        "attachments.sha1",
        "filestore.tar",
    )
    try:
        restore = _run("bash", ROOT / "scripts" / "restore.sh", bad_archive, restored)
        assert restore.returncode != 0
        assert "checksum mismatch" in restore.stderr
    finally:
        _run("dropdb", "--if-exists", restored)
        _run("rm", "-rf", f"{DATA_DIR}/filestore/{restored}")
