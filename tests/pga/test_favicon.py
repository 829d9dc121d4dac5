"""The site's icon (issue 22): served by the app itself, at the address browsers ask for on
every page, and named by every page; no request for it ends in a 404."""

import io
import re

from PIL import Image


def test_favicon_ico_is_served_without_login(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(response.getvalue()))
    assert icon.format == "ICO"


def test_every_page_names_the_icon_and_it_is_there(client, db):
    page = client.get("/account/login/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert href.startswith("/static/") and href.endswith(".ico")
