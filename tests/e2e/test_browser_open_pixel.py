"""The open pixel of a sent email as a mail client loads it: the public route's redirect, then
the dashboard site's transparent image (dashboard/public/o.gif, in the built site)."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page

from commcenter_local.stack import ROOT, LocalStack

pytestmark = pytest.mark.browser


def test_the_pixel_url_loads_a_one_pixel_transparent_gif(page: Page, local_stack: LocalStack) -> None:
    gif = (ROOT / "dashboard" / "public" / "o.gif").read_bytes()
    assert len(gif) == 43 and gif.startswith(b"GIF89a\x01\x00\x01\x00")
    response = page.goto(f"{local_stack.base_url}/mail/o/{secrets.token_urlsafe(24)}")
    assert response is not None
    assert response.url == f"{local_stack.dashboard_url}/o.gif"
    assert response.status == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.body() == gif
    size = page.evaluate(
        """src => new Promise((resolve, reject) => {
            const image = new Image();
            image.onload = () => resolve([image.naturalWidth, image.naturalHeight]);
            image.onerror = reject;
            image.src = src;
        })""",
        f"{local_stack.dashboard_url}/o.gif",
    )
    assert size == [1, 1]
