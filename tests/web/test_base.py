"""What every page carries from the base template."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client


def test_every_page_names_an_icon_that_is_there(db: Any) -> None:
    """Without one, browsers ask for /favicon.ico, which is not there: a 404 on every visit."""
    page = Client().get("/accounts/login/").content.decode()
    found = re.search(
        r'<link rel="icon" type="image/svg\+xml" href="/static/(web/favicon\.svg)">', page
    )
    assert found, "no icon link in the base template"
    path = finders.find(found.group(1))
    assert path is not None
    assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314 - our file
