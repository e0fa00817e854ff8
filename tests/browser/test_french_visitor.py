"""A French visitor in a real browser: arrives with Accept-Language: fr on the home page, lands on the French
site, filters the directory and opens the MIDWA page, whose map shows its members, named in French. A
screenshot of the map is saved in test-artifacts/."""

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under REQUIRE_BROWSER=1, saying why
    expect = None


def test_a_french_visitor_lands_on_the_french_site_filters_the_directory_and_opens_midwa(browser, site, artifacts):
    context = browser.new_context(locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    try:
        page = context.new_page()
        page.goto(site + "/")
        assert page.url == site + "/fr/"
        assert page.locator("html").get_attribute("lang") == "fr"
        expect(page.get_by_role("heading", level=1, name="Mécanismes régionaux de consultation sur la migration")
               ).to_be_visible()

        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mécanismes").click()
        page.get_by_label("Type", exact=True).select_option(label="PCR")
        page.get_by_label("Région", exact=True).select_option(label="Afrique (intra-africain)")
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(page.get_by_role("heading", level=2, name="4 mécanismes correspondent à ces filtres")).to_be_visible()
        assert page.url.startswith(site + "/fr/mechanisms/?")

        page.get_by_role("link", name="Migration Dialogue for West Africa").click()
        assert page.url == site + "/fr/mechanisms/midwa/"
        expect(page.get_by_role("heading", level=2, name="Participants")).to_be_visible()
        members = page.locator("table.participants th[scope=row]")
        names = members.all_inner_texts()
        assert {"Bénin", "Cap-Vert", "Guinée", "Sénégal"} <= set(names)

        # The map: every member drawn, each with its name in French; its text alternative in French too.
        world = page.locator("svg.world-map").first
        expect(world).to_be_visible()
        assert world.get_attribute("role") == "img"
        drawn = world.locator("g.state")
        codes = set(drawn.evaluate_all("groups => groups.map(group => group.dataset.alpha3)"))
        assert {"BEN", "CPV", "GIN", "SEN", "NGA", "GHA"} <= codes and len(codes) == 17
        senegal = world.locator('g.state[data-alpha3="SEN"] use')
        box = senegal.bounding_box()
        assert box and box["width"] > 2 and box["height"] > 2
        assert world.locator('g.state[data-alpha3="SEN"] title').text_content().startswith("Sénégal")
        assert world.locator('g.state[data-alpha3="CPV"] circle').count() == 1  # too small: a marker
        expect(page.locator("#participants-map-summary")).to_contain_text("17 États participent")
        page.locator("figure.map").first.screenshot(path=str(artifacts / "midwa-map-fr.png"))

        # The switcher takes the visitor to the same page in English, and the choice holds.
        page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
        assert page.url == site + "/mechanisms/midwa/"
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("link", name="Home").first.click()
        assert page.url == site + "/"
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
