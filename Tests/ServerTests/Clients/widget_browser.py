"""Drives the coachrag web widget in a real headless Chromium (Debian's chromium and
chromium-driver, through selenium) and prints what it saw as one JSON object; the Swift test
(WidgetBrowserTests) asserts on it. Usage:
    widget_browser.py main BASE_URL KEY SCREENSHOT      (ask, streaming, reload, keyboard, mobile, CSP)
    widget_browser.py markup BASE_URL KEY               (an answer full of markup stays text)
    widget_browser.py cross_origin BASE_URL CREATOR_TOKEN (a page on another origin: allowed, refused)
    widget_browser.py errors BASE_URL KEY               (rate limited and offline, said in words)
    widget_browser.py first_token BASE_URL KEY COUNT    (coachrag-bench: ms from Send to the first rendered token)
"""
import json
import sys
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

QUESTION = "How many hours of sleep do adults need?"


def browser(phone=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    if phone:  # a desktop window cannot be narrower than 500 px; a phone is emulated
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 375, "height": 740, "pixelRatio": 2.0}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


# Page-side helpers: the widget is in an open shadow root of div[data-coachrag].
HELPERS = """
window.__w = {
  root() { const host = document.querySelector('div[data-coachrag]'); return host && host.shadowRoot; },
  q(selector) { const root = this.root(); return root ? Array.from(root.querySelectorAll(selector)) : []; },
  state() {
    return {
      messages: this.q('[data-testid=coachrag-message]').map(m => ({role: m.dataset.role, text: m.querySelector('.text').textContent,
                 note: (m.querySelector('.note') || {}).textContent || null, elements: m.querySelector('.text').children.length,
                 busy: m.getAttribute('aria-busy')})),
      citations: this.q('[data-testid=coachrag-citation]').map(c => ({label: c.querySelector('summary').textContent,
                  title: c.querySelector('summary').getAttribute('title'), quote: c.querySelector('blockquote').textContent})),
      status: (this.q('.status')[0] || {}).textContent || '',
      panelHidden: (this.q('.panel')[0] || {}).hidden,
      active: (this.root() && this.root().activeElement) ? this.root().activeElement.dataset.testid || this.root().activeElement.className : null,
    };
  },
  watch() {
    // Records every text the answer shows, and when the first one appeared.
    window.__seen = []; window.__first = null; window.__sent = performance.now();
    const list = this.q('.messages')[0];
    new MutationObserver(() => {
      const answers = this.q('[data-testid=coachrag-message][data-role=assistant]');
      const last = answers[answers.length - 1];
      const text = last ? last.querySelector('.text').textContent : '';
      if (text && window.__first === null) window.__first = performance.now() - window.__sent;
      if (text && window.__seen[window.__seen.length - 1] !== text) window.__seen.push(text);
    }).observe(list, {subtree: true, childList: true, characterData: true});
  },
};
"""


def ask(driver, question, wait_for_citation=True, timeout=60):
    driver.execute_script(HELPERS)
    state = driver.execute_script("return __w.state()")
    if state["panelHidden"]:
        driver.execute_script("__w.q('[data-testid=coachrag-launcher]')[0].click()")
    driver.execute_script("__w.watch();")
    driver.execute_script("const i = __w.q('[data-testid=coachrag-input]')[0]; i.value = arguments[0];", question)
    driver.execute_script("__w.q('[data-testid=coachrag-send]')[0].click()")
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = driver.execute_script("return __w.state()")
        answers = [m for m in state["messages"] if m["role"] == "assistant"]
        done = answers and answers[-1]["busy"] == "false"
        if (done and (state["citations"] or not wait_for_citation)) or state["status"]:
            break
        time.sleep(0.05)
    state["seen"] = driver.execute_script("return window.__seen")
    state["first_token_ms"] = driver.execute_script("return window.__first")
    return state


def csp_violations(driver):
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"] or "Refused" in entry["message"]]


def main(base, key, screenshot):
    report = {}
    driver = browser()
    try:
        driver.get(f"{base}/chat/demo?key={key}")
        driver.execute_script(HELPERS)
        driver.execute_script("__w.q('[data-testid=coachrag-launcher]')[0].click()")
        report["focus_on_open"] = driver.execute_script("return __w.state().active")
        report["launcher_expanded"] = driver.execute_script("return __w.q('[data-testid=coachrag-launcher]')[0].getAttribute('aria-expanded')")
        started = time.time()
        report["ask"] = ask(driver, QUESTION)
        report["ask"]["done_ms"] = (time.time() - started) * 1000
        driver.execute_script("__w.q('[data-testid=coachrag-citation] summary')[0].click()")  # a tap shows the quote
        report["quote_shown"] = driver.execute_script("return __w.q('[data-testid=coachrag-citation]')[0].open")
        driver.save_screenshot(screenshot)
        report["roles"] = driver.execute_script("""return {log: __w.q('.messages')[0].getAttribute('role'),
            dialog: __w.q('.panel')[0].getAttribute('role'), live: __w.q('.messages')[0].getAttribute('aria-live')}""")
        # The conversation is kept for the browser session.
        driver.refresh()
        driver.execute_script(HELPERS)
        report["after_reload"] = driver.execute_script("return __w.state()")
        # A follow-up carries the earlier turns (the server retrieves with them).
        report["follow_up"] = ask(driver, "And what about naps?", wait_for_citation=False)
        # Keyboard: Escape closes the panel and gives focus back to the launcher.
        driver.execute_script("__w.q('[data-testid=coachrag-input]')[0].dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))")
        report["after_escape"] = driver.execute_script("return __w.state()")
        report["csp_violations"] = csp_violations(driver)
    finally:
        driver.quit()
    # Mobile width: the open panel fills the screen.
    phone = browser(phone=True)
    try:
        phone.get(f"{base}/chat/demo?key={key}")
        phone.execute_script(HELPERS)
        phone.execute_script("__w.q('[data-testid=coachrag-launcher]')[0].click()")
        report["mobile"] = phone.execute_script("""const r = __w.q('.panel')[0].getBoundingClientRect();
            return {width: r.width, viewport: window.innerWidth, left: r.left}""")
    finally:
        phone.quit()
    return report


def markup(base, key):
    driver = browser()
    try:
        driver.get(f"{base}/chat/demo?key={key}")
        state = ask(driver, QUESTION)
        state["injected"] = driver.execute_script(
            "return {img: __w.q('img').length, b: __w.q('b').length, script: __w.q('.messages script').length, pwned: window.__pwned === true}")
        return state
    finally:
        driver.quit()


def cross_origin(base, creator_token):
    pages = {}

    class Pages(SimpleHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"

    def key(origins):
        request = urllib.request.Request(f"{base}/api/v1/auth/api-keys", method="POST",
                                         data=json.dumps({"name": "widget", "scopes": ["chat"], "allowed_origins": origins}).encode(),
                                         headers={"Authorization": f"Bearer {creator_token}", "Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))["key"]

    for path, widget_key in (("/allowed.html", key([origin])), ("/wrong-key.html", key(["https://elsewhere.example"]))):
        pages[path] = (f'<!doctype html><html><body><h1>A coach\'s own site</h1>'
                       f'<script src="{base}/widget.js" data-creator="demo" data-key="{widget_key}"></script></body></html>')
    report = {"origin": origin}
    driver = browser()
    try:
        driver.get(origin + "/allowed.html")
        report["allowed"] = ask(driver, QUESTION)
        # The same site with a key that does not list it: the server refuses the key (403).
        driver.get(origin + "/wrong-key.html")
        report["wrong_key"] = ask(driver, QUESTION, timeout=20)
        # An origin no key lists: the preflight is refused, so the browser blocks the request.
        driver.get(origin.replace("127.0.0.1", "localhost") + "/allowed.html")
        report["unknown_origin"] = ask(driver, QUESTION, timeout=20)
    finally:
        driver.quit()
        site.shutdown()
    return report


def errors(base, key):
    """The widget's error states, said in words: rate limited (the key allows one request), offline."""
    driver = browser()
    try:
        driver.get(f"{base}/chat/demo?key={key}")
        report = {"first": ask(driver, QUESTION), "limited": ask(driver, "And for teenagers?", wait_for_citation=False, timeout=20)}
        driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        report["offline"] = ask(driver, "How much water should I drink?", wait_for_citation=False, timeout=20)
        return report
    finally:
        driver.quit()


def first_token(base, key, count):
    """For coachrag-bench: each question new (no query cache), in a fresh session."""
    driver = browser()
    samples, done = [], []
    try:
        for number in range(int(count)):
            driver.get(f"{base}/chat/demo?key={key}")
            driver.execute_script("sessionStorage.clear()")
            driver.refresh()
            started = time.time()
            state = ask(driver, f"How many hours of sleep do adults need? ({number})", wait_for_citation=False)
            if state["first_token_ms"] is None or state["status"]:
                raise SystemExit(f"no answer rendered: {state}")
            samples.append(state["first_token_ms"])
            done.append((time.time() - started) * 1000)
    finally:
        driver.quit()
    return {"first_token_ms": samples, "answer_ms": done}


if __name__ == "__main__":
    scenario, arguments = sys.argv[1], sys.argv[2:]
    result = {"main": main, "markup": markup, "cross_origin": cross_origin, "errors": errors, "first_token": first_token}[scenario](*arguments)
    print(json.dumps(result))
