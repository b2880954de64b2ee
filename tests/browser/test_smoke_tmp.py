import pytest
pytestmark = pytest.mark.browser

def test_smoke(world, ui):
    ui.login("anne@nordby.dk")
    print(ui.page.url, ui.heading(), ui.console_errors)
    ff = ui.page.evaluate("getComputedStyle(document.body).fontFamily")
    print(ff)
    ui.goto("/api/docs", "docs")
    ui.page.wait_for_timeout(1000)
    print(ui.console_errors)
