"""docs/operating.md names only settings that exist: ours in settings/ (or the image), the LMS's in a short list."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Settings of the LMS, Studio, the MFEs and xqueue-watcher that the guide tells operators to set there.
OPEN_EDX_SIDE = {
    "ENABLE_SPECIAL_EXAMS",  # FEATURES flag, LMS and Studio
    "EXAMS_SERVICE_USERNAME",  # LMS and Studio
    "TOKEN_SIGNING",  # LMS: exam access token verification (token_utils)
    "JWT_SIGNING_ALGORITHM",
    "JWT_AUTH",  # LMS JWT settings
    "JWT_PRIVATE_SIGNING_JWK",
    "XQUEUE_INTERFACE",  # LMS
    "MFE_CONFIG",  # LMS: MFE runtime configuration
    "EXAMS_BASE_URL",  # MFEs
}


def named_settings(text: str) -> set[str]:
    """Upper-case identifiers with an underscore inside backticks or code blocks."""
    blocks = re.findall(r"```.*?```", text, re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    code = "\n".join([*blocks, *inline])
    return set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", code))


def our_settings_source() -> str:
    files = [*ROOT.joinpath("settings").glob("*.py"), ROOT / "Dockerfile"]
    return "\n".join(path.read_text() for path in files)


def test_every_setting_named_in_operating_md_exists():
    names = named_settings((ROOT / "docs" / "operating.md").read_text())
    source = our_settings_source()
    missing = sorted(name for name in names - OPEN_EDX_SIDE if not re.search(rf"\b{name.rstrip('_')}", source))
    assert names, "no settings found: the extraction is broken"
    assert not missing, f"docs/operating.md names settings that do not exist: {missing}"


def test_the_check_catches_an_invented_setting():
    assert "EXAMS_MADE_UP_SETTING" in named_settings("set `EXAMS_MADE_UP_SETTING=1`")
    assert not re.search(r"\bEXAMS_MADE_UP_SETTING", our_settings_source())
