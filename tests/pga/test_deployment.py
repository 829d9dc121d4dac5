"""The production shape: docker-compose.yml, .env.example and the README agree with the
settings, and `manage.py check --deploy` passes with production-like configuration.

The names of the environment variables are taken from pga/settings.py itself, so nothing
here has to be kept in step by hand."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("init", "web", "worker", "beat")
SETTINGS_ENV_READ = re.compile(r'env\.\w+\("([A-Z_]+)"')
# `NAME=value`, or `# NAME=value` for a documented variable left unset.
ENV_EXAMPLE_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _text(*path: str) -> str:
    return ROOT.joinpath(*path).read_text(encoding="utf-8")


def settings_env_names() -> set[str]:
    """The environment variables pga/settings.py reads (`env.bool("DEBUG", ...)` etc.)."""
    names = set(SETTINGS_ENV_READ.findall(_text("pga", "settings.py")))
    assert len(names) > 10, "the settings read their configuration through env.*()"
    return names


def env_example_names(*, including_commented: bool) -> set[str]:
    text = _text(".env.example")
    return {
        name
        for commented, name in ENV_EXAMPLE_LINE.findall(text)
        if including_commented or not commented
    }


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(_text("docker-compose.yml"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _image_major(image: str) -> str:
    return image.split(":", 1)[1].split(".")[0]


def test_compose_has_the_production_services(services):
    assert set(services) >= {"postgres", "redis", "init", "web", "worker", "beat"}


def test_compose_uses_postgres_16_and_redis_7(services):
    assert services["postgres"]["image"].split(":")[0] == "postgres"
    assert _image_major(services["postgres"]["image"]) == "16"
    assert services["redis"]["image"].split(":")[0] == "redis"
    assert _image_major(services["redis"]["image"]) == "7"


def test_long_running_services_have_a_healthcheck(services):
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_app_services_are_built_from_the_dockerfile(services):
    for name in APP_SERVICES:
        assert services[name].get("build") == ".", name


def test_init_runs_migrate_and_collectstatic_once(services):
    init = services["init"]
    command = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert "manage.py migrate --noinput" in command
    assert "manage.py collectstatic --noinput" in command
    assert init["restart"] == "no"
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert init["depends_on"]["redis"]["condition"] == "service_healthy"


def test_app_services_start_only_after_init_completed(services):
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["init"]["condition"]
        assert condition == "service_completed_successfully", name


def test_beat_runs_exactly_one_replica(services):
    beat = services["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert " beat " in f" {' '.join(beat['command'])} "


def test_named_volumes_are_declared_and_used(compose, services):
    declared = set(compose["volumes"])
    assert declared >= {"pgdata", "private", "static"}
    used = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
    }
    assert declared == used
    assert "pgdata" in {v.split(":")[0] for v in services["postgres"]["volumes"]}


def test_web_and_worker_share_the_private_storage(services):
    def mount_of(service, volume):
        return next(
            v.split(":")[1] for v in services[service]["volumes"] if v.split(":")[0] == volume
        )

    assert mount_of("web", "private") == mount_of("worker", "private")
    assert services["web"]["environment"]["PRIVATE_STORAGE_ROOT"] == mount_of("web", "private")
    assert services["web"]["environment"]["STATIC_ROOT"] == mount_of("web", "static")


def test_compose_sets_only_env_vars_that_settings_reads(services):
    """A name that settings does not read is a typo or a leftover, and silently ignored."""
    known = settings_env_names()
    for name in APP_SERVICES:
        service = services[name]
        environment = service.get("environment", {})
        names = (
            set(environment)
            if isinstance(environment, dict)
            else {item.split("=", 1)[0] for item in environment}
        )
        assert service.get("env_file") == ".env", name
        names |= env_example_names(including_commented=False)
        assert names <= known, (name, sorted(names - known))


def test_compose_hard_codes_no_secrets(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        for secret in ("SECRET_KEY", "DATABASE_URL"):
            assert environment[secret].startswith(f"${{{secret}:?"), (name, secret)
    assert "POSTGRES_PASSWORD" not in services["postgres"]["environment"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")


def test_every_setting_is_documented_in_env_example():
    missing = settings_env_names() - env_example_names(including_commented=True)
    assert not missing, sorted(missing)


def test_every_setting_is_documented_in_the_readme():
    readme = _text("README.md")
    missing = {name for name in settings_env_names() if not re.search(rf"\b{name}\b", readme)}
    assert not missing, sorted(missing)


def test_check_deploy_passes_with_production_settings():
    """`manage.py check --deploy` with the configuration of the compose file: no warnings."""
    environment = {
        key: value for key, value in os.environ.items() if key not in settings_env_names()
    }
    if os.environ.get("DATABASE_URL"):
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"]
    environment.update(
        DJANGO_SETTINGS_MODULE="pga.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="weegploeg.gemeente.example.nl",
        CSRF_TRUSTED_ORIGINS="https://weegploeg.gemeente.example.nl",
        TWO_FACTOR_REQUIRED="true",
        TRUSTED_PROXY_COUNT="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
