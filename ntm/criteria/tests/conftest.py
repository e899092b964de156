import pytest

from ntm.criteria.tests.helpers import build_world


@pytest.fixture
def world(db, tmp_path):
    return build_world(tmp_path)
