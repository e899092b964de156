"""The read-only pages: criteria sets with confidence marks (unit pages:
ntm/web/tests/test_unit_pages.py)."""

import pytest

from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, VARIANT_SET, write_sets

pytestmark = pytest.mark.django_db


def test_criteria_pages_show_thresholds_and_what_needs_confirmation(admin_client, tmp_path):
    incomplete = {**COMMUNE_SET}
    load_criteria_sets(write_sets(tmp_path, incomplete, VARIANT_SET))
    listing = admin_client.get("/criteria/").content.decode()
    assert "Bộ tiêu chí xã của tỉnh (thử)" in listing
    page = admin_client.get("/criteria/test-province-commune/").content.decode()
    assert "Khu dân cư mẫu, vườn mẫu" in page
    assert "Bắc Trung Bộ" in page and "Từ 2020" in page and "≥ 36" in page
    assert "Chưa có chi tiết chỉ tiêu" in page  # criterion 19 has no indicator detail
    assert admin_client.get("/criteria/nope/").status_code == 404
