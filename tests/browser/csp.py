"""Every browser test fails on a Content-Security-Policy violation (see the `csp_violations` fixture in
tests/conftest.py).

Each browser context the tests open gets a script, run before the page's own, that turns every
`securitypolicyviolation` event into a console error; the context's console messages are collected, with
Chromium's own "Refused to ..." CSP messages when Playwright reports them."""

REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample || ""}`.trim()
  );
}, true);
"""
PREFIX = "CSP violation:"


def is_violation(text):
    return text.startswith(PREFIX) or "Content Security Policy" in text


class ViolationLog(list):
    """The violations seen so far, as 'page url: message' strings."""

    def watch(self, context):
        context.add_init_script(REPORTER)
        context.on("console", self._console)
        return context

    def _console(self, message):
        if is_violation(message.text):
            page = message.page
            self.append(f"{page.url if page else '?'}: {message.text}")


def install(monkeypatch, log):
    """Make every Browser.new_context of this test report to `log`, however the test opened its browser."""
    from playwright.sync_api import Browser

    original = Browser.new_context

    def new_context(self, *args, **kwargs):
        return log.watch(original(self, *args, **kwargs))

    monkeypatch.setattr(Browser, "new_context", new_context)


def inject_script(page, source):
    """Run a test tool's script (axe-core) in the page. Not as an inline <script> tag, which the policy refuses
    (and the guard would report), but through the DevTools protocol, as a developer's console does."""
    page.evaluate(f"() => {{ {source}\n }}")
