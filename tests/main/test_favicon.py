"""Every page names its icon, which is served (no 404 in every page's log)."""


def test_pages_link_the_favicon_and_it_is_served(client):
    page = client.get("/events/").get_data(as_text=True)

    assert 'rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
