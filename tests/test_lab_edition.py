"""`make lab EDITION=ko`: the Korean edition's folder, and JupyterLab itself in Korean."""
import json

import pytest

from course import lab
from lab_browser import lab_server


def test_the_korean_edition_opens_release_ko_with_its_own_settings(tmp_path, monkeypatch):
    """Check that EDITION=ko opens release_ko/ with settings of its own that set the Korean locale, once."""
    monkeypatch.chdir(tmp_path)
    line = lab.command("--no-browser", edition="ko")
    assert "--LabApp.default_url=/lab/tree/release_ko" in line
    settings = tmp_path / "build" / "lab-ko" / "user-settings"
    assert f"--LabApp.user_settings_dir={settings}" in line
    path = settings / lab.LOCALE_SETTING
    assert json.loads(path.read_text()) == {"locale": "ko_KR"}
    path.write_text(json.dumps({"locale": "ko_KR", "theme": "a student's own"}))
    lab.command(edition="ko")
    assert "a student's own" in path.read_text()  # made once, then the student's
    english = lab.command(edition="en")
    assert "--LabApp.default_url=/lab/tree/release" in english
    assert not any(o.startswith("--LabApp.user_settings_dir") for o in english)
    with pytest.raises(SystemExit, match="no edition 'fr'"):
        lab.command(edition="fr")


@pytest.mark.slow
def test_jupyterlab_speaks_korean_in_the_korean_edition(tmp_path):
    """Check, on a real server started as `make lab EDITION=ko` starts it, that its locale is ko_KR and the
    Korean language pack is installed and serves JupyterLab's own strings in Korean."""
    root = tmp_path / "course"
    (root / "release_ko").mkdir(parents=True)
    with lab_server(root, tmp_path / "home", ["--edition=ko"]) as server:
        status, body = server.request("GET", "lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert status == 200, body
        assert json.loads(body)["settings"]["locale"] == "ko_KR"
        status, body = server.request("GET", "lab/api/translations/ko_KR")
        assert status == 200, body
        strings = json.loads(body)["data"]["jupyterlab"]
        assert strings[""]["language"].lower().startswith("ko"), strings[""]
        assert any(any("\uac00" <= ch <= "\ud7a3" for ch in str(v)) for v in list(strings.values())[1:50])
