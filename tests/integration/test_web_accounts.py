"""The web registry with accounts, in process (httpx through FastAPI's TestClient): an artist's whole
story through the pages, then every way a request can be refused (another artist's work, a forged CSRF
token, an expired session, a stranger's transfer, the wrong role, a missing or wrong API token, too many
requests), each checked to leave nothing recorded."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web app's dependencies are not installed")
pytest.importorskip("argon2", reason="argon2-cffi is not installed")

OPERATOR = "operator passphrase"


def _app(home: Path, **env: str) -> Any:
    from fastapi.testclient import TestClient

    from artproof.services import build_services
    from artproof.settings import Settings
    from artproof.web.app import create_app

    settings = Settings.from_env({"ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": OPERATOR, **env})
    services = build_services(settings)
    if services.identities.repo.self_identity() is None:
        services.identities.init("The Registry", OPERATOR)
    return TestClient(create_app(settings))


def csrf(client: Any, path: str = "/verify") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[-400:]
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_up(client: Any, username: str, role: str, password: str = "a long password") -> None:
    token = csrf(client, "/signup")
    done = client.post(
        "/signup",
        data={"username": username, "display_name": username.title(), "password": password, "role": role,
              "csrf": token},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303, done.text[-400:]


def wait(client: Any, job_url: str) -> str:
    for _ in range(240):
        page = client.get(job_url, follow_redirects=False)
        if page.status_code == 303:
            return str(page.headers["location"])
        assert 'class="error"' not in page.text, page.text[-600:]
        time.sleep(0.25)
    raise AssertionError("the job did not finish")


def post(client: Any, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    return client.post(path, data={**data, "csrf": csrf(client, page or "/collection")}, follow_redirects=False)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ada (artist) makes, varies, picks, describes, seals and issues; sells edition 1 to Grace."""
    home = tmp_path_factory.mktemp("registry")
    ada, grace = _app(home), _app(home)
    sign_up(ada, "ada", "artist")
    sign_up(grace, "grace", "collector")
    made = post(ada, "/studio/create", {"prompt": "tide pools", "seed": 7, "size": "512x512", "engine": "cppn"})
    work = wait(ada, made.headers["location"])
    work_id = work.rsplit("/", 1)[1]
    varied = post(ada, f"{work}/vary", {"count": 4, "seed": 3})
    assert wait(ada, varied.headers["location"]).startswith(work)
    assert ada.get(work).text.count('name="choice"') == 4
    assert post(ada, f"{work}/select", {"choice": "c2"}).status_code == 303
    assert post(ada, f"{work}/describe", {"title": "Tide Pools", "series": "Shore", "year": "2026"}).status_code == 303
    assert post(ada, f"{work}/seal", {}).status_code == 303
    issued = post(ada, f"{work}/editions", {"count": 3, "proofs": 0, "licence": "display-only", "mark": "robust"})
    assert wait(ada, issued.headers["location"]) == f"/works/{work_id}#editions"
    editions = re.findall(r'href="/v/([0-9a-z-]+)">(\d) of 3<', ada.get(f"/works/{work_id}").text)
    first = dict((n, e) for e, n in editions)["1"]
    sold = post(ada, f"/v/{first}/transfer", {"to": "grace", "price": "900", "currency": "EUR"}, f"/v/{first}")
    assert sold.status_code == 303, sold.text[-400:]
    return {"home": home, "ada": ada, "grace": grace, "work": work_id, "editions": dict((n, e) for e, n in editions)}


def test_an_artists_story_reads_back_on_the_public_pages(story: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    anonymous = TestClient(story["ada"].app)
    gallery = anonymous.get("/gallery?series=Shore").text
    assert "Tide Pools" in gallery and "Algorithmic" in gallery and "2 of 3 editions left" in gallery
    assert "Tide Pools" not in anonymous.get("/gallery?series=Elsewhere").text
    page = anonymous.get(f"/works/{story['work']}").text
    for fact in ("human.select", "a human decision", "vary.candidates", "Inclusion proof", "Grace", "Ada"):
        assert fact in page, fact
    certificate = anonymous.get(f"/v/{story['editions']['1']}").text
    assert "Held by Grace" in certificate and "EUR 900" in certificate and "Sign the transfer" not in certificate
    assert anonymous.get(f"/v/{story['editions']['1']}/qr.svg").headers["content-type"] == "image/svg+xml"
    assert "Tide Pools" in story["grace"].get("/collection").text
    assert "Sign the transfer" in story["grace"].get(f"/v/{story['editions']['1']}").text  # the owner's form
    api = anonymous.get(f"/api/v1/works/{story['work']}").json()
    assert api["item"]["title"] == "Tide Pools" and [s["op"] for s in api["steps"]][:2] == [
        "generate.cppn",
        "vary.candidates",
    ]
    ledger = anonymous.get("/ledger?kind=ownership.transferred").text
    assert "ownership.transferred" in ledger and "edition.issued" not in ledger.split("<table")[1]
    # the studio's "Invisible mark" choice reached the editions: their certificates say so
    from artproof.editions.certificate import verify_certificate
    from artproof.services import build_services
    from artproof.settings import Settings

    services = build_services(Settings.from_env({"ARTPROOF_HOME": str(story["home"])}))
    record = services.editions.get(story["editions"]["2"])
    assert verify_certificate(record.certificate).watermark["mark"] == "robust"


def test_the_password_is_an_argon2_hash_and_the_key_is_sealed_under_it(story: dict[str, Any]) -> None:
    from sqlalchemy import create_engine, text

    from artproof.core.keys import decrypt_private_key
    from artproof.errors import WrongPassphrase
    from artproof.store.repository import SqlStore

    engine = create_engine(f"sqlite:///{story['home'] / 'artproof.db'}")
    with engine.connect() as c:
        stored = c.execute(text("select password_hash, key_id from accounts where username='ada'")).one()
        sessions = c.execute(text("select token_hash, sealed from web_sessions")).all()
    assert stored.password_hash.startswith("$argon2id$") and "a long password" not in stored.password_hash
    assert all(len(s.token_hash) == 64 and "a long password" not in s.sealed for s in sessions)
    record = next(r for r in SqlStore(engine).list_identities() if r.key_id == stored.key_id)
    assert record.secret is not None and not record.is_self
    decrypt_private_key(record.secret, "a long password")
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(record.secret, "another password")


def steps_of(story: dict[str, Any]) -> int:
    return len(story["ada"].get(f"/api/v1/works/{story['work']}").json()["steps"])


def test_refusals_leave_nothing_recorded(story: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    ada, grace, work = story["ada"], story["grace"], story["work"]
    before = steps_of(story)
    # another artist's work: refused, not hidden
    sign_up(bob := TestClient(ada.app), "bob", "artist")
    assert bob.get(f"/studio/works/{work}").status_code == 403
    assert post(bob, f"/studio/works/{work}/describe", {"title": "Mine now"}).status_code == 403
    assert post(bob, f"/studio/works/{work}/seal", {}).status_code == 403
    # a forged CSRF token, and none at all
    forged = ada.post(f"/studio/works/{work}/describe", data={"title": "Forged", "csrf": "x" * 43})
    assert forged.status_code == 403 and "security token" in forged.text
    assert ada.post(f"/studio/works/{work}/describe", data={"title": "Forged"}).status_code == 403
    # a collector in the studio
    assert grace.get("/studio").status_code == 403
    assert (
        post(grace, "/studio/create", {"prompt": "x", "seed": 1, "size": "512x512", "engine": "cppn"}).status_code
        == 403
    )
    assert steps_of(story) == before
    # a stranger's transfer: Ada sold edition 1 to Grace; neither Ada nor Bob can sign it over again
    first = story["editions"]["1"]
    for who, to in ((ada, "bob"), (bob, "ada")):
        refused = post(who, f"/v/{first}/transfer", {"to": to}, f"/v/{first}")
        assert refused.status_code == 403 and "do not own" in refused.text, refused.text.split("<main")[1][:600]
    chain = ada.get(f"/api/v1/editions/{first}").json()
    assert len(chain["transfers"]) == 1 and chain["chain"] == "valid" and chain["status"] == "issued"
    # not signed in: a page sends you to sign in, a form is refused
    anonymous = TestClient(ada.app)
    assert anonymous.get("/studio", follow_redirects=False).headers["location"] == "/signin?next=/studio"
    assert post(anonymous, f"/studio/works/{work}/seal", {}, "/verify").status_code == 401
    # an unregistered work's pictures stay private to its artist
    made = post(bob, "/studio/create", {"prompt": "private", "seed": 2, "size": "512x512", "engine": "cppn"})
    private = wait(bob, made.headers["location"]).rsplit("/", 1)[1]
    master = re.search(r'/works/[a-z0-9]+/assets/([^"?]+)\.png', bob.get(f"/studio/works/{private}").text)
    assert master is not None
    mine = bob.get(f"/works/{private}/assets/{master.group(1)}.png")
    assert mine.status_code == 200 and mine.headers["cache-control"] == "private, no-store"  # no shared cache keeps it
    assert anonymous.get(f"/works/{private}/assets/{master.group(1)}.png").status_code == 404
    assert anonymous.get(f"/works/{private}").status_code == 404


def test_an_expired_session_signs_you_out(story: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    client = TestClient(story["ada"].app)
    sign_up(client, "carol", "collector")
    assert client.get("/collection").status_code == 200
    engine = create_engine(f"sqlite:///{story['home'] / 'artproof.db'}")
    with engine.begin() as c:
        c.execute(text("update web_sessions set expires_at='2000-01-01T00:00:00+00:00' where username='carol'"))
    assert client.get("/collection", follow_redirects=False).headers["location"] == "/signin?next=/collection"
    with engine.connect() as c:
        assert c.execute(text("select count(*) from web_sessions where username='carol'")).scalar() == 0


def test_sign_in_sign_out_and_no_open_redirect(story: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(story["ada"].app)
    token = csrf(client, "/signin")
    wrong = client.post("/signin", data={"username": "ada", "password": "not it", "csrf": token})
    assert wrong.status_code == 401 and "ap_session" not in client.cookies
    right = client.post(
        "/signin",
        data={"username": "ada", "password": "a long password", "next": "https://evil.example/", "csrf": token},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/studio").status_code == 200
    assert post(client, "/signout", {}, "/studio").status_code == 303
    assert client.get("/studio", follow_redirects=False).status_code == 303
    taken = TestClient(story["ada"].app)
    token = csrf(taken, "/signup")
    again = taken.post("/signup", data={"username": "ada", "display_name": "Other", "password": "another password",
                                         "role": "artist", "csrf": token})  # fmt: skip
    assert again.status_code == 422 and "taken" in again.text


def test_the_api_needs_a_token_of_the_right_account(story: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    api = TestClient(story["ada"].app)
    body = {"prompt": "api tide", "seed": 5, "size": "512x512", "engine": "cppn"}
    assert api.post("/api/v1/works", json=body).status_code == 401
    assert api.post("/api/v1/works", json=body, headers={"Authorization": "Bearer ap_nonsense"}).status_code == 401
    wrong = api.post("/api/v1/tokens", data={"username": "ada", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "NotSignedIn"
    tokens = {
        who: api.post("/api/v1/tokens", data={"username": who, "password": "a long password"}).json()["token"]
        for who in ("ada", "grace")
    }
    as_grace = {"Authorization": f"Bearer {tokens['grace']}"}
    assert api.post("/api/v1/works", json=body, headers=as_grace).status_code == 403
    made = api.post("/api/v1/works", json=body, headers={"Authorization": f"Bearer {tokens['ada']}"})
    assert made.status_code == 201 and made.json()["steps"][0]["params"]["prompt"] == "api tide"
    second = story["editions"]["2"]
    refused = api.post(f"/api/v1/editions/{second}/transfer", json={"to": "grace"}, headers=as_grace)
    assert refused.status_code == 403 and refused.json()["error"] == "Forbidden"
    assert api.post("/api/v1/works", json={**body, "size": "9x9"}, headers=as_grace).status_code == 422


def test_verify_and_sign_in_are_rate_limited(tmp_path: Path) -> None:
    client = _app(tmp_path / "home", ARTPROOF_RATE_VERIFY="2", ARTPROOF_RATE_LOGIN="1")
    answers = [client.post("/api/v1/verify", files={"file": ("x.png", b"junk", "image/png")}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "wait" in answers[2].json()["hint"]
    token = csrf(client, "/signin")
    tries = [client.post("/signin", data={"username": "x", "password": "y" * 8, "csrf": token}) for _ in range(2)]
    assert [t.status_code for t in tries] == [401, 429]


def test_the_operator_makes_an_admin_on_the_command_line(story: dict[str, Any]) -> None:
    from tests.integration.inproc import call

    env = {"ARTPROOF_ACCOUNT_PASSWORD": "an admin password"}
    made = call(story["home"], "account", "add", "root", "--name", "Registry Admin", "--role", "admin", "--json",
                env=env)  # fmt: skip
    assert made.code == 0, made.stderr
    assert made.json()["role"] == "admin" and len(made.json()["key_id"]) == 16
    listed = call(story["home"], "account", "list", "--json").json()
    assert {"ada", "grace", "root"} <= {a["username"] for a in listed}
    again = call(story["home"], "account", "add", "root", "--name", "X", env=env)
    assert again.code == 2 and "taken" in again.stderr
    short = call(story["home"], "account", "add", "newbie", "--name", "N", env={"ARTPROOF_ACCOUNT_PASSWORD": "short"})
    assert short.code == 2 and "too short" in short.stderr


def test_the_verify_page_shows_the_process_the_credentials_tree_and_matches(
    story: dict[str, Any], external: Path, tmp_path: Path
) -> None:
    import io

    from fastapi.testclient import TestClient
    from PIL import Image

    client = TestClient(story["ada"].app)
    token = csrf(client)
    edition = next((story["home"] / "web" / "editions" / story["work"]).glob("*-2of3.png"))
    buffer = io.BytesIO()
    Image.open(edition).convert("RGB").save(buffer, "JPEG", quality=80)
    page = client.post("/verify", files={"file": ("repost.jpg", buffer.getvalue(), "image/jpeg")}, data={"csrf": token})
    text = page.text
    assert "authentic edition" in text and "How it was made" in text and "human.select" in text
    assert "Possible matches in this registry" in text and f'href="/works/{story["work"]}"' in text
    outside = (external / "c2pa" / "c2pa-rs" / "CA.jpg").read_bytes()  # the reference implementation's test file
    tree = client.post("/verify", files={"file": ("CA.jpg", outside, "image/jpeg")}, data={"csrf": token}).text
    assert "Content Credentials</h3>" in tree and "C2PA Signer" in tree and "A.jpg" in tree and "parentOf" in tree
    assert "Possible matches" not in tree
    a1111 = (external / "a1111" / "automatic1111_cropped.png").read_bytes()  # another tool's render, unsigned
    said = client.post("/verify", files={"file": ("duck.png", a1111, "image/png")}, data={"csrf": token}).text
    assert "What the file says about itself" in said and "AUTOMATIC1111" in said
    assert "photo of a duck" in said and "235284042" in said and "nobody signed it" in said


def test_a_collectors_catalog_is_their_own(story: dict[str, Any], poppler: None, tmp_path: Path) -> None:
    import subprocess

    from tests.integration.inproc import call

    grace, ada, first = story["grace"], story["ada"], story["editions"]["1"]
    refused = post(ada, "/collection/catalog", {"edition_id": first})  # Ada sold it: not hers to catalogue
    assert refused.status_code == 403
    assert post(grace, "/collection/catalog", {"edition_id": first}).status_code == 303
    page = grace.get("/collection").text
    item = re.search(r"item ([0-9a-z]{10})", page)
    assert item is not None and "Add to my catalog" not in page
    valued = post(grace, f"/collection/catalog/{item.group(1)}/value", {"fmv": "1500", "insurance": "2000.50",
                                                                      "currency": "EUR"})  # fmt: skip
    assert valued.status_code == 303
    assert post(grace, f"/collection/catalog/{item.group(1)}/locate", {"location": "Vault B"}).status_code == 303
    bad = post(grace, f"/collection/catalog/{item.group(1)}/value", {"fmv": "lots", "currency": "EUR"})
    assert bad.status_code == 422
    page = grace.get("/collection").text
    assert "EUR 1500" in page and "EUR 2000.50" in page and "Vault B" in page
    report = grace.get("/collection/reports/insurance.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    (tmp_path / "insurance.pdf").write_bytes(report.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "insurance.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Tide Pools" in text and "2000.50" in text
    ada_catalog = ada.get("/collection").text.split('id="catalog"')[1].split("<h2")[0]
    assert "Tide Pools" not in ada_catalog and "Nothing catalogued yet" in ada_catalog  # Ada's catalog is empty
    assert post(ada, f"/collection/catalog/{item.group(1)}/locate", {"location": "Mine"}).status_code == 404
    home_catalog = call(story["home"], "catalog", "list", "--json")  # the operator's own catalog, on the CLI
    assert home_catalog.code == 0 and home_catalog.json() == []


def test_every_page_answers_a_visitor_and_the_artist(story: dict[str, Any]) -> None:
    """Every GET page: a visitor gets it or is sent to sign in; the artist gets it (no 500 anywhere)."""
    from fastapi.testclient import TestClient

    ada, work, first = story["ada"], story["work"], story["editions"]["1"]
    master = ada.get(f"/api/v1/works/{work}").json()["item"]["master"]
    public = ["/", "/gallery?q=tide", f"/works/{work}", f"/works/{work}/assets/{master}.png?w=100", "/exhibitions",
              "/verify", f"/v/{first}", f"/v/{first}/picture.png", f"/v/{first}/qr.svg", "/ledger?kind=work.sealed",
              "/ledger/view/0", "/ledger/checkpoint", "/signup", "/signin", "/openapi.json"]  # fmt: skip
    private = ["/account", "/studio", f"/studio/works/{work}", f"/studio/works/{work}/damage.png?detect=holes",
               f"/studio/works/{work}/master.png", f"/studio/works/{work}/pack.pdf", "/collection"]  # fmt: skip
    visitor = TestClient(ada.app)
    for path in public:
        assert visitor.get(path).status_code == 200, path
    for path in private:
        answer = visitor.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next="), path
    for path in public + private:
        answer = ada.get(path)
        assert answer.status_code == 200, (path, answer.text[-300:])
    assert ada.get(f"/studio/works/{work}/pack.pdf").content.startswith(b"%PDF")
    assert visitor.get("/works/nosuchwork").status_code == 404 and visitor.get("/v/zzzzz-zzzzz-zzzz").status_code == 404


def test_the_server_refuses_to_start_with_a_wrong_operator_passphrase(story: dict[str, Any]) -> None:
    from tests.integration.inproc import call

    wrong = call(story["home"], "serve", "--port", "1", passphrase="not the operator's")
    assert wrong.code == 5 and "passphrase" in wrong.stderr.lower() and "Traceback" not in wrong.stderr


def test_ingredient_thumbnails_only_from_their_own_claim_or_a_trusted_signer(external: Path, tmp_path: Path) -> None:
    from tests.integration.inproc import call

    home = tmp_path / "home"
    client = _app(home)
    token = csrf(client)

    def shown(name: str, data: bytes) -> list[str]:
        page = client.post("/verify", files={"file": (name, data, "image/jpeg")}, data={"csrf": token}).text
        return re.findall(r'<img class="ingredient" src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)

    outside = (external / "c2pa" / "c2pa-rs" / "CA.jpg").read_bytes()
    assert shown("CA.jpg", outside) == []  # an untrusted signer's picture of "the original": not shown
    anchors = external / "c2pa" / "trust" / "test_cert_root_bundle.pem"
    assert call(home, "trust", "add", str(anchors), passphrase=OPERATOR).code == 0
    assert shown("CA.jpg", outside) == ["thumbnail of the ingredient A.jpg (from the trusted signer)"]
    imported = call(home, "import", str(external / "c2pa" / "c2pa-rs" / "C.jpg"), "--json", passphrase=OPERATOR)
    work = imported.json()[0]["work_id"]
    assert call(home, "seal", work, "-o", str(tmp_path / "sealed.jpg"), passphrase=OPERATOR).code == 0
    sealed = shown("sealed.jpg", (tmp_path / "sealed.jpg").read_bytes())
    assert sealed == ["thumbnail of the ingredient C.jpg (from its own credentials)"]


def test_crop_and_a_hand_edit_stay_private_until_registered(story: dict[str, Any]) -> None:
    import io

    from fastapi.testclient import TestClient
    from PIL import Image, ImageDraw

    ada, work = story["ada"], story["work"]
    public_before = ada.get(f"/api/v1/works/{work}").json()
    assert post(ada, f"/studio/works/{work}/edit", {"operation": "crop", "box": "0,0,400,400"}).status_code == 303
    master = re.search(
        r'<img class="picture" src="/works/[a-z0-9]+/assets/([^".]+)\.png', ada.get(f"/studio/works/{work}").text
    )
    assert master is not None
    picture = Image.open(io.BytesIO(ada.get(f"/works/{work}/assets/{master.group(1)}.png?w=1600").content)).convert(
        "RGB"
    )
    assert picture.size == (400, 400)
    ImageDraw.Draw(picture).rectangle((40, 40, 200, 120), fill=(250, 240, 10))  # painted by hand, elsewhere
    edited = io.BytesIO()
    picture.save(edited, "PNG")
    done = ada.post(
        f"/studio/works/{work}/hand-edit",
        files={"file": ("retouched.png", edited.getvalue(), "image/png")},
        data={"tool": "Krita 5.2", "note": "a yellow bar", "csrf": csrf(ada, "/studio")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-300:]
    studio = ada.get(f"/studio/works/{work}").text
    assert "edit.crop" in studio and "edit.external" in studio and "Krita 5.2" in studio
    public = TestClient(ada.app).get(f"/works/{work}").text
    assert "edit.external" not in public and "edit.crop" not in public  # not registered yet: private
    assert ada.get(f"/api/v1/works/{work}").json() == public_before
    assert TestClient(ada.app).get(f"/works/{work}/assets/{master.group(1)}.png").status_code == 404
    assert post(ada, f"/studio/works/{work}/seal", {}).status_code == 303  # registered: now public
    after = ada.get(f"/api/v1/works/{work}").json()
    assert [s["op"] for s in after["steps"]][-2:] == ["edit.crop", "edit.external"]
    assert 0.05 < after["human_pixel_share"] < 0.2  # the yellow bar: 161x81 of 400x400 px, 8 %
    # the hand edit undone from the studio: the cropped picture is the current one again, a step of its own
    page = ada.get(f"/studio/works/{work}").text
    assert "back to the image of step" in page and "(edit.crop)" in page
    assert post(ada, f"/studio/works/{work}/undo", {}, "/studio").status_code == 303
    page = ada.get(f"/studio/works/{work}").text
    current = re.search(r'<img class="picture" src="/works/[a-z0-9]+/assets/([^".]+)\.png', page)
    assert current is not None and current.group(1) == master.group(1)
    assert "human.revert" in page and "edit.external" in page  # the undone step stays in the record
    assert "a return to an earlier image" in page and "painted none of its pixels" in page
    assert post(TestClient(ada.app), f"/studio/works/{work}/undo", {}, "/verify").status_code == 401
