"""The Hà Tĩnh coordination office opens its dashboard and map, in headless Chromium."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, shot

#: True when the canvas has drawn pixels (Chart.js drew something in it).
CANVAS_HAS_INK = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def test_province_office_opens_the_dashboard_then_the_map_and_a_commune(
    page, demo_server, tmp_path
):
    log_in(page, demo_server["accounts"], "hatinh")
    expect(page.locator("h1")).to_contain_text("Tỉnh Hà Tĩnh")  # home is their province
    page.get_by_test_id("dashboard-link").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/units/\d+/dashboard/"))
    expect(page.get_by_test_id("kpi-standard")).to_have_text(re.compile(r"^\d+/\d+$"))
    expect(page.get_by_test_id("kpi-average")).to_have_text(re.compile(r"^\d+,\d/\d+$"))

    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(4)  # districts, distribution, hardest criteria, trends
    for i in range(4):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "true")
        assert charts.nth(i).evaluate(CANVAS_HAS_INK), charts.nth(i).get_attribute("data-chart")
    # The trends have criteria met at each year end from 2020 on (the demo's data).
    trend_rows = page.get_by_test_id("trend-table").locator("tbody tr")
    expect(trend_rows.filter(has_text="2022")).to_contain_text("/19")
    expect(page.get_by_test_id("targets")).to_contain_text("4 xã nâng cao năm 2022, đạt 3")
    shot(page, "10-dashboard-ha-tinh")

    page.locator(".view-switch a", has_text="Bản đồ").click()
    page.wait_for_load_state()
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    markers = page.locator("#map path.leaflet-interactive")
    placed = int(re.match(r"\d+", page.get_by_test_id("map-counts").inner_text()).group())
    assert placed > 100
    expect(markers).to_have_count(placed)
    page.get_by_label("số tiêu chí đạt").check()  # colour by criteria met
    expect(page.locator("#legend-met")).to_be_visible()
    shot(page, "11-map-ha-tinh")

    markers.nth(placed // 2).click()
    link = page.get_by_test_id("popup-unit-link")
    expect(link).to_be_visible()
    name = page.locator(".map-popup strong").inner_text()
    link.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/units/\d+/\?as_of="))
    expect(page.locator("h1")).to_contain_text(name)

    # The office uploads outlines for two communes: they show as polygons on the map.
    page.go_back()
    page.wait_for_load_state()
    units = json.loads(page.locator("#map-data").text_content())["units"]
    as_of = re.search(r"as_of=([0-9-]+)", page.url).group(1)
    features = [
        {
            "type": "Feature",
            "properties": {"ma_xa": row[7]},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[row[3] + dx, row[2] + dy] for dx, dy in
                                 ((-.01, -.01), (.01, -.01), (.01, .01), (-.01, .01), (-.01, -.01))]],
            },
        }
        for row in [r for r in units if r[7]][:2]
    ]  # fmt: skip
    geojson = tmp_path / "two-communes.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    page.get_by_role("link", name="Tải lên ranh giới (GeoJSON)").click()
    page.set_input_files("#boundary-file", str(geojson))
    page.fill("#codes-on", as_of)
    page.get_by_role("button", name="Kiểm tra và lưu").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã lưu ranh giới của 2 đơn vị")
    shot(page, "12-boundaries-uploaded")
    page.get_by_role("link", name="Xem bản đồ").click()
    page.wait_for_load_state()
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#map path.leaflet-interactive[d$='z']")).to_have_count(2)
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(placed)
