import pytest

from ntm.recognition.tests.helpers import build_world


@pytest.fixture
def world(db, tmp_path, settings):
    return build_world(tmp_path, settings)
