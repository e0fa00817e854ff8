"""The Content-Security-Policy breaks nothing: the pages and the API docs run under it with no violation."""

PAGES = ["/", "/mechanisms/", "/mechanisms/bali-process/", "/states/IDN/", "/meetings/", "/api/v1/docs/"]


def test_the_pages_and_the_api_docs_run_under_the_policy_without_a_violation(visit):
    # One test for all pages: each browser test reloads the dataset, which costs more than a page.
    for path in PAGES:
        messages = []
        page = visit(path)
        page.on("console", lambda message, sink=messages: sink.append(message.text))
        page.reload(wait_until="load")
        violations = [text for text in messages if "Content Security Policy" in text or "Refused to" in text]
        assert violations == [], (path, violations)
        if path == "/api/v1/docs/":
            page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)  # Swagger UI drew the operations
            assert page.locator(".swagger-ui .opblock").count() >= 20
