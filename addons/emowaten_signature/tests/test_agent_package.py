"""The workstation signing agent as the signatory gets it: the wheel downloaded from
the server, installed with pip into a new virtual environment, its console command
run against the test server with a real SoftHSM2 token."""

import base64
import hashlib
import io
import json
import os
import shlex
import shutil
import site
import subprocess
import sys
import tempfile
import zipfile

import tomllib

from odoo.tests import HttpCase, tagged

from ..tools import agentpkg, softhsm
from .common import PIN, EmowatenSignatureCase, shared

PIN_ENV = "EMOWATEN_TEST_PIN"


def _venv(root, wheel_path):
    """A new virtual environment in ``root`` with the agent installed by pip from
    ``wheel_path``, offline: python-pkcs11 (a dependency of the wheel) is found in
    this server's environment, added to the new one's path (as
    ``--system-site-packages`` would add the system's)."""
    subprocess.run([sys.executable, "-m", "venv", root], check=True, timeout=120)
    purelib = subprocess.run(
        [
            os.path.join(root, "bin", "python"),
            "-c",
            "import sysconfig;print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with open(os.path.join(purelib, "emowaten_server_env.pth"), "w") as fh:
        fh.write("\n".join(site.getsitepackages()) + "\n")
    # no --no-deps: pip must find the dependency the wheel names installed
    subprocess.run(
        [os.path.join(root, "bin", "pip"), "install", "--no-index", "-q", wheel_path],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return os.path.join(root, "bin", agentpkg.COMMAND)


@tagged("post_install", "-at_install")
class TestAgentPackage(EmowatenSignatureCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", cls.base_url())
        cls.tmp = tempfile.mkdtemp(prefix="emowaten-agent-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.wheel = agentpkg.build_wheel()
        path = os.path.join(cls.tmp, agentpkg.wheel_name())
        with open(path, "wb") as fh:
            fh.write(cls.wheel)
        cls.command = _venv(os.path.join(cls.tmp, "venv"), path)
        cls.cert_rsa.flow = "workstation"

    def _job(self, answers):
        """The job made by the signing dialog, and the command the dialog shows."""
        action = answers.with_user(self.user_sign).action_emowaten_sign()
        wizard = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_sign)
            .browse(action["res_id"])
        )
        self.assertEqual(wizard.flow, "workstation")
        self.assertIn(agentpkg.wheel_name(), wizard.agent_links_html)
        wizard.action_sign()
        self.assertTrue(wizard.job_id, wizard.result_html)
        return wizard

    def _run(self, command_line, command=None, conf=None):
        """Run the command the dialog shows, with the installed console command."""
        argv = shlex.split(command_line)
        self.assertEqual(argv[0], agentpkg.COMMAND)
        argv = [command or self.command, *argv[1:], "--pin-env", PIN_ENV]
        env = dict(
            os.environ,
            SOFTHSM2_CONF=conf or shared()["token"].conf,
            # the agent's messages in English
            LC_ALL="C.UTF-8",
            **{PIN_ENV: PIN},
        )
        # an outside process has no test-cursor cookie: let the test server accept it
        with self.allow_requests(all_requests=True):
            return subprocess.run(
                argv,
                capture_output=True,
                text=True,
                env=env,
                timeout=180,
                check=False,
            )

    def test_wheel_is_a_valid_package(self):
        """The wheel names the package, its version, python-pkcs11 and the console
        command as pyproject.toml does; its RECORD hashes match; it is the same
        bytes each time."""
        with open(os.path.join(agentpkg.AGENT_DIR, "pyproject.toml"), "rb") as fh:
            project = tomllib.load(fh)["project"]
        archive = zipfile.ZipFile(io.BytesIO(self.wheel))
        dist_info = f"{agentpkg.PACKAGE}-{agentpkg.version()}.dist-info"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        self.assertIn(f"Name: {project['name']}", metadata)
        self.assertIn(f"Version: {agentpkg.version()}", metadata)
        for requirement in project["dependencies"]:
            self.assertIn(f"Requires-Dist: {requirement}", metadata)
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
        for name, target in project["scripts"].items():
            self.assertIn(f"{name} = {target}", entry_points)
        for line in archive.read(f"{dist_info}/RECORD").decode().splitlines():
            path, digest, size = line.split(",")
            if path.endswith("RECORD"):
                continue
            data = archive.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
            self.assertEqual(digest, "sha256=" + expected.rstrip(b"=").decode())
            self.assertEqual(int(size), len(data))
        self.assertIn(f"{agentpkg.PACKAGE}/cli.py", archive.namelist())
        self.assertEqual(agentpkg.build_wheel(), self.wheel)
        version = subprocess.run(
            [self.command, "--version"], capture_output=True, text=True, check=True
        )
        self.assertIn(agentpkg.version(), version.stdout)

    def test_download_and_guide(self):
        """The signatory downloads the versioned wheel and reads the guide, whose
        command has this server and the job's pairing code filled in."""
        self.authenticate(self.user_sign.login, self.user_sign.login)
        response = self.url_open(agentpkg.DOWNLOAD_ROUTE)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/" + agentpkg.wheel_name()))
        self.assertIn(agentpkg.wheel_name(), response.headers["Content-Disposition"])
        self.assertEqual(response.content, self.wheel)
        wizard = self._job(self._answer())
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_signature"], ["fr_FR", "ar_001"], overwrite=True
        )
        for lang, title in (
            ("fr", "Installer l'agent de signature e-Mowaten"),
            ("ar", "تثبيت وكيل الإمضاء"),
        ):
            with self.subTest(lang=lang):
                page = self.url_open(
                    f"{agentpkg.GUIDE_ROUTE}?lang={lang}&job={wizard.job_id.id}"
                )
                self.assertEqual(page.status_code, 200)
                self.assertIn(title, page.text)
                self.assertIn(agentpkg.wheel_name(), page.text)
                self.assertIn(self.base_url(), page.text)
                self.assertIn(wizard.job_id.sudo().access_token, page.text)
                self.assertIn("py -m pip install --user", page.text)
                self.assertIn("~/emowaten-agent/bin/pip install", page.text)
        self.assertIn('dir="rtl"', page.text)
        # another user's job: no pairing code of it
        self.authenticate(self.user_other.login, self.user_other.login)
        page = self.url_open(f"{agentpkg.GUIDE_ROUTE}?job={wizard.job_id.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(wizard.job_id.sudo().access_token, page.text)

    def test_console_command_signs(self):
        """The installed command, run as the dialog shows it, signs the answers."""
        answers = self._answer() | self._answer()
        wizard = self._job(answers)
        command_line = wizard.agent_command
        self.assertIn(f'--server "{self.base_url()}"', command_line)
        self.assertIn(f'--code "{wizard.job_id.sudo().access_token}"', command_line)
        proc = self._run(command_line)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.env.invalidate_all()
        self.assertEqual(set(answers.mapped("state")), {"sent"})
        for answer in answers:
            self.assertValidPades(self._signed_pdf(answer))
        wizard.action_refresh()
        self.assertTrue(wizard.done)

    def test_token_absent(self):
        """No token plugged in: the agent says so, sends nothing, and the same
        command signs once the token is there."""
        answer = self._answer()
        wizard = self._job(answer)
        empty = tempfile.mkdtemp(prefix="emowaten-no-token-", dir=self.tmp)
        proc = self._run(wizard.agent_command, conf=softhsm.write_conf(empty))
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("No signing token is plugged into this computer", proc.stderr)
        self.assertIn("Run the same command again", proc.stderr)
        self.env.invalidate_all()
        self.assertEqual(wizard.job_id.state, "pending")
        proc = self._run(wizard.agent_command)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.env.invalidate_all()
        self.assertEqual(answer.state, "sent")

    def test_outdated_agent_refused(self):
        """An agent older than the server needs is refused with the download link,
        and the job stays open for the new one; an agent that sends no version (the
        script before the package) too."""
        old = os.path.join(self.tmp, agentpkg.wheel_name("0.9.0"))
        with open(old, "wb") as fh:
            fh.write(agentpkg.build_wheel("0.9.0"))
        command = _venv(os.path.join(self.tmp, "venv-old"), old)
        answer = self._answer()
        wizard = self._job(answer)
        proc = self._run(wizard.agent_command, command=command)
        self.assertEqual(proc.returncode, 4, proc.stdout + proc.stderr)
        download = f"{self.base_url()}{agentpkg.DOWNLOAD_ROUTE}/{agentpkg.wheel_name()}"
        self.assertIn("(version 0.9.0) is outdated", proc.stderr)
        self.assertIn(download, proc.stderr)
        self.env.invalidate_all()
        self.assertEqual(wizard.job_id.state, "pending")
        self.assertEqual(answer.state, "to_sign")
        self.authenticate(None, None)
        response = self.url_open(wizard.job_id.agent_url)
        self.assertEqual(response.status_code, 426)
        body = json.loads(response.text)
        self.assertEqual(body["code"], "agent_outdated")
        self.assertEqual(body["download_url"], download)
        self.assertIn(download, body["error"])
        # the new one signs
        proc = self._run(wizard.agent_command)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
