"""Drives headless Chromium through `make run`'s demo and saves its main screens
as PNG files (run by tools/screenshots.sh, with Odoo's Python: it needs
websocket-client and Pillow, both installed next to Odoo).

    screenshots.py --odoo http://127.0.0.1:8069 --sandbox http://127.0.0.1:8079 --out docs/screenshots

The journey is the README's "first five minutes": the settings, Marc Langlois'
CDD and its Document tab, a contract with a missing value, the three steps of
"Signature électronique", the draft on jesignexpert.com (the sandbox), and,
once both signers have signed there, the collection with its signed PDF.
Everything is clicked as a person would; only the signatures are given through
the sandbox's control API (the signers' side is jesignexpert.com's, not ours).
"""

import argparse
import base64
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket
from PIL import Image

WIDTH, HEIGHT = 1280, 800


class Browser:
    """Headless Chromium over the DevTools protocol, one page."""

    def __init__(self, lang="fr-FR"):
        self.profile = tempfile.mkdtemp(prefix="jse-shots-chromium-")
        args = [
            shutil.which("chromium") or shutil.which("chromium-browser") or "chromium",
            "--headless=new",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--lang={lang}",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--force-device-scale-factor=1",
            "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        port_file = pathlib.Path(self.profile, "DevToolsActivePort")
        for _attempt in range(300):
            if port_file.exists() and len(port_file.read_text().split()) == 2:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("Chromium did not start")
        port, path = port_file.read_text().split()
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=120, suppress_origin=True)
        self.next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, session=False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            data = json.loads(self.ws.recv())
            if data.get("id") == self.next_id:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})

    def js(self, expression):
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def goto(self, url):
        self.call("Page.navigate", session=True, url=url)
        self.wait("document.readyState === 'complete'", f"page {url}")

    def wait(self, expression, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.js(expression):
                    return
            except RuntimeError:
                pass  # the page is changing
            time.sleep(0.2)
        raise RuntimeError(f"timed out waiting for {what}: {expression}")

    def wait_for(self, selector, text=None, timeout=60):
        self.wait(f"!!({self._find(selector, text)})", f"{selector} {text or ''}", timeout)

    def click(self, selector, text=None):
        self.wait_for(selector, text)
        self.js(f"({self._find(selector, text)}).click()")

    def settle(self, seconds=0.8):
        """Lets the page finish its animations and pending requests."""
        self.wait("!document.querySelector('.o_loading_indicator, .o_blockUI')", "Odoo idle", 30)
        time.sleep(seconds)

    @staticmethod
    def _find(selector, text=None):
        if text is None:
            return f"document.querySelector({json.dumps(selector)})"
        return (
            f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.offsetParent !== null && e.textContent.includes({json.dumps(text)}))"
        )

    def shot(self, path, full_page=False):
        """A PNG of the page (the viewport, or the whole page), 256 colours."""
        self.js("document.activeElement && document.activeElement.blur()")  # no caret, no focus ring
        params = {"format": "png"}
        if full_page:
            size = self.js("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": WIDTH, "height": size[1], "scale": 1},
            }
        data = base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"])
        image = Image.open(io.BytesIO(data)).convert("RGB")
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(path, optimize=True)
        print(f"  {path} ({os.path.getsize(path) // 1024} KB)")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def call_kw(browser, model, method, args, kwargs=None):
    """A JSON-RPC call from the logged-in page (what the web client does)."""
    payload = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
    )
    reply = browser.js(
        f"fetch('/web/dataset/call_kw', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, "
        f"body: {json.dumps(payload)}}}).then(r => r.json())"
    )
    if "error" in reply:
        raise RuntimeError(reply["error"])
    return reply["result"]


def journey(browser, odoo, sandbox, out):
    def shot(name, **kwargs):
        browser.shot(os.path.join(out, f"{name}.png"), **kwargs)

    # Logged in as the administrator, who also initiates the collection.
    browser.goto(f"{odoo}/web/login")
    browser.js(
        "document.querySelector('#login').value = 'admin';"
        "document.querySelector('#password').value = 'admin';"
        "document.querySelector('form.oe_login_form').submit()"
    )
    browser.wait("location.pathname.startsWith('/odoo')", "the web client")
    browser.wait_for(".o_main_navbar")

    # 1. The settings: the company's jesignexpert.com cabinet.
    browser.goto(f"{odoo}/odoo/settings#jesignexpert_connector")
    browser.wait_for(".o_setting_container [name='jesignexpert_firm_id']")
    browser.js("document.querySelector('#jesignexpert_link').scrollIntoView({block: 'start'})")
    browser.settle()
    shot("01-settings")

    def contract_id(name):
        return call_kw(browser, "hr.contract", "search", [[("name", "=", name)]])[0]

    # 2. Marc Langlois' CDD, its Document tab: every value filled.
    marc = contract_id("CDD MARC LANGLOIS")
    browser.goto(f"{odoo}/odoo/action-hr_contract.action_hr_contract/{marc}")
    browser.click(".o_notebook_headers a.nav-link[name='jesignexpert_document']")
    browser.wait_for(".o_field_jse_document_preview .o_jse_var, [name='jesignexpert_document'] .o_jse_var")
    browser.settle()
    shot("02-contract-document")

    # 3. A contract with a missing value: "(Label)", highlighted.
    julie = contract_id("CDD JULIE BERNARD")
    browser.goto(f"{odoo}/odoo/action-hr_contract.action_hr_contract/{julie}")
    browser.click(".o_notebook_headers a.nav-link[name='jesignexpert_document']")
    browser.wait_for("[name='jesignexpert_document'] .o_jse_missing")
    browser.js(
        "document.querySelector('[name=\"jesignexpert_document\"] .o_jse_missing').scrollIntoView({block: 'center'})"
    )
    browser.settle()
    shot("03-missing-value")

    # 4-6. "Signature électronique" on Marc's CDD: the three steps.
    browser.goto(f"{odoo}/odoo/action-hr_contract.action_hr_contract/{marc}")
    browser.click(".o_form_view button[name='action_jesignexpert_sign']")
    browser.wait_for(".modal .o_field_widget[name='title'] input")
    browser.settle()
    shot("04-step-1-document")
    browser.click(".modal button[name='action_next']")
    browser.wait_for(".modal .o_field_one2many[name='line_ids'] .o_data_row", "marc.langlois@example.com")
    browser.settle()
    shot("05-step-2-signers")
    browser.click(".modal button[name='action_next']")
    browser.wait_for(".modal .o_field_widget[name='email_preview']", "invit")
    browser.settle()
    shot("06-step-3-sending")

    # 7. "Préparer sur jesignexpert.com": the browser lands on jesignexpert.com
    # (the sandbox), where a collaborator of the cabinet logs in: the draft.
    browser.click(".modal button[name='action_confirm']")
    browser.wait(f"location.href.startsWith({json.dumps(sandbox)})", "jesignexpert.com")
    browser.wait_for("input[name='email']")
    browser.js(
        "document.querySelector('input[name=\"email\"]').value = 'jean.doe@cabinet-exemple.fr';"
        "document.querySelector('input[name=\"password\"]').value = 'demo';"
        "document.querySelector('form').submit()"
    )
    browser.wait_for("h1", "Collecte de signature")
    browser.settle(0.3)
    shot("07-jesignexpert-draft", full_page=True)

    # There, the collaborator sends the collection; then both signers sign.
    tid = browser.js("location.pathname.split('/')[2]")
    browser.click("button", "Envoyer la collecte")
    browser.wait_for(".status", "Envoy")
    for signer in (1, 2):
        requests.post(f"{sandbox}/_sandbox/transaction/{tid}/signatory/{signer}/sign", timeout=10).raise_for_status()

    # 8. Back in Odoo: the collection, refreshed, with its signed PDF.
    browser.goto(f"{odoo}/odoo")
    browser.wait_for(".o_main_navbar")
    collection = call_kw(browser, "jesignexpert.collection", "search", [[("jse_id", "=", tid)]])[0]
    browser.goto(f"{odoo}/odoo/action-jesignexpert_connector.jesignexpert_collection_action/{collection}")
    browser.click(".o_form_view button[name='action_refresh']")
    browser.wait_for(".o_field_widget[name='signed_document'] a")
    browser.settle()
    shot("08-collection-signed")

    # 9. And the contract's Document tab, headed by the signed document.
    browser.goto(f"{odoo}/odoo/action-hr_contract.action_hr_contract/{marc}")
    browser.click(".o_notebook_headers a.nav-link[name='jesignexpert_document']")
    browser.wait_for(".o_field_widget[name='jesignexpert_signed_document'] a")
    browser.settle()
    shot("09-contract-signed")

    # 10-11. Several contracts at once: the other two ticked in the list,
    # Action > Signature électronique, one sending, prepared in the background
    # while the page follows (make run has cron workers).
    browser.goto(f"{odoo}/odoo/action-hr_contract.action_hr_contract")
    browser.click(".o_list_view .o_group_header", "Nouveau")
    for name in ("CDD JULIE BERNARD", "CDI CLAIRE FONTAINE"):
        browser.wait_for(".o_list_view .o_data_row", name)
        row = browser._find(".o_list_view .o_data_row", name)
        browser.js(f"({row}).querySelector('.o_list_record_selector input').click()")
    browser.click(".o_control_panel .o_cp_action_menus button:has(.fa-cog)")
    browser.click(".o-dropdown--menu .o-dropdown-item", "Signature électronique")
    browser.wait_for(".o_field_one2many[name='line_ids'] .o_data_row", "CDI CLAIRE FONTAINE")
    browser.settle()
    shot("10-bulk-contracts")
    browser.click(".o_form_view button[name='action_next']")
    browser.wait_for(".o_form_view button[name='action_confirm']")
    browser.click(".o_form_view button[name='action_confirm']")
    browser.wait_for(".o_form_view .o_statusbar_status .o_arrow_button_current", "Terminé", timeout=120)
    browser.settle()
    shot("11-bulk-prepared")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odoo", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    browser = Browser()
    try:
        journey(browser, args.odoo.rstrip("/"), args.sandbox.rstrip("/"), args.out)
    except Exception:
        browser.shot(os.path.join(tempfile.gettempdir(), "jse-screenshots-failure.png"))
        print(f"  the page when it failed: {tempfile.gettempdir()}/jse-screenshots-failure.png", file=sys.stderr)
        raise
    finally:
        browser.close()


if __name__ == "__main__":
    main()
