"""scripts/portal.sh refuses clearly, in French, when a service cannot start."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "portal.sh")
VENV = os.path.dirname(os.path.dirname(sys.executable))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def squatter():
    """A program that is not ours holding a port."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    yield s.getsockname()[1]
    s.close()


def _run(command, tmp_path, **env):
    full_env = dict(os.environ, POITIERS_RUN_DIR=str(tmp_path / "run"), POITIERS_VENV=VENV,
                    **{k: str(v) for k, v in env.items()})
    return subprocess.run(["bash", SCRIPT, command], env=full_env, capture_output=True,
                          text=True, timeout=300)


def test_solr_port_taken_by_another_program(tmp_path, squatter):
    result = _run("start-solr", tmp_path, POITIERS_SOLR_PORT=squatter)
    assert result.returncode != 0
    assert f"le port {squatter} (Solr) est déjà pris" in result.stderr
    assert not (tmp_path / "run" / "solr.pid").exists()


def test_redis_port_taken_by_another_program(tmp_path, squatter):
    result = _run("start-redis", tmp_path, POITIERS_REDIS_PORT=squatter)
    assert result.returncode != 0
    assert f"le port {squatter} (Redis) est déjà pris" in result.stderr


def test_java_missing(tmp_path):
    result = _run("start-solr", tmp_path, POITIERS_SOLR_PORT=_free_port(),
                  JAVA="/nonexistent/bin/java")
    assert result.returncode != 0
    assert "Java (JDK 17) introuvable" in result.stderr
    assert "apt-get install openjdk-17-jdk-headless" in result.stderr


def test_maven_missing(tmp_path):
    result = _run("start-solr", tmp_path, POITIERS_SOLR_PORT=_free_port(),
                  MVN="/nonexistent/bin/mvn")
    assert result.returncode != 0
    assert "Maven introuvable" in result.stderr


def test_maven_central_unreachable(tmp_path):
    closed = _free_port()
    settings = tmp_path / "settings.xml"
    settings.write_text(f"""<settings><mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf>
<url>http://127.0.0.1:{closed}/maven2</url></mirror></mirrors></settings>""")
    result = _run("start-solr", tmp_path, POITIERS_SOLR_PORT=_free_port(),
                  POITIERS_MVN_ARGS=f"-Dmaven.repo.local={tmp_path}/m2 -s {settings}")
    assert result.returncode != 0
    assert "Maven n'a pas pu récupérer Solr (Maven Central injoignable ?)" in result.stderr
    assert not (tmp_path / "run" / "solr-lib" / ".complete").exists()


def test_unknown_ckan_version_is_refused(tmp_path):
    result = _run("setup", tmp_path, CKAN_VERSION="2.9")
    assert result.returncode == 2
    assert "CKAN_VERSION=2.9 non pris en charge" in result.stderr
